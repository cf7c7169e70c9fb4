"""The overdue reminder of a first-contact protocol step: when a step with a deadline is not
marked done by then, whoever screened and the screening institution's receiving users are
told, in their inboxes and by e-mail to the institution's duty address, once.

As for referrals (``spona.cases.reminders``): completing a screening queues a deferred
background task for each step's deadline; the sweep (run by the worker on its schedule, and
by ``spona reminders``) sends whatever is due and was missed. The stamp
``overdue_reminded_at`` is claimed by one conditional UPDATE, so the reminder goes out once.
"""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.tasks import task, task_backends
from django.urls import reverse
from django.utils import timezone

from spona.cases.selectors import answerers
from spona.inbox.kinds import NotificationKind
from spona.inbox.services import notify
from spona.screening.models import ProtocolStep
from spona.screening.protocol import STEPS

logger = logging.getLogger(__name__)


def schedule_overdue_reminders(steps: Iterable[ProtocolStep]) -> None:
    """Queue the reminder of each step with a deadline (inside the write's transaction)."""
    if not task_backends[step_overdue.backend].supports_defer:
        return
    for step in steps:
        if step.due_at is not None and step.pk is not None:
            step_overdue.using(run_after=step.due_at).enqueue(step.pk)


@task()
def step_overdue(step_id: int) -> bool:
    return remind_overdue(step_id=step_id)


@transaction.atomic
def remind_overdue(*, step_id: int, now: datetime | None = None) -> bool:
    """Tell the screening's institution that a step is past its deadline; True if sent."""
    now = now or timezone.now()
    claimed = ProtocolStep.objects.filter(
        pk=step_id, done_at__isnull=True, due_at__lte=now, overdue_reminded_at__isnull=True
    ).update(overdue_reminded_at=now)
    if not claimed:
        return False  # done, not due yet, or already reminded
    step = ProtocolStep.objects.select_related(
        "screening", "screening__institution", "screening__screened_by"
    ).get(pk=step_id)
    screening = step.screening
    notify(
        recipients=[screening.screened_by, *answerers(screening.institution)],
        kind=NotificationKind.PROTOCOL_STEP_OVERDUE,
        params={"screening": screening.pk, "due": step.due_at, "step": STEPS[step.code].title},
        link=reverse("screening:screening_result", args=[screening.pk]),
        duty=[screening.institution],
    )
    logger.info("protocol step %s: overdue reminder sent", step_id)
    return True


def sweep(now: datetime | None = None) -> int:
    """Send every overdue reminder of a step that is due and has not gone out."""
    now = now or timezone.now()
    late = ProtocolStep.objects.filter(
        done_at__isnull=True, due_at__lte=now, overdue_reminded_at__isnull=True
    ).values_list("pk", flat=True)
    return sum(remind_overdue(step_id=pk, now=now) for pk in late)
