"""What may happen to a referral, and by whom: one table, as for the case workflow.

sent → accepted / declined (with a reason) by the receiving institution; accepted → completed
by the receiver; sent → revoked by the sending institution, before anyone answers.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from spona.cases.models import CaseEventKind, Referral, ReferralStatus


class ReferralStep(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    COMPLETE = "complete"
    REVOKE = "revoke"


class Side(StrEnum):
    RECEIVER = "receiver"
    SENDER = "sender"


class StepRule(NamedTuple):
    source: ReferralStatus
    target: ReferralStatus
    side: Side
    event: CaseEventKind


STEPS: dict[ReferralStep, StepRule] = {
    ReferralStep.ACCEPT: StepRule(
        ReferralStatus.SENT, ReferralStatus.ACCEPTED, Side.RECEIVER, CaseEventKind.REFERRAL_ACCEPTED
    ),
    ReferralStep.DECLINE: StepRule(
        ReferralStatus.SENT, ReferralStatus.DECLINED, Side.RECEIVER, CaseEventKind.REFERRAL_DECLINED
    ),
    ReferralStep.COMPLETE: StepRule(
        ReferralStatus.ACCEPTED,
        ReferralStatus.COMPLETED,
        Side.RECEIVER,
        CaseEventKind.REFERRAL_COMPLETED,
    ),
    ReferralStep.REVOKE: StepRule(
        ReferralStatus.SENT, ReferralStatus.REVOKED, Side.SENDER, CaseEventKind.REFERRAL_REVOKED
    ),
}


@dataclass(frozen=True)
class ReferralMove:
    """Taking ``step`` on ``referral``."""

    referral: Referral
    step: ReferralStep
