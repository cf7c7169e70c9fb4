"""What this app offers on the phase pages (Protection and Integration) and on the case page."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.cases.models import Case
from spona.cases.panels import Panel, add_panel
from spona.core.phases import Phase, Tool, offer
from spona.plans.access import PLAN_DRAFT, PLAN_VIEW
from spona.plans.models import Plan
from spona.policy import can, visible

offer(
    *(
        Tool(
            phase,
            "plans:plan_list",
            _("Individual plans"),
            _(
                "Protection and integration plans per domain, drafted with the person, approved "
                "by a supervisor, reviewed every three months; reviews due and overdue."
            ),
            PLAN_VIEW,
        )
        for phase in (Phase.PROTECTION, Phase.INTEGRATION)
    )
)


def _case_plans(user: User, case: Case) -> dict[str, Any] | None:
    plans = visible(user, Plan).filter(case=case).order_by("created_at")
    may_draft = can(user, PLAN_DRAFT, case)
    if not may_draft and not plans.exists():
        return None
    return {"plans": plans, "may_draft": may_draft}


add_panel(Panel("plans/case_panel.html", _case_plans))
