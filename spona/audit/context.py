"""Who is acting, from where: set once per request (or command) and read by ``record``."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AuditContext:
    user: Any = None
    client_address: str | None = None
    channel: str = "web"


_current: ContextVar[AuditContext] = ContextVar(
    "spona_audit_context",
    default=AuditContext(),  # noqa: B039 - frozen, so sharing it is safe
)


def current() -> AuditContext:
    return _current.get()


@contextmanager
def acting(context: AuditContext) -> Iterator[AuditContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
