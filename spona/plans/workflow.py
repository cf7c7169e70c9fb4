"""The plan's lifecycle: one explicit table of allowed moves and who makes each.
Everything else is refused.

draft → submitted (the case lead) → approved, the plan is active (a supervisor of the lead
institution, not the one who drafted it) or refused: back to draft with a reason (the same
supervisor); approved ⇄ under review (the case lead opens and completes a review); approved or
under review → closed (the case lead, with the outcomes per domain).
"""

from dataclasses import dataclass
from enum import StrEnum

from spona.plans.models import Plan
from spona.plans.models import PlanStatus as S


class Decider(StrEnum):
    LEAD = "lead"
    """A case manager or supervisor of the case's lead institution who may see its details."""
    SUPERVISOR = "supervisor"
    """A supervisor of the lead institution other than the plan's drafter (four eyes)."""


TRANSITIONS: dict[S, dict[S, Decider]] = {
    S.DRAFT: {S.SUBMITTED: Decider.LEAD},
    S.SUBMITTED: {S.APPROVED: Decider.SUPERVISOR, S.DRAFT: Decider.SUPERVISOR},
    S.APPROVED: {S.UNDER_REVIEW: Decider.LEAD, S.CLOSED: Decider.LEAD},
    S.UNDER_REVIEW: {S.APPROVED: Decider.LEAD, S.CLOSED: Decider.LEAD},
    S.CLOSED: {},
}
#: statuses in which the goals and the plan's text may be changed (drafting, or a review
#: adjusting the plan)
EDITABLE = frozenset({S.DRAFT, S.UNDER_REVIEW})
#: statuses in which the plan is in force: service requests go out, reviews are due
ACTIVE = frozenset({S.APPROVED, S.UNDER_REVIEW})
#: statuses of a plan that is not closed (one such plan of each kind per case)
OPEN = frozenset({S.DRAFT, S.SUBMITTED, S.APPROVED, S.UNDER_REVIEW})


@dataclass(frozen=True)
class PlanMove:
    """Moving ``plan`` to ``target``."""

    plan: Plan
    target: str


def targets(plan: Plan) -> list[S]:
    return list(TRANSITIONS.get(S(plan.status), {}))
