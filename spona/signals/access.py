"""Who sees and triages signals.

Whoever raised a signal sees it. The case managers and supervisors of the social welfare centre
and the police of its municipality triage it; the institution it was assigned to sees it; the
national Centre sees (and may triage) urgent signals and signals about a child.
"""

from django.db.models import Q

from spona.accounts.models import User
from spona.core.roles import INSTITUTION_WIDE_ROLES, SIGNAL_ROLES, Role
from spona.core.urgency import Urgency
from spona.institutions.models import InstitutionType
from spona.policy import Permission, rows, sees
from spona.signals.models import ChildInvolved, Signal

SIGNAL_RAISE = Permission[None]("signal_raise")
SIGNAL_VIEW = Permission[Signal]("signal_view")
SIGNAL_TRIAGE = Permission[Signal]("signal_triage")

TRIAGE_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR})
TRIAGE_INSTITUTION_TYPES = frozenset({InstitutionType.SOCIAL_WELFARE, InstitutionType.POLICE})


def triage_municipality(user: User) -> int | None:
    """The municipality whose signals this user triages, if any."""
    institution = user.institution
    if user.role in TRIAGE_ROLES and institution and institution.type in TRIAGE_INSTITUTION_TYPES:
        return institution.municipality_id
    return None


@rows(Signal)
def _signals(user: User) -> Q | None:
    if user.role not in SIGNAL_ROLES:
        return None
    scope = Q(raised_by=user)
    if (municipality := triage_municipality(user)) is not None:
        scope |= Q(municipality=municipality)
    if user.role == Role.CENTRE_OFFICER:
        scope |= ~Q(urgency=Urgency.NORMAL) | Q(child_involved=ChildInvolved.YES)
    if user.role in INSTITUTION_WIDE_ROLES:
        scope |= Q(assigned_institution=user.institution_id)
    return scope


@SIGNAL_RAISE.rule
def _may_raise(user: User, obj: None) -> bool:
    return user.role in SIGNAL_ROLES and user.institution_id is not None


@SIGNAL_VIEW.rule
def _may_view(user: User, signal: Signal | None) -> bool:
    if signal is None:
        return user.role in SIGNAL_ROLES
    return sees(user, signal)


@SIGNAL_TRIAGE.rule
def _may_triage(user: User, signal: Signal | None) -> bool:
    if signal is None:
        return triage_municipality(user) is not None or user.role == Role.CENTRE_OFFICER
    if signal.municipality_id == triage_municipality(user):
        return True
    return user.role == Role.CENTRE_OFFICER and signal.needs_centre
