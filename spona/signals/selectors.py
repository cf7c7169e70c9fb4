"""Reads of signals: the triage queue, one's own signals, one signal (audited)."""

from django.db.models import Case, QuerySet, When
from django.http import Http404

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit, audit_listed
from spona.core.urgency import Urgency
from spona.policy import can, visible
from spona.signals.access import SIGNAL_TRIAGE
from spona.signals.models import Signal, Status

OPEN = [Status.NEW, Status.ASSIGNED]


def triage_queue(*, user: User) -> QuerySet[Signal]:
    """Open signals this user triages, most urgent and oldest first."""
    if not can(user, SIGNAL_TRIAGE):
        return Signal.objects.none()
    urgency_order = Case(
        When(urgency=Urgency.IMMEDIATE, then=0),
        When(urgency=Urgency.URGENT, then=1),
        default=2,
    )
    signals = (
        visible(user, Signal)
        .filter(status__in=OPEN)
        .select_related("municipality", "raised_by_institution")
    )
    return signals.annotate(urgency_order=urgency_order).order_by("urgency_order", "created_at")


def my_signals(*, user: User) -> QuerySet[Signal]:
    return visible(user, Signal).filter(raised_by=user).select_related("municipality")


def signal_list_page(*, user: User) -> dict[str, list[Signal]]:
    """The signals page: the triage queue and one's own signals, audited as one read."""
    queue, mine = list(triage_queue(user=user)), list(my_signals(user=user))
    audit_listed(user=user, purpose="signal list", queue=queue, mine=mine)
    return {"queue": queue, "mine": mine}


def signal_get(*, user: User, code: str) -> Signal:
    signal = (
        visible(user, Signal)
        .select_related("municipality", "raised_by_institution")
        .filter(code=code)
        .first()
    )
    if signal is None:
        raise Http404
    audit(AuditAction.READ, signal, user=user)
    return signal
