"""What a request does when the database is away or the upload disk is full.

The 500 handler (spona.core.views) asks ``temporary_failure`` whether the error is one of
these; if so, the user gets a translated "try again" answer instead of the error page. The
request's transaction (``ATOMIC_REQUESTS``) makes sure nothing was half-written, and the
next request connects afresh.
"""

import errno
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class TemporaryFailure:
    status: int
    heading: Promise
    message: Promise


DATABASE_AWAY = TemporaryFailure(
    503,
    _("Spona is briefly unavailable"),
    _(
        "The database cannot be reached right now. Nothing you sent was half-saved: try "
        "again in a minute."
    ),
)
DISK_FULL = TemporaryFailure(
    507,
    _("There is no room for the file"),
    _(
        "The server has no room to receive the file right now, so nothing was saved. Try "
        "again later, and tell your administrator that the upload disk is full."
    ),
)


def temporary_failure(error: BaseException | None) -> TemporaryFailure | None:
    """Which passing failure ``error`` is: the database cannot be used right now (down,
    restarting, unreachable, a lost connection), or the disk that takes uploads is full."""
    if isinstance(error, OperationalError | InterfaceError):
        return DATABASE_AWAY
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return DISK_FULL
    return None
