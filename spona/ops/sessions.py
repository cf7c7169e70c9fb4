"""Sessions: read with what every request needs in one round trip to the cache, and idle expiry
without a database write on every request.

With a cache every process shares, the session is read from the cache (``SessionStore``,
Django's ``cached_db``); ``SessionMiddleware`` reads it together with the reference data's
stamp (``spona.ops.reference``) in one ``MGET``, where they were two round trips of every
request and the reference data one to three more.

Sessions end after ``SESSION_COOKIE_AGE`` (30 minutes) without activity. Django's way,
``SESSION_SAVE_EVERY_REQUEST``, writes (and commits) the session row on every request; this
middleware renews it at most once every ``SESSION_TOUCH_SECONDS`` (60), so an idle session
ends between 30 and 31 minutes after the last request, for one write a minute per active
user instead of one per request (bench/load.py; docs/decisions.md).
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from spona.ops.reference import STAMP_KEY, stamped

TOUCHED = "spona.touched"


class SessionStore(cached_db.SessionStore):
    """Django's cached and database-backed session, which may be given what the cache holds
    for it, read with other keys (``SessionMiddleware``). Not found there, it is read as
    Django reads it (the cache, then the database)."""

    _read: Any = None

    def read_with_others(self, data: Any) -> None:
        self._read = data

    def load(self) -> dict[str, Any]:
        data, self._read = self._read, None
        if data is not None:
            return data  # type: ignore[no-any-return]
        return super().load()


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, reading the session from the cache (where it is kept there) and the reference
    data's stamp in one round trip, and keeping the stamp for the request."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = self.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        cached = (
            session.cache_key
            if isinstance(session, SessionStore)
            and session.session_key
            and settings.SESSION_CACHE_ALIAS == "default"
            else None
        )
        try:
            found = cache.get_many([STAMP_KEY, cached] if cached else [STAMP_KEY])
        except Exception:  # the cache unreachable (readiness says so): the
            # session read as Django's cached_db reads it then (from the database), the
            # reference data read through
            found = None
        if cached and found is not None:
            session.read_with_others(found.get(cached))  # type: ignore[attr-defined]
        request.session = session
        with stamped(found.get(STAMP_KEY) if found else None, read=found is not None):
            response = self.get_response(request)
            return self.process_response(request, response)  # type: ignore[arg-type]


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
