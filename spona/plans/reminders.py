"""The overdue review reminder.

``sweep_overdue_reviews()`` sends one inbox notification (and its e-mail) to the plan's
drafter, its integration coordinator and the lead institution's supervisors for every
pending review of an active plan whose due date has passed, once per due date: the stamp
``reminded_at`` is claimed by one conditional UPDATE in the same transaction as the
notifications, and cleared when the review's date moves. The worker runs it every
``SWEEP_INTERVAL_MINUTES`` (``apps.py`` registers it with ``jobs.schedule.periodic``);
``spona reminders`` runs it by hand.
"""

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from spona.audit.context import AuditContext, acting
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.inbox.kinds import NotificationKind
from spona.inbox.services import notify
from spona.plans.models import Review
from spona.plans.selectors import review_responsible
from spona.plans.workflow import ACTIVE


@transaction.atomic
def _remind(review_id: int, now: datetime) -> bool:
    claimed = Review.objects.filter(
        pk=review_id, reminded_at__isnull=True, held_at__isnull=True
    ).update(reminded_at=now)
    if not claimed:
        return False
    review = Review.objects.select_related(
        "plan__case", "plan__drafted_by", "plan__coordinator"
    ).get(pk=review_id)
    notify(
        recipients=review_responsible(review),
        kind=NotificationKind.PLAN_REVIEW_OVERDUE,
        params={"plan": review.plan.code, "case": review.plan.case.code, "due": review.due_on},
        link=reverse("plans:plan_detail", args=[review.plan.code]),
    )
    with acting(AuditContext(channel="worker")):
        audit(AuditAction.UPDATE, review, details={"reminder": "overdue"})
    return True


def sweep_overdue_reviews(now: datetime | None = None) -> int:
    """Remind of every overdue review not reminded yet; returns how many were sent."""
    now = now or timezone.now()
    overdue = Review.objects.filter(
        held_at__isnull=True,
        reminded_at__isnull=True,
        plan__status__in=ACTIVE,
        due_on__lt=timezone.localdate(now),
    )
    return sum(_remind(pk, now) for pk in overdue.values_list("pk", flat=True))
