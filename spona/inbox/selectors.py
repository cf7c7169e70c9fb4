"""Reads of one user's inbox: nobody reads another user's notifications."""

from django.db.models import QuerySet

from spona.accounts.models import User
from spona.core.caching import forget
from spona.inbox.models import Notification
from spona.ops.early import READ_WITH_SESSION_PER_USER, cached, keep

#: How long the unread count (the badge every page shows) is kept at most; a notification that
#: reaches the user, or one they read, drops it at once (``forget_unread``).
UNREAD_SECONDS = 60


def inbox(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def _unread_key(user_pk: object) -> str:
    """The user's key: the same for the primary key as a number and as the session holds it."""
    return f"inbox:unread:{user_pk}"


#: read with the session: every signed-in page shows it
READ_WITH_SESSION_PER_USER.append(_unread_key)


def unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread: kept in the cache per user (a number
    of messages to a professional, nothing about a person), so that a page does not count it;
    read with the session where the process knew whose it is (``spona.ops.early``)."""
    key = _unread_key(user.pk)
    count: int | None = cached(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        keep(key, count, UNREAD_SECONDS)
    return count


def forget_unread(user_pk: int) -> None:
    """The user's notifications changed: count them anew, now and once the change commits
    (a page counting in between would otherwise keep the old number)."""
    forget(_unread_key(user_pk))
