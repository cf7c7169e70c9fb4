"""What this app offers on the phase pages."""

from django.utils.translation import gettext_lazy as _

from spona.core.phases import Phase, Tool, offer
from spona.signals.access import SIGNAL_VIEW

offer(
    Tool(
        Phase.IDENTIFICATION,
        "signals:signal_list",
        _("Signals"),
        _("Raise a signal in a minute; the social welfare centre and the police triage it."),
        SIGNAL_VIEW,
    ),
)
