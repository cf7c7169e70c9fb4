"""What this app offers on the phase pages."""

from django.utils.translation import gettext_lazy as _

from spona.cases.access import BREAK_GLASS, BREAK_GLASS_REVIEW, CASE_VIEW, REFERRAL_STATISTICS
from spona.core.phases import Phase, Tool, offer

offer(
    Tool(
        Phase.PROTECTION,
        "cases:case_list",
        _("Cases and referrals"),
        _("Cases of your institution's team and the referrals it received."),
        CASE_VIEW,
    ),
    Tool(
        Phase.PROTECTION,
        "cases:referral_statistics",
        _("Who refers, how fast"),
        _("Referrals by referring institution, times to referral and decision, overdue ones."),
        REFERRAL_STATISTICS,
    ),
    Tool(
        Phase.PROTECTION,
        "cases:break_glass",
        _("Emergency access to a case"),
        _("Open a case outside your team in an emergency: a reason, a time limit, alerts."),
        BREAK_GLASS,
    ),
    Tool(
        Phase.PROTECTION,
        "cases:break_glass_review",
        _("Emergency accesses to review"),
        _("Every emergency access by your institution's users (the Centre: by anyone)."),
        BREAK_GLASS_REVIEW,
    ),
)
