"""What this app offers on the phase pages, on the case page, on the home page (my tasks)
and in the municipality's summary."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.audit.services import audit_listed
from spona.cases.models import Case
from spona.cases.panels import Panel, add_panel
from spona.conferences.access import CONFERENCE_CONVENE, CONFERENCE_VIEW, TASK_VIEW
from spona.conferences.models import Conference
from spona.conferences.selectors import case_conferences, open_tasks, overdue_tasks_count
from spona.core.links import reversed_url
from spona.core.phases import Phase, Tool, offer
from spona.core.prepared import Later
from spona.core.roles import TASK_ROLES
from spona.core.templatetags.spona_layout import link
from spona.core.work import Figure, Item, Section, counted_section, provide, summarise
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


def _case_conferences(user: User, case: Case) -> Later[dict[str, Any] | None]:
    shown = case_conferences(user=user, case=case)
    may_convene = can(user, CONFERENCE_CONVENE, case)

    def panel(conferences: list[Conference]) -> dict[str, Any] | None:
        if not may_convene and not conferences:
            return None
        return {"conferences": conferences, "may_convene": may_convene}

    return shown.then(panel)


add_panel(Panel("conferences/case_panel.html", _case_conferences))


def _my_tasks(user: User) -> Later[Section | None] | None:
    """Open tasks of the user's institution or the user, from conferences or given directly."""
    if user.role not in TASK_ROLES:
        return None
    return counted_section(
        open_tasks(user=user),
        lambda task: Item(
            code=task.code,
            text=task.title,
            url=reversed_url("conferences:task_detail", args=[task.code]),
            due=task.due_on,
        ),
        key="tasks",
        title=_("My tasks"),
        url=link("conferences:task_list"),
        empty=_("No open task. Tasks agreed at a conference appear here until they are done."),
        # a task's title can describe the person it is about: the home page's list is a read
        seen=lambda shown: audit_listed(user=user, purpose="home: my tasks", tasks=shown),
    )


provide(_my_tasks)
summarise(Figure("overdue_tasks", _("Tasks overdue"), overdue_tasks_count))
