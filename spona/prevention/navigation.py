"""What this app offers on the phase pages."""

from django.utils.translation import gettext_lazy as _

from spona.core.phases import Phase, Tool, offer
from spona.prevention.access import PREVENTION_VIEW

offer(
    Tool(
        Phase.PREVENTION,
        "prevention:overview",
        _("Risk map"),
        _(
            "Risk groups per settlement and municipality, from institutions' counts; small numbers hidden."
        ),
        PREVENTION_VIEW,
    ),
    Tool(
        Phase.PREVENTION,
        "prevention:campaign_list",
        _("Campaigns and outreach"),
        _("Targeted campaigns, outreach in the field and the reach they achieved."),
        PREVENTION_VIEW,
    ),
)
