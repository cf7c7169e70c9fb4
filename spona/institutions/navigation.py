"""What this app offers on the phase pages."""

from django.utils.translation import gettext_lazy as _

from spona.core.phases import Phase, Tool, offer
from spona.institutions.access import VIEW_DIRECTORY

offer(
    Tool(
        Phase.PROTECTION,
        "institutions:directory",
        _("Directory of institutions"),
        _("Every institution's duty phone and e-mail, instead of personal numbers."),
        VIEW_DIRECTORY,
    ),
    Tool(
        Phase.STATISTICS,
        "institutions:municipality_list",
        _("Municipalities"),
        _("The official register of municipalities with census populations."),
        VIEW_DIRECTORY,
    ),
)
