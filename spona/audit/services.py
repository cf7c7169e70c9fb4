"""Writing to the audit log. Every sensitive read, every change and every export calls
``audit``; sign-ins are audited by ``spona.accounts.services``."""

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, Protocol, runtime_checkable

from django.db import connection, models, transaction
from django.utils import timezone

from spona.audit.context import current
from spona.audit.models import HASH_VERSION, AuditAction, AuditEvent

GENESIS_HASH = "0" * 64


@runtime_checkable
class _DefersToCommit(Protocol):
    """A database connection that runs work just before it commits, or in a transaction of its
    own, sent with the work (spona.core.postgresql)."""

    def in_application_transaction(self) -> bool: ...

    def get_autocommit(self) -> bool: ...

    def in_own_transaction(self, func: Callable[[], None]) -> None: ...

    def before_commit(self, func: Callable[[], None]) -> None: ...


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

    ``details`` must never hold personal data: field names, counts and codes only. Inside a
    transaction on PostgreSQL the event takes its place in the chain when the transaction
    commits (until then it has no ``seq`` or ``hash``); elsewhere at once.
    """
    ctx = current()
    actor = _actor_fields(user if user is not None else ctx.user)
    if username and not actor["actor_username"]:
        actor["actor_username"] = username
    event = AuditEvent(
        at=timezone.now(),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        purpose=purpose,
        client_address=ctx.client_address,
        details={"channel": ctx.channel, **(details or {})},
        **actor,
    )
    database = transaction.get_connection()
    if isinstance(database, _DefersToCommit) and database.in_application_transaction():
        # PostgreSQL inside a transaction: chain it at commit, so that the chain's lock is
        # held for the append and the commit only, and the append is sent with the commit
        # (spona.core.postgresql).
        database.before_commit(lambda: _append(event))
    elif isinstance(database, _DefersToCommit) and database.get_autocommit():
        # an audited read, outside any transaction: in a transaction of its own, sent with
        # its statements
        database.in_own_transaction(lambda: _append(event))
    else:
        with transaction.atomic():
            _append(event)
    return event


#: The chain's lock; then its head (its last event's place and hash) and the key the next event
#: will have, a row even when the log is empty. Two statements, sent in one round trip (with the
#: transaction's ``BEGIN`` where the append opened it: pipeline mode, ``spona.core.postgresql``):
#: PostgreSQL takes a new snapshot for each statement of a READ COMMITTED transaction, so the
#: head is read after the lock is granted and sees every event committed before it
#: (tests/test_audit_chain_concurrency.py, tests/ops/test_two_servers.py: no fork under
#: concurrent appends). The lock's key, 1527423185 (0x5B0AA0D1), serialises appends so that
#: the chain never forks.
_LOCK = "SELECT pg_advisory_xact_lock(1527423185)"
_HEAD_AND_NEXT_ID = """
SELECT head.seq, head.hash, nextval(pg_get_serial_sequence('audit_auditevent', 'id'))
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (SELECT seq, hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1) AS head
ON TRUE
"""


def _lock_and_read_head() -> tuple[int | None, str | None, int]:
    """Take the chain's lock, then read its last ``seq`` and ``hash`` (``None`` for an empty log)
    and the primary key the event will have, taken before the insert so that the hash covers it
    too. On SQLite the transaction's write lock serialises appends."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_LOCK)
            cursor.execute(_HEAD_AND_NEXT_ID)
            seq, last_hash, next_id = cursor.fetchone()
            return seq, last_hash, int(next_id)
        cursor.execute("SELECT seq, hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1")
        head = cursor.fetchone()
        cursor.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM audit_auditevent")
        (value,) = cursor.fetchone()
    return (head[0], head[1], int(value)) if head else (None, None, int(value))


def _named(obj: Any) -> str:
    return str(getattr(obj, "code", "") or obj.pk)


def audit_listed(*, user: Any, purpose: str, **shown: Iterable[Any]) -> None:
    """A list (a page or a page of the API) that shows person-level data: ONE read event naming
    every object it shows, by code (else id), grouped by the list's name. Nothing shown,
    nothing written. An object is a model instance, or a row read with its ``pk`` (and its
    ``code`` where the model has one) as attributes."""
    named = {key: [_named(obj) for obj in objects] for key, objects in shown.items()}
    named = {key: codes for key, codes in named.items() if codes}
    if named:
        audit(AuditAction.READ, user=user, purpose=purpose, details={"listed": named})


def _append(event: AuditEvent) -> None:
    """Give ``event`` the next place in the chain and store it (under the chain's lock); its
    hash covers every stored column (``HASH_VERSION``)."""
    seq, last_hash, event.id = _lock_and_read_head()
    event.seq = (seq + 1) if seq is not None else 1
    event.prev_hash = last_hash if last_hash is not None else GENESIS_HASH
    event.hash_version = HASH_VERSION
    event.hash = event.compute_hash()
    _insert(event)


@cache
def _insert_sql(vendor: str) -> str:
    """The ``INSERT`` of one event, every stored column (the primary key is taken under the
    lock, before), quoted for the database's vendor."""
    quote = connection.ops.quote_name
    fields = AuditEvent._meta.concrete_fields
    columns = ", ".join(quote(str(field.column)) for field in fields)
    places = ", ".join(["%s"] * len(fields))
    table = quote(AuditEvent._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES ({places})"  # noqa: S608 - the model's names


def _insert(event: AuditEvent) -> None:
    """Store a new ``event`` as ``save(force_insert=True)`` would, in one statement written
    once per process: each value made ready by its own field, as the ORM makes it. The ORM's
    save (its signals, its insert query built and compiled anew) was about 500 Python calls on
    every audited request. An event is only ever inserted; ``AuditEvent.save`` still refuses
    a change."""
    values = [
        field.get_db_prep_save(getattr(event, field.attname), connection)
        for field in AuditEvent._meta.concrete_fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor), values)
    event._state.adding = False
    event._state.db = connection.alias
