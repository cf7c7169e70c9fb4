"""Prevention works with aggregates only, protected before they are shown: every signed-in user
may look at them. The coordinator manages the municipality's risk groups and campaigns; the
institutions of a municipality report counts for it; a campaign's partners record outreach."""

from spona.accounts.models import User
from spona.core.roles import SIGNAL_ROLES, Role
from spona.institutions.access import coordinates, home_municipality
from spona.institutions.models import Municipality
from spona.policy import Permission
from spona.prevention.models import Campaign

PREVENTION_VIEW = Permission[None]("prevention_view")
RISK_GROUPS_MANAGE = Permission[Municipality]("risk_groups_manage")
COUNTS_REPORT = Permission[Municipality]("counts_report")
CAMPAIGN_MANAGE = Permission[Municipality]("campaign_manage")
OUTREACH_RECORD = Permission[Campaign]("outreach_record")

COUNT_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.COORDINATOR})


@PREVENTION_VIEW.rule
def _may_view(user: User, obj: None) -> bool:
    return True


@RISK_GROUPS_MANAGE.rule
@CAMPAIGN_MANAGE.rule
def _coordinates(user: User, municipality: Municipality | None) -> bool:
    return coordinates(user, municipality)


@COUNTS_REPORT.rule
def _reports_counts(user: User, municipality: Municipality | None) -> bool:
    """Institutions of a municipality report counts for it."""
    if user.role not in COUNT_ROLES or home_municipality(user) is None:
        return False
    return municipality is None or municipality.pk == home_municipality(user)


@OUTREACH_RECORD.rule
def _records_outreach(user: User, campaign: Campaign | None) -> bool:
    if campaign is None:
        return user.role in SIGNAL_ROLES
    if coordinates(user, campaign.municipality):
        return True
    return (
        user.role in SIGNAL_ROLES and campaign.partners.filter(pk=user.institution_id or 0).exists()
    )
