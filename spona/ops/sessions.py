"""Sessions: read with what every request needs in one round trip to the cache, and idle expiry
without a database write on every request.

With a cache every process shares, the session is read from the cache (``SessionStore``,
Django's ``cached_db``); ``SessionMiddleware`` reads it together with the reference data's
stamp (``spona.ops.reference``) and the keys registered in ``spona.ops.early`` in one
``MGET``, where they were two round trips of every request and the reference data one to
three more, and the key a page hinted (``spona.ops.early``: the survey results' fragment). The keys of the session's user (the unread count) are in it where this process
has seen the session before: each process keeps who each session it served belonged to
(``_Owners``), a hint only: a user's key is answered only to a request whose user it is (the
key holds the user's primary key), and a session not known, or known wrongly, costs the
separate read it cost before.

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
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from spona.ops.early import (
    HINTED_PAGES,
    READ_WITH_SESSION,
    READ_WITH_SESSION_PER_USER,
    forget_oldest,
    hinted,
    read_early,
)
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


class _Owners:
    """Who each session this process served last belonged to (the user's primary key as the
    session holds it), by a hash of the session's key (the key itself, a credential, is not
    kept), for at most ``size`` sessions (the oldest forgotten first)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._owners: dict[int, str] = {}

    def get(self, session_key: str | None) -> str | None:
        return self._owners.get(hash(session_key)) if session_key else None

    def served(self, asked: str | None, session: SessionBase) -> None:
        """The request that came with the session key ``asked`` is answered with ``session``
        (signed in, out, or its key cycled); only a session the request read tells whose it is
        (reading it here would be a round trip of its own)."""
        if not session.accessed:
            return
        key = session.session_key
        if asked and asked != key:
            self._owners.pop(hash(asked), None)
        if key is None:
            return
        owner = session.get(SESSION_KEY)
        if owner is None:
            self._owners.pop(hash(key), None)
        elif self._owners.get(hash(key)) != owner:
            if len(self._owners) >= self.size:
                forget_oldest(self._owners)
            self._owners[hash(key)] = owner


_owners = _Owners(10_000)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, reading the session from the cache (where it is kept there), the reference
    data's stamp and the keys read with the session (``spona.ops.early``) in one round trip,
    and keeping them for the request."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = self.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        asked = session.session_key
        cached = (
            session.cache_key
            if isinstance(session, SessionStore)
            and session.session_key
            and settings.SESSION_CACHE_ALIAS == "default"
            else None
        )
        owner = _owners.get(asked)
        early = [STAMP_KEY, *READ_WITH_SESSION]
        if owner is not None:
            early += [key_of(owner) for key_of in READ_WITH_SESSION_PER_USER]
        if request.path in HINTED_PAGES:
            early += hinted(request)
        try:
            found = cache.get_many([*early, cached] if cached else early)
        except Exception:  # the cache unreachable (readiness says so): the
            # session read as Django's cached_db reads it then (from the database), the
            # reference data read through, the other keys read when asked
            found = None
        if cached and found is not None:
            session.read_with_others(found.get(cached))  # type: ignore[attr-defined]
        request.session = session
        with (
            stamped(found.get(STAMP_KEY) if found else None, read=found is not None),
            read_early(
                {key: found.get(key) for key in early[1:]} if found is not None else {}, request
            ),
        ):
            response = self.get_response(request)
            response = self.process_response(request, response)  # type: ignore[arg-type]
        _owners.served(asked, session)
        return response


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
