"""What this app offers on the phase pages and on the case page."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.cases.models import Case
from spona.cases.panels import Panel, add_panel
from spona.conferences.access import CONFERENCE_CONVENE, CONFERENCE_VIEW, TASK_VIEW
from spona.conferences.selectors import conference_list
from spona.core.phases import Phase, Tool, offer
from spona.policy import can

offer(
    Tool(
        Phase.PROTECTION,
        "conferences:conference_list",
        _("Case conferences"),
        _(
            "Meetings on a case or a local topic, with the matrix's participants, decisions and tasks."
        ),
        CONFERENCE_VIEW,
    ),
    Tool(
        Phase.PROTECTION,
        "conferences:task_list",
        _("Tasks"),
        _(
            "Your institution's tasks from conferences, with reminders before and after the due date."
        ),
        TASK_VIEW,
    ),
)


def _case_conferences(user: User, case: Case) -> dict[str, Any] | None:
    conferences = conference_list(user=user).filter(case=case).order_by("held_on")
    may_convene = can(user, CONFERENCE_CONVENE, case)
    if not may_convene and not conferences.exists():
        return None
    return {"conferences": conferences, "may_convene": may_convene}


add_panel(Panel("conferences/case_panel.html", _case_conferences))
