"""What this app offers on the phase pages, the home page (signals to triage) and the
municipality's summary."""

from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.core.links import reversed_url
from spona.core.phases import Phase, Tool, offer
from spona.core.prepared import Later
from spona.core.templatetags.spona_layout import link
from spona.core.work import Figure, Item, Section, counted_section, provide, summarise
from spona.institutions.models import localised
from spona.signals.access import SIGNAL_VIEW
from spona.signals.selectors import signals_raised_count, triage_waiting

offer(
    Tool(
        Phase.IDENTIFICATION,
        "signals:signal_list",
        _("Signals"),
        _("Raise a signal in a minute; the social welfare centre and the police triage it."),
        SIGNAL_VIEW,
    ),
)


def _to_triage(user: User) -> Later[Section | None] | None:
    """Signals waiting for triage, for those who triage them."""
    waiting = triage_waiting(user=user)  # None: the user triages no signal
    if waiting is None:
        return None
    return counted_section(
        waiting,
        lambda signal: Item(
            code=signal.code,
            # the selector's annotations (``triage_waiting``)
            text=localised(signal.municipality_cyr, signal.municipality_lat),  # type: ignore[attr-defined]
            url=reversed_url("signals:signal_detail", args=[signal.code]),
            due=signal.due,  # type: ignore[attr-defined]
            urgency=signal.urgency,
        ),
        key="signals_to_triage",
        title=_("Signals to triage"),
        url=link("signals:signal_list"),
        empty=_("No signal waits for triage. New signals from your municipality appear here."),
    )


provide(_to_triage)
summarise(Figure("signals", _("Signals in the last 12 months"), signals_raised_count))
