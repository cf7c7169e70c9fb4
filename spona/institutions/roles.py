"""Which roles an institution's accounts may hold, and what each role is called there.

What a user may do follows from two things only: the type of their institution and their role
in it (``spona.core.roles``). The roles are the same everywhere; an institution's type decides
which of them exist there, and a police case manager is called a duty officer, an employment
service case manager a counsellor. Every institution that the mandate matrix can give a duty has
a role that acts for it (``INSTITUTION_WIDE_ROLES``: triage what is routed to it, answer
referrals, see the cases it works on); docs/decisions.md ("Who acts for an institution") says why.

National roles exist only in the national Centre: a Centre officer there, never in a local
institution (an account with national reach cannot be made by a municipality's admin).
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spona.core.roles import Role
from spona.institutions.models import InstitutionType as T

#: Roles of every local institution that works with people: the professional who meets people
#: (frontline), the one who acts for the institution (case manager), their supervisor, and the
#: admin who manages the institution's accounts.
_LOCAL = frozenset({Role.FRONTLINE, Role.CASE_MANAGER, Role.SUPERVISOR, Role.INSTITUTION_ADMIN})

ROLES_BY_TYPE: dict[T, frozenset[Role]] = {
    **dict.fromkeys(T, _LOCAL),
    # the local self-government coordinates and plans; its social protection office acts on
    # referrals (housing, one-off financial support)
    T.LOCAL_GOVERNMENT: _LOCAL | {Role.COORDINATOR, Role.ANALYST},
    T.NATIONAL_CENTRE: frozenset(
        {Role.CENTRE_OFFICER, Role.SUPERVISOR, Role.ANALYST, Role.INSTITUTION_ADMIN}
    ),
}

#: Roles with reach beyond one municipality: they exist only in the national Centre.
NATIONAL_ROLES = frozenset({Role.CENTRE_OFFICER})

#: What a role is called in a type of institution, where it has a name of its own.
_TITLES: dict[tuple[T, Role], Promise] = {
    (T.POLICE, Role.FRONTLINE): _("Police officer"),
    (T.POLICE, Role.CASE_MANAGER): _("Duty officer"),
    (T.POLICE, Role.SUPERVISOR): _("Shift commander"),
    (T.SCHOOL, Role.FRONTLINE): _("Teacher or school staff"),
    (T.SCHOOL, Role.CASE_MANAGER): _("School protection team member"),
    (T.SCHOOL, Role.SUPERVISOR): _("Head of school"),
    (T.HEALTH, Role.FRONTLINE): _("Health worker"),
    (T.HEALTH, Role.CASE_MANAGER): _("Health social worker"),
    (T.EMPLOYMENT, Role.CASE_MANAGER): _("Employment counsellor"),
    (T.NGO, Role.CASE_MANAGER): _("NGO case worker"),
    (T.SERVICE_PROVIDER, Role.CASE_MANAGER): _("Service case worker"),
    (T.PROSECUTOR, Role.CASE_MANAGER): _("Deputy public prosecutor"),
    (T.COURT, Role.CASE_MANAGER): _("Court officer for victims and witnesses"),
    (T.LOCAL_GOVERNMENT, Role.CASE_MANAGER): _("Social protection officer"),
    (T.EMPLOYER, Role.CASE_MANAGER): _("Employer's contact person"),
}


def roles_for(institution_type: str | None) -> frozenset[Role]:
    """The roles an account may hold in an institution of this type (none without one, except
    the system admin, who belongs to no institution)."""
    if institution_type is None:
        return frozenset({Role.SYSTEM_ADMIN})
    return ROLES_BY_TYPE[T(institution_type)]


def role_title(role: str, institution_type: str | None) -> str:
    """The role's name in this type of institution (a police case manager: "Duty officer")."""
    if institution_type is not None:
        title = _TITLES.get((T(institution_type), Role(role)))
        if title is not None:
            return str(title)
    return str(Role(role).label)
