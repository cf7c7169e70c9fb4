"""What this app offers on the phase pages."""

from django.utils.translation import gettext_lazy as _

from spona.core.phases import Phase, Tool, offer
from spona.people.access import DUPLICATE_REVIEW, PERSON_VIEW

offer(
    Tool(
        Phase.IDENTIFICATION,
        "people:person_list",
        _("Persons"),
        _("Register a person; their details are seen only by those who work with them."),
        PERSON_VIEW,
    ),
    Tool(
        Phase.IDENTIFICATION,
        "people:duplicate_review",
        _("Possible duplicates"),
        _("Scan everyone registered for duplicates; confirm or reject each suggestion."),
        DUPLICATE_REVIEW,
    ),
)
