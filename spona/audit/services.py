"""Writing to the audit log. Every sensitive read, every change and every export calls
``audit``; sign-ins are audited by ``spona.accounts.services``."""

from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from spona.audit.context import current
from spona.audit.models import AuditAction, AuditEvent

GENESIS_HASH = "0" * 64
_POSTGRES_LOCK_ID = 0x5B0A_A0D1  # serialises appends so the chain never forks


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_POSTGRES_LOCK_ID])


def _actor_fields(user: Any) -> dict[str, Any]:
    if user is None:
        return {"actor": None, "actor_username": "", "institution_id": None, "role": ""}
    return {
        "actor": user,
        "actor_username": user.get_username(),
        "institution_id": getattr(user, "institution_id", None),
        "role": getattr(user, "role", ""),
    }


def audit(
    action: AuditAction,
    obj: models.Model | None = None,
    *,
    purpose: str = "",
    details: dict[str, Any] | None = None,
    user: Any = None,
    username: str = "",
) -> AuditEvent:
    """Append one event. ``user`` defaults to the current request's user.

    ``details`` must never hold personal data: field names, counts and codes only.
    """
    ctx = current()
    actor = _actor_fields(user if user is not None else ctx.user)
    if username and not actor["actor_username"]:
        actor["actor_username"] = username
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        event = AuditEvent(
            seq=(last["seq"] + 1) if last else 1,
            at=timezone.now(),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            purpose=purpose,
            client_address=ctx.client_address,
            details={"channel": ctx.channel, **(details or {})},
            prev_hash=last["hash"] if last else GENESIS_HASH,
            **actor,
        )
        event.hash = event.compute_hash()
        event.save()
    return event
