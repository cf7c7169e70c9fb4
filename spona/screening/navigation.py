"""What this app offers on the phase pages."""

from django.utils.translation import gettext_lazy as _

from spona.core.phases import Phase, Tool, offer
from spona.institutions.access import VIEW_DIRECTORY
from spona.screening.access import PROTOCOL_OVERSEE, SCREENING_VIEW

offer(
    Tool(
        Phase.IDENTIFICATION,
        "screening:screening_list",
        _("Screening"),
        _("Guided screening on the ILO/EU indicators, with the first-contact protocol."),
        SCREENING_VIEW,
    ),
    Tool(
        Phase.IDENTIFICATION,
        "screening:overdue",
        _("Overdue protocol steps"),
        _("First-contact steps past their deadline in your institution."),
        PROTOCOL_OVERSEE,
    ),
    Tool(
        Phase.PLANNING,
        "screening:catalogue",
        _("Indicator catalogue"),
        _("The screening indicators, their weights and sources; administrators load new versions."),
        VIEW_DIRECTORY,
    ),
)
