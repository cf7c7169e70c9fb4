"""Reads of cases: the case team's list, one case (audited) with its referrals and timeline,
the team and its consent, and who should lead the next step."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.accounts.selectors import receiving_later, receiving_users
from spona.audit.models import AuditAction
from spona.audit.services import audit, audit_listed
from spona.cases.access import (
    BREAK_GLASS_REVIEW,
    CASE_REOPEN,
    CASE_TRANSITION,
    CONSENT_MANAGE,
    REFERRAL_ACT,
    REFERRAL_SEND,
    acting_for,
    decides_identification,
    glass_of,
    in_team,
    referred_to,
    shares,
    team_of,
)
from spona.cases.filters import CaseFilter, ReferralFilter
from spona.cases.models import (
    BreakGlassGrant,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    Consent,
    DataCategory,
    Referral,
    ReferralStatus,
)
from spona.cases.panels import panels_for
from spona.cases.referrals import ReferralMove, ReferralStep
from spona.cases.workflow import Transition, phase_of, targets
from spona.coordination.models import MandateRole
from spona.coordination.selectors import with_role
from spona.core.display import label_of
from spona.core.links import reversed_url
from spona.core.listing import PAGE_SIZE, Listing, first_page, listing
from spona.core.prepared import Later, Prepared, Shaped, read_together
from spona.core.roles import PERSON_ROLES
from spona.core.work import Counted, counted, nothing_counted, read_counted
from spona.institutions.filters import reference_choices
from spona.institutions.models import Institution, InstitutionType, name_shown
from spona.people.models import Person
from spona.policy import active, can, require, seen, visible

#: Cases are listed and shown with their person's code only: a list or page of cases neither
#: reads nor decrypts anything else of the person (their names: nine decryptions a person).
_PERSON_UNSHOWN = [
    f"person__{field.name}"
    for field in Person._meta.concrete_fields
    if field.name not in {"id", "code"}
]


def _shown(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("person", "opened_by_institution", "municipality").defer(
        *_PERSON_UNSHOWN
    )


def case_list(*, user: User) -> QuerySet[Case]:
    return _shown(visible(user, Case))


def _to_institution(referrals: QuerySet[Referral], institution: int | None) -> QuerySet[Referral]:
    return referrals.filter(to_institution=institution).select_related("case", "from_institution")


def incoming_referrals(*, user: User) -> QuerySet[Referral]:
    return _to_institution(visible(user, Referral), user.institution_id)


_INCOMING_ORDER = ("-sent_at", "-pk")


def _first_cases(shape: None, *, acting: int | None, user: int, now: datetime) -> QuerySet[Case]:
    """The first page of :func:`case_list` and one case more, of a user who acts for the
    institution ``acting`` (``None``: for none), as ``visible`` reads the team's cases
    (``_team``: ``team_of`` with the user's break-glass grants live at ``now``)."""
    team = team_of(acting, glass_of(user, now)).values("pk")
    return _shown(Case.objects.filter(pk__in=team))[: PAGE_SIZE + 1]


def _first_incoming(
    shape: None, *, acting: int | None, institution: int | None, user: int, now: datetime
) -> QuerySet[Referral]:
    """The first page of :func:`incoming_referrals` and one more, as ``visible`` reads the
    team's referrals (``_team_referrals``: those of the team's cases)."""
    team = team_of(acting, glass_of(user, now)).values("pk")
    referrals = _to_institution(Referral.objects.filter(case__in=team), institution)
    return referrals.order_by(*_INCOMING_ORDER)[: PAGE_SIZE + 1]


#: The case list's first page, unfiltered (the view of the list most often asked): compiled
#: once per shape of user, not on every view (``spona.core.prepared``).
_FIRST_CASES = Shaped(_first_cases)
_FIRST_INCOMING = Shaped(_first_incoming)


def _first_pages(user: User) -> tuple[Listing[Case], Listing[Referral]]:
    """The case list's two lists unfiltered, their first pages read by the prepared queries;
    a list longer than a page is counted through the ORM."""
    acting, now = acting_for(user), timezone.now()
    first = _FIRST_CASES(None, acting=acting, user=user.pk, now=now)
    cases = first_page(first, lambda: case_list(user=user).count())
    incoming = _FIRST_INCOMING(
        None, acting=acting, institution=user.institution_id, user=user.pk, now=now
    )
    referrals = first_page(incoming, lambda: incoming_referrals(user=user).count())
    return (
        Listing(filters=CaseFilter(None), page=cases, page_param="page"),
        Listing(filters=ReferralFilter(None, prefix="r"), page=referrals, page_param="r-page"),
    )


def case_list_page(*, user: User, params: Mapping[str, Any] | None = None) -> dict[str, object]:
    """The case list page: one page of the team's cases (``CaseFilter``) and one of the
    referrals waiting for this institution (``ReferralFilter``, its fields prefixed ``r``),
    audited as one event naming only the cases and referrals shown. Asked with no search,
    filter or page (the list as the menu opens it), the first pages are read by queries
    prepared per shape of user (:func:`_first_pages`)."""
    cases: Listing[Case]
    referrals: Listing[Referral]
    if not params and active(user) and user.role in PERSON_ROLES:
        cases, referrals = _first_pages(user)
    else:
        cases = listing(CaseFilter, case_list(user=user), params)
        referrals = listing(
            ReferralFilter,
            incoming_referrals(user=user).order_by(*_INCOMING_ORDER),
            params,
            prefix="r",
        )
    audit_listed(user=user, purpose="case list", cases=cases.rows, referrals=referrals.rows)
    return {
        "filters": cases.filters,
        "cases": cases.page,
        "referral_filters": referrals.filters,
        "referrals": referrals.page,
    }


def _coded(code: str) -> QuerySet[Case]:
    return _shown(Case.objects.filter(code=code))


#: The case page's reads of one case, asked on every view of a case: their SQL compiled once
#: per process, the case's code or key its one parameter (``spona.core.prepared``).
_CODED = Prepared(_coded, "sample")


def case_get(*, user: User, code: str) -> Case:
    """The case of this code, if the user may see it: read by its code and asked of the case's
    scope (``in_team``: the team's keys, which the case page's other questions read too), not
    through the scope's subqueries."""
    found: list[Case] = _CODED(code)
    if not found or not in_team(user, found[0]):
        raise Http404
    case = found[0]
    seen(user, case)
    audit(AuditAction.READ, case, user=user)
    return case


#: What the case page shows of a referral and acts on (of its institutions: their names)
_REFERRAL_SHOWN = [
    "version", "case", "from_institution", "to_institution", "reason", "urgency", "status",
    "sent_at", "due_at", "decline_reason",
]  # fmt: skip


def _referrals_of(case: int) -> QuerySet[Referral]:
    referrals = Referral.objects.filter(case=case).select_related(
        "from_institution", "to_institution"
    )
    return referrals.only(*_REFERRAL_SHOWN, "from_institution__name", "to_institution__name")


_REFERRALS_OF = Prepared(_referrals_of, 0)


def case_referrals(case: Case) -> Later[list[Referral]]:
    """The case's referrals, newest first, with the institutions at both ends: read once for
    the case page's team, table, timeline and the steps it offers."""
    return _REFERRALS_OF.later(case.pk).then(lambda referrals: _of_case(case, referrals))


@dataclass(frozen=True)
class TeamMember:
    institution: Institution
    role: Promise


def case_team(case: Case, referrals: list[Referral] | None = None) -> list[TeamMember]:
    """The institutions on the case: the lead (who opened it) and those it was referred to
    (``referrals``: :func:`case_referrals`, read here if not given)."""
    team = [TeamMember(case.opened_by_institution, _("leads the case"))]
    on_team = {case.opened_by_institution_id}
    roles: dict[str, Promise] = {
        ReferralStatus.SENT: _("referred, not answered yet"),
        ReferralStatus.ACCEPTED: _("accepted the referral"),
        ReferralStatus.COMPLETED: _("completed its part"),
    }
    if referrals is None:
        referrals = case_referrals(case).get()
    for referral in sorted(referrals, key=lambda referral: referral.sent_at):
        if referral.status in roles and referral.to_institution_id not in on_team:
            on_team.add(referral.to_institution_id)
            team.append(TeamMember(referral.to_institution, roles[referral.status]))
    return team


def _nearby(municipality: int) -> QuerySet[Institution]:
    here = Q(municipality=municipality) | Q(municipality__isnull=True)
    return Institution.objects.filter(here, is_active=True)


_NEARBY = Prepared(_nearby, 0)


def nearby_institutions(case: Case) -> Later[list[Institution]]:
    """The active institutions of the case's municipality and the national ones, in the
    Serbian alphabet's order (the cached order of every active institution's name)."""
    if case.municipality_id is None:
        national = Institution.objects.filter(municipality__isnull=True, is_active=True)
        nearby: Later[list[Institution]] = Later(lambda: list(national))
    else:
        nearby = _NEARBY.later(case.municipality_id)
    return nearby.then(_in_name_order)


def _in_name_order(institutions: list[Institution]) -> list[Institution]:
    order = {key: place for place, (key, _label) in enumerate(reference_choices("institution"))}
    return sorted(institutions, key=lambda institution: order.get(institution.pk, len(order)))


def phase_institutions(
    case: Case, role: str = MandateRole.LEADS, nearby: list[Institution] | None = None
) -> list[Institution]:
    """The institutions here with ``role`` (leads, is informed...) in the case's current
    phase, by the municipality's mandate matrix (``nearby``: :func:`nearby_institutions`,
    read here if not given)."""
    types = set(with_role(case.municipality, phase_of(case), role))
    if nearby is None:
        nearby = nearby_institutions(case).get()
    return [institution for institution in nearby if institution.type in types]


def _grants_of(case: int, now: datetime) -> QuerySet[BreakGlassGrant]:
    grants = BreakGlassGrant.objects.filter(case=case, expires_at__gt=now)
    return grants.select_related("user")


def _consents_of(case: int) -> QuerySet[Consent]:
    return Consent.objects.filter(case=case)


_GRANTS_OF = Prepared(_grants_of, 0, timezone.now())
_CONSENTS_OF = Prepared(_consents_of, 0)


def active_grants(case: Case) -> Later[list[BreakGlassGrant]]:
    """The case's break-glass grants that have not expired, with their users."""
    return _GRANTS_OF.later(case.pk, timezone.now()).then(lambda grants: _of_case(case, grants))


def case_consents(case: Case) -> Later[list[Consent]]:
    """The case's consents, as ``case.consents`` orders them (withdrawn ones too)."""
    return _CONSENTS_OF.later(case.pk).then(lambda consents: _of_case(case, consents))


def _of_case[R: models.Model](case: Case, rows: list[R]) -> list[R]:
    """``rows`` of ``case`` with ``case`` set on each, as reading them through the case does."""
    for row in rows:
        row.case = case  # type: ignore[attr-defined]
    return rows


#: at most this many uses on one page of the review list
BREAK_GLASS_REVIEW_PAGE = 100


def break_glass_review(*, user: User, page: int = 1) -> tuple[list[BreakGlassGrant], bool]:
    """Break-glass uses this user reviews (``BREAK_GLASS_REVIEW``), newest first, a page at a
    time; whether an older page follows. Audited: the reasons may speak of a person."""
    require(user, BREAK_GLASS_REVIEW)
    start = (max(page, 1) - 1) * BREAK_GLASS_REVIEW_PAGE
    listed = list(
        visible(user, BreakGlassGrant)
        .select_related("case", "user", "user__institution")
        .order_by("-granted_at", "-pk")[start : start + BREAK_GLASS_REVIEW_PAGE + 1]
    )
    more = len(listed) > BREAK_GLASS_REVIEW_PAGE
    listed = listed[:BREAK_GLASS_REVIEW_PAGE]
    audit(
        AuditAction.READ,
        user=user,
        purpose="break_glass_review",
        details={"break_glass_grants": [g.pk for g in listed]},
    )
    return listed, more


def answerers(institution: Institution) -> list[User]:
    """Who answers for an institution: its case managers, supervisors and Centre officers."""
    return list(receiving_users(institution))


def _unreachable(
    nearby: list[Institution], receiving: frozenset[int], sender: Institution | None
) -> list[Institution]:
    """Institutions of the case's municipality, and national ones (``nearby``:
    :func:`nearby_institutions`), that nobody can answer for (not ``receiving``:
    :func:`receiving_institutions`): the referral form says so instead of offering them."""
    return [
        institution
        for institution in nearby
        if institution.pk not in receiving and (sender is None or institution.pk != sender.pk)
    ]


def overdue_referrals(*, user: User) -> QuerySet[Referral]:
    """Referrals of the user's institution, sent or received, unanswered past their due time."""
    if user.institution_id is None:
        return Referral.objects.none()
    return (
        visible(user, Referral)
        .filter(status=ReferralStatus.SENT, due_at__lt=timezone.now())
        .filter(Q(from_institution=user.institution_id) | Q(to_institution=user.institution_id))
        .select_related("case", "from_institution", "to_institution")
        .order_by("due_at")
    )


#: What the home page shows of a referral (its case's code, when it is due, how urgent).
_WAITING_SHOWN = ("case__code", "due_at", "urgency")


def _waiting(referrals: QuerySet[Referral], institution: str, now: datetime) -> QuerySet[Referral]:
    """Referrals not answered yet, soonest due first, as the home page counts and shows
    them: with the name of the other ``institution`` (``from_institution``, ``to_institution``)."""
    waiting = referrals.filter(status=ReferralStatus.SENT).select_related("case", institution)
    waiting = waiting.only(*_WAITING_SHOWN, f"{institution}__name").order_by("due_at", "pk")
    return counted(waiting, Q(due_at__lt=now))


def _to_answer(shape: None, *, institution: int, now: datetime) -> QuerySet[Referral]:
    """The referrals to ``institution`` nobody has answered yet: of the one row scope that
    grants them (``referred_here``, within the team's by its definition)."""
    return _waiting(Referral.objects.filter(referred_to(institution)), "from_institution", now)


def _unanswered(shape: None, *, user: int, institution: int, now: datetime) -> QuerySet[Referral]:
    """The referrals ``institution`` sent on its team's cases that nobody has answered yet
    (an institution can leave a case's team after it referred the case)."""
    team = team_of(institution, glass_of(user, now)).values("pk")
    sent = Referral.objects.filter(case__in=team, from_institution=institution)
    return _waiting(sent, "to_institution", now)


#: The home page's referral sections: compiled once per process.
_TO_ANSWER = Shaped(_to_answer)
_UNANSWERED = Shaped(_unanswered)


def referrals_to_answer(*, user: User) -> Counted[Referral]:
    """The first referrals to the user's institution nobody has answered yet, soonest due
    first, how many wait and how many are overdue (``read_counted``), for those who answer
    for it (case managers, supervisors, Centre officers): once read (``Shaped.later``)."""
    institution = acting_for(user) if active(user) else None
    if institution is None:
        return nothing_counted()
    return _TO_ANSWER.later(None, institution=institution, now=timezone.now()).then(read_counted)


def referrals_unanswered(*, user: User) -> Counted[Referral]:
    """The first referrals the user's institution sent that are not answered yet, soonest
    due first, how many and how many overdue (``read_counted``): once read."""
    institution = acting_for(user) if active(user) else None
    if institution is None:
        return nothing_counted()
    return _UNANSWERED.later(None, user=user.pk, institution=institution, now=timezone.now()).then(
        read_counted
    )


def open_cases_count(municipality: int) -> int:
    """Open cases of the municipality (an aggregate: publish it through ``spona.disclosure``)."""
    return Case.objects.filter(municipality=municipality).exclude(status=CaseStatus.CLOSED).count()


def overdue_referrals_count(municipality: int) -> int:
    """Referrals on the municipality's cases unanswered past their due time (an aggregate)."""
    return Referral.objects.filter(
        case__municipality=municipality, status=ReferralStatus.SENT, due_at__lt=timezone.now()
    ).count()


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the case as the timeline shows it: when, its kind, what it says beyond
    that (and where it links), and who: the actor's role and their institution's name as
    written (no role: the system; no name: an actor of no institution)."""

    at: datetime
    kind: str
    detail: str
    link: str = ""
    role: str | None = None
    institution: str | None = None


def _label(choices: type[models.TextChoices], value: object, language: str | None) -> str:
    """The label of ``value`` among ``choices`` in ``language`` (empty outside them), as the
    field of those choices shows it (``label_of``: translated once per language, not a lazy
    text translated at every event)."""
    if not isinstance(value, str) or value not in _values(choices):
        return ""
    return str(_labelled(choices)(value, language))


@cache
def _values(choices: type[models.TextChoices]) -> frozenset[str]:
    """A choice class's values, read once per process (the class's ``values`` builds its
    list at every use)."""
    return frozenset(choices.values)


#: the field that shows each choice class of the timeline's events
_SHOWN_BY: dict[type[models.TextChoices], tuple[type[models.Model], str]] = {
    CaseStatus: (Case, "status"),
    DataCategory: (Consent, "category"),
    InstitutionType: (Institution, "type"),
}


@cache
def _labelled(choices: type[models.TextChoices]) -> Callable[..., Any]:
    return label_of(*_SHOWN_BY[choices])


def _detail(
    kind: str, d: dict[str, Any], referrals: dict[int, Referral], language: str | None = None
) -> tuple[str, str]:
    """What one timeline event (its kind and details) says beyond its kind, and where it
    links (codes, not names); ``language``: the current one, asked once by the timeline for
    the institutions' names (``name_shown``) of all its events."""
    if kind == CaseEventKind.STATUS_CHANGED:
        moved = (
            _label(CaseStatus, d.get("from"), language),
            _label(CaseStatus, d.get("to"), language),
        )
        return " → ".join(moved), ""
    if kind.startswith("referral_") and (referral := referrals.get(d.get("referral", 0))):
        sender = name_shown(referral.from_institution.name, language)
        return f"{sender} → {name_shown(referral.to_institution.name, language)}", ""
    if kind in {CaseEventKind.CONSENT_GIVEN, CaseEventKind.CONSENT_WITHDRAWN}:
        category = _label(DataCategory, d.get("category"), language)
        return f"{category} · {_label(InstitutionType, d.get('type'), language)}", ""
    if kind == CaseEventKind.CONFERENCE and d.get("conference"):
        return d["conference"], reversed_url(
            "conferences:conference_detail", args=[d["conference"]]
        )
    if kind in {CaseEventKind.TASK_CREATED, CaseEventKind.TASK_DONE} and d.get("task"):
        return d["task"], reversed_url("conferences:task_detail", args=[d["task"]])
    if kind == CaseEventKind.PERSON_MERGED:
        return f"{d.get('from', '')} → {d.get('into', '')}", ""
    return "", ""


def timeline(
    case: Case, referrals: Later[list[Referral]] | None = None
) -> Later[list[TimelineEntry]]:
    """Every event of the case in order, each with what it concerns (``referrals``:
    :func:`case_referrals`, asked here if not given). The events are read as rows of what the
    timeline shows, not as events, users and institutions (three model instances an event)."""
    if referrals is None:
        referrals = case_referrals(case)
    return Later.of(_entries, _EVENTS_OF.later(case.pk), referrals)


def _entries(events: list[tuple[Any, ...]], referrals: list[Referral]) -> list[TimelineEntry]:
    by_key = {r.pk: r for r in referrals}
    language = get_language()
    return [
        TimelineEntry(at, kind, *_detail(kind, details, by_key, language), role, institution)
        for kind, at, details, role, institution in events
    ]


def _events_of(case: int) -> QuerySet[CaseEvent, Any]:
    events = CaseEvent.objects.filter(case=case)
    return events.values_list("kind", "at", "details", "actor__role", "actor__institution__name")


_EVENTS_OF = Prepared(_events_of, 0)


@dataclass(frozen=True)
class CasePermissions:
    """Everything one user may do on and see of one case, asked once for the case page."""

    sharing: dict[str, bool]
    """Per data category: may the user see it (lead, consent or break-glass)?"""
    see_decision: bool
    lead: bool
    """The lead institution: records consent, sees the emergency grants."""
    refer: bool
    reopen: bool
    targets: list[tuple[str, str]]
    """The statuses the user may move the case to, with their labels."""


def allowed_targets(user: User, case: Case) -> list[tuple[str, str]]:
    """The statuses this user may move the case to, with their labels."""
    return [
        (target, str(target.label))
        for target in targets(case)
        if can(user, CASE_TRANSITION, Transition(case, target))
    ]


def case_permissions(user: User, case: Case) -> CasePermissions:
    sharing = {category.value: shares(user, case, category) for category in DataCategory}
    return CasePermissions(
        sharing=sharing,
        see_decision=sharing[DataCategory.CASE_DETAILS] or decides_identification(user, case),
        lead=can(user, CONSENT_MANAGE, case),
        refer=can(user, REFERRAL_SEND, case),
        reopen=case.status == CaseStatus.CLOSED and can(user, CASE_REOPEN, case),
        targets=allowed_targets(user, case),
    )


def _with_steps(user: User, referrals: list[Referral]) -> list[tuple[Referral, list[ReferralStep]]]:
    """Each referral of the case with the steps the user may take on it."""
    return [
        (referral, [s for s in ReferralStep if can(user, REFERRAL_ACT, ReferralMove(referral, s))])
        for referral in referrals
    ]


def case_page(user: User, case: Case) -> dict[str, Any]:
    """What the case page shows of ``case`` (its access checked and its read audited:
    :func:`case_get`) beside its forms. What the user may do is asked first; then the reads
    that depend only on the case (referrals, nearby institutions, consents and grants to the
    lead, who can receive a referral to a sender, events, the other apps' panels) are asked
    and read together (``read_together``: one round trip on PostgreSQL, where each was one);
    what is read, and of whom, is what each selector reads alone."""
    may = case_permissions(user, case)
    referrals = case_referrals(case)
    nearby = nearby_institutions(case)
    consents = case_consents(case) if may.lead else Later.known(None)
    grants = active_grants(case) if may.lead else Later.known(None)
    receiving = receiving_later() if may.refer else Later.known(frozenset[int]())
    events = timeline(case, referrals)
    panels = panels_for(user, case)
    read_together(referrals, nearby, consents, grants, receiving, events, panels)
    return {
        "case": case,
        "may": may,
        "team": case_team(case, referrals.get()),
        "next_leads": phase_institutions(case, nearby=nearby.get()),
        "informed": phase_institutions(case, MandateRole.INFORMED, nearby.get()),
        "consents": consents.get(),
        "grants": grants.get(),
        "unreachable": _unreachable(nearby.get(), receiving.get(), user.institution)
        if may.refer
        else [],
        "referrals": _with_steps(user, referrals.get()),
        "timeline": events.get(),
        "panels": panels.get(),
    }
