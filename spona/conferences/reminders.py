"""Task reminders: one before the due date ("due soon"), one the day after it ("overdue"),
each to the inbox and by e-mail, and to the owner institution's duty address.

Scheduling. Creating a task, or moving its due date, queues two deferred background tasks
(``send_reminder``) with ``run_after`` set to the moment each reminder is due; the worker
(``spona worker``) runs them then. A backend that cannot defer (the immediate backend of the
test settings) gets only the reminders that are already due, at once; ``sweep`` (run by the
worker every ``SWEEP_INTERVAL_MINUTES``, ``spona.jobs.schedule``; or ``spona reminders``) sends
anything due that was missed.

Idempotence. A run re-reads the task and sends only if it is still open, still due on the date
the reminder was scheduled for, and that reminder has not gone out yet. The stamp
(``reminded_before_at`` / ``reminded_after_at``) is claimed by one conditional UPDATE in the
same transaction as the notifications, so a reminder goes out once however often it runs.
"""

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task, task_backends
from django.urls import reverse
from django.utils import timezone

from spona.audit.context import AuditContext, acting
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.conferences.models import Task, TaskStatus
from spona.conferences.selectors import task_owners
from spona.inbox.kinds import NotificationKind
from spona.inbox.services import notify

logger = logging.getLogger(__name__)

BEFORE, AFTER = "before", "after"
KINDS = {BEFORE: NotificationKind.TASK_DUE_SOON, AFTER: NotificationKind.TASK_OVERDUE}
STAMPS = {BEFORE: "reminded_before_at", AFTER: "reminded_after_at"}


def reminder_at(due_on: date, which: str) -> datetime:
    """When a reminder is due: ``TASK_REMINDER_BEFORE`` ahead of the due date, or the day
    after it, at ``TASK_REMINDER_HOUR`` local time."""
    offset = -settings.TASK_REMINDER_BEFORE if which == BEFORE else timedelta(days=1)
    day = due_on + offset
    return timezone.make_aware(datetime.combine(day, time(hour=settings.TASK_REMINDER_HOUR)))


def is_due(due_on: date, which: str, now: datetime) -> bool:
    """A reminder is due from its moment on; "due soon" no longer once the task is overdue."""
    if now < reminder_at(due_on, which):
        return False
    return which == AFTER or now < reminder_at(due_on, AFTER)


def schedule(task_: Task) -> None:
    """Queue both reminders for the task's current due date (called inside the write's
    transaction: the database queue keeps them until it commits)."""
    deferrable = task_backends[send_reminder.backend].supports_defer
    now = timezone.now()
    for which in (BEFORE, AFTER):
        at = reminder_at(task_.due_on, which)
        args = (task_.pk, which, task_.due_on.isoformat())
        if deferrable:
            send_reminder.using(run_after=at).enqueue(*args)
        elif at <= now:
            send_reminder.enqueue(*args)


@task()
def send_reminder(task_id: int, which: str, due_on: str) -> bool:
    """The worker's entry point for one scheduled reminder."""
    return remind(task_id=task_id, which=which, due_on=date.fromisoformat(due_on))


@transaction.atomic
def remind(*, task_id: int, which: str, due_on: date, now: datetime | None = None) -> bool:
    """Send one reminder if it is due and has not gone out; True if it was sent."""
    now = now or timezone.now()
    if not is_due(due_on, which, now):
        return False
    pending = {"pk": task_id, "status": TaskStatus.OPEN, "due_on": due_on}
    claimed = Task.objects.filter(**pending, **{f"{STAMPS[which]}__isnull": True}).update(
        **{STAMPS[which]: now}
    )
    if not claimed:
        return False  # done, cancelled, moved, or already reminded
    task_ = Task.objects.select_related("owner_user", "owner_institution").get(pk=task_id)
    notify(
        recipients=task_owners(task_),
        kind=KINDS[which],
        params={"task": task_.code, "due": task_.due_on},
        link=reverse("conferences:task_detail", args=[task_.code]),
        duty=[task_.owner_institution],
    )
    with acting(AuditContext(channel="worker")):
        audit(AuditAction.UPDATE, task_, details={"reminder": which})
    logger.info("task %s: %s reminder sent", task_id, which)
    return True


def sweep(now: datetime | None = None) -> int:
    """Send every due reminder that has not gone out (a stopped worker, a backend that
    cannot defer); returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    open_tasks = Task.objects.filter(status=TaskStatus.OPEN)
    today = timezone.localdate(now)
    # due dates whose reminder may be due now (``remind`` checks the exact moment)
    window = {
        BEFORE: {
            "due_on__gte": today - timedelta(days=1),
            "due_on__lte": today + settings.TASK_REMINDER_BEFORE,
        },
        AFTER: {"due_on__lt": today},
    }
    for which, stamp in STAMPS.items():
        candidates = open_tasks.filter(**{f"{stamp}__isnull": True}, **window[which])
        for task_id, due_on in candidates.values_list("pk", "due_on"):
            sent += remind(task_id=task_id, which=which, due_on=due_on, now=now)
    return sent
