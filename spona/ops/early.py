"""Keys a request reads with its session, in the one round trip that reads it.

Every request reads its session from the cache in one ``MGET`` (``spona.ops.sessions``). Keys
that many requests read, shared stamps and values kept per user (the unread count every page
shows), are registered here by the modules that own them and read in that same round trip (a
user's keys once the process knows who the session belongs to); ``cached`` then answers from
what was read, where a separate ``GET`` was a round trip of its own. A key the request changes
(``keep``; ``spona.core.caching.forget``) is answered as the cache now holds it.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache

#: keys every request reads with its session
READ_WITH_SESSION: list[str] = []
#: the keys of the session's user (each a function of the user's primary key, as the session
#: holds it) every signed-in request reads with its session
READ_WITH_SESSION_PER_USER: list[Callable[[Any], str]] = []

#: what this request read with its session: key → value (``None``: the cache held none)
_read_early: ContextVar[dict[str, Any] | None] = ContextVar("spona_read_early", default=None)


@contextmanager
def read_early(found: dict[str, Any]) -> Iterator[None]:
    """A request that read ``found`` with its session (``spona.ops.sessions``)."""
    token = _read_early.set(found)
    try:
        yield
    finally:
        _read_early.reset(token)


def cached(key: str) -> Any:
    """``cache.get(key)``: what this request read with its session where it read ``key``."""
    early = _read_early.get()
    if early is not None and key in early:
        return early[key]
    return cache.get(key)


def keep(key: str, value: Any, timeout: float | None) -> None:
    """``cache.set``, this request's later ``cached`` reads answered with ``value`` too."""
    cache.set(key, value, timeout)
    early = _read_early.get()
    if early is not None and key in early:
        early[key] = value


def drop_early(keys: Iterable[str]) -> None:
    """This request changed ``keys``: read them from the cache from now on."""
    early = _read_early.get()
    if early is not None:
        for key in keys:
            early.pop(key, None)
