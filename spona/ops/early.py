"""Keys a request reads with its session, in the one round trip that reads it.

Every request reads its session from the cache in one ``MGET`` (``spona.ops.sessions``). Keys
that many requests read, shared stamps and values kept per user (the unread count every page
shows), are registered here by the modules that own them and read in that same round trip (a
user's keys once the process knows who the session belongs to); ``cached`` then answers from
what was read, where a separate ``GET`` was a round trip of its own. A key the request changes
(``keep``; ``spona.core.caching.forget``) is answered as the cache now holds it.

A key that depends on what the request reads first (the survey results' kept fragment: the
wave's stamp, read from the database) cannot be registered; ``cached(key, hint=True)`` has
each process remember it for the page (its path, and the language cookie and header the
language is chosen from), and the next request of that page reads it with its session. A
hint only: ``cached`` answers from the early read only the key it is asked, worked out anew,
so a stale hint (the wave changed since) costs the ``GET`` it cost before, never an old value.
"""

from collections.abc import Callable, Container, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

#: keys every request reads with its session
READ_WITH_SESSION: list[str] = []
#: the keys of the session's user (each a function of the user's primary key, as the session
#: holds it) every signed-in request reads with its session
READ_WITH_SESSION_PER_USER: list[Callable[[Any], str]] = []

#: what this request read with its session (key → value; ``None``: the cache held none), and
#: the request
_read_early: ContextVar[tuple[dict[str, Any], HttpRequest | None] | None] = ContextVar(
    "spona_read_early", default=None
)


def forget_oldest(kept: dict[Any, Any]) -> None:
    """Drop the entry put first in ``kept``, if it has any. Another thread of the process
    (``WEB_THREADS`` > 1) may be dropping it too: whichever comes second drops nothing."""
    for oldest in kept:
        kept.pop(oldest, None)
        return


class _Hints:
    """The key the last request of each page asked to be read with the session
    (``cached(key, hint=True)``), by the page's path, then by its language cookie and
    ``Accept-Language`` header (what its language is chosen from), for at most ``size`` pages
    and ``LANGUAGES`` choices a page (the oldest forgotten first)."""

    LANGUAGES = 16

    def __init__(self, size: int) -> None:
        self.size = size
        self._by_path: dict[str, dict[int, str]] = {}

    @staticmethod
    def _language(request: HttpRequest) -> int:
        """A hash of the cookie and the header (a client's own text, of any length: not kept;
        two choices that share a hash only miss)."""
        return hash(
            (
                request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME),
                request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
            )
        )

    def pages(self) -> Container[str]:
        """The paths of the pages with a key hinted (``in`` it costs no Python call, and every
        request asks, nearly none of them of such a page)."""
        return self._by_path.keys()

    def get(self, request: HttpRequest) -> list[str]:
        key = self._by_path.get(request.path, {}).get(self._language(request))
        return [] if key is None else [key]

    def add(self, request: HttpRequest, key: str) -> None:
        """The page's newest key replaces its last (a stamp drawn anew names a new key)."""
        by_language = self._by_path.get(request.path)
        if by_language is None:
            if len(self._by_path) >= self.size:
                forget_oldest(self._by_path)
            by_language = self._by_path[request.path] = {}
        language = self._language(request)
        if language not in by_language and len(by_language) >= self.LANGUAGES:
            forget_oldest(by_language)
        by_language[language] = key


_hints = _Hints(1_000)

#: the paths of the pages with a key hinted: a request of another page asks no more
HINTED_PAGES = _hints.pages()


def hinted(request: HttpRequest) -> list[str]:
    """The key the last request of this page asked to be read with the session, if any."""
    return _hints.get(request)


@contextmanager
def read_early(found: dict[str, Any], request: HttpRequest | None = None) -> Iterator[None]:
    """``request``, which read ``found`` with its session (``spona.ops.sessions``)."""
    token = _read_early.set((found, request))
    try:
        yield
    finally:
        _read_early.reset(token)


def cached(key: str, *, hint: bool = False) -> Any:
    """``cache.get(key)``: what this request read with its session where it read ``key``.
    With ``hint``, the next request of this page (path and language) reads ``key`` with its
    session: a key worked out from what the request read first."""
    early = _read_early.get()
    if early is None:
        return cache.get(key)
    found, request = early
    if hint and request is not None:
        _hints.add(request, key)
    if key in found:
        return found[key]
    return cache.get(key)


def keep(key: str, value: Any, timeout: float | None) -> None:
    """``cache.set``, this request's later ``cached`` reads answered with ``value`` too."""
    cache.set(key, value, timeout)
    early = _read_early.get()
    if early is not None and key in early[0]:
        early[0][key] = value


def drop_early(keys: Iterable[str]) -> None:
    """This request changed ``keys``: read them from the cache from now on."""
    early = _read_early.get()
    if early is not None:
        for key in keys:
            early[0].pop(key, None)
