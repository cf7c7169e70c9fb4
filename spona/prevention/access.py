"""Prevention works with aggregates only, protected before they are shown: every role that works
with data (not the administrators) may look at them; roles without case access get every number,
derived ones included, through disclosure control (``selectors.exact_for``). The coordinator manages the municipality's risk groups and campaigns; the
institutions of a municipality report counts for it; a campaign's partners record outreach."""

from django.db.models import Q

from spona.accounts.models import User
from spona.core.roles import (
    AGGREGATE_ROLES,
    INSTITUTION_WIDE_ROLES,
    PERSON_ROLES,
    SIGNAL_ROLES,
    Role,
)
from spona.institutions.access import coordinates, home_municipality
from spona.institutions.models import Municipality
from spona.policy import Permission, rows, sees
from spona.prevention.models import Campaign, PreventionFollowUp

PREVENTION_VIEW = Permission[None]("prevention_view")
RISK_GROUPS_MANAGE = Permission[Municipality]("risk_groups_manage")
COUNTS_REPORT = Permission[Municipality]("counts_report")
CAMPAIGN_MANAGE = Permission[Municipality]("campaign_manage")
OUTREACH_RECORD = Permission[Campaign]("outreach_record")

COUNT_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.COORDINATOR})


@PREVENTION_VIEW.rule
def _may_view(user: User, obj: None) -> bool:
    return user.role in AGGREGATE_ROLES


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


FOLLOW_UP_VIEW = Permission[PreventionFollowUp]("follow_up_view")
FOLLOW_UP_OPEN = Permission[None]("follow_up_open")
"""Opening a follow-up for a person found at risk: whoever screens people. The screening service
that opens it has checked the user may edit that screening."""
FOLLOW_UP_CLOSE = Permission[PreventionFollowUp]("follow_up_close")

FOLLOW_UP_ROLES = PERSON_ROLES | {Role.COORDINATOR}


@rows(PreventionFollowUp)
def _follow_ups(user: User) -> Q | None:
    """The coordinator sees the follow-ups of their municipality (persons by code only); the
    screening institution's case managers and supervisors, and the screener, see theirs."""
    if user.role not in FOLLOW_UP_ROLES:
        return None
    scope = Q(opened_by=user.pk)
    if user.role == Role.COORDINATOR and (home := home_municipality(user)) is not None:
        scope |= Q(municipality=home)
    if user.role in INSTITUTION_WIDE_ROLES:
        scope |= Q(institution=user.institution_id)
    return scope


@FOLLOW_UP_VIEW.rule
def _may_view_follow_up(user: User, follow_up: PreventionFollowUp | None) -> bool:
    if follow_up is None:
        return user.role in FOLLOW_UP_ROLES
    return sees(user, follow_up)


@FOLLOW_UP_OPEN.rule
def _may_open_follow_up(user: User, obj: None) -> bool:
    return user.role in PERSON_ROLES


@FOLLOW_UP_CLOSE.rule
def _closes_follow_up(user: User, follow_up: PreventionFollowUp | None) -> bool:
    """The coordinator of its municipality, or a case manager or supervisor of the institution
    that screened the person."""
    if follow_up is None:
        return user.role in {Role.COORDINATOR, *INSTITUTION_WIDE_ROLES}
    if user.role == Role.COORDINATOR:
        return follow_up.municipality is not None and coordinates(user, follow_up.municipality)
    return user.role in INSTITUTION_WIDE_ROLES and follow_up.institution_id == user.institution_id
