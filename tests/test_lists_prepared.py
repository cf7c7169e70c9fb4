"""The case list's first pages (issue 18, h18shaped2) and the person list's (h18person) are
read by queries prepared once per shape of user: unfiltered, they show exactly the cases,
referrals and persons, in the same order, with the same counts, as the list read through the
ORM and the whole scope (``visible``), for every user of the demo and the users of the
policy's odd branches (``tests/test_home_prepared.py``), in a read-only request and outside
one; and the lists audit the same rows."""

from typing import Any

import pytest
from django.db import transaction
from django.db.models import Q

from spona.accounts.models import Role, User
from spona.audit.services import _named, audit_listed
from spona.cases import selectors as cases
from spona.cases.access import _team_people, cases_sharing
from spona.cases.filters import CaseFilter, ReferralFilter
from spona.cases.models import Case, DataCategory
from spona.core.listing import PAGE_SIZE, listing
from spona.core.roles import INSTITUTION_WIDE_ROLES, PERSON_ROLES
from spona.people import selectors as people
from spona.people.access import PERSON_VIEW, _registered
from spona.people.filters import PersonFilter
from spona.people.models import Person
from spona.policy import active, can, granted, remembering, values_of, visible
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
