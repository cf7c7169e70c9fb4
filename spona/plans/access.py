"""Who sees plans and who works on them.

A plan is case details: it is seen by whoever may see the case's details (the lead
institution, a team institution the person consented to share them with, a break-glass
grant), and by the integration coordinator it names. The case lead (a case manager or
supervisor of the lead institution) drafts, edits, reviews, requests services and closes; a
supervisor of the lead institution who did not draft it approves or refuses.
"""

from typing import Any

from django.db.models import Q

from spona.accounts.models import User
from spona.cases.access import REFERRAL_SEND, cases_sharing, shares
from spona.cases.models import Case, CaseStatus, DataCategory
from spona.core.roles import INSTITUTION_WIDE_ROLES, Role
from spona.plans.models import Goal, GoalStatus, Plan, PlanStatus, Review
from spona.plans.workflow import ACTIVE, EDITABLE, TRANSITIONS, Decider, PlanMove
from spona.policy import Permission, can, rows, sees, subquery

PLAN_VIEW = Permission[Plan]("individual_plan_view")
PLAN_DRAFT = Permission[Case]("individual_plan_draft")
"""Start a plan on a case: the case lead."""
PLAN_EDIT = Permission[Plan]("individual_plan_edit")
"""Change the plan and its goals: the case lead, while drafting or reviewing."""
PLAN_MOVE = Permission[PlanMove]("individual_plan_move")
GOAL_REFER = Permission[Goal]("plan_goal_refer")
"""Send a service request (a referral) for an open goal (planned or in progress) of an
active plan."""
REVIEW_MANAGE = Permission[Plan]("plan_review_manage")
"""Ask for an earlier review, hold a review: the case lead, on an active plan."""
OUTCOME_RECORD = Permission[Plan]("plan_outcome_record")
ATTACHMENT_ADD = Permission[Plan]("plan_attachment_add")
"""The case lead keeps certificates, decisions and scans with an open plan."""

PLAN_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR, Role.CENTRE_OFFICER, Role.COORDINATOR})
LEAD_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR})
#: a plan is made for a presumed or identified victim
PLANNED_CASES = frozenset(
    {
        CaseStatus.PRESUMED_VICTIM,
        CaseStatus.IDENTIFIED,
        CaseStatus.PROTECTION,
        CaseStatus.INTEGRATION,
    }
)


def plans_of(user: int, sharing: Any) -> Q:
    """:func:`_plans` of ``user``: those they coordinate, and those of the cases ``sharing``
    their details with the user (a subquery; ``None``: the user's role sees plans only as
    their coordinator)."""
    scope = Q(coordinator=user)
    if sharing is not None:
        scope |= Q(case__in=sharing)
    return scope


@rows(Plan)
def _plans(user: User) -> Q:
    sharing = None
    if user.role in INSTITUTION_WIDE_ROLES:
        sharing = subquery(cases_sharing(user, DataCategory.CASE_DETAILS))
    return plans_of(user.pk, sharing)


def sees_case_plans(user: User, case: Case) -> bool:
    """:func:`_plans` asked of one case: does the user see all its plans (their role sees plans
    with the case details, and they are shared with the user), not only those they
    coordinate? (``shares``: in a read-only request from the team's keys.)"""
    return user.role in INSTITUTION_WIDE_ROLES and shares(user, case, DataCategory.CASE_DETAILS)


@rows(Goal)
def _goals(user: User) -> Q:
    return _plan_pks(user)


@rows(Review)
def _reviews(user: User) -> Q:
    return _plan_pks(user)


def _plan_pks(user: User) -> Q:
    return Q(plan__in=Plan.objects.filter(_plans(user)).values("pk"))


def leads(user: User, case: Case) -> bool:
    """A case manager or supervisor of the institution that leads the case (opened it), who
    may see its details."""
    return (
        user.role in LEAD_ROLES
        and user.institution_id is not None
        and case.opened_by_institution_id == user.institution_id
        and shares(user, case, DataCategory.CASE_DETAILS)
    )


def _leads_plan(user: User, plan: Plan) -> bool:
    return plan.lead_institution_id == user.institution_id and leads(user, plan.case)


@PLAN_VIEW.rule
def _may_view(user: User, plan: Plan | None) -> bool:
    if plan is None:
        return user.role in PLAN_ROLES
    return sees(user, plan)


@PLAN_DRAFT.rule
def _may_draft(user: User, case: Case | None) -> bool:
    if case is None:
        return user.role in LEAD_ROLES and user.institution_id is not None
    return case.status in PLANNED_CASES and leads(user, case)


@PLAN_EDIT.rule
def _may_edit(user: User, plan: Plan | None) -> bool:
    return plan is not None and plan.status in EDITABLE and _leads_plan(user, plan)


@PLAN_MOVE.rule
def _may_move(user: User, move: PlanMove | None) -> bool:
    if move is None:
        return False
    plan = move.plan
    decider = (
        TRANSITIONS[PlanStatus(plan.status)].get(PlanStatus(move.target))
        if move.target in PlanStatus.values
        else None
    )
    if decider == Decider.LEAD:
        return _leads_plan(user, plan)
    if decider == Decider.SUPERVISOR:
        return (
            user.role == Role.SUPERVISOR
            and plan.drafted_by_id != user.pk
            and _leads_plan(user, plan)
        )
    return False


@GOAL_REFER.rule
def _may_refer(user: User, goal: Goal | None) -> bool:
    if goal is None:
        return False
    plan = goal.plan
    open_goal = goal.status in {GoalStatus.PLANNED, GoalStatus.IN_PROGRESS}
    return (
        open_goal
        and plan.status in ACTIVE
        and _leads_plan(user, plan)
        and can(user, REFERRAL_SEND, plan.case)
    )


@REVIEW_MANAGE.rule
@OUTCOME_RECORD.rule
def _may_review(user: User, plan: Plan | None) -> bool:
    return plan is not None and plan.status in ACTIVE and _leads_plan(user, plan)


@ATTACHMENT_ADD.rule
def _may_attach(user: User, plan: Plan | None) -> bool:
    return plan is not None and plan.status != PlanStatus.CLOSED and _leads_plan(user, plan)
