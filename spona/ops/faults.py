"""What a request does when the database is away: the 500 handler (spona.core.views) answers
503 with a translated "try again" page; the request's transaction (ATOMIC_REQUESTS) makes
sure nothing was half-written, and the next request connects afresh."""

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_noop

UNAVAILABLE = gettext_noop(
    "The database cannot be reached right now. Nothing you sent was half-saved: try again in "
    "a minute."
)


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` means the database cannot be used right now (down, restarting,
    unreachable, a lost connection): worth a "try again", not a bug report."""
    return isinstance(error, OperationalError | InterfaceError)
