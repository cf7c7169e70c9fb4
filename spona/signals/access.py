"""Who sees and triages signals.

Whoever raised a signal sees it. The case managers and supervisors of the institutions that lead
identification in its municipality (the mandate matrix: by default the social welfare centre and
the police) triage it; the institution it was routed to triages it too (it may route it on or
dismiss it); the national Centre sees (and may triage) urgent signals and signals about a child.
"""

from django.db.models import Q

from spona.accounts.models import User
from spona.coordination.models import MandateRole
from spona.coordination.selectors import with_role
from spona.core.phases import Phase
from spona.core.roles import INSTITUTION_WIDE_ROLES, SIGNAL_ROLES, Role
from spona.core.urgency import Urgency
from spona.policy import Asked, Permission, per_request, rows, sees
from spona.signals.models import ChildInvolved, Signal

SIGNAL_RAISE = Permission[None]("signal_raise")
SIGNAL_VIEW = Permission[Signal]("signal_view")
SIGNAL_TRIAGE = Permission[Signal]("signal_triage")

TRIAGE_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR})


@per_request
def triage_municipality(user: User) -> int | None:
    """The municipality whose signals this user triages, if any: the case managers and
    supervisors of the institutions that lead identification there (the mandate matrix; by
    default the social welfare centre and the police)."""
    institution = user.institution
    if user.role not in TRIAGE_ROLES or institution is None or institution.municipality is None:
        return None
    leads = with_role(institution.municipality, Phase.IDENTIFICATION, MandateRole.LEADS)
    return institution.municipality_id if institution.type in leads else None


def triage_scope(user: User) -> Q | None:
    """The signals this user triages: their municipality's (if their institution leads
    identification there), those routed to their institution, and for the Centre the urgent
    ones and those about a child."""
    return triaged_by(
        triage_municipality(user), routed_to(user), national=user.role == Role.CENTRE_OFFICER
    )


def routed_to(user: User) -> int | None:
    """The institution whose routed signals the user triages: the roles that act for it."""
    return user.institution_id if user.role in INSTITUTION_WIDE_ROLES else None


def triaged_by(municipality: int | None, routed: int | None, *, national: bool) -> Q | None:
    """:func:`triage_scope` of a user who triages ``municipality``'s signals and those
    ``routed`` to their institution (``None``: none), and the Centre's share if ``national``."""
    scope = None
    if municipality is not None:
        scope = Q(municipality=municipality)
    if routed is not None:
        routed_here = Q(assigned_institution=routed)
        scope = routed_here if scope is None else scope | routed_here
    if national:
        centre = ~Q(urgency=Urgency.NORMAL) | Q(child_involved=ChildInvolved.YES)
        scope = centre if scope is None else scope | centre
    return scope


def _raiser(user: User) -> Asked | None:
    """The user as the signals they raised ask them: their key."""
    return Asked(None, {"user": user.pk}) if user.role in SIGNAL_ROLES else None


@rows(Signal, of=_raiser)
def _raised(shape: None, *, user: int) -> Q:
    return Q(raised_by=user)


def _triager(user: User) -> Asked | None:
    """The user as the signals they triage ask them (``triage_scope``): whether they are the
    Centre's (the shape), the municipality they triage and the institution whose routed
    signals they triage (``None``: none)."""
    if user.role not in SIGNAL_ROLES:
        return None
    values = {"municipality": triage_municipality(user), "routed": routed_to(user)}
    return Asked(user.role == Role.CENTRE_OFFICER, values)


@rows(Signal, of=_triager)
def triaged(national: bool, *, municipality: int | None, routed: int | None) -> Q | None:
    """The signals the user triages (``triaged_by``; ``None``: none)."""
    return triaged_by(municipality, routed, national=national)


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
        return triage_scope(user) is not None
    if signal.municipality_id == triage_municipality(user):
        return True
    routed_here = (
        signal.assigned_institution_id is not None
        and signal.assigned_institution_id == user.institution_id
    )
    if routed_here and user.role in INSTITUTION_WIDE_ROLES:
        return True
    return user.role == Role.CENTRE_OFFICER and signal.needs_centre
