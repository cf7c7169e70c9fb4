"""The audit chain under appends from several database connections at once, on PostgreSQL: an
audited read appends in a transaction of its own, a write at its transaction's commit, both sent
in pipeline mode (spona.core.postgresql). The chain stays gap-free and never forks, and an
append that fails leaves neither a transaction nor the chain's lock behind."""

import itertools
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.db.backends.utils import CursorWrapper
from django.db.utils import DatabaseError

from spona.audit.models import AuditAction, AuditEvent
from spona.audit.selectors import audit_chain_verify
from spona.audit.services import Row, audit
from tests.ops.processes import needs_postgresql

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]

CONNECTIONS = 4
APPENDS = 15


def _read(n: int) -> None:
    audit(AuditAction.READ, details={"n": n})  # outside any transaction: one of its own


def _write(n: int) -> None:
    with transaction.atomic():  # as a request that writes: appended at the commit
        audit(AuditAction.UPDATE, details={"n": n})


def _on_connections(append: Callable[[int], None]) -> None:
    """``append`` ``APPENDS`` times on each of ``CONNECTIONS`` threads (each thread its own
    database connection), all started together."""
    start = threading.Barrier(CONNECTIONS)
    failures: list[BaseException] = []

    def run(thread: int) -> None:
        try:
            start.wait()
            for i in range(APPENDS):
                append(thread * APPENDS + i)
        except BaseException as failure:  # reported by the test below
            failures.append(failure)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def _assert_whole_chain() -> None:
    events = list(AuditEvent.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))
    assert [seq for seq, _, _ in events] == list(range(1, len(events) + 1))  # no gap
    assert all(prev == earlier[2] for earlier, (_, prev, _) in itertools.pairwise(events))
    assert len({prev for _, prev, _ in events}) == len(events)  # no two events on one parent
    assert audit_chain_verify().ok


@pytest.mark.parametrize("append", [_read, _write], ids=["audited reads", "writes"])
def test_concurrent_appends_keep_the_chain_whole(append: Callable[[int], None]) -> None:
    _on_connections(append)

    assert AuditEvent.objects.count() == CONNECTIONS * APPENDS
    _assert_whole_chain()


def test_reads_and_writes_appending_together_keep_the_chain_whole() -> None:
    _on_connections(lambda n: (_read, _write)[n % 2](n))

    assert AuditEvent.objects.count() == CONNECTIONS * APPENDS
    _assert_whole_chain()


def test_a_failed_append_leaves_no_transaction_and_no_lock(monkeypatch) -> None:
    _read(0)

    def broken(cursor: CursorWrapper, row: Row) -> None:
        cursor.execute("SELECT pg_advisory_xact_lock(1527423185)")
        cursor.execute("SELECT 1 / 0")

    monkeypatch.setattr("spona.audit.services._insert", broken)
    with pytest.raises(DatabaseError):
        _read(1)
    monkeypatch.undo()

    assert connection.connection.info.transaction_status == 0  # idle: rolled back
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(1527423185)")
            assert cursor.fetchone() == (True,)  # the chain's lock was released
            cursor.execute("SELECT pg_advisory_unlock(1527423185)")
    finally:
        other.close()
    _read(2)
    assert AuditEvent.objects.count() == 2
    _assert_whole_chain()
