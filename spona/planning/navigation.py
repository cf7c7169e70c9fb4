"""What this app offers on the Planning phase page."""

from django.utils.translation import gettext_lazy as _

from spona.core.phases import Phase, Tool, offer
from spona.planning.access import PLAN_VIEW

offer(
    Tool(
        Phase.PLANNING,
        "planning:readiness_list",
        _("Community readiness"),
        _(
            "Key-informant interviews scored on the six dimensions by two scorers, the stage of "
            "readiness, and the five common problems scored from the system's evidence."
        ),
        PLAN_VIEW,
    ),
    Tool(
        Phase.PLANNING,
        "planning:action_plan",
        _("Local action plan"),
        _(
            "Activities with owners, costs and funders, chosen exactly within the year's budget, "
            "with the coordinator's overrides and progress through the year."
        ),
        PLAN_VIEW,
    ),
)
