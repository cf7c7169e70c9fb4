"""What this app offers on the phase pages (Protection and Integration) and on the case page."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.cases.models import Case
from spona.cases.panels import Panel, add_panel
from spona.core.links import reversed_url
from spona.core.phases import Phase, Tool, offer
from spona.core.prepared import Later
from spona.core.roles import Role
from spona.core.templatetags.spona_layout import link
from spona.core.work import Item, Section, counted_section, provide
from spona.plans.access import LEAD_ROLES, PLAN_DRAFT, PLAN_VIEW
from spona.plans.models import Plan
from spona.plans.selectors import case_plans, reviews_due_first
from spona.policy import can

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


def _case_plans(user: User, case: Case) -> Later[dict[str, Any] | None]:
    asked = case_plans(user, case)
    may_draft = can(user, PLAN_DRAFT, case)

    def panel(plans: list[Plan]) -> dict[str, Any] | None:
        if not may_draft and not plans:
            return None
        return {"plans": plans, "may_draft": may_draft}

    return asked.then(panel)


add_panel(Panel("plans/case_panel.html", _case_plans))


def _reviews_due(user: User) -> Later[Section | None] | None:
    """Reviews of the plans this user answers for, due within ``PLAN_REVIEW_NOTICE_DAYS`` or
    overdue (codes only: the home page is seen over shoulders)."""
    if user.role not in LEAD_ROLES | {Role.COORDINATOR}:
        return None
    return counted_section(
        reviews_due_first(user, timezone.localdate()),
        lambda review: Item(
            code=review.plan.code,
            text=f"{review.plan.case.code} · {review.get_reason_display()}",
            url=reversed_url("plans:plan_detail", args=[review.plan.code]),
            due=review.due_on,
        ),
        key="plan_reviews",
        title=_("Plan reviews due"),
        url=link("plans:plan_list"),
        empty=_("No plan review is due. A review falls due three months after approval."),
    )


provide(_reviews_due)
