"""Reference data (the filters' municipalities and institutions, the mandate matrix's local
choices) kept in each server process under one stamp that every process shares.

Each page read each of them from the cache: a round trip apiece, three on a case page, and
under load every round trip is a switch between the processes sharing the cores. Now a request
reads the stamp with its session, in one round trip (``spona.ops.sessions``), and a process
keeps what it read from the database under the stamp it read it under: while the stamp is
the same, and for no longer than the cache kept it (``Kept``), the process's copy is used.

A change (a ``post_save`` or ``post_delete`` receiver: ``changed``) sets a new stamp now and
again once its transaction commits, so every process reads the data anew at its next request
(a process that read it between the change and its commit, the old rows, kept them under the
stamp the commit replaces). The request that made the change reads the data through, kept by
no process, for the rest of the request: its transaction may yet roll back. Outside a request
(commands, jobs) the data is read through as well.
"""

import secrets
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

STAMP_KEY = "reference:stamp"


@dataclass
class _Request:
    stamp: str | None  # ``None``: changed in this request, read through


_request: ContextVar[_Request | None] = ContextVar("spona_reference_request", default=None)


def new_stamp() -> str:
    """Set and return a new stamp (the first, or after a change)."""
    stamp = secrets.token_hex(8)
    cache.set(STAMP_KEY, stamp, None)
    return stamp


@contextmanager
def stamped(stamp: str | None, *, read: bool = True) -> Iterator[None]:
    """A request: the stamp read at its start (``None`` when the cache had none: a new one).
    Where the cache could not be read (``read`` false), the request reads the reference data
    through, as a command does, and sets no stamp."""
    request = _Request(stamp if stamp is not None else new_stamp()) if read else None
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def changed() -> None:
    """Reference data changed: every process reads it anew at its next request, now and again
    once the transaction commits; this request reads it through from now on."""
    request = _request.get()
    if request is not None:
        request.stamp = None
    new_stamp()
    transaction.on_commit(new_stamp)


class Kept[T]:
    """What a process keeps of one kind of reference data, per key, under the stamp it was read
    under, for at most ``seconds`` (writes the receivers do not see, such as bulk updates,
    are seen after that time, as they were when the cache kept the data)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._kept: dict[Hashable, tuple[str, float, T]] = {}

    def get(self, key: Hashable, read: Callable[[], T]) -> T:
        """The value of ``key``, kept or read now by ``read``."""
        request = _request.get()
        stamp = request.stamp if request is not None else None
        if stamp is None:
            return read()
        kept = self._kept.get(key)
        now = time.monotonic()
        if kept is not None and kept[0] == stamp and kept[1] > now:
            return kept[2]
        value = read()
        self._kept[key] = (stamp, now + self.seconds, value)
        return value
