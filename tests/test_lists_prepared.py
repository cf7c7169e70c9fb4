"""The case list's first pages (issue 18, h18shaped2), the person list's (h18person) and the
API's signal list's (h18api) are read by queries prepared once per shape of user: unfiltered,
they show exactly the cases, referrals, persons and signals, in the same order, with the same
counts, as the list read through the ORM and the whole scope (``visible``), for every user of
the demo and the users of the policy's odd branches (``tests/test_home_prepared.py``), in a
read-only request and outside one; and the lists audit the same rows."""

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.settings import api_settings

from spona.accounts.models import Role, User
from spona.api import views as api
from spona.audit.services import _named, audit_listed
from spona.cases import selectors as cases
from spona.cases.access import _team_people, cases_sharing
from spona.cases.filters import CaseFilter, ReferralFilter
from spona.cases.models import Case, DataCategory
from spona.core.listing import PAGE_SIZE, listing
from spona.core.roles import INSTITUTION_WIDE_ROLES, PERSON_ROLES, SIGNAL_ROLES
from spona.people import selectors as people
from spona.people.access import PERSON_VIEW, _registered
from spona.people.filters import PersonFilter
from spona.people.models import Person
from spona.policy import active, can, granted, remembering, values_of, visible
from spona.signals import selectors as signals
from spona.signals.access import SIGNAL_VIEW, _raised, triage_scope, triaged
from spona.signals.models import Signal, Source
from spona.workspace.demo import demo_load
from tests.factories import PersonFactory
from tests.test_home_prepared import _odd_users_and_plans


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The demo, the odd users, and one institution with more cases than a page."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        _odd_users_and_plans()
        _more_cases_than_a_page()
        _more_people_than_a_page()
        _more_signals_than_a_page()
        yield
        transaction.set_rollback(True)


def _more_cases_than_a_page() -> None:
    """Copies of one institution's case, until it leads more cases than a page shows."""
    case = Case.objects.order_by("pk").first()
    assert case is not None
    led = Case.objects.filter(opened_by_institution=case.opened_by_institution_id).count()
    for number in range(PAGE_SIZE + 5 - led):
        case.pk = None
        case.code = f"PAGE-{number:03d}"
        case.save()


def _more_people_than_a_page() -> None:
    """Persons registered by one case manager's institution, until it has more than a page
    of them, one of them merged into another (seen only as that other)."""
    manager = User.objects.filter(role=Role.CASE_MANAGER, institution__isnull=False).first()
    assert manager is not None
    registered = Person.objects.filter(registered_by_institution=manager.institution_id)
    added = PersonFactory.create_batch(PAGE_SIZE + 5 - registered.count(), registered_by=manager)
    Person.objects.filter(pk=added[0].pk).update(merged_into=added[1])


def _more_signals_than_a_page() -> None:
    """Signals raised by one case manager, until they see more than a page of the API's list;
    some with a contact, some without."""
    manager = User.objects.filter(role=Role.CASE_MANAGER, institution__isnull=False).first()
    assert manager is not None
    assert manager.institution is not None
    for number in range(api_settings.PAGE_SIZE + 5 - visible(manager, Signal).count()):
        Signal.objects.create(
            source=Source.INSTITUTION,
            raised_by=manager,
            raised_by_institution=manager.institution,
            municipality_id=manager.institution.municipality_id,
            what_seen=f"Дете проси {number}",
            contact="064 123 4567" if number % 3 else "",
        )


def _page(listed: Any) -> tuple[list[int], int, int]:
    page = listed.page
    return [row.pk for row in page.object_list], page.paginator.count, page.paginator.num_pages


def _through_the_orm(user: User) -> tuple[Any, Any]:
    referrals = cases.incoming_referrals(user=user).order_by("-sent_at", "-pk")
    return (
        _page(listing(CaseFilter, cases.case_list(user=user), None)),
        _page(listing(ReferralFilter, referrals, None, prefix="r")),
    )


def _prepared(user: User) -> tuple[Any, Any]:
    first_cases, first_referrals = cases._first_pages(user)
    return _page(first_cases), _page(first_referrals)


def _audits_of(selectors: Any, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What the list of ``selectors`` (a module) audits from now on, as ``audit_listed`` is
    asked: on PostgreSQL the event is appended at the commit, which a test's transaction
    never makes."""
    audited: list[Any] = []

    def listed(*, user: User, purpose: str, **shown: Any) -> None:
        audited.append((user.pk, purpose, {k: [_named(o) for o in v] for k, v in shown.items()}))
        audit_listed(user=user, purpose=purpose, **shown)

    monkeypatch.setattr(selectors, "audit_listed", listed)
    return audited


def _listed(user: User, params: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """The rows the case list shows, and what it audits."""
    audited = _audits_of(cases, monkeypatch)
    page = cases.case_list_page(user=user, params=params)
    return (
        [case.pk for case in page["cases"].object_list],  # type: ignore[attr-defined]
        [referral.pk for referral in page["referrals"].object_list],  # type: ignore[attr-defined]
        audited,
    )


@pytest.mark.django_db
def test_the_case_lists_first_pages_prepared_per_shape_read_what_the_whole_scope_reads(
    demo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for prepared in (cases._FIRST_CASES, cases._FIRST_INCOMING):  # as a new process
        monkeypatch.setattr(prepared, "_prepared", {})
    users = list(User.objects.select_related("institution").order_by("pk"))
    listing_users = [user for user in users if user.is_active and user.role in PERSON_ROLES]
    assert len(listing_users) > 30
    longest = shown = 0
    for user in listing_users:
        expected = _through_the_orm(user)
        assert _prepared(user) == expected, user.username
        with remembering():
            assert _prepared(user) == expected, user.username
        longest = max(longest, expected[0][1])
        shown += bool(expected[0][0]) + bool(expected[1][0])
    # the comparison is not between empty lists, and a list longer than a page is counted
    assert shown > 20
    assert longest > PAGE_SIZE
    # compiled once per shape met (acting for an institution or not; with or without one)
    assert (len(cases._FIRST_CASES), len(cases._FIRST_INCOMING)) == (2, 3)


@pytest.mark.django_db
def test_the_case_list_shows_and_audits_the_same_rows_prepared_or_through_the_orm(
    demo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cases._FIRST_CASES, "_prepared", {})
    audited = 0
    for user in User.objects.select_related("institution").order_by("pk"):
        # a page named is read through the ORM; no page named, by the prepared queries
        through_the_orm = _listed(user, {"page": "1", "r-page": "1"}, monkeypatch)
        assert _listed(user, {}, monkeypatch) == through_the_orm, user.username
        audited += any(any(shown.values()) for _user, _purpose, shown in through_the_orm[2])
    assert audited > 10
    assert len(cases._FIRST_CASES) == 2  # the unfiltered list was read prepared


def _seen_as_before(user: User) -> set[int]:
    """The persons ``visible(user, Person)`` granted before its scopes were of values: the
    registering institution's roles or the registrant, and the team within consent."""
    if not active(user):
        return set()
    registered = Q(pk__in=[])
    if user.role in INSTITUTION_WIDE_ROLES:
        registered = Q(registered_by_institution=user.institution_id)
    elif user.role == Role.FRONTLINE:
        registered = Q(registered_by=user)
    team = Q(pk__in=[])
    if user.role in PERSON_ROLES:
        team = Q(pk__in=cases_sharing(user, DataCategory.IDENTITY).values("person"))
    seen = Person.objects.filter(registered | team, merged_into__isnull=True)
    return set(seen.values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_persons_scopes_of_values_grant_what_they_granted_as_scopes_of_the_user(
    demo: Any,
) -> None:
    users = list(User.objects.select_related("institution").order_by("pk"))
    seen = by_the_team_alone = 0
    for user in users:
        visible_keys = set(visible(user, Person).values_list("pk", flat=True))
        assert visible_keys == _seen_as_before(user), user.username
        # each scope of values is still a row scope of its own (``granted``)
        registered, team = (
            {person.pk for person in granted(user, Person, scope)}
            for scope in (_registered, _team_people)
        )
        assert registered | team == visible_keys, user.username
        seen += bool(visible_keys)
        by_the_team_alone += bool(team - registered)
    # the comparison is not between empty sets, and the two apps' scopes both grant
    assert seen > 10
    assert by_the_team_alone > 2


def _people_through_the_orm(user: User) -> tuple[list[int], int, int]:
    return _page(listing(PersonFilter, people._newest(visible(user, Person)), None))


@pytest.mark.django_db
def test_the_person_lists_first_page_prepared_per_shape_reads_what_the_whole_scope_reads(
    demo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(people._FIRST_PEOPLE, "_prepared", {})  # as a new process
    users = list(User.objects.select_related("institution").order_by("pk"))
    listing_users = [user for user in users if can(user, PERSON_VIEW)]
    assert len(listing_users) > 30
    longest = shown = 0
    for user in listing_users:
        expected = _people_through_the_orm(user)
        assert _page(people._first_page(user)) == expected, user.username
        with remembering():
            assert _page(people._first_page(user)) == expected, user.username
        longest = max(longest, expected[1])
        shown += bool(expected[0])
    # the comparison is not between empty lists, and a list longer than a page is counted
    assert shown > 10
    assert longest > PAGE_SIZE
    # compiled once per shape met (the institution's roles or a frontline professional,
    # with an institution or without one), not once per user
    shapes = {
        (shape, *(value is None for value in values.values()))
        for shape, values in (values_of(user, Person) for user in listing_users)
    }
    assert len(people._FIRST_PEOPLE) == len(shapes) == 4


def _people_listed(user: User, params: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """The persons the person list shows, and what it audits."""
    audited = _audits_of(people, monkeypatch)
    page = people.person_list_page(user=user, params=params)
    return [person.pk for person in page["people"].object_list], audited  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_the_person_list_shows_and_audits_the_same_rows_prepared_or_through_the_orm(
    demo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(people._FIRST_PEOPLE, "_prepared", {})
    audited = 0
    for user in User.objects.select_related("institution").order_by("pk"):
        if not can(user, PERSON_VIEW):
            continue
        # a page named is read through the ORM; no page named, by the prepared query
        through_the_orm = _people_listed(user, {"page": "1"}, monkeypatch)
        assert _people_listed(user, {}, monkeypatch) == through_the_orm, user.username
        audited += any(any(shown.values()) for _user, _purpose, shown in through_the_orm[1])
    assert audited > 10
    assert len(people._FIRST_PEOPLE) == 4  # the unfiltered list was read prepared


def _signals_seen_as_before(user: User) -> set[int]:
    """The signals ``visible(user, Signal)`` granted before its scopes were of values: those
    the user raised and those they triage (``triage_scope``), for the roles that raise them."""
    if not active(user) or user.role not in SIGNAL_ROLES:
        return set()
    seen = Q(raised_by=user)
    triage = triage_scope(user)
    if triage is not None:
        seen |= triage
    return set(Signal.objects.filter(seen).values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_signals_scopes_of_values_grant_what_they_granted_as_scopes_of_the_user(
    demo: Any,
) -> None:
    seen = by_triage_alone = 0
    for user in User.objects.select_related("institution__municipality").order_by("pk"):
        visible_keys = set(visible(user, Signal).values_list("pk", flat=True))
        assert visible_keys == _signals_seen_as_before(user), user.username
        # each scope of values is still a row scope of its own (``granted``)
        raised, triage = (
            {signal.pk for signal in granted(user, Signal, scope)} for scope in (_raised, triaged)
        )
        assert raised | triage == visible_keys, user.username
        seen += bool(visible_keys)
        by_triage_alone += bool(triage - raised)
    # the comparison is not between empty sets, and both scopes grant
    assert seen > 10
    assert by_triage_alone > 5


def _signals_through_the_orm(user: User, size: int) -> tuple[list[tuple[Any, ...]], int]:
    """The API's page of ``size`` signals as DRF pages the whole scope: the rows, the count."""
    seen = visible(user, Signal)
    return list(seen.values_list(*api._LISTED)[:size]), seen.count()


@pytest.mark.django_db
def test_the_api_signal_lists_first_page_prepared_per_shape_reads_what_the_whole_scope_reads(
    demo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signals._FIRST_LISTED, "_prepared", {})  # as a new process
    users = User.objects.select_related("institution__municipality").order_by("pk")
    readers = [user for user in users if can(user, SIGNAL_VIEW)]
    assert len(readers) > 30
    longest = shown = 0
    for user in readers:
        for size in (api_settings.PAGE_SIZE, 3):
            expected = _signals_through_the_orm(user, size)
            first = signals.first_signals(user=user, columns=api._LISTED, size=size)
            assert first == expected, user.username
            with remembering():
                first = signals.first_signals(user=user, columns=api._LISTED, size=size)
                assert first == expected, user.username
        longest = max(longest, expected[1])
        shown += bool(expected[0])
    # the comparison is not between empty lists, and a list longer than a page is counted
    assert shown > 10
    assert longest > api_settings.PAGE_SIZE
    # compiled once per shape met and page size, not once per user
    shapes = {
        (shape, *(value is None for value in values.values()))
        for shape, values in (values_of(user, Signal) for user in readers)
    }
    assert len(signals._FIRST_LISTED) == 2 * len(shapes) >= 6


def _api_signals(user: User, query: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The API's signal list as ``user`` reads it (``query``: the page named or not): the
    status, the body, what it audits and the statements that read signals."""
    audited = _audits_of(api, monkeypatch)
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/signals/{query}")
    body = response.json() if response.status_code == 200 else None
    of_signals = [q["sql"] for q in queries if 'FROM "signals_signal"' in q["sql"]]
    return response.status_code, body, audited, of_signals


@pytest.mark.django_db
def test_the_api_signal_list_shows_and_audits_the_same_page_prepared_or_through_the_orm(
    demo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Named nothing, the list's first page is read by the prepared query, its count beside it
    (``OVER ()``), one statement fewer where there are signals; any page named is read through
    the ORM. The same
    status, JSON (links and count included) and audit, for every user of the demo."""
    monkeypatch.setattr(signals._FIRST_LISTED, "_prepared", {})
    listed = longer = 0
    for user in User.objects.order_by("pk"):
        status, body, audited, statements = _api_signals(user, "", monkeypatch)
        named = _api_signals(user, "?offset=0", monkeypatch)
        assert (status, body, audited) == named[:3], user.username
        if status != 200:
            continue
        # one statement reads the signals, and their count beside them; the ORM counts them
        # first, and reads the page when there is one
        assert [sql for sql in statements if "OVER ()" in sql] == statements, user.username
        assert len(statements) == 1, user.username
        assert len(named[3]) == 1 + bool(body["count"]), user.username
        listed += bool(audited)
        longer += body["next"] is not None
    assert listed > 10
    assert longer >= 1
    assert len(signals._FIRST_LISTED) >= 3  # the first page was read prepared
