"""Who may see which statistics.

Dashboards: the Centre's officers and the analysts see the nation and any district or
municipality; a local coordinator sees their own municipality and its district. Centre
officers work with cases, so they see exact numbers; analysts and coordinators do not see
cases, so every number they get goes through ``spona.disclosure`` (counts from 1 to 10
suppressed, with secondary suppression; shares computed from the protected counts).

The HTCDS export (record-level, k-anonymous) is the Centre's: its officers only. The CTDC
reference dataset is public data: everyone who may see a dashboard may see it.
"""

from spona.accounts.models import User
from spona.core.roles import Role
from spona.policy import Permission

STATISTICS_VIEW = Permission[None]("statistics_view")
HTCDS_EXPORT = Permission[None]("htcds_export")

NATIONAL_ROLES = frozenset({Role.CENTRE_OFFICER, Role.ANALYST})
DASHBOARD_ROLES = NATIONAL_ROLES | {Role.COORDINATOR}
#: roles that see cases, so get exact numbers (everyone else: protected ones)
EXACT_ROLES = frozenset({Role.CENTRE_OFFICER})


@STATISTICS_VIEW.rule
def _may_view(user: User, obj: None) -> bool:
    return user.role in DASHBOARD_ROLES and (
        user.role in NATIONAL_ROLES or bool(user.institution and user.institution.municipality_id)
    )


@HTCDS_EXPORT.rule
def _may_export(user: User, obj: None) -> bool:
    return user.role == Role.CENTRE_OFFICER
