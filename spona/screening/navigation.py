"""What this app offers on the phase pages and on the home page (protocol steps overdue)."""

from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.core.links import reversed_url
from spona.core.phases import Phase, Tool, offer
from spona.core.prepared import Later
from spona.core.roles import PERSON_ROLES
from spona.core.templatetags.spona_layout import link
from spona.core.work import Item, Section, counted_section, provide
from spona.institutions.access import VIEW_DIRECTORY
from spona.policy import can
from spona.screening.access import PROTOCOL_OVERSEE, SCREENING_VIEW
from spona.screening.selectors import steps_overdue_for, steps_shown

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


def _steps_overdue(user: User) -> Later[Section | None] | None:
    """First-contact protocol steps past their deadline (a supervisor: the institution's)."""
    if user.role not in PERSON_ROLES:
        return None
    return counted_section(
        steps_overdue_for(user=user),
        lambda step: Item(
            code=step.screening.person.code,
            text=step.title,
            url=reversed_url("screening:screening_result", args=[step.screening_id]),
            due=step.due_at,
        ),
        key="protocol_steps_overdue",
        title=_("First-contact steps overdue"),
        url=link("screening:overdue") if can(user, PROTOCOL_OVERSEE) else "",
        empty=_("No protocol step is overdue."),
        seen=lambda steps: steps_shown(user=user, steps=steps),
    )


provide(_steps_overdue)
