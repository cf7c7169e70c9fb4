"""Writing to the audit log. Every sensitive read, every change and every export calls
``audit``; sign-ins are audited by ``spona.accounts.services``."""

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple, Protocol, runtime_checkable

from django.db import connection, models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone

from spona.audit.context import current
from spona.audit.models import HASH_VERSION, AuditAction, AuditEvent, canonical_text, text_hash

GENESIS_HASH = "0" * 64


@runtime_checkable
class _DefersToCommit(Protocol):
    """A database connection that runs work just before it commits, or in a transaction of its
    own, sent with the work (spona.core.postgresql)."""

    def in_application_transaction(self) -> bool: ...

    def get_autocommit(self) -> bool: ...

    def in_own_transaction(self, func: Callable[[], None]) -> None: ...

    def before_commit(self, func: Callable[[], None]) -> None: ...


#: An event's stored columns by attribute name (``actor_id``, ...), as ``audit`` gathers them;
#: ``id``, ``seq``, ``prev_hash``, ``hash_version`` and ``hash`` are added under the chain's lock.
Row = dict[str, Any]


def _actor_columns(user: Any) -> Row:
    if user is None:
        return {"actor_id": None, "actor_username": "", "institution_id": None, "role": ""}
    return {
        "actor_id": user.pk,
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
) -> None:
    """Append one event. ``user`` defaults to the current request's user.

    ``details`` must never hold personal data: field names, counts and codes only. Inside a
    transaction on PostgreSQL the event takes its place in the chain when the transaction
    commits; elsewhere at once. The event is gathered as its columns' values, not as an
    ``AuditEvent``: an instance only served its ``INSERT`` (h35audit).
    """
    ctx = current()
    row = _actor_columns(user if user is not None else ctx.user)
    if username and not row["actor_username"]:
        row["actor_username"] = username
    row.update(
        at=timezone.now(),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        purpose=purpose,
        client_address=_as_stored(ctx.client_address),
        details={"channel": ctx.channel, **(details or {})},
    )
    database = transaction.get_connection()
    if isinstance(database, _DefersToCommit) and database.in_application_transaction():
        # PostgreSQL inside a transaction: chain it at commit, so that the chain's lock is
        # held for the append and the commit only, and the append is sent with the commit
        # (spona.core.postgresql).
        database.before_commit(lambda: _append(row))
    elif isinstance(database, _DefersToCommit) and database.get_autocommit():
        # an audited read, outside any transaction: in a transaction of its own, sent with
        # its statements
        database.in_own_transaction(lambda: _append(row))
    else:
        with transaction.atomic():
            _append(row)


_ADDRESS = AuditEvent._meta.get_field("client_address")


def _as_stored(address: str | None) -> str | None:
    """The client's address as its column stores it (an IPv6 address in its short form, none
    for an empty one): what is hashed must be what ``spona audit verify`` reads back, or the
    event reads as changed."""
    return _ADDRESS.get_prep_value(address) or None


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


def _lock_and_read_head(cursor: Any) -> tuple[int | None, str | None, int]:
    """Take the chain's lock, then read its last ``seq`` and ``hash`` (``None`` for an empty log)
    and the primary key the event will have, taken before the insert so that the hash covers it
    too. On SQLite the transaction's write lock serialises appends."""
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


def _append(row: Row) -> None:
    """Give the event ``row`` the next place in the chain and store it (under the chain's
    lock, one cursor for both); its hash covers every stored column (``HASH_VERSION``)."""
    with connection.cursor() as cursor:
        seq, last_hash, row["id"] = _lock_and_read_head(cursor)
        row["seq"] = (seq + 1) if seq is not None else 1
        row["prev_hash"] = last_hash if last_hash is not None else GENESIS_HASH
        row["hash_version"] = HASH_VERSION
        row["hash"] = text_hash(canonical_text(row))
        _insert(cursor, row)


#: How a column's value is made ready for the database driver, given the connection's
#: operations: as its field's ``get_db_prep_save`` makes it
Preparer = Callable[[BaseDatabaseOperations, Any], Any]


def _preparer(field: models.Field[Any, Any]) -> Preparer:
    """``field.get_db_prep_save``, without the calls around it for the values ``audit`` gives:
    text, whole numbers or ``None``, an aware time, a dict and an IPv4 address or ``None``, each
    given to the operation the field ends in. Any other value, and any other kind of field, is
    made ready by the field itself. Found once per process for each column."""

    def by_the_field(ops: BaseDatabaseOperations, value: Any) -> Any:
        return field.get_db_prep_save(value, ops.connection)

    kind = type(field)
    if kind in (models.CharField, models.TextField):

        def text(ops: BaseDatabaseOperations, value: Any) -> Any:
            return value if isinstance(value, str) or value is None else by_the_field(ops, value)

        return text
    if kind in (models.BigIntegerField, models.PositiveSmallIntegerField):
        internal_type = field.get_internal_type()

        def number(ops: BaseDatabaseOperations, value: Any) -> Any:
            if type(value) is int or value is None:
                return ops.adapt_integerfield_value(value, internal_type)
            return by_the_field(ops, value)

        return number
    if kind is models.BigAutoField or (
        kind is models.ForeignKey
        and type(getattr(field, "target_field", None)) is models.BigAutoField
    ):

        def key(ops: BaseDatabaseOperations, value: Any) -> Any:
            if value is None:
                return None
            if type(value) is int:
                return ops.validate_autopk_value(value)
            return by_the_field(ops, value)

        return key
    if kind is models.DateTimeField:

        def moment(ops: BaseDatabaseOperations, value: Any) -> Any:
            if type(value) is datetime and value.utcoffset() is not None:
                return ops.adapt_datetimefield_value(value)
            return by_the_field(ops, value)

        return moment
    if kind is models.JSONField:
        encoder = field.encoder  # type: ignore[attr-defined]

        def document(ops: BaseDatabaseOperations, value: Any) -> Any:
            if type(value) is dict:
                return ops.adapt_json_value(value, encoder)
            return by_the_field(ops, value)

        return document
    if kind is models.GenericIPAddressField:

        def address(ops: BaseDatabaseOperations, value: Any) -> Any:
            if value is None or (type(value) is str and ":" not in value):
                return ops.adapt_ipaddressfield_value(value)
            return by_the_field(ops, value)  # IPv6: the field writes it in its short form

        return address
    return by_the_field


class _Insert(NamedTuple):
    sql: str
    columns: tuple[tuple[str, Preparer], ...]


@cache
def _insert_for(vendor: str) -> _Insert:
    """The ``INSERT`` of one event, every stored column (the primary key is taken under the
    lock, before), quoted for the database's vendor; and each column's name and preparer.
    Written once per process for each kind of database."""
    quote = connection.ops.quote_name
    fields = AuditEvent._meta.concrete_fields
    names = ", ".join(quote(str(field.column)) for field in fields)
    places = ", ".join(["%s"] * len(fields))
    table = quote(AuditEvent._meta.db_table)
    return _Insert(
        sql=f"INSERT INTO {table} ({names}) VALUES ({places})",  # noqa: S608 - the model's names
        columns=tuple((field.attname, _preparer(field)) for field in fields),
    )


def _insert(cursor: Any, row: Row) -> None:
    """Store the event ``row`` as ``AuditEvent(**row).save(force_insert=True)`` would, in one
    statement written once per process, each value made ready as its field makes it
    (tests/test_audit.py). The ORM's save (its signals, its insert query built and compiled
    anew) was about 500 Python calls on every audited request, and the model instance and each
    field's ``get_db_prep_save`` about 270 more (h35audit). An event is only ever inserted;
    ``AuditEvent.save`` still refuses a change."""
    ops = connection.ops
    insert = _insert_for(connection.vendor)
    cursor.execute(insert.sql, [prepare(ops, row[name]) for name, prepare in insert.columns])
