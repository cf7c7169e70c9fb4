"""The network round trips each page of the load mix makes, to PostgreSQL and to Redis, counted
exactly: every statement psycopg sends (with the ``BEGIN`` it sends apart before a
transaction's first statement, and each ``COMMIT`` and ``ROLLBACK``; in pipeline mode what it
sends before each wait for results), every Redis command or pipeline, and the connection's
health check that every request served by Gunicorn makes (Django's test client leaves it
out). Pages as bench/pages.py asks them, against the same benchmark database, each asked
twice first (statements prepared, reference data read). A system-call trace can cut each
measured request at the writes of "measured: <page>" and "done" to /dev/null.

    .venv/bin/python bench/trips.py [--account 3] [--show]

``--show`` prints each page's trips in order (the SQL's first words, the Redis commands).
"""

import sys
from pathlib import Path

sys.path.pop(0)  # see bench/pages.py: this folder holds a ``statistics``
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import os
from collections.abc import Callable
from functools import wraps
from typing import Any

import psycopg
import redis.client
from django.core.signals import request_started
from django.db import connections
from psycopg.pq import TransactionStatus

from bench import pages  # sets up Django against the benchmark database

trips: list[tuple[str, str]] = []  # (server, what) in the order sent
queued: list[str] = []  # statements waiting in psycopg's pipeline, sent at its next wait


def _statement(conn: Any, query: Any) -> None:
    text = query.as_string(conn) if hasattr(query, "as_string") else str(query)
    text = " ".join(text.split())[:90]
    if conn._pipeline is not None:
        queued.append(text)
        return
    if not conn.autocommit and conn.info.transaction_status == TransactionStatus.IDLE:
        trips.append(("pg", "BEGIN"))  # psycopg sends it alone, before the statement
    trips.append(("pg", text))


def _pipelined(what: str) -> None:
    """The pipeline waits for results: what was queued is one round trip."""
    if queued:
        trips.append(("pg", f"{what}: " + " | ".join(q[:40] for q in queued)))
        del queued[:]


def _ends(conn: Any, name: str) -> None:
    if conn.info.transaction_status != TransactionStatus.IDLE:  # else psycopg sends nothing
        trips.append(("pg", name))


def _fetches(cursor: Any) -> None:
    if not cursor.pgresult:  # else the result is here already
        _pipelined("pipeline, flushed")


def _command(client: Any, *args: Any, **kwargs: Any) -> None:
    trips.append(("redis", " ".join(str(arg)[:60] for arg in args[:2])))


def _redis_pipeline(pipeline: Any, *args: Any, **kwargs: Any) -> None:
    if pipeline.command_stack:
        trips.append(
            ("redis", "pipeline: " + " ".join(str(c[0][0]) for c in pipeline.command_stack))
        )


def _counting(method: Callable[..., Any], count: Callable[..., None]) -> Callable[..., Any]:
    @wraps(method)
    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        count(self, *args, **kwargs)
        return method(self, *args, **kwargs)

    return counted


def _health_check(**kwargs: Any) -> None:
    """What Gunicorn's request does first and Django's test client leaves out: each database
    connection is checked (``CONN_HEALTH_CHECKS``: a ``SELECT 1`` before the first query)."""
    for database in connections.all(initialized_only=True):
        database.close_if_unusable_or_obsolete()


def instrument() -> None:
    cursor, connection = psycopg.Cursor, psycopg.Connection
    for name in ("execute", "executemany"):
        method = getattr(cursor, name)
        setattr(cursor, name, _counting(method, lambda c, q, *a, **k: _statement(c.connection, q)))
    connection.commit = _counting(connection.commit, lambda c: _ends(c, "COMMIT"))  # type: ignore[method-assign]
    connection.rollback = _counting(connection.rollback, lambda c: _ends(c, "ROLLBACK"))  # type: ignore[method-assign]
    cursor._fetch_pipeline = _counting(cursor._fetch_pipeline, _fetches)  # type: ignore[method-assign]
    psycopg.Pipeline.__exit__ = _counting(  # type: ignore[method-assign]
        psycopg.Pipeline.__exit__, lambda p, *a: _pipelined("pipeline, synced")
    )
    redis.client.Redis.execute_command = _counting(  # type: ignore[method-assign]
        redis.client.Redis.execute_command, _command
    )
    redis.client.Pipeline.execute = _counting(  # type: ignore[method-assign]
        redis.client.Pipeline.execute, _redis_pipeline
    )
    request_started.connect(_health_check)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--account", type=int, default=3)
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    instrument()
    marks = os.open(os.devnull, os.O_WRONLY)
    client = pages.signed_in(pages.loadsetup.users()[args.account])
    print(f"{'page':16} {'PostgreSQL':>10} {'Redis':>6}")
    for name, request in pages.pages(client).items():
        request()
        request()  # warm: statements prepared, reference data cached
        del trips[:]
        os.write(marks, f"measured: {name}".encode())  # where a system-call trace may cut
        request()
        os.write(marks, b"done")
        pg = [what for server, what in trips if server == "pg"]
        kept = [what for server, what in trips if server == "redis"]
        print(f"{name:16} {len(pg):10d} {len(kept):6d}")
        if args.show:
            for server, what in trips:
                print(f"    {server:5} {what}")


if __name__ == "__main__":
    main()
