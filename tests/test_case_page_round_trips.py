"""The case page's reads that depend only on the case, read together (h34case): on PostgreSQL
sent in one round trip (psycopg's pipeline mode), elsewhere one after the other; each read
gives what it gives alone, and a value taken twice is read once."""

import copy
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from spona.accounts.models import Role, User
from spona.accounts.selectors import receiving_institutions, receiving_later
from spona.cases.models import Case, DataCategory
from spona.cases.services import case_open_for_presumed_victim, consent_record, referral_send
from spona.core.prepared import Later, Prepared, _copied, read_together
from spona.core.urgency import Urgency
from spona.institutions.models import Institution, InstitutionType
from spona.policy import remembering
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _named(pk: int) -> QuerySet[Institution]:
    return Institution.objects.filter(pk=pk)


def _names_of(municipality: int) -> QuerySet[Institution, Any]:
    return (
        Institution.objects.filter(municipality=municipality)
        .order_by("pk")
        .values_list("name", flat=True)
    )


_NAMED = Prepared(_named, 0)
_NAMES_OF = Prepared(_names_of, 0)


@pytest.fixture
def pipelines(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """The statements of each pipeline the connection sends (PostgreSQL only)."""
    sent: list[list[str]] = []
    if connection.vendor != "postgresql":
        yield sent
        return
    backend = type(connections["default"])
    original = backend.pipelined

    def recorded(self: Any, send: Callable[[], None]) -> None:
        with CaptureQueriesContext(self) as captured:
            original(self, send)
        sent.append([query["sql"] for query in captured.captured_queries])

    monkeypatch.setattr(backend, "pipelined", recorded)
    yield sent


def test_reads_read_together_are_what_each_reads_alone(
    municipality: Any, pipelines: list[list[str]]
) -> None:
    first = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    InstitutionFactory(type=InstitutionType.HEALTH, municipality=municipality)
    named, names = _NAMED.later(first.pk), _NAMES_OF.later(municipality.pk).then(tuple)

    with CaptureQueriesContext(connection) as captured:
        read_together(named, names)
    with CaptureQueriesContext(connection) as again:
        taken = named.get(), names.get(), named.get()

    assert len(captured) == 2
    assert not again  # read once, by read_together
    assert taken == (_NAMED(first.pk), tuple(_NAMES_OF(municipality.pk)), taken[0])
    assert taken[0] == [first]
    if connection.vendor == "postgresql":
        assert [len(statements) for statements in pipelines] == [2]
    else:
        assert not pipelines


def test_a_value_taken_alone_reads_only_its_own_read(
    municipality: Any, pipelines: list[list[str]]
) -> None:
    first = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    named, names = _NAMED.later(first.pk), _NAMES_OF.later(municipality.pk)
    made: list[int] = []
    both = Later.of(lambda one, other: made.append(1) or (one, other), named, names)

    with CaptureQueriesContext(connection) as alone:
        named.get()
    with CaptureQueriesContext(connection) as rest:
        assert both.get() == both.get() == ([first], [first.name])

    assert len(alone) == len(rest) == 1
    assert made == [1]  # made once
    assert not pipelines  # one read is sent as it is, not in a pipeline
    assert Later.known(3).reads == ()
    assert Later.known(3).get() == 3


def test_copied_is_what_copy_makes_of_a_query_and_its_compiler(municipality: Any) -> None:
    query = _names_of(municipality.pk).query
    compiler = query.get_compiler(using="default")
    compiler.as_sql()

    for value in (query, compiler):
        copied = _copied(value)
        assert type(copied) is type(value)
        assert copied.__dict__ == copy.copy(value).__dict__
        assert copied.__dict__ is not value.__dict__


def test_who_can_receive_read_with_others_is_remembered_for_the_request(
    municipality: Any,
) -> None:
    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    UserFactory(role=Role.CASE_MANAGER, institution=police)

    with remembering():
        asked = receiving_later()
        assert len(asked.reads) == 1
        assert asked.get() == frozenset({police.pk})
        with CaptureQueriesContext(connection) as after:
            assert receiving_institutions() == frozenset({police.pk})
            assert receiving_later().reads == ()  # remembered: nothing to read
    assert not after
    with CaptureQueriesContext(connection) as outside:
        assert receiving_later().get() == receiving_institutions() == frozenset({police.pk})
    assert len(outside) == 2  # outside a read-only request nothing is remembered


def _case_with_a_team(lead: User) -> Case:
    person = PersonFactory(registered_by=lead)
    case = case_open_for_presumed_victim(user=lead, person=person, is_child=False, origin={})
    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=case.municipality)
    UserFactory(role=Role.CASE_MANAGER, institution=police)
    referral_send(user=lead, case=case, to=police, reason="support", urgency=Urgency.NORMAL)
    consent_record(
        user=lead,
        case=case,
        institution_type=InstitutionType.POLICE,
        category=DataCategory.CASE_DETAILS,
        method="written",
    )
    return case


#: the tables of the eleven reads of the case page that depend only on the case, for its lead
_OF_THE_CASE = {
    "cases_referral", "institutions_institution", "cases_consent", "cases_breakglassgrant",
    "accounts_user", "cases_caseevent", "conferences_conference", "plans_plan",
    "providers_delivery", "providers_servicerequest", "providers_offer",
}  # fmt: skip


def _table(sql: str) -> str:
    found = re.search(r'FROM "(\w+)"', sql)
    return found[1] if found else sql


def test_the_case_pages_reads_of_the_case_are_sent_together(
    lead: User, pipelines: list[list[str]]
) -> None:
    case = _case_with_a_team(lead)
    client = Client()
    client.force_login(lead)
    url = reverse("cases:case_detail", args=[case.code])
    client.get(url)  # the session's first touch
    del pipelines[:]

    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)

    assert page.status_code == 200
    read = [_table(query["sql"]) for query in captured.captured_queries]
    assert set(read[-len(_OF_THE_CASE) :]) == _OF_THE_CASE  # the page's last reads
    if connection.vendor == "postgresql":
        assert len(pipelines) == 1
        tables = {_table(sql) for sql in pipelines[0]}
        assert tables == _OF_THE_CASE
        assert len(pipelines[0]) == len(_OF_THE_CASE)
    else:
        assert not pipelines
