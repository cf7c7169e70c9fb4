"""What may happen to a referral, and by whom: one table, as for the case workflow.

sent → accepted / declined (with a reason) by the receiving institution; accepted → completed
by the receiver; sent → revoked by the sending institution, before anyone answers.
"""

from spona.cases.models import CaseEventKind, ReferralStatus

#: action -> (from status, to status, who: "receiver" or "sender", timeline event)
ACTIONS: dict[str, tuple[str, str, str, str]] = {
    "accept": (
        ReferralStatus.SENT,
        ReferralStatus.ACCEPTED,
        "receiver",
        CaseEventKind.REFERRAL_ACCEPTED,
    ),
    "decline": (
        ReferralStatus.SENT,
        ReferralStatus.DECLINED,
        "receiver",
        CaseEventKind.REFERRAL_DECLINED,
    ),
    "complete": (
        ReferralStatus.ACCEPTED,
        ReferralStatus.COMPLETED,
        "receiver",
        CaseEventKind.REFERRAL_COMPLETED,
    ),
    "revoke": (
        ReferralStatus.SENT,
        ReferralStatus.REVOKED,
        "sender",
        CaseEventKind.REFERRAL_REVOKED,
    ),
}
