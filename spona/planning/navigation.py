"""What this app offers on the Planning phase page."""

from django.utils.translation import gettext_lazy as _

from spona.accounts.models import Role, User
from spona.core.links import reversed_url
from spona.core.phases import Phase, Tool, offer
from spona.core.prepared import Later
from spona.core.templatetags.spona_layout import link
from spona.core.work import Item, Section, provide
from spona.planning.access import PLAN_VIEW
from spona.planning.models import Activity
from spona.planning.selectors import overdue_for

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


def _overdue_activities(user: User) -> Later[Section | None]:
    """Activities of the local action plan past their end date that this user answers for
    (their institution leads them, or they coordinate the municipality); none overdue, the
    section is only a coordinator's."""

    def section(read: tuple[list[Activity], int, int]) -> Section | None:
        due, count, _overdue = read
        if not count and user.role != Role.COORDINATOR:
            return None
        return Section(
            key="plan_activities_overdue",
            title=_("Action plan activities overdue"),
            count=count,
            overdue_count=count,
            items=[
                Item(
                    code=str(activity.year),
                    text=activity.title,
                    url=reversed_url("planning:activity_detail", args=[activity.pk]),
                    due=activity.ends_on,
                )
                for activity in due
            ],
            url=link("planning:action_plan") if user.role == Role.COORDINATOR else "",
            empty=_("No activity of the action plan is overdue."),
        )

    return overdue_for(user).then(section)


provide(_overdue_activities)
