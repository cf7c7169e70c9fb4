"""The overdue activity reminder.

``sweep_overdue_activities()`` tells the people of an overdue activity's lead institution (the
municipality's coordinators when no institution leads it) that it is past its end date and not
done, once per activity per day: the stamp ``reminded_on`` is claimed by one conditional
UPDATE in the same transaction as the notices, so two workers never both send it. Each notice
is shown and e-mailed in its recipient's language (``spona.inbox``). The worker runs it every
``SWEEP_INTERVAL_MINUTES`` (``apps.py`` registers it); ``spona reminders`` runs it by hand.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from spona.accounts.models import User
from spona.accounts.selectors import coordinators_of
from spona.audit.context import AuditContext, acting
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.inbox.kinds import NotificationKind
from spona.inbox.services import notify
from spona.planning.models import Activity
from spona.planning.selectors import overdue


def reminded(activity: Activity) -> list[User]:
    """Who is reminded: every active account of the lead institution (a teacher runs a
    school's workshop, not only those who receive referrals), else the municipality's
    coordinators."""
    if activity.lead_id is not None:
        return list(User.objects.filter(institution=activity.lead_id, is_active=True))
    return list(coordinators_of(activity.municipality_id))


@transaction.atomic
def _remind(activity_id: int, today: datetime.date) -> bool:
    claimed = (
        Activity.objects.filter(pk=activity_id)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .update(reminded_on=today)
    )
    if not claimed:
        return False
    activity = Activity.objects.select_related("lead", "municipality").get(pk=activity_id)
    notify(
        recipients=reminded(activity),
        kind=NotificationKind.ACTIVITY_OVERDUE,
        params={
            "activity": activity.title,
            "year": str(activity.year),
            "municipality": activity.municipality,
            "institution": activity.lead or "—",
            "due": activity.ends_on,
        },
        link=reverse("planning:activity_detail", args=[activity.pk]),
    )
    with acting(AuditContext(channel="worker")):
        audit(AuditAction.UPDATE, activity, details={"reminder": "overdue"})
    return True


def sweep_overdue_activities(now: datetime.datetime | None = None) -> int:
    """Remind of every overdue activity not reminded today; returns how many were sent."""
    today = timezone.localdate(now or timezone.now())
    due = overdue(today).filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
    return sum(_remind(pk, today) for pk in due.values_list("pk", flat=True))
