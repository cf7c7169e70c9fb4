"""What this app offers on the phase pages."""

from django.utils.translation import gettext_lazy as _

from spona.core.phases import Phase, Tool, offer
from spona.surveys.access import SURVEY_VIEW

offer(
    Tool(
        Phase.PLANNING,
        "surveys:wave_list",
        _("Awareness surveys"),
        _("Citizen and professional surveys, per municipality and wave, with weighted estimates."),
        SURVEY_VIEW,
    ),
)
