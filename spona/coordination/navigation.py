"""What this app offers on the phase pages."""

from django.utils.translation import gettext_lazy as _

from spona.core.phases import Phase, Tool, offer
from spona.institutions.access import VIEW_DIRECTORY

offer(
    Tool(
        Phase.PLANNING,
        "coordination:who_does_what",
        _("Who does what"),
        _(
            "Who leads, contributes and is informed in each phase, with every institution's duty line."
        ),
        VIEW_DIRECTORY,
    ),
)
