"""Need-to-know on cases.

The case team is derived, not stored: the institution that opened the case (it leads), the
institutions that received a referral of it that was not declined or revoked, and, for one user
and a short time, a break-glass grant. The lead institution sees the person; every other team
member sees the case itself (code, status, referrals, timeline) but the person's identity and
the case details only where the person consented to share that category with that type of
institution. Consent is checked on every read, so a withdrawal takes effect at the next page load.
"""

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from spona.accounts.models import User
from spona.cases.models import (
    BreakGlassGrant,
    Case,
    CaseStatus,
    Consent,
    DataCategory,
    Referral,
    ReferralStatus,
)
from spona.cases.referrals import STEPS, ReferralMove, Side
from spona.cases.workflow import TRANSITIONS, Decider, Transition
from spona.core.prepared import Shaped
from spona.core.roles import INSTITUTION_WIDE_ROLES, PERSON_ROLES, Role
from spona.institutions.models import Institution, InstitutionType
from spona.people.models import Person
from spona.policy import (
    ALL,
    Asked,
    Permission,
    active,
    holds,
    per_request,
    remembers,
    rows,
    sees,
    subquery,
)

CASE_VIEW = Permission[Case]("case_view")
CASE_TRANSITION = Permission[Transition]("case_transition")
CASE_REOPEN = Permission[Case]("case_reopen")
REFERRAL_ACT = Permission[ReferralMove]("referral_act")
REFERRAL_SEND = Permission[Case]("referral_send")
CONSENT_MANAGE = Permission[Case]("consent_manage")
"""The lead institution records and withdraws what the person agreed to share."""
BREAK_GLASS = Permission[None]("break_glass")
"""Emergency access to a case outside the team: roles that work on cases, not frontline."""
BREAK_GLASS_REVIEW = Permission[None]("break_glass_review")
"""The list of break-glass uses: supervisors (their institution's users) and the Centre (all)."""
REFERRAL_STATISTICS = Permission[None]("referral_statistics")
"""Who refers, how fast: exact for those who see cases, k-suppressed for analysts."""

STATISTICS_ROLES = frozenset({Role.CENTRE_OFFICER, Role.COORDINATOR, Role.ANALYST})


def glass_of(user: int, now: datetime) -> QuerySet[BreakGlassGrant, int]:
    """The keys of the cases the user opened with a break-glass grant live at ``now`` (a
    subquery: the scopes below use it without wrapping it in one of cases)."""
    grants = BreakGlassGrant.objects.filter(user=user, expires_at__gt=now)
    return grants.values_list("case", flat=True)


@per_request
def _glass_keys(user: User) -> QuerySet[BreakGlassGrant, int]:
    """:func:`glass_of` the user now."""
    return glass_of(user.pk, timezone.now())


@per_request
def glass_cases(user: User) -> QuerySet[Case]:
    """Cases this user opened with a break-glass grant that has not expired."""
    return Case.objects.filter(pk__in=_glass_keys(user))


def referred_to(institution: int) -> Q:
    """The referrals to ``institution`` that are not revoked or declined: their cases are the
    team's of every user who acts for the institution (:func:`team_cases`)."""
    return Q(to_institution=institution) & ~Q(
        status__in=[ReferralStatus.REVOKED, ReferralStatus.DECLINED]
    )


def _institution_team(institution: int, glass: Any) -> QuerySet[Case]:
    """:func:`team_cases` of a user of ``institution`` who acts for all of it: the cases it
    opened or received a (not revoked or declined) referral of, and ``glass``, the keys of the
    cases of the user's live break-glass grants (a subquery)."""
    referred = Referral.objects.filter(referred_to(institution))
    return Case.objects.filter(
        Q(opened_by_institution=institution)
        | Q(pk__in=subquery(referred, "case"))
        | Q(pk__in=glass)
    )


def team_of(acting_for: int | None, glass: Any) -> QuerySet[Case]:
    """:func:`team_cases` of a user who acts for the institution ``acting_for`` (``None``: for
    none), ``glass`` the keys of the cases of the user's live break-glass grants."""
    if acting_for is None:
        return Case.objects.filter(pk__in=glass)
    return _institution_team(acting_for, glass)


def acting_for(user: User) -> int | None:
    """The institution whose cases are the user's team's (the roles that act for all of it)."""
    return user.institution_id if user.role in INSTITUTION_WIDE_ROLES else None


@per_request
def team_cases(user: User) -> QuerySet[Case]:
    """Cases the user's institution opened or received a (not revoked or declined) referral of,
    and the cases of the user's own break-glass grants."""
    if user.role not in PERSON_ROLES:
        return Case.objects.none()
    return team_of(acting_for(user), subquery(_glass_keys(user), "case"))


def _keys_by_glass(cases: QuerySet[Case], user: int, now: datetime) -> QuerySet[Case, Any]:
    """The keys of ``cases``, each with whether the user holds a break-glass grant of it."""
    grants = BreakGlassGrant.objects.filter(user=user, expires_at__gt=now, case=OuterRef("pk"))
    return cases.order_by().values_list("pk", Exists(grants))


def _team_keys_of(
    shape: None, *, acting: int | None, user: int, now: datetime
) -> QuerySet[Case, Any]:
    """:func:`team_cases`' keys, each with whether the user holds a live break-glass grant
    of it, of a user who acts for the institution ``acting`` (``None``: for none)."""
    return _keys_by_glass(team_of(acting, glass_of(user, now)), user, now)


#: Asked on every read-only request that checks a case: compiled once per process for each
#: shape (a user who acts for an institution, one who acts for none: break-glass alone).
_TEAM_KEYS = Shaped(_team_keys_of)


@per_request
def _team_keys(user: User) -> tuple[frozenset[int], frozenset[int]]:
    """The keys of the user's team cases, and of those among them the user opened by
    break-glass, in one query (a read-only request asks both many times)."""
    if user.role not in PERSON_ROLES:
        return frozenset(), frozenset()
    rows = _TEAM_KEYS(None, acting=acting_for(user), user=user.pk, now=timezone.now())
    team, glass = set(), set()
    for pk, by_glass in rows:
        team.add(pk)
        if by_glass:
            glass.add(pk)
    return frozenset(team), frozenset(glass)


def in_team(user: object, case: Case) -> bool:
    """Is this case one of the user's team's cases (break-glass included): may they see it?
    In a read-only request answered from the team's keys, read once."""
    if not (active(user) and isinstance(user, User)):
        return False
    if remembers():
        return case.pk in _team_keys(user)[0]
    return holds(team_cases(user), case.pk)


def in_own_team(user: User, case: Case) -> bool:
    """Is this case one of the user's team's cases, not by break-glass only?"""
    if remembers():
        team, glass = _team_keys(user)
        return case.pk in team and case.pk not in glass
    return holds(team_cases(user), case.pk) and not holds(glass_cases(user), case.pk)


def _consents(institution_type: str, category: str) -> QuerySet[Consent]:
    return Consent.objects.filter(
        institution_type=institution_type, category=category, withdrawn_at__isnull=True
    )


def sharing_of(
    team: QuerySet[Case],
    institution: int | None,
    institution_type: str | None,
    category: str,
    glass: Any,
) -> QuerySet[Case]:
    """:func:`cases_sharing` of the team cases ``team`` for a user of ``institution`` (of
    ``institution_type``; ``None``: of none), ``glass`` their break-glass cases' keys."""
    if institution is None or institution_type is None:
        return team.filter(pk__in=glass)
    return team.filter(
        Q(opened_by_institution=institution)
        | Q(pk__in=_consents(institution_type, category).values("case"))
        | Q(pk__in=glass)
    )


@per_request
def cases_sharing(user: User, category: str) -> QuerySet[Case]:
    """Team cases whose ``category`` of data this user may see: the lead institution's, those
    whose person consented to share it with this user's type of institution, and the user's
    break-glass cases."""
    institution = user.institution
    return sharing_of(
        team_cases(user),
        user.institution_id,
        None if institution is None else institution.type,
        category,
        subquery(_glass_keys(user), "case"),
    )


def consented_of(institution: int, institution_type: str, category: str) -> QuerySet[Case]:
    """:func:`consented_cases` of ``institution``, of ``institution_type``."""
    consented = _consents(institution_type, category).values("case")
    return Case.objects.filter(Q(opened_by_institution=institution) | Q(pk__in=consented))


@per_request
def consented_cases(institution: Institution | None, category: str) -> QuerySet[Case]:
    """Cases whose ``category`` of data the person lets ``institution`` read: those it leads
    and those with a live consent for its type of institution (team membership aside: a case
    conference also reaches invited institutions, and its content follows this scope)."""
    if institution is None:
        return Case.objects.none()
    return consented_of(institution.pk, institution.type, category)


def consent_scope_of(
    institution: int | None, institution_type: str | None, category: str, glass: Any
) -> QuerySet[Case]:
    """:func:`consent_scope` of a user of ``institution`` (of ``institution_type``; ``None``:
    of none), ``glass`` their break-glass cases' keys."""
    if institution is None or institution_type is None:
        return Case.objects.filter(pk__in=glass)
    scope = consented_of(institution, institution_type, category).values("pk")
    return Case.objects.filter(Q(pk__in=scope) | Q(pk__in=glass))


@per_request
def consent_scope(user: User, category: str) -> QuerySet[Case]:
    """:func:`consented_cases` for the user's institution, and the user's break-glass cases."""
    institution = user.institution
    return consent_scope_of(
        user.institution_id,
        None if institution is None else institution.type,
        category,
        _glass_keys(user),
    )


@per_request
def _consented_categories(user: User) -> dict[int, set[str]]:
    """Per team case of the user, the categories of data its person lets the user's type of
    institution see (a live consent): every category in one query."""
    institution = user.institution
    if institution is None:
        return {}
    consents = (
        Consent.objects.filter(
            institution_type=institution.type,
            withdrawn_at__isnull=True,
            case__in=team_cases(user).values("pk"),
        )
        .order_by()
        .values_list("case", "category")
    )
    categories: dict[int, set[str]] = {}
    for case, category in consents:
        categories.setdefault(case, set()).add(category)
    return categories


@per_request
def shares(user: object, case: Case, category: str) -> bool:
    """May this user see ``category`` of this case's data (consent, lead or break-glass)?

    :func:`cases_sharing`'s rule; in a read-only request answered from the team's keys and one
    read of the consents for every category, instead of a query per category."""
    if not (active(user) and isinstance(user, User)):
        return False
    if not remembers():
        return holds(cases_sharing(user, category), case.pk)
    team, glass = _team_keys(user)
    if case.pk not in team:
        return False
    if case.pk in glass:
        return True
    institution = user.institution
    return institution is not None and (
        case.opened_by_institution_id == institution.pk
        or category in _consented_categories(user).get(case.pk, ())
    )


def decides_identification(user: object, case: Case) -> bool:
    """Is this user's institution the one that decides this case's formal identification?"""
    return active(user) and isinstance(user, User) and _identifies(user, case)


@rows(Case)
def _team(user: User) -> Q:
    return Q(pk__in=subquery(team_cases(user)))


@rows(Referral)
def _team_referrals(user: User) -> Q:
    return Q(case__in=subquery(team_cases(user)))


@rows(Referral, within=_team_referrals)
def referred_here(user: User) -> Q | None:
    """The referrals to the institution the user acts for that are not revoked or declined
    (their cases are the team's by its definition): a part of :func:`_team_referrals` for a
    page that shows only these (the referrals to answer)."""
    institution = acting_for(user)
    return None if institution is None else referred_to(institution)


def _team_member(user: User) -> Asked | None:
    """A user of the roles that see persons as :func:`_team_people` asks them: the institution
    they act for, theirs and its type, and their key and the moment for their break-glass
    grants (:func:`cases_sharing`'s values)."""
    if user.role not in PERSON_ROLES:
        return None
    institution = user.institution
    values = {
        "acting": acting_for(user),
        "institution": user.institution_id,
        "institution_type": None if institution is None else institution.type,
        "user": user.pk,
        "now": timezone.now(),
    }
    return Asked(None, values)


@rows(Person, of=_team_member)
def _team_people(
    shape: None,
    *,
    acting: int | None,
    institution: int | None,
    institution_type: str | None,
    user: int,
    now: datetime,
) -> Q:
    """The case team sees the persons of its cases whose identity it may see (the cases of
    :func:`cases_sharing` the identity, for a user of these values)."""
    glass = subquery(glass_of(user, now), "case")
    team = team_of(acting, glass)
    sharing = sharing_of(team, institution, institution_type, DataCategory.IDENTITY, glass)
    return Q(pk__in=subquery(sharing, "person"))


@CASE_VIEW.rule
def _may_view(user: User, case: Case | None) -> bool:
    if case is None:
        return user.role in INSTITUTION_WIDE_ROLES
    return sees(user, case)


def _is_case_supervisor(user: User, case: Case) -> bool:
    return user.role == Role.SUPERVISOR and case.opened_by_institution_id == user.institution_id


def _identifies(user: User, case: Case) -> bool:
    """Formal identification: the Centre for adults, the guardianship authority for children."""
    institution = user.institution
    if user.role not in INSTITUTION_WIDE_ROLES or institution is None:
        return False
    if case.is_child:
        return (
            institution.type == InstitutionType.SOCIAL_WELFARE
            and institution.municipality_id == case.municipality_id
        )
    return institution.type == InstitutionType.NATIONAL_CENTRE


def _works_on(user: User, case: Case) -> bool:
    """A case manager or supervisor of a team institution (not by break-glass) who may see the
    case's details."""
    if user.role not in {Role.CASE_MANAGER, Role.SUPERVISOR}:
        return False
    return in_own_team(user, case) and shares(user, case, DataCategory.CASE_DETAILS)


@CASE_TRANSITION.rule
def _may_transition(user: User, move: Transition | None) -> bool:
    if move is None:
        return False
    decider = TRANSITIONS[CaseStatus(move.case.status)].get(CaseStatus(move.target))
    if decider == Decider.IDENTIFIER:
        return _identifies(user, move.case)
    if decider == Decider.SUPERVISOR:
        return _is_case_supervisor(user, move.case)
    if decider == Decider.TEAM:
        return _works_on(user, move.case)
    return False


@CASE_REOPEN.rule
def _may_reopen(user: User, case: Case | None) -> bool:
    return case is not None and _is_case_supervisor(user, case)


@REFERRAL_ACT.rule
def _may_act_on_referral(user: User, move: ReferralMove | None) -> bool:
    if move is None or user.role not in INSTITUTION_WIDE_ROLES:
        return False
    rule = STEPS[move.step]
    referral = move.referral
    if referral.status != rule.source:
        return False
    side = (
        referral.to_institution_id if rule.side == Side.RECEIVER else referral.from_institution_id
    )
    return side == user.institution_id


@REFERRAL_SEND.rule
def _may_refer(user: User, case: Case | None) -> bool:
    """Case managers and supervisors of the team refer a case on (not by break-glass)."""
    if user.role not in INSTITUTION_WIDE_ROLES or user.institution_id is None:
        return False
    if case is None:
        return True
    return in_own_team(user, case)


@CONSENT_MANAGE.rule
def _leads_case(user: User, case: Case | None) -> bool:
    return (
        case is not None
        and user.role in INSTITUTION_WIDE_ROLES
        and case.opened_by_institution_id == user.institution_id
    )


#: Roles that may open a case by break-glass: those that work on cases for their institution.
#: A frontline professional (a teacher, a nurse) raises a signal instead.
BREAK_GLASS_ROLES = INSTITUTION_WIDE_ROLES


def reviews_all_break_glass(user: User) -> bool:
    """The Centre reviews every break-glass use: its officers and its supervisors."""
    return user.role == Role.CENTRE_OFFICER or (
        user.role == Role.SUPERVISOR
        and user.institution is not None
        and user.institution.type == InstitutionType.NATIONAL_CENTRE
    )


@BREAK_GLASS.rule
def _may_break_glass(user: User, obj: None) -> bool:
    return user.role in BREAK_GLASS_ROLES and user.institution_id is not None


@BREAK_GLASS_REVIEW.rule
def _may_review_break_glass(user: User, obj: None) -> bool:
    return user.institution_id is not None and (
        user.role == Role.SUPERVISOR or reviews_all_break_glass(user)
    )


@rows(BreakGlassGrant)
def _break_glass_reviewed(user: User) -> Q | None:
    """A supervisor sees the uses by their own institution's users; the Centre sees all."""
    if not _may_review_break_glass(user, None):
        return None
    if reviews_all_break_glass(user):
        return ALL
    return Q(user__institution=user.institution_id)


@REFERRAL_STATISTICS.rule
def _may_see_referral_statistics(user: User, obj: None) -> bool:
    return user.role in STATISTICS_ROLES
