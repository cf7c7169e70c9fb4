"""Querysets compiled once per process (``spona.core.prepared``): the signed-in user is read
with the SQL compiled when the process first asked, and reads what the database holds now."""

import threading
from datetime import datetime, timedelta
from typing import Any
from unittest.mock import patch

import pytest
from django.db import connection, connections
from django.db.models.sql.compiler import SQLCompiler
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from spona.accounts.backends import UserBackend
from spona.accounts.models import Role, User
from spona.core.postgresql.base import PREPARED_MAX
from spona.core.prepared import Prepared, Shaped
from spona.institutions.models import Institution
from spona.people.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _by_role(role: str) -> Any:
    return User.objects.filter(role=role).order_by("pk")


def test_a_prepared_query_reads_as_the_queryset_would_for_any_value(make_user) -> None:
    managers = [make_user(Role.CASE_MANAGER) for _ in range(2)]
    supervisor = make_user(Role.SUPERVISOR)
    built: list[str] = []

    def by_role(role: str) -> Any:
        built.append(role)
        return _by_role(role)

    prepared = Prepared(by_role, "sample")
    assert prepared(Role.CASE_MANAGER) == managers
    assert prepared(Role.SUPERVISOR) == [supervisor]
    assert prepared(Role.ANALYST) == []
    # built and compiled at the first use, twice (to tell its values from its constants)
    assert built == ["sample", "sample~"]


def test_the_signed_in_user_comes_with_institution_and_municipality_in_one_query(
    make_user,
) -> None:
    made = make_user(Role.SUPERVISOR)
    with CaptureQueriesContext(connection) as captured:
        user = UserBackend().get_user(str(made.pk))
        assert user is not None
        assert (user.pk, user.username, user.role) == (made.pk, made.username, made.role)
        assert user.institution == made.institution
        assert user.institution.municipality == made.institution.municipality
    assert len(captured) == 1
    assert UserBackend().get_user(str(made.pk + 1000)) is None
    assert UserBackend().get_user("not a key") is None


def test_a_deactivated_or_moved_user_is_read_as_they_are_now(make_user, municipality) -> None:
    user = make_user(Role.CASE_MANAGER)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("workspace:home")).status_code == 200
    other = Institution.objects.create(name="Дом здравља", type="health", municipality=municipality)
    User.objects.filter(pk=user.pk).update(institution=other)
    assert client.get(reverse("workspace:home")).context["user"].institution == other
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(reverse("workspace:home")).status_code == 302  # to the sign-in page


def test_a_query_keeps_its_constants_and_takes_moments_as_the_database_does(make_user) -> None:
    manager, supervisor = make_user(Role.CASE_MANAGER), make_user(Role.SUPERVISOR)
    User.objects.filter(pk=manager.pk).update(date_joined=timezone.now() - timedelta(days=3))

    def joined_before(role: str, moment: datetime) -> Any:
        return _by_role(role).exclude(username="nobody").filter(date_joined__lt=moment)

    prepared = Prepared(joined_before, "sample", timezone.now())
    yesterday = timezone.now() - timedelta(days=1)
    assert prepared(Role.CASE_MANAGER, yesterday) == [manager]
    assert prepared(Role.SUPERVISOR, yesterday) == []
    assert prepared(Role.SUPERVISOR, timezone.now()) == [supervisor]


def test_a_query_whose_parameters_or_sql_are_not_its_values_is_refused(make_user) -> None:
    def worked_out(role: str) -> Any:
        return User.objects.filter(username=role.upper())

    def branching(role: str) -> Any:
        return _by_role(role) if role == "sample" else _by_role(role).filter(is_active=True)

    with pytest.raises(ValueError, match="none of its values"):
        Prepared(worked_out, "sample")(Role.ANALYST)
    with pytest.raises(ValueError, match="SQL depends"):
        Prepared(branching, "sample")(Role.ANALYST)
    with pytest.raises(ValueError, match="None"):
        Prepared(_by_role, "sample")(None)
    with pytest.raises(TypeError):
        Prepared(lambda active: User.objects.filter(is_active=active), True)(False)


def test_a_prepared_query_reads_values_as_its_queryset_does(make_user) -> None:
    manager = make_user(Role.CASE_MANAGER)
    keys = Prepared(lambda role: _by_role(role).values_list("pk", "role"), "sample")
    assert keys(Role.CASE_MANAGER) == [(manager.pk, Role.CASE_MANAGER)]


def test_a_parameter_that_could_be_two_values_is_refused() -> None:
    def by_keys(first: int, second: int) -> Any:
        return User.objects.filter(pk=first, institution=second)

    with pytest.raises(ValueError, match="more than one"):
        Prepared(by_keys, 1, 1)(5, 6)


@pytest.mark.django_db(transaction=True)
def test_each_thread_reads_through_its_own_connection(make_user) -> None:
    user = make_user(Role.CASE_MANAGER)
    prepared = Prepared(_by_role, "sample")
    assert prepared(Role.CASE_MANAGER) == [user]  # compiled on this thread's connection
    found: list[Any] = []

    def read() -> None:
        # Django refuses a connection made in another thread: the kept compiler's would fail
        try:
            found.append(prepared(Role.CASE_MANAGER))
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert found == [[user]]


def test_a_shaped_query_is_prepared_once_per_shape_and_per_value_left_out(make_user) -> None:
    manager, supervisor = make_user(Role.CASE_MANAGER), make_user(Role.SUPERVISOR)
    built: list[tuple[Any, ...]] = []

    def by_role(shape: str, *, role: str, institution: int | None) -> Any:
        built.append((shape, role, institution))
        users = _by_role(role)
        return users if institution is None else users.filter(institution=institution)

    shaped = Shaped(by_role)
    assert shaped("any", role=Role.CASE_MANAGER, institution=manager.institution_id) == [manager]
    assert shaped("any", role=Role.SUPERVISOR, institution=manager.institution_id) == [supervisor]
    assert shaped("any", role=Role.CASE_MANAGER, institution=manager.institution_id + 1) == []
    assert shaped("any", role=Role.SUPERVISOR, institution=None) == [supervisor]
    assert len(shaped) == 2  # with an institution, and without one
    # compiled with samples made from the kinds of the values, never a user's
    assert {role for _shape, role, _institution in built} == {"sample0", "sample0~"}
    assert {institution for *_rest, institution in built} == {1003, 1004, None}
    with pytest.raises(TypeError, match="kind bool"):
        Shaped(by_role)("any", role=Role.CASE_MANAGER, institution=True)


def _prepared_by_role() -> list[str]:
    """The statements PostgreSQL holds prepared for this connection that read users by role."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        found = [statement for (statement,) in cursor.fetchall()]
    return [sql for sql in found if sql.startswith("SELECT") and '"accounts_user"."role" =' in sql]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_a_statement_run_again_on_a_connection_is_prepared_by_postgresql(make_user) -> None:
    """Parameters are bound by the server, so a query a connection runs a second time is
    prepared there and planned once (settings: ``server_side_binding``, ``prepare_threshold``),
    and each run still reads its own values."""
    manager, supervisor = make_user(Role.CASE_MANAGER), make_user(Role.SUPERVISOR)
    assert connection.connection.prepared_max == PREPARED_MAX
    assert list(_by_role(Role.CASE_MANAGER)) == [manager]
    assert _prepared_by_role() == []
    assert list(_by_role(Role.SUPERVISOR)) == [supervisor]
    prepared = _prepared_by_role()
    assert len(prepared) == 1
    assert '"accounts_user"."role" = $1' in prepared[0]  # a parameter, not written in
    assert list(_by_role(Role.CASE_MANAGER)) == [manager]
    assert _prepared_by_role() == prepared


def _persons_registered_by(user: int) -> Any:
    """Persons (names encrypted: a converter of their own) with the user who registered them
    and that user's institution (more columns, a converter each where the backend has one)."""
    persons = Person.objects.filter(registered_by=user).order_by("pk")
    return persons.select_related("registered_by__institution")


@pytest.mark.django_db(transaction=True)
def test_a_prepared_querys_converters_are_found_once_per_connection(make_user) -> None:
    """The rows read as the queryset reads them (names decrypted, moments as the backend
    gives them), the converters of the kept columns found once on a connection, not at every
    read; again on another thread's connection."""
    lead = make_user(Role.CASE_MANAGER)
    PersonFactory(registered_by=lead, given_name="Ана"), PersonFactory(registered_by=lead)
    prepared = Prepared(_persons_registered_by, 1)
    found = SQLCompiler.get_converters
    with patch.object(SQLCompiler, "get_converters", autospec=True, side_effect=found) as asked:
        first = prepared(lead.pk)
        assert asked.call_count == 1
        for _ in range(3):
            assert prepared(lead.pk) == first
        assert prepared(lead.pk + 1000) == []
        assert asked.call_count == 1

        def read() -> None:
            try:
                assert prepared(lead.pk) == first
            finally:
                connections.close_all()

        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
        assert asked.call_count == 2

    by_the_orm = list(_persons_registered_by(lead.pk))
    assert first == by_the_orm
    assert [_shown(person) for person in first] == [_shown(person) for person in by_the_orm]
    assert [person.given_name for person in first] == ["Ана", "Милица"]


def _shown(person: Person) -> tuple[Any, ...]:
    registrant = person.registered_by
    assert registrant is not None
    assert registrant.institution is not None
    return person.given_name, registrant.date_joined, registrant.institution.name


def test_a_prepared_values_query_converts_its_columns_as_the_queryset_does(make_user) -> None:
    lead = make_user(Role.CASE_MANAGER)
    PersonFactory(registered_by=lead, given_name="Ана")

    def names(user: int) -> Any:
        persons = Person.objects.filter(registered_by=user)
        return persons.values_list("given_name", "registered_by__date_joined")

    prepared = Prepared(names, 1)
    for _ in range(2):
        assert prepared(lead.pk) == list(names(lead.pk)) == [("Ана", lead.date_joined)]


def test_a_prepared_query_reads_more_rows_than_the_orms_chunk_in_one_statement() -> None:
    User.objects.bulk_create(
        User(username=f"analyst{number:03}", role=Role.ANALYST) for number in range(130)
    )
    prepared = Prepared(_by_role, "sample")
    prepared(Role.ANALYST)  # prepared at the first use
    with (
        CaptureQueriesContext(connection) as captured,
        # the ORM's loop of a hundred rows at a time is not used: one fetchall
        patch("django.db.models.sql.compiler.cursor_iter", side_effect=AssertionError),
    ):
        analysts = prepared(Role.ANALYST)
    assert analysts == list(_by_role(Role.ANALYST))
    assert len(analysts) == 130
    assert len(captured) == 1
    assert [user.username for user in analysts[:2]] == ["analyst000", "analyst001"]
