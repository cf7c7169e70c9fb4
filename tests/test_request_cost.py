"""What a page costs in queries, pinned (issue 18, the load targets): the policy's answers
are worked out once per read-only request, the signed-in user comes with their institution,
and the lists' municipality and institution filters come from the cache. Each test fails if a
page's queries grow again with the size of the case team, the number of filter options, or
the number of times a page asks the same access question."""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from spona.accounts.models import Role, User
from spona.cases.access import shares, team_cases
from spona.cases.models import Case, DataCategory
from spona.cases.services import case_open_for_presumed_victim, consent_record, referral_send
from spona.core.templatetags.spona_layout import link
from spona.core.urgency import Urgency
from spona.institutions.filters import reference_choices
from spona.institutions.models import InstitutionType
from spona.ops.reference import STAMP_KEY, stamped
from spona.policy import holds, remembering, subquery
from tests.factories import InstitutionFactory, MunicipalityFactory, PersonFactory, UserFactory

#: The queries measured when these tests were written, on SQLite (PostgreSQL: the same or one
#: fewer); before the memo, the user's institution and the cached filters: 40, 26 and 16; the
#: case page's 35 before its referrals, nearby institutions and consents were read once, the
#: home page's 21 before each work section became one query.
CASE_PAGE_QUERIES = 24
HOME_PAGE_QUERIES = 13
CASE_LIST_QUERIES = 7


def _queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url)
    assert answer.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _case(lead: User) -> Case:
    person = PersonFactory(registered_by=lead)
    return case_open_for_presumed_victim(user=lead, person=person, is_child=False, origin={})


def _grow_team(lead: User, case: Case, institutions: int) -> None:
    """Refer the case to ``institutions`` more institutions, each sharing the case details."""
    for i in range(institutions):
        kind = [InstitutionType.POLICE, InstitutionType.HEALTH, InstitutionType.NGO][i % 3]
        member = InstitutionFactory(type=kind, municipality=lead.institution.municipality)
        UserFactory(role=Role.CASE_MANAGER, institution=member)
        referral_send(user=lead, case=case, to=member, reason="support", urgency=Urgency.NORMAL)
        consent_record(
            user=lead,
            case=case,
            institution_type=kind,
            category=DataCategory.CASE_DETAILS,
            method="written",
        )


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_case_page_makes_the_same_queries_whatever_the_team_size(lead: User) -> None:
    small, large = _case(lead), _case(lead)
    _grow_team(lead, large, 6)
    client = _signed_in(lead)
    client.get(reverse("cases:case_detail", args=[small.code]))  # the session's first touch

    for_small = _queries(client, reverse("cases:case_detail", args=[small.code]))
    for_large = _queries(client, reverse("cases:case_detail", args=[large.code]))

    assert len(for_large) == len(for_small)
    assert len(for_large) <= CASE_PAGE_QUERIES


def test_the_case_page_only_reads(lead: User) -> None:
    """Institutions nearby that cannot receive are named; the alerts are the sweep's."""
    case = _case(lead)
    InstitutionFactory(type=InstitutionType.POLICE, municipality=lead.institution.municipality)
    client = _signed_in(lead)
    client.get(reverse("cases:case_detail", args=[case.code]))

    queries = _queries(client, reverse("cases:case_detail", args=[case.code]))

    assert not [sql for sql in queries if "inbox_notification" in sql and "INSERT" in sql]
    assert not [sql for sql in queries if "'cannot_receive'" in sql]


def test_the_home_page_has_a_fixed_number_of_queries(lead: User) -> None:
    for _ in range(3):
        _grow_team(lead, _case(lead), 1)
    client = _signed_in(lead)
    client.get(reverse("workspace:home"))

    assert len(_queries(client, reverse("workspace:home"))) <= HOME_PAGE_QUERIES


def test_the_list_filters_do_not_grow_with_the_municipalities_and_institutions(
    lead: User,
) -> None:
    client = _signed_in(lead)
    client.get(reverse("cases:case_list"))
    before = _queries(client, reverse("cases:case_list"))
    for i in range(20):
        place = MunicipalityFactory(code=f"9{i:04d}")
        InstitutionFactory(type=InstitutionType.POLICE, municipality=place)
    client.get(reverse("cases:case_list"))  # the new rows are offered: read once more

    after = _queries(client, reverse("cases:case_list"))

    assert len(after) == len(before) <= CASE_LIST_QUERIES
    assert not [sql for sql in after if 'FROM "institutions_municipality"' in sql]


def test_a_new_institution_is_offered_in_the_filters_at_once(lead: User) -> None:
    client = _signed_in(lead)
    client.get(reverse("cases:case_list"))
    police = InstitutionFactory(
        type=InstitutionType.POLICE, municipality=lead.institution.municipality
    )

    page = client.get(reverse("cases:case_list"), {"institution": police.pk}).content.decode()

    assert f'<option value="{police.pk}" selected>{police}</option>' in page
    assert (police.pk, str(police)) in reference_choices("institution")


def test_the_filters_offer_the_rows_in_the_alphabet_of_the_page(municipality: Any) -> None:
    from django.utils import translation

    names = {"Чачак": "Čačak", "Ада": "Ada", "Шабац": "Šabac", "Ћуприја": "Ćuprija"}
    for i, (cyrillic_name, latin_name) in enumerate(names.items()):
        MunicipalityFactory(code=f"8000{i}", name_cyr=cyrillic_name, name_lat=latin_name)
    with translation.override("sr"):
        cyrillic = [label for _key, label in reference_choices("municipality")]
    with translation.override("sr-latn"):
        latin_order = [label for _key, label in reference_choices("municipality")]

    assert cyrillic.index("Ћуприја") < cyrillic.index("Чачак") < cyrillic.index("Шабац")
    assert latin_order.index("Čačak") < latin_order.index("Ćuprija") < latin_order.index("Šabac")


def test_a_read_only_request_asks_the_team_once_a_post_every_time(
    lead: User, django_assert_num_queries: Callable[..., Any]
) -> None:
    case = _case(lead)
    with remembering():
        assert holds(team_cases(lead), case.pk)
        with django_assert_num_queries(0):
            assert holds(team_cases(lead), case.pk)
    with django_assert_num_queries(1):
        assert holds(team_cases(lead), case.pk)
    with django_assert_num_queries(1):
        assert holds(team_cases(lead), case.pk)


def test_an_answer_is_not_kept_past_its_request(lead: User, municipality: Any) -> None:
    """A withdrawn consent or an ended referral takes effect at the next page load."""
    case = _case(lead)
    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    officer = UserFactory(role=Role.CASE_MANAGER, institution=police)
    client = _signed_in(officer)
    url = reverse("cases:case_detail", args=[case.code])
    assert client.get(url).status_code in {403, 404}

    referral_send(user=lead, case=case, to=police, reason="support", urgency=Urgency.NORMAL)

    assert client.get(url).status_code == 200


# --- issue 18, third round: survey results, the risk map -----------------------------------

#: The survey results page's queries on SQLite when its results are kept (PostgreSQL: 10).
KEPT_SURVEY_RESULTS_QUERIES = 10


def test_kept_survey_results_read_no_answer(lead: User, municipality: Any) -> None:
    """A wave's results are computed from every response once; the next views read none of
    their answers."""
    from datetime import date

    from spona.surveys import services

    citizens = next(i for i in services.instruments_load_default() if i.code == "citizens")
    coordinator = UserFactory(
        role=Role.COORDINATOR,
        institution=InstitutionFactory(
            type=InstitutionType.LOCAL_GOVERNMENT, municipality=municipality
        ),
    )
    wave = services.wave_create(
        user=coordinator,
        municipalities=[municipality],
        instrument=citizens,
        name="Талас",
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 8, 1),
    )
    for i in range(30):
        services.response_enter(
            user=coordinator,
            wave=wave,
            municipality=municipality,
            sex=["female", "male"][i % 2],
            age=20 + i,
            answers={"heard": ["yes", "no"][i % 3 == 0]},
        )
    client = _signed_in(lead)
    url = reverse("surveys:wave_detail", args=[wave.pk])
    first = _queries(client, url)
    assert any('"answers"' in sql for sql in first)
    kept = _queries(client, url)
    assert not any('"answers"' in sql for sql in kept)
    assert len(kept) <= KEPT_SURVEY_RESULTS_QUERIES


def test_a_read_only_request_answers_consent_as_the_database_does(
    lead: User, municipality: Any
) -> None:
    """The case page asks what the user shares of a case in every category at once (the team's
    keys and one read of the consents); the answers are those of the scope's query: the lead,
    a live consent for the user's type of institution, a withdrawn one, another type's,
    break-glass, a case outside the team."""
    from spona.cases.models import Consent
    from spona.cases.services import break_glass_open, consent_withdraw

    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    officer = UserFactory(role=Role.CASE_MANAGER, institution=police)
    shared, withdrawn, outside = _case(lead), _case(lead), _case(lead)
    for case in (shared, withdrawn):
        referral_send(user=lead, case=case, to=police, reason="support", urgency=Urgency.NORMAL)
        consent_record(
            user=lead,
            case=case,
            institution_type=InstitutionType.POLICE,
            category=DataCategory.IDENTITY,
            method="written",
        )
    consent_record(
        user=lead,
        case=shared,
        institution_type=InstitutionType.HEALTH,
        category=DataCategory.HEALTH,
        method="written",
    )
    consent_withdraw(user=lead, consent=Consent.objects.get(case=withdrawn))
    glass = _case(lead)
    break_glass_open(user=officer, code=glass.code, reason="У непосредној опасности је")
    cases = [shared, withdrawn, outside, glass]
    asked = [
        (user, case, category)
        for user in (lead, officer)
        for case in cases
        for category in DataCategory
    ]

    outside_a_request = [shares(*question) for question in asked]
    with remembering():
        within_a_request = [shares(*question) for question in asked]

    assert within_a_request == outside_a_request
    officer_shares = dict(zip(asked, within_a_request, strict=True))
    assert officer_shares[(officer, shared, DataCategory.IDENTITY)]
    assert not officer_shares[(officer, shared, DataCategory.HEALTH)]  # the health centre's
    assert not officer_shares[(officer, withdrawn, DataCategory.IDENTITY)]
    assert not officer_shares[(officer, outside, DataCategory.IDENTITY)]
    assert officer_shares[(officer, glass, DataCategory.HEALTH)]
    assert all(officer_shares[(lead, case, DataCategory.HEALTH)] for case in cases)


def test_the_case_page_asks_every_consent_category_in_one_query(lead: User) -> None:
    case = _case(lead)
    _grow_team(lead, case, 3)
    police = case.referrals.get(to_institution__type=InstitutionType.POLICE).to_institution
    officer = UserFactory(role=Role.CASE_MANAGER, institution=police)
    client = _signed_in(officer)
    client.get(reverse("cases:case_detail", args=[case.code]))

    queries = _queries(client, reverse("cases:case_detail", args=[case.code]))

    consents = [sql for sql in queries if 'FROM "cases_consent"' in sql.split(" WHERE")[0]]
    assert len(consents) == 1  # every category: no query per category
    assert not [sql for sql in queries if "'health'" in sql or "'identity'" in sql]
    assert len([sql for sql in queries if 'FROM "cases_referral"' in sql.split("WHERE")[0]]) == 1


def test_cases_are_listed_and_shown_without_the_persons_names(lead: User) -> None:
    case = _case(lead)
    client = _signed_in(lead)
    client.get(reverse("cases:case_list"))

    for url in (reverse("cases:case_list"), reverse("cases:case_detail", args=[case.code])):
        queries = _queries(client, url)

        assert any('"people_person"."code"' in sql for sql in queries)
        assert not any('"people_person"."given_name"' in sql for sql in queries)


def test_a_scope_embedded_in_many_queries_is_compiled_once_and_selects_the_same_rows(
    lead: User, municipality: Any
) -> None:
    other_centre = InstitutionFactory(
        type=InstitutionType.SOCIAL_WELFARE, municipality=municipality
    )
    mine, other = _case(lead), _case(UserFactory(role=Role.CASE_MANAGER, institution=other_centre))
    with remembering():
        embedded = subquery(team_cases(lead))
        assert subquery(team_cases(lead)).sql is embedded.sql  # built once for the request
        assert list(Case.objects.filter(pk__in=embedded)) == [mine]
    outside = Case.objects.filter(pk__in=subquery(team_cases(lead)))  # built for this use
    assert list(outside) == [mine]
    assert other not in outside
    # a scope that grants nothing selects nothing, as the ORM's own subquery would
    assert subquery(Case.objects.none()) == []
    assert not Case.objects.filter(Q(pk__in=subquery(Case.objects.none())) | Q(pk=-1)).exists()


def test_the_fixed_links_are_reversed_once_per_script_prefix() -> None:
    assert link("workspace:phase", "protection") == reverse("workspace:phase", args=["protection"])
    set_script_prefix("/spona/")  # an installation under a path
    try:
        assert link("workspace:home") == "/spona/"
    finally:
        set_script_prefix("/")
    assert link("workspace:home") == "/"


def test_the_filters_choices_are_read_once_per_process_until_a_change(lead: User) -> None:
    """The case page offers the institutions twice (the nearby ones' order, the referral
    form), every list page both filters: read from the database once per process and kept
    under the reference data's stamp (``spona.ops.reference``), each language its own;
    outside a request (a command, a job) every call reads them."""
    from django.utils import translation

    InstitutionFactory(type=InstitutionType.POLICE, municipality=lead.institution.municipality)
    offered = reference_choices("institution")
    with CaptureQueriesContext(connection) as outside:
        assert reference_choices("institution") == offered
    with stamped(None), CaptureQueriesContext(connection) as first:
        assert reference_choices("institution") == offered
        with translation.override("en"):
            latin = reference_choices("institution")
    with stamped(cache.get(STAMP_KEY)), CaptureQueriesContext(connection) as next_request:
        assert reference_choices("institution") is reference_choices("institution")
        with translation.override("en"):
            assert reference_choices("institution") == latin

    assert len(outside) == 1
    assert len(first) == 2  # one a language
    assert len(next_request) == 0
