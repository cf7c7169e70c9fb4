"""What each phase of the response offers, for the navigation and the phase pages.

Later modules add their tools here; a tool is listed only to users the policy allows.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spona.policy import Action


@dataclass(frozen=True)
class Tool:
    url_name: str
    title: Promise
    description: Promise
    action: Action


TOOLS: dict[str, list[Tool]] = {
    "prevention": [],
    "identification": [
        Tool(
            "people:person_list",
            _("Persons"),
            _("Register a person; their details are seen only by those who work with them."),
            Action.PERSON_VIEW,
        ),
    ],
    "protection": [
        Tool(
            "institutions:directory",
            _("Directory of institutions"),
            _("Every institution's duty phone and e-mail, instead of personal numbers."),
            Action.VIEW_DIRECTORY,
        ),
    ],
    "integration": [],
    "planning": [],
    "statistics": [
        Tool(
            "institutions:municipality_list",
            _("Municipalities"),
            _("The official register of municipalities with census populations."),
            Action.VIEW_DIRECTORY,
        ),
    ],
}
