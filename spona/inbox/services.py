"""Sending notifications: an inbox entry now, an e-mail from the worker, each in its
reader's language; and, for the notices an institution must act on, one e-mail to its duty
address."""

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone, translation

from spona.accounts.models import User
from spona.inbox.kinds import KINDS, NotificationKind
from spona.inbox.models import DutyNotice, Notification, rendered, stored
from spona.inbox.selectors import forget_unread
from spona.institutions.models import Institution

logger = logging.getLogger(__name__)


def notify(
    *,
    recipients: Iterable[User],
    kind: NotificationKind,
    params: dict[str, Any],
    link: str = "",
    duty: Iterable[Institution] = (),
) -> list[Notification]:
    """Put a notification in each recipient's inbox and queue its e-mail; queue one e-mail
    to the duty address of each institution in ``duty`` that has one.

    ``params`` hold codes, institution and professional names, dates (``date`` and
    ``datetime`` values are shown in the reader's language and time zone) and translatable
    texts (``gettext_lazy``); never anything about the persons Spona protects: see
    ``spona.inbox.kinds``.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    text_params = {key: stored(value) for key, value in params.items()}
    sent = []
    for user in {u.pk: u for u in recipients if u.is_active}.values():
        notification = Notification.objects.create(
            recipient=user, kind=kind, params=text_params, link=link
        )
        forget_unread(user.pk)
        email_notification.enqueue(notification.pk)
        sent.append(notification)
    for institution in {i.pk: i for i in duty if i.is_active and i.duty_email}.values():
        notice = DutyNotice.objects.create(
            institution=institution,
            address=institution.duty_email,
            kind=kind,
            params=text_params,
            link=link,
        )
        email_duty_notice.enqueue(notice.pk)
    return sent


def _with_link(body: str, link: str) -> str:
    return f"{body}\n\n{settings.SITE_URL}{link}" if link else body


@task()
def email_notification(notification_id: int) -> None:
    """The worker sends the e-mail in the recipient's language (dates too)."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    address = notification.recipient.email
    if not address or notification.emailed_at:
        return
    with translation.override(notification.recipient.language or settings.LANGUAGE_CODE):
        subject, body = rendered(notification.kind, notification.params)
        send_mail(subject, _with_link(body, notification.link), None, [address])
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())
    logger.info("notification %s e-mailed", notification_id)


SEPARATOR = "\n\n* * *\n\n"


def duty_message(notice: DutyNotice) -> tuple[str, str]:
    """A duty e-mail: whoever reads the duty address, so in each of ``DUTY_EMAIL_LANGUAGES``
    (by default Serbian in Cyrillic, the official script, then in Latin); the subject in the
    first of them."""
    texts = []
    for language in settings.DUTY_EMAIL_LANGUAGES:
        with translation.override(language):
            texts.append(rendered(notice.kind, notice.params))
    body = SEPARATOR.join(text for _subject, text in texts)
    return texts[0][0], _with_link(body, notice.link)


@task()
def email_duty_notice(notice_id: int) -> None:
    """The worker sends a notice to an institution's duty address, once."""
    notice = DutyNotice.objects.get(pk=notice_id)
    if notice.emailed_at:
        return
    subject, body = duty_message(notice)
    send_mail(subject, body, None, [notice.address])
    DutyNotice.objects.filter(pk=notice_id).update(emailed_at=timezone.now())
    logger.info("duty notice %s e-mailed", notice_id)


def mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when no ids are given)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    forget_unread(user.pk)
    return unread.update(read_at=timezone.now())
