from typing import Any

from django.conf import settings
from django.http import HttpRequest

from spona.accounts.access import MANAGE_USERS
from spona.inbox.selectors import unread_count
from spona.institutions.access import MANAGE_INSTITUTIONS
from spona.policy import can


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What every page's frame asks: the administration links this user may use, the demo
    mark and the unread count (the phases' navigation is ``{% phase_nav %}``'s)."""
    user = getattr(request, "user", None)
    return {
        "may_manage_users": can(user, MANAGE_USERS),
        "may_manage_institutions": can(user, MANAGE_INSTITUTIONS),
        "demo_mode": settings.DEMO,
        "unread_notifications": unread_count(user=user)
        if user is not None and user.is_authenticated
        else 0,
    }
