"""A kept PostgreSQL connection is checked before a request's first query only when its socket
has something to read (spona.core.postgresql): a live connection costs no round trip, one the
server ended is found and replaced before the request uses it."""

import time
from unittest.mock import patch

import pytest
from django.db import connections

from tests.ops.processes import needs_postgresql

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def database():  # type: ignore[no-untyped-def]
    """The default connection, checked as the settings' ``CONN_HEALTH_CHECKS`` has it."""
    database = connections["default"]
    database.health_check_enabled = True
    return database


def _backend(database) -> int:  # type: ignore[no-untyped-def]
    with database.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_a_live_connection_is_not_asked(database) -> None:
    first = _backend(database)
    database.close_if_unusable_or_obsolete()  # the next request starts
    with patch.object(type(database), "is_usable", autospec=True) as asked:
        assert _backend(database) == first

    asked.assert_not_called()


def test_a_connection_the_server_ended_is_replaced_before_the_first_query(database) -> None:
    ended = _backend(database)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [ended])
    finally:
        other.close()
    deadline = time.monotonic() + 5
    while database._quiet() and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's last message on its way

    database.close_if_unusable_or_obsolete()  # the next request starts

    assert _backend(database) != ended  # a new connection, and no error
