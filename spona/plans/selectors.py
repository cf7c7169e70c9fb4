"""Reads: the plans, goals and reviews a user may see, reviews due, and the institution the
mandate matrix suggests for a goal."""

import base64
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.cases.access import glass_of, sharing_of, team_of
from spona.cases.models import Case, DataCategory
from spona.coordination.models import MandateRole
from spona.coordination.selectors import with_role
from spona.core.prepared import Later, Prepared, Shaped
from spona.core.roles import Role
from spona.core.work import Counted, counted, nothing_counted, read_counted
from spona.institutions.models import Institution, InstitutionType
from spona.plans.access import LEAD_ROLES, PLAN_ROLES, plans_of, sees_case_plans
from spona.plans.models import (
    Attachment,
    Domain,
    Goal,
    GoalStatus,
    Plan,
    PlanKind,
    PlanStatus,
    Review,
)
from spona.plans.workflow import ACTIVE
from spona.policy import active, visible

T = InstitutionType
#: which types of institution answer for each domain, the usual one first (the matrix's
#: leaders of the plan's phase come before the others)
DOMAIN_TYPES: dict[Domain, tuple[InstitutionType, ...]] = {
    Domain.SAFETY: (T.POLICE, T.SOCIAL_WELFARE, T.NATIONAL_CENTRE),
    Domain.ACCOMMODATION: (T.SERVICE_PROVIDER, T.SOCIAL_WELFARE, T.LOCAL_GOVERNMENT, T.NGO),
    Domain.HEALTH: (T.HEALTH,),
    Domain.PSYCHOLOGICAL: (T.HEALTH, T.NGO, T.SERVICE_PROVIDER),
    Domain.LEGAL: (T.NGO, T.PROSECUTOR, T.COURT, T.NATIONAL_CENTRE),
    Domain.DOCUMENTS: (T.POLICE, T.LOCAL_GOVERNMENT, T.SOCIAL_WELFARE),
    Domain.EDUCATION: (T.SCHOOL, T.EMPLOYMENT, T.NGO),
    Domain.EMPLOYMENT: (T.EMPLOYMENT, T.EMPLOYER, T.LOCAL_GOVERNMENT, T.NGO),
    Domain.INCOME: (T.SOCIAL_WELFARE, T.LOCAL_GOVERNMENT),
    Domain.FAMILY: (T.SOCIAL_WELFARE, T.NGO, T.NATIONAL_CENTRE),
    Domain.COMMUNITY: (T.LOCAL_GOVERNMENT, T.NGO, T.SOCIAL_WELFARE),
}


def plan_list(*, user: User) -> QuerySet[Plan]:
    return visible(user, Plan).select_related(
        "case", "lead_institution", "drafted_by", "coordinator"
    )


def plan_get(*, user: User, code: str) -> Plan:
    """One plan the user may see; the read is audited (a plan is case details)."""
    plan = plan_list(user=user).filter(code=code).first()
    if plan is None:
        raise Http404
    audit(AuditAction.READ, plan, user=user, details={"case": plan.case.code})
    return plan


def goals_of(plan: Plan) -> QuerySet[Goal]:
    return plan.goals.select_related("responsible_institution").prefetch_related(
        "referrals__referral__to_institution"
    )


def review_get(*, user: User, pk: int) -> Review:
    review = visible(user, Review).select_related("plan__case").filter(pk=pk).first()
    if review is None:
        raise Http404
    audit(AuditAction.READ, review, user=user, details={"plan": review.plan.code})
    return review


def goal_get(*, user: User, pk: int) -> Goal:
    goal = visible(user, Goal).select_related("plan__case").filter(pk=pk).first()
    if goal is None:
        raise Http404
    return goal


def responsible_options(case: Case, domain: str, kind: str) -> list[Institution]:
    """The active institutions here (and national ones) of the domain's types, those the
    mandate matrix says lead the plan's phase first, then in the domain's usual order."""
    types = DOMAIN_TYPES.get(Domain(domain), ()) if domain in Domain.values else ()
    phase = "integration" if kind == PlanKind.INTEGRATION else "protection"
    leading = set(with_role(case.municipality, phase, MandateRole.LEADS))
    rank = {kind_: (kind_ not in leading, index) for index, kind_ in enumerate(types)}
    here = Q(municipality=case.municipality_id) | Q(municipality__isnull=True)
    found = Institution.objects.filter(here, type__in=types, is_active=True)
    return sorted(found, key=lambda i: (rank[InstitutionType(i.type)], i.name))


def suggest_institution(case: Case, domain: str, kind: str) -> Institution | None:
    options = responsible_options(case, domain, kind)
    return options[0] if options else None


@dataclass(frozen=True)
class DueReview:
    review: Review
    overdue: bool


def _plans_of(case: int) -> QuerySet[Plan]:
    return Plan.objects.filter(case=case).only("code", "kind", "status").order_by("created_at")


def _coordinated_plans_of(case: int, coordinator: int) -> QuerySet[Plan]:
    return _plans_of(case).filter(coordinator=coordinator)


#: Asked on every view of a case: the SQL compiled once per process (``spona.core.prepared``).
_PLANS_OF = Prepared(_plans_of, 0)
_COORDINATED_PLANS_OF = Prepared(_coordinated_plans_of, 0, 1)


def case_plans(user: User, case: Case) -> Later[list[Plan]]:
    """``visible(user, Plan)`` of one case, as its page's panel shows them: asked of the case
    (``sees_case_plans``), not through the scope's subqueries."""
    if not active(user):
        return Later.known([])
    if sees_case_plans(user, case):
        return _PLANS_OF.later(case.pk)
    return _COORDINATED_PLANS_OF.later(case.pk, user.pk)


def _answered_by(user: int, lead_institution: int | None) -> Q:
    """Reviews of the plans ``user`` drafted or coordinates, and of those ``lead_institution``
    leads (``None``: the user's role does not answer for its institution's plans)."""
    mine = Q(plan__drafted_by=user) | Q(plan__coordinator=user)
    if lead_institution is not None:
        mine |= Q(plan__lead_institution=lead_institution)
    return mine


def _due_by(horizon: date) -> Q:
    return Q(held_at__isnull=True, plan__status__in=ACTIVE, due_on__lte=horizon)


def _horizon(today: date) -> date:
    return today + timedelta(days=settings.PLAN_REVIEW_NOTICE_DAYS)


def _leading(user: User) -> int | None:
    return user.institution_id if user.role in LEAD_ROLES else None


def reviews_due_rows(user: User, today: date) -> QuerySet[Review]:
    """Reviews of active plans this user answers for (the case lead's institution, the
    plan's drafter, its coordinator) due within ``PLAN_REVIEW_NOTICE_DAYS`` of ``today`` or
    overdue, the soonest due first."""
    return (
        visible(user, Review)
        .filter(_answered_by(user.pk, _leading(user)), _due_by(_horizon(today)))
        .select_related("plan__case")
        .order_by("due_on", "pk")
    )


def _reviews_due_shown(
    leads: bool,
    *,
    user: int,
    institution: int | None,
    institution_type: str | None,
    now: datetime | None,
    today: date,
    horizon: date,
) -> QuerySet[Review]:
    """:func:`reviews_due_rows` as the home page counts and shows them, for a user of these
    values (``leads``: of the lead roles, who see plans with the case details; the others
    of the section, coordinators, see the plans they coordinate)."""
    sharing = None
    if leads and now is not None:
        glass = glass_of(user, now)
        team = team_of(institution, glass)
        sharing = sharing_of(
            team, institution, institution_type, DataCategory.CASE_DETAILS, glass
        ).values("pk")
    seen = Review.objects.filter(plan__in=Plan.objects.filter(plans_of(user, sharing)).values("pk"))
    rows = seen.filter(
        _answered_by(user, institution if leads else None), _due_by(horizon)
    ).select_related("plan__case")
    shown = rows.only("reason", "due_on", "plan__code", "plan__case__code").order_by("due_on", "pk")
    return counted(shown, Q(due_on__lt=today))


#: The home page's plan reviews: compiled once per process for each shape of user.
_REVIEWS_DUE = Shaped(_reviews_due_shown)


def reviews_due_first(user: User, today: date) -> Counted[Review]:
    """The first of :func:`reviews_due_rows`, how many in all and how many overdue
    (``read_counted``), for the lead roles and coordinators."""
    if not active(user) or user.role not in LEAD_ROLES | {Role.COORDINATOR}:
        return nothing_counted()
    leads = user.role in LEAD_ROLES
    institution = user.institution if leads else None
    return _REVIEWS_DUE.later(
        leads,
        user=user.pk,
        institution=None if institution is None else institution.pk,
        institution_type=None if institution is None else institution.type,
        now=timezone.now() if leads else None,  # their break-glass cases
        today=today,
        horizon=_horizon(today),
    ).then(read_counted)


def reviews_due(user: User, *, today: date | None = None) -> list[DueReview]:
    """:func:`reviews_due_rows`, each marked overdue or not."""
    today = today or timezone.localdate()
    return [DueReview(review, review.due_on < today) for review in reviews_due_rows(user, today)]


def review_responsible(review: Review) -> list[User]:
    """Who is reminded of an overdue review: the drafter, the coordinator, and the
    supervisors of the lead institution."""
    plan = review.plan
    users = list(
        User.objects.filter(
            institution=plan.lead_institution_id, role=Role.SUPERVISOR, is_active=True
        )
    )
    users += [u for u in (plan.drafted_by, plan.coordinator) if u is not None]
    return users


def _here(case: Case) -> Q:
    return Q(municipality=case.municipality_id) | Q(municipality__isnull=True)


def institution_options(case: Case) -> QuerySet[Institution]:
    """The active institutions of the case's municipality and the national ones."""
    return Institution.objects.filter(_here(case), is_active=True).order_by("type", "name")


def coordinator_options(case: Case) -> QuerySet[User]:
    """Who may coordinate the person's integration: an active professional of an institution
    of the case's municipality, or a national one (the Centre)."""
    here = Q(institution__municipality=case.municipality_id) | Q(
        institution__municipality__isnull=True, institution__isnull=False
    )
    return User.objects.filter(here, is_active=True, role__in=PLAN_ROLES).order_by(
        "last_name", "first_name", "username"
    )


def attachment_open(*, user: User, pk: int) -> tuple[Attachment, bytes]:
    """An attachment of a plan the user may read, and its bytes; every download is audited."""
    attachment = (
        Attachment.objects.select_related("plan")
        .filter(plan__in=visible(user, Plan), pk=pk)
        .first()
    )
    if attachment is None:
        raise Http404
    audit(
        AuditAction.EXPORT,
        attachment,
        user=user,
        details={"plan": attachment.plan.code, "download": True},
    )
    return attachment, base64.b64decode(attachment.content)


@dataclass(frozen=True)
class GoalOutcomes:
    """Goals per domain (``Domain`` values) for statistics: counts only, no person."""

    set: Counter[str]  # goals of approved plans, added in the period
    met: Counter[str]  # goals achieved, of plans closed in the period
    not_met: Counter[str]  # goals not achieved, of plans closed in the period

    def closed(self, domain: str | None = None) -> int:
        """Goals closed met or not met (a dropped goal is neither: nobody measured it)."""
        if domain is None:
            return sum(self.met.values()) + sum(self.not_met.values())
        return self.met[domain] + self.not_met[domain]


def goal_outcomes(
    *, municipalities: list[int] | None, start: datetime, end: datetime
) -> GoalOutcomes:
    """Goals set and closed from ``start`` to ``end`` (exclusive) in cases of the
    municipalities (``None``: the nation). A goal is set when it is part of an approved plan
    (a draft that never got approved set nothing) and closed with its plan: the status at the
    plan's closure is the outcome (goals carry no date of their own)."""
    goals = Goal.objects.all()
    if municipalities is not None:
        goals = goals.filter(plan__case__municipality__in=municipalities)
    added = goals.filter(plan__approved_at__isnull=False, created_at__gte=start, created_at__lt=end)
    closed = goals.filter(
        plan__status=PlanStatus.CLOSED, plan__closed_at__gte=start, plan__closed_at__lt=end
    )

    def by_domain(rows: QuerySet[Goal]) -> Counter[str]:
        grouped = rows.values("domain").annotate(n=Count("pk")).order_by()
        return Counter({row["domain"]: row["n"] for row in grouped})

    return GoalOutcomes(
        set=by_domain(added),
        met=by_domain(closed.filter(status=GoalStatus.ACHIEVED)),
        not_met=by_domain(closed.filter(status=GoalStatus.NOT_ACHIEVED)),
    )
