"""The overdue reminder of a referral: when a referral is still unanswered at its due time,
both sides are told, once: the receiver that it has not answered (``REFERRAL_OVERDUE``), the
sender that it still waits (``REFERRAL_WAITING``); each in its users' inboxes and by e-mail to
its duty address.

As for tasks (``spona.conferences.reminders``): sending a referral queues a deferred
background task for its due time; a backend that cannot defer gets nothing queued, and the
sweep (``spona reminders``) sends whatever is due and was missed. The stamp
``overdue_reminded_at`` is claimed by one conditional UPDATE, so the reminder goes out once.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.tasks import task, task_backends
from django.urls import reverse
from django.utils import timezone

from spona.cases.models import Referral, ReferralStatus
from spona.inbox.kinds import NotificationKind

logger = logging.getLogger(__name__)


def schedule_overdue_reminder(referral: Referral) -> None:
    if task_backends[referral_overdue.backend].supports_defer:
        referral_overdue.using(run_after=referral.due_at).enqueue(referral.pk)


@task()
def referral_overdue(referral_id: int) -> bool:
    return remind_overdue(referral_id=referral_id)


@transaction.atomic
def remind_overdue(*, referral_id: int, now: datetime | None = None) -> bool:
    """Tell both sides of a referral unanswered past its due time; True if it was sent."""
    from spona.cases.selectors import answerers
    from spona.inbox.services import notify

    now = now or timezone.now()
    claimed = Referral.objects.filter(
        pk=referral_id,
        status=ReferralStatus.SENT,
        due_at__lte=now,
        overdue_reminded_at__isnull=True,
    ).update(overdue_reminded_at=now)
    if not claimed:
        return False  # answered, revoked, not due yet, or already reminded
    referral = Referral.objects.select_related("case", "from_institution", "to_institution").get(
        pk=referral_id
    )
    params = {
        "case": referral.case.code,
        "institution": referral.to_institution.name,
        "due": referral.due_at,
    }
    link = reverse("cases:case_detail", args=[referral.case.code])
    receiver, sender = referral.to_institution, referral.from_institution
    notify(
        recipients=answerers(receiver),
        kind=NotificationKind.REFERRAL_OVERDUE,
        params=params,
        link=link,
        duty=[receiver],
    )
    notify(
        recipients=answerers(sender),
        kind=NotificationKind.REFERRAL_WAITING,
        params=params,
        link=link,
        duty=[sender],
    )
    logger.info("referral %s: overdue reminder sent", referral_id)
    return True


def sweep(now: datetime | None = None) -> int:
    """Send every overdue reminder that is due and has not gone out."""
    now = now or timezone.now()
    late = Referral.objects.filter(
        status=ReferralStatus.SENT, due_at__lte=now, overdue_reminded_at__isnull=True
    ).values_list("pk", flat=True)
    return sum(remind_overdue(referral_id=pk, now=now) for pk in late)
