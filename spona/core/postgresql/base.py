"""Django's PostgreSQL backend with ``before_commit``: callbacks that run inside the
transaction, after everything else it did, just before it commits.

Why: appending to the audit log's hash chain takes a lock that serialises every writer until
its transaction ends. Taken where the event is recorded (early in a request), the lock was
held through the rest of the request, rendering included, so audited requests ran one at a
time across all servers. Appended at commit, the lock is held for the append and the
commit alone (bench/load.py, docs/decisions.md).

The transaction the callbacks belong to is the outermost one the application opened: its
commit, or, inside a test case's own blocks, the release of the application's outermost
savepoint. A callback registered in a savepoint that is rolled back is dropped with it.
"""

import select
from collections.abc import Callable
from typing import Any

from django.db.backends.postgresql import base
from psycopg.pq import ConnStatus, TransactionStatus

#: statements a connection keeps prepared on the server (psycopg's default is 100): three
#: users' pages of the load mix prepare about 60, and every other page and shape of user
#: adds its own; one evicted is parsed and planned again at its next use (settings:
#: ``prepare_threshold``)
PREPARED_MAX = 1000


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.before_commit_callbacks: list[tuple[set[str], Callable[[], None]]] = []

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        connection.prepared_max = PREPARED_MAX
        return connection

    def in_application_transaction(self) -> bool:
        """Whether an atomic block of the application (not only a test case's) is open."""
        return any(not getattr(block, "_from_testcase", False) for block in self.atomic_blocks)

    def before_commit(self, func: Callable[[], None]) -> None:
        """Run ``func`` inside the current transaction just before it commits."""
        self.before_commit_callbacks.append((set(self.savepoint_ids), func))

    def _run_before_commit(self) -> None:
        if self.in_application_transaction():
            return  # an inner savepoint: the outer block commits them
        while self.before_commit_callbacks:
            _, func = self.before_commit_callbacks.pop(0)
            func()

    def commit(self) -> None:
        if self.before_commit_callbacks and not self.in_application_transaction():
            self._run_before_commit_and_commit()
        super().commit()  # psycopg sends nothing when the transaction has ended

    def _run_before_commit_and_commit(self) -> None:
        """Run the callbacks and commit in psycopg's pipeline mode: a statement is sent with
        the next one that reads a result, the last with the ``COMMIT``. The audit chain's
        append (its lock and head read, then its ``INSERT``) and the commit so take two round
        trips instead of three."""
        with self.wrap_database_errors, self.connection.pipeline():
            self._run_before_commit()
            self.connection.execute("COMMIT", prepare=False)

    def close_if_health_check_failed(self) -> None:
        """Django's check of a kept connection before a request's first query
        (``CONN_HEALTH_CHECKS``: a ``SELECT 1``, a round trip on every request), made only when
        the connection's socket has something to read. Between requests a live connection has
        nothing to say; a server that ended it (a restart, a termination) sent its last message
        and closed it, so its socket reads (tests/test_database_health_check.py)."""
        # Django's attributes, which its stubs do not declare
        checking = self.health_check_enabled and not self.health_check_done  # type: ignore[attr-defined,has-type]
        if checking and self.connection is not None and self._quiet():
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _quiet(self) -> bool:
        """Nothing to read on the connection's socket, and psycopg takes it for a good one."""
        if self.connection.info.status != ConnStatus.OK:
            return False
        waiting = select.poll()
        waiting.register(self.connection.fileno(), select.POLLIN)
        return not waiting.poll(0)

    def in_own_transaction(self, func: Callable[[], None]) -> None:
        """Run ``func`` in a transaction of its own, outside any transaction (autocommit), in
        pipeline mode: the ``BEGIN`` goes with ``func``'s first statement and the ``COMMIT``
        with its last, where Django's ``atomic`` sends each in a round trip of its own (psycopg
        waits for the ``BEGIN`` it sends, even in pipeline mode). An audited read's append:
        two round trips instead of four. On any failure the transaction is rolled back."""
        self.close_if_health_check_failed()  # before the pipeline: its check is a query
        self.ensure_connection()
        database = self.connection
        with self.wrap_database_errors:
            try:
                with database.pipeline():
                    database.execute("BEGIN", prepare=False)
                    func()
                    database.execute("COMMIT", prepare=False)
            finally:
                if database.info.transaction_status != TransactionStatus.IDLE:
                    database.rollback()

    def pipelined(self, send: Callable[[], None]) -> None:
        """Run ``send``'s statements in pipeline mode: sent together, each cursor's rows read
        when they are all answered (one round trip, where each statement was one; reads of
        the case page, ``spona.core.prepared.read_together``). Each statement still takes its
        own snapshot (READ COMMITTED), as it would alone."""
        self.close_if_health_check_failed()  # before the pipeline: its check is a query
        self.ensure_connection()
        with self.wrap_database_errors, self.connection.pipeline():
            send()

    def savepoint_commit(self, sid: str) -> None:
        self._run_before_commit()
        super().savepoint_commit(sid)

    def savepoint_rollback(self, sid: str) -> None:
        super().savepoint_rollback(sid)
        self.before_commit_callbacks = [
            (sids, func) for sids, func in self.before_commit_callbacks if sid not in sids
        ]

    def rollback(self) -> None:
        self.before_commit_callbacks = []
        super().rollback()

    def close(self) -> None:
        self.before_commit_callbacks = []
        super().close()
