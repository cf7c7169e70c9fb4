"""Writes for signals: raising one (staff or citizen), citizens' additions, triage."""

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.accounts.selectors import can_receive
from spona.audit.context import AuditContext, acting, current
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.codes import ALPHABET, drawn
from spona.core.locking import save_versioned
from spona.core.urgency import Urgency
from spona.institutions.models import Institution
from spona.people.models import Person
from spona.policy import require
from spona.signals.access import SIGNAL_RAISE, SIGNAL_TRIAGE
from spona.signals.models import Signal, SignalNote, Source, Status


def _receipt_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace(" ", "").encode()).hexdigest()


def new_receipt_code() -> str:
    return "-".join([drawn(ALPHABET, 4) for _ in range(3)])


def signal_raise(*, user: User, **fields: Any) -> Signal:
    """A signal from a professional of any institution, and its audit, written together.
    Inside a transaction (a request's) without a savepoint of its own (two round trips): they
    are written or rolled back with that transaction."""
    require(user, SIGNAL_RAISE)
    with transaction.atomic(savepoint=False):
        signal = Signal.objects.create(
            source=Source.INSTITUTION,
            raised_by=user,
            raised_by_institution=user.institution,
            **fields,
        )
        audit(AuditAction.CREATE, signal, user=user)
    return signal


def _anonymous_audit() -> AuditContext:
    """Citizens' submissions are audited without their address: we never asked for it."""
    return AuditContext(user=None, client_address=None, channel=current().channel)


@transaction.atomic
def citizen_signal_submit(**fields: Any) -> tuple[Signal, str]:
    """An anonymous citizen's signal; returns it with the receipt code shown once."""
    receipt = new_receipt_code()
    signal = Signal.objects.create(
        source=Source.CITIZEN, receipt_hash=_receipt_hash(receipt), **fields
    )
    with acting(_anonymous_audit()):
        audit(AuditAction.CREATE, signal)
    return signal, receipt


@transaction.atomic
def citizen_signal_add(*, receipt: str, text: str) -> Signal | None:
    """More information from the citizen who holds the receipt code; None if it matches nothing."""
    signal = Signal.objects.filter(
        source=Source.CITIZEN, receipt_hash=_receipt_hash(receipt)
    ).first()
    if signal is None:
        return None
    note = SignalNote.objects.create(signal=signal, text=text, from_citizen=True)
    with acting(_anonymous_audit()):
        audit(AuditAction.CREATE, note)
    return signal


@transaction.atomic
def signal_assign(
    *,
    user: User,
    signal: Signal,
    expected_version: int,
    institution: Institution,
    urgency: str = "",
) -> Signal:
    """Route a signal to the institution that acts on it next, with the urgency the triage
    decided (empty: as the reporter chose)."""
    require(user, SIGNAL_TRIAGE, signal)
    if urgency and urgency not in Urgency.values:
        raise ValidationError({"urgency": _("Choose an urgency.")})
    if not can_receive(institution):
        raise ValidationError(
            _("Nobody at this institution can receive a signal yet; choose another one.")
        )
    signal.assigned_institution, signal.status, signal.triaged_at = (
        institution,
        Status.ASSIGNED,
        timezone.now(),
    )
    fields = ["assigned_institution", "status", "triaged_at"]
    details: dict[str, object] = {"assigned_institution": institution.pk}
    if urgency and urgency != signal.urgency:
        details["urgency"] = {"from": signal.urgency, "to": urgency}
        signal.urgency = urgency
        fields.append("urgency")
    save_versioned(signal, expected_version=expected_version, fields=fields)
    audit(AuditAction.UPDATE, signal, user=user, details=details)
    return signal


@transaction.atomic
def signal_dismiss(*, user: User, signal: Signal, expected_version: int, reason: str) -> Signal:
    require(user, SIGNAL_TRIAGE, signal)
    signal.status, signal.dismissed_reason, signal.triaged_at = (
        Status.DISMISSED,
        reason,
        timezone.now(),
    )
    save_versioned(
        signal,
        expected_version=expected_version,
        fields=["status", "dismissed_reason", "triaged_at"],
    )
    audit(AuditAction.UPDATE, signal, user=user, details={"dismissed": True})
    return signal


@transaction.atomic
def signal_merge(*, user: User, signal: Signal, expected_version: int, into: Signal) -> Signal:
    """Mark ``signal`` a duplicate of ``into``; both stay, the duplicate points to the original."""
    require(user, SIGNAL_TRIAGE, signal)
    require(user, SIGNAL_TRIAGE, into)
    if into.pk == signal.pk or into.merged_into_id:
        raise PermissionDenied
    signal.status, signal.merged_into, signal.triaged_at = Status.MERGED, into, timezone.now()
    save_versioned(
        signal, expected_version=expected_version, fields=["status", "merged_into", "triaged_at"]
    )
    SignalNote.objects.filter(signal=signal).update(signal=into)
    audit(AuditAction.UPDATE, signal, user=user, details={"merged_into": into.pk})
    return signal


def signal_screening_started(*, signal: Signal, person: Person) -> None:
    """A screening began on this signal (the caller checked the policy): it now concerns
    ``person`` and is no longer waiting for triage."""
    Signal.objects.filter(pk=signal.pk).update(
        person=person,
        status=Status.SCREENING,
        triaged_at=timezone.now(),
        version=F("version") + 1,
    )


def signals_repoint_person(*, keep: Person, duplicate: Person) -> int:
    """A merge: the duplicate's signals now concern ``keep``. Returns how many moved."""
    return Signal.objects.filter(person=duplicate).update(person=keep)
