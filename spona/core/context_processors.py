from typing import Any

from django.conf import settings
from django.http import HttpRequest

from spona.inbox.selectors import unread_count
from spona.policy import Action, can


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The phase navigation and the administration links this user may use."""
    user = getattr(request, "user", None)
    return {
        "phases": settings.PHASES,
        "may_manage_users": can(user, Action.MANAGE_USERS),
        "may_manage_institutions": can(user, Action.MANAGE_INSTITUTIONS),
        "demo_mode": settings.DEMO,
        "unread_notifications": unread_count(user=user)
        if user is not None and user.is_authenticated
        else 0,
    }
