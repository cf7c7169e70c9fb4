"""Demo plans at different stages on the demo cases (``plans_demo_load``; the workspace's
demo calls it after the cases exist). Safe to run twice: once any plan exists it adds none.

The first case gets an integration plan that is approved, with a service request sent to the
employment service and a review due soon, and a closed protection plan with a held review and outcomes;
the second a protection plan waiting for approval; the third a draft.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from spona.accounts.models import Role, User
from spona.cases.models import Case
from spona.core.urgency import Urgency
from spona.plans import services
from spona.plans.access import PLAN_DRAFT
from spona.plans.models import Domain, GoalStatus, OutcomeKind, Plan, PlanKind, Review
from spona.policy import can

GOALS = [
    (Domain.SAFETY, "Безбедан смештај док траје поступак", "Хоћу да будем на сигурном."),
    (Domain.LEGAL, "Бесплатна правна помоћ у кривичном поступку", "Да ми неко објасни суд."),
    (Domain.EMPLOYMENT, "Посао или пракса у струци", "Желим да радим као фризерка."),
    (Domain.DOCUMENTS, "Нова лична карта", ""),
]


def _staff(case: Case, role: Role) -> User | None:
    return (
        User.objects.filter(institution=case.opened_by_institution_id, role=role, is_active=True)
        .order_by("pk")
        .first()
    )


def _coordinator(case: Case) -> User | None:
    return (
        User.objects.filter(
            role=Role.COORDINATOR, institution__municipality=case.municipality_id, is_active=True
        )
        .order_by("pk")
        .first()
    )


def _draft(case: Case, manager: User, kind: str, goals: int) -> Plan:
    plan = services.plan_draft(
        user=manager,
        case=case,
        kind=kind,
        coordinator=_coordinator(case),
        summary="План је сачињен заједно са особом, на састанку у центру за социјални рад.",
        guardianship_decision=f"Решење органа старатељства бр. 551-{case.pk}/2026"
        if case.is_child
        else "",
    )
    for domain, text, own_words in GOALS[:goals]:
        services.goal_add(
            user=manager,
            plan=plan,
            domain=domain,
            text=text,
            own_words=own_words,
            target_date=timezone.localdate() + timedelta(days=120),
        )
    return plan


def _approve(plan: Plan, manager: User, supervisor: User) -> None:
    services.plan_submit(user=manager, plan=plan, expected_version=plan.version)
    services.plan_approve(user=supervisor, plan=plan, expected_version=plan.version)


def _closed_protection_plan(case: Case, manager: User, supervisor: User) -> None:
    plan = _draft(case, manager, PlanKind.PROTECTION, goals=2)
    _approve(plan, manager, supervisor)
    review = services.review_start(user=manager, plan=plan, expected_version=plan.version)
    goals = list(plan.goals.all())
    services.review_record(
        user=manager,
        review=review,
        expected_version=review.version,
        plan_version=plan.version,
        progress={
            goals[0]: services.Progress(GoalStatus.ACHIEVED, "Смештена у сигурну кућу."),
            goals[1]: services.Progress(GoalStatus.IN_PROGRESS, "Адвокат именован."),
        },
        summary="Заштита је обезбеђена; следи план интеграције.",
    )
    services.outcome_record(
        user=manager,
        plan=plan,
        domain=Domain.SAFETY,
        kind=OutcomeKind.HOUSED,
        on=timezone.localdate() - timedelta(days=30),
    )
    services.plan_close(user=manager, plan=plan, expected_version=plan.version)


def _active_integration_plan(case: Case, manager: User, supervisor: User) -> None:
    plan = _draft(case, manager, PlanKind.INTEGRATION, goals=4)
    _approve(plan, manager, supervisor)
    employment = plan.goals.get(domain=Domain.EMPLOYMENT)
    if employment.responsible_institution is not None:  # the employment service, from the matrix
        services.goal_refer(
            user=manager,
            goal=employment,
            to=employment.responsible_institution,
            urgency=Urgency.NORMAL,
            reason="Упис на курс и пракса у салону",
        )
    # the next review falls due soon, so it shows on the lists
    Review.objects.filter(plan=plan, held_at__isnull=True).update(
        due_on=timezone.localdate() + timedelta(days=7)
    )


@transaction.atomic
def plans_demo_load() -> list[str]:
    """Plans on the first three demo cases a case manager may plan for; nothing if any plan
    exists already. Returns the codes of the plans added."""
    if Plan.objects.exists():
        return []
    cases = []
    for case in Case.objects.filter(opened_by__role=Role.CASE_MANAGER).order_by("pk"):
        manager, supervisor = _staff(case, Role.CASE_MANAGER), _staff(case, Role.SUPERVISOR)
        if case.plans.exists() or manager is None or supervisor is None:
            continue
        if can(manager, PLAN_DRAFT, case):  # a presumed or identified victim's open case
            cases.append((case, manager, supervisor))
    for index, (case, manager, supervisor) in enumerate(cases[:3]):
        if index == 0:
            _closed_protection_plan(case, manager, supervisor)
            _active_integration_plan(case, manager, supervisor)
        elif index == 1:
            plan = _draft(case, manager, PlanKind.PROTECTION, goals=3)
            services.plan_submit(user=manager, plan=plan, expected_version=plan.version)
        else:
            _draft(case, manager, PlanKind.PROTECTION, goals=2)
    chosen = [case for case, _manager, _supervisor in cases[:3]]
    return list(Plan.objects.filter(case__in=chosen).values_list("code", flat=True))
