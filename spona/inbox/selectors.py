"""Reads of one user's inbox: nobody reads another user's notifications."""

from django.db.models import QuerySet

from spona.accounts.models import User
from spona.inbox.models import Notification


def inbox(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
