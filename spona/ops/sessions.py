"""Idle expiry without a database write on every request.

Sessions end after ``SESSION_COOKIE_AGE`` (30 minutes) without activity. Django's way,
``SESSION_SAVE_EVERY_REQUEST``, writes (and commits) the session row on every request; this
middleware renews it at most once every ``SESSION_TOUCH_SECONDS`` (60), so an idle session
ends between 30 and 31 minutes after the last request, for one write a minute per active
user instead of one per request (bench/load.py; docs/decisions.md).
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

TOUCHED = "spona.touched"


class SessionTouchMiddleware:
    """Placed after Django's SessionMiddleware, which saves the session it marks modified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if not session.is_empty():
            now = int(time.time())
            if now - session.get(TOUCHED, 0) >= settings.SESSION_TOUCH_SECONDS:
                session[TOUCHED] = now
        return response
