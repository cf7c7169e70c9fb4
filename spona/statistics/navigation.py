"""What this app offers on the Statistics phase page."""

from django.utils.translation import gettext_lazy as _

from spona.core.phases import Phase, Tool, offer
from spona.statistics.access import HTCDS_EXPORT, STATISTICS_VIEW

offer(
    Tool(
        Phase.STATISTICS,
        "statistics:dashboard",
        _("Statistics dashboard"),
        _(
            "Signals, screenings, cases and referral times for your municipality, district or "
            "the nation, compared with the previous period."
        ),
        STATISTICS_VIEW,
    ),
    Tool(
        Phase.STATISTICS,
        "statistics:open_data",
        _("Open data: anonymised HTCDS export"),
        _("The cases as a CSV in the international standard's fields, every group of 11 or more."),
        HTCDS_EXPORT,
    ),
)
