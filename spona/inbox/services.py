"""Sending notifications: an inbox entry now, an e-mail from the worker."""

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone, translation

from spona.accounts.models import User
from spona.inbox.kinds import KINDS, NotificationKind
from spona.inbox.models import Notification, stored

logger = logging.getLogger(__name__)


def notify(
    *, recipients: Iterable[User], kind: NotificationKind, params: dict[str, Any], link: str = ""
) -> list[Notification]:
    """Put a notification in each recipient's inbox and queue its e-mail.

    ``params`` hold codes, institution and professional names, and dates (``date`` and
    ``datetime`` values are shown in the reader's language and time zone); never anything
    about the persons Spona protects: see ``spona.inbox.kinds``.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    text_params = {key: stored(value) for key, value in params.items()}
    sent = []
    for user in {u.pk: u for u in recipients if u.is_active}.values():
        notification = Notification.objects.create(
            recipient=user, kind=kind, params=text_params, link=link
        )
        email_notification.enqueue(notification.pk)
        sent.append(notification)
    return sent


@task()
def email_notification(notification_id: int) -> None:
    """The worker sends the e-mail, in the site's language (users have no language setting)."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    address = notification.recipient.email
    if not address or notification.emailed_at:
        return
    with translation.override(settings.LANGUAGE_CODE):
        link = f"{settings.SITE_URL}{notification.link}" if notification.link else ""
        body = f"{notification.body}\n\n{link}".strip()
        send_mail(notification.subject, body, None, [address])
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
    logger.info("notification %s e-mailed", notification_id)


def mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when no ids are given)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())
