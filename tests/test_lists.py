"""Issue 20, point 3: the signal, case, referral, person, conference and task lists search,
filter and page, and the audit of a listed page names only the rows shown on it."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from spona.audit.models import AuditEvent
from spona.cases.models import Case, CaseStatus, Referral, ReferralStatus
from spona.conferences.models import Conference, ConferenceStatus, Task, TaskStatus
from spona.core import listing
from spona.core.roles import Role
from spona.core.urgency import Urgency
from spona.institutions.models import InstitutionType
from spona.people.models import Person
from spona.people.services import person_register
from spona.signals.models import Signal, Source, Status
from tests.factories import InstitutionFactory, MunicipalityFactory, PersonFactory


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)


def _codes(page: Any) -> list[str]:
    return [row.code for row in page]


def _last_listing(purpose: str) -> dict[str, list[str]]:
    event = AuditEvent.objects.filter(purpose=purpose).order_by("-seq").first()
    assert event is not None
    return event.details["listed"]


# --- signals ------------------------------------------------------------------------------


def _signal(user: Any, **fields: Any) -> Signal:
    return Signal.objects.create(
        source=Source.INSTITUTION,
        raised_by=user,
        raised_by_institution=user.institution,
        municipality=fields.pop("municipality", user.institution.municipality),
        what_seen="…",
        **fields,
    )


def test_signals_filter_by_urgency_status_and_municipality(make_user, client_for) -> None:
    user = make_user(Role.FRONTLINE)
    elsewhere = MunicipalityFactory(name_cyr="Ниш", name_lat="Niš")
    urgent = _signal(user, urgency=Urgency.URGENT)
    normal = _signal(user)
    dismissed = _signal(user, status=Status.DISMISSED)
    far = _signal(user, municipality=elsewhere)
    client = client_for(Role.FRONTLINE)
    client.force_login(user)
    url = reverse("signals:signal_list")

    assert _codes(client.get(url, {"urgency": Urgency.URGENT}).context["mine"]) == [urgent.code]
    assert _codes(client.get(url, {"status": Status.DISMISSED}).context["mine"]) == [dismissed.code]
    assert _codes(client.get(url, {"municipality": elsewhere.pk}).context["mine"]) == [far.code]
    assert _codes(client.get(url, {"q": normal.code[-4:].lower()}).context["mine"]) == [normal.code]


def test_signals_page_and_the_audit_names_only_the_page_shown(
    make_user, client_for, small_pages
) -> None:
    user = make_user(Role.FRONTLINE)
    made = [_signal(user) for _ in range(5)]
    client = client_for(Role.FRONTLINE)
    client.force_login(user)
    url = reverse("signals:signal_list")

    first = client.get(url)
    newest_first = [s.code for s in reversed(made)]
    assert _codes(first.context["mine"]) == newest_first[:2]
    assert _last_listing("signal list") == {"mine": newest_first[:2]}
    assert "mine-page=2" in first.content.decode()

    third = client.get(url, {"mine-page": 3})
    assert _codes(third.context["mine"]) == newest_first[4:]
    assert _last_listing("signal list") == {"mine": newest_first[4:]}


def test_a_filter_value_that_is_not_valid_filters_nothing_and_says_so(make_user, client_for):
    user = make_user(Role.FRONTLINE)
    _signal(user)
    client = client_for(Role.FRONTLINE)
    client.force_login(user)
    response = client.get(reverse("signals:signal_list"), {"since": "not a date"})
    assert response.status_code == 200
    assert len(response.context["mine"]) == 1
    assert response.context["filters"].errors


# --- cases and referrals ------------------------------------------------------------------


def _case(user: Any, **fields: Any) -> Case:
    return Case.objects.create(
        person=PersonFactory(registered_by=user),
        status=fields.pop("status", CaseStatus.PRESUMED_VICTIM),
        municipality=fields.pop("municipality", user.institution.municipality),
        opened_by_institution=user.institution,
        opened_by=user,
        **fields,
    )


def test_cases_search_filter_and_page(make_user, client_for, small_pages) -> None:
    user = make_user(Role.CASE_MANAGER)
    cases = [_case(user) for _ in range(3)]
    closed = _case(user, status=CaseStatus.CLOSED)
    client = client_for(Role.CASE_MANAGER)
    client.force_login(user)
    url = reverse("cases:case_list")

    assert _codes(client.get(url, {"status": CaseStatus.CLOSED}).context["cases"]) == [closed.code]
    assert _codes(client.get(url, {"q": cases[0].code}).context["cases"]) == [cases[0].code]
    assert _codes(client.get(url, {"q": cases[1].person.code}).context["cases"]) == [cases[1].code]
    newest_first = [c.code for c in reversed([*cases, closed])]
    second = client.get(url, {"page": 2})
    assert _codes(second.context["cases"]) == newest_first[2:]
    assert _last_listing("case list") == {"cases": newest_first[2:]}


def test_incoming_referrals_filter_by_status_and_sender_and_page(
    make_user, client_for, small_pages
) -> None:
    sender = make_user(Role.CASE_MANAGER)
    police = InstitutionFactory(
        municipality=sender.institution.municipality, type=InstitutionType.POLICE
    )
    receiver = make_user(Role.CASE_MANAGER, institution=police)
    now = timezone.now()
    referrals = [
        Referral.objects.create(
            case=_case(sender),
            from_institution=sender.institution,
            to_institution=police,
            urgency=Urgency.NORMAL,
            status=status,
            sent_by=sender,
            due_at=now + timedelta(days=1),
        )
        for status in (ReferralStatus.SENT, ReferralStatus.SENT, ReferralStatus.ACCEPTED)
    ]
    client = client_for(Role.CASE_MANAGER, institution=police)
    client.force_login(receiver)
    url = reverse("cases:case_list")

    accepted = client.get(url, {"r-status": ReferralStatus.ACCEPTED}).context["referrals"]
    assert [r.pk for r in accepted] == [referrals[2].pk]
    paged = client.get(url, {"r-institution": sender.institution.pk, "r-page": 2})
    assert [r.pk for r in paged.context["referrals"]] == [referrals[0].pk]


# --- persons ------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["Jovana", "јова", "markovic", "Jovana Marković", "MARK jov"])
def test_people_search_finds_part_of_a_name_in_either_script(make_user, client_for, query):
    user = make_user(Role.CASE_MANAGER)
    jovana = person_register(user=user, given_name="Јована", family_name="Марковић")
    person_register(user=user, given_name="Ана", family_name="Петровић")
    client = client_for(Role.CASE_MANAGER)
    client.force_login(user)

    shown = client.get(reverse("people:person_list"), {"name": query}).context["people"]
    assert _codes(shown) == [jovana.code]


def test_people_search_finds_a_code_and_filters_by_sex_and_municipality(make_user, client_for):
    user = make_user(Role.CASE_MANAGER)
    elsewhere = MunicipalityFactory(name_cyr="Ниш", name_lat="Niš")
    ana = person_register(user=user, given_name="Ана", family_name="Петровић", sex="female")
    marko = person_register(
        user=user, given_name="Марко", family_name="Илић", sex="male", municipality=elsewhere
    )
    client = client_for(Role.CASE_MANAGER)
    client.force_login(user)
    url = reverse("people:person_list")

    assert _codes(client.get(url, {"name": ana.code.lower()}).context["people"]) == [ana.code]
    assert _codes(client.get(url, {"sex": "male"}).context["people"]) == [marko.code]
    assert _codes(client.get(url, {"municipality": elsewhere.pk}).context["people"]) == [marko.code]


def test_people_pages_and_the_audit_names_only_the_persons_shown(
    make_user, client_for, small_pages
) -> None:
    user = make_user(Role.CASE_MANAGER)
    made = [
        person_register(user=user, given_name=f"Име{i}", family_name="Презиме") for i in range(3)
    ]
    client = client_for(Role.CASE_MANAGER)
    client.force_login(user)

    page = client.get(reverse("people:person_list"), {"page": 2}).context["people"]
    assert _codes(page) == [made[0].code]
    assert _last_listing("person list") == {"persons": [made[0].code]}
    assert Person.objects.count() == 3


def test_a_part_of_a_name_is_looked_for_among_the_newest_persons_only(
    make_user, monkeypatch
) -> None:
    from spona.people import filters

    monkeypatch.setattr(filters, "SCAN_LIMIT", 1)
    user = make_user(Role.CASE_MANAGER)
    old = person_register(user=user, given_name="Јована", family_name="Марковић")
    person_register(user=user, given_name="Ана", family_name="Петровић")
    people = Person.objects.all()
    assert list(filters.name_matches(people, "Jovana")) == []
    assert list(filters.name_matches(people, "Jovana Markovic")) == [old]  # the whole name


# --- conferences and tasks ----------------------------------------------------------------


def test_conferences_and_tasks_filter_and_page(world, client_for, small_pages) -> None:
    manager = world.users[Role.CASE_MANAGER]
    conference = Conference.objects.get(code=world.conference_code)
    more = [
        Conference.objects.create(
            municipality=conference.municipality,
            topic="Тема",
            phase=conference.phase,
            held_on=timezone.now() - timedelta(days=12 + i),
            convened_by_institution=manager.institution,
            convened_by=manager,
            status=ConferenceStatus.CANCELLED,
        )
        for i in range(2)
    ]
    for extra in more:
        extra.participants.add(manager.institution)
    client = client_for(Role.CASE_MANAGER)
    client.force_login(manager)

    url = reverse("conferences:conference_list")
    cancelled = client.get(url, {"status": ConferenceStatus.CANCELLED}).context["conferences"]
    assert sorted(_codes(cancelled)) == sorted(c.code for c in more)
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert _codes(client.get(url, {"since": since}).context["conferences"]) == [conference.code]
    second = client.get(url, {"page": 2}).context["conferences"]
    assert _codes(second) == [more[1].code]
    assert _last_listing("conference list") == {"conferences": [more[1].code]}

    task = Task.objects.get(code=world.task_code)
    tasks_url = reverse("conferences:task_list")
    assert _codes(client.get(tasks_url, {"q": task.code[2:]}).context["tasks"]) == [task.code]
    assert _codes(client.get(tasks_url, {"status": TaskStatus.DONE}).context["tasks"]) == []
    late = (task.due_on + timedelta(days=1)).isoformat()
    assert _codes(client.get(tasks_url, {"since": late}).context["tasks"]) == []


# --- what a list costs ----------------------------------------------------------------------


def _read_as_page(rows: Any, params: dict[str, str]) -> tuple[Any, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        page = listing.page_of(rows, params)
        page.paginator.num_pages  # noqa: B018 - what the pagination shows, read as it does
    return page, len(captured)


def test_a_list_that_fits_on_its_first_page_is_read_without_counting(
    make_user, small_pages
) -> None:
    user = make_user(Role.CASE_MANAGER)
    cases = [_case(user) for _ in range(2)]
    newest_first = [c.code for c in reversed(cases)]

    for asked in ({}, {"page": "1"}):
        page, queries = _read_as_page(Case.objects.order_by("-created_at", "-pk"), asked)
        assert (_codes(page), page.paginator.count, page.number, queries) == (
            newest_first,
            2,
            1,
            1,
        )
    # any other page asked of a list of one page is its first page, as before, counted
    page, queries = _read_as_page(Case.objects.order_by("-created_at", "-pk"), {"page": "7"})
    assert (_codes(page), page.paginator.count, queries) == (newest_first, 2, 2)
    empty, queries = _read_as_page(Case.objects.none(), {})
    assert (list(empty), empty.paginator.count, empty.paginator.num_pages, queries) == (
        [],
        0,
        1,
        0,  # an empty queryset asks nothing
    )


def test_a_longer_list_is_counted_and_its_pages_are_django_s(make_user, small_pages) -> None:
    user = make_user(Role.CASE_MANAGER)
    cases = [_case(user) for _ in range(3)]
    newest_first = [c.code for c in reversed(cases)]
    ordered = Case.objects.order_by("-created_at", "-pk")

    first, queries = _read_as_page(ordered, {})
    assert (_codes(first), first.paginator.count, first.paginator.num_pages, queries) == (
        newest_first[:2],
        3,
        2,
        2,
    )
    for asked, shown in (("2", newest_first[2:]), ("9", newest_first[2:]), ("x", newest_first[:2])):
        page, _queries = _read_as_page(ordered, {"page": asked})
        assert _codes(page) == shown
    # rows already read are paged as they are
    assert _codes(listing.page_of(list(ordered), {})) == newest_first[:2]


def test_each_view_of_a_list_gets_filters_and_a_form_of_its_own(make_user) -> None:
    from spona.cases.filters import CaseFilter

    user = make_user(Role.CASE_MANAGER)
    open_case, closed = _case(user), _case(user, status=CaseStatus.CLOSED)
    one = CaseFilter({"status": CaseStatus.CLOSED}, queryset=Case.objects.all())
    other = CaseFilter({"q": open_case.code}, queryset=Case.objects.all())

    assert type(one.form) is type(other.form)  # the form class made once
    assert one.form.fields["status"] is not other.form.fields["status"]
    assert one.filters["q"] is not CaseFilter.base_filters["q"]
    assert one.filters["q"].parent is one
    assert other.filters["q"].parent is other
    assert _codes(one.qs) == [closed.code]
    assert _codes(other.qs) == [open_case.code]
    assert one.form.cleaned_data["status"] == CaseStatus.CLOSED
    assert "status" not in other.form.cleaned_data or not other.form.cleaned_data["status"]


def test_a_list_s_form_speaks_the_language_of_each_view(make_user) -> None:
    from django.utils import translation

    from spona.cases.filters import CaseFilter

    with translation.override("en"):
        english = str(CaseFilter(queryset=Case.objects.all()).form["status"].label_tag())
    with translation.override("sr"):
        cyrillic = str(CaseFilter(queryset=Case.objects.all()).form["status"].label_tag())
    assert "status" in english
    assert "статус" in cyrillic


def test_a_list_filter_may_not_depend_on_the_request() -> None:
    import django_filters

    from spona.institutions.models import Municipality

    class ByRequest(listing.ListFilters):
        municipality = django_filters.ModelChoiceFilter(
            queryset=lambda request: Municipality.objects.all()
        )

        class Meta:
            model = Case
            fields: list[str] = []

    with pytest.raises(TypeError, match="queryset of the request"):
        ByRequest(queryset=Case.objects.none()).form  # noqa: B018


def test_a_method_filter_named_by_its_list_calls_that_view_s_list(make_user) -> None:
    import django_filters

    user = make_user(Role.CASE_MANAGER)
    first, second = _case(user), _case(user)

    class ByCode(listing.ListFilters):
        code = django_filters.CharFilter(method="by_code")

        class Meta:
            model = Case
            fields: list[str] = []

        def by_code(self, queryset: Any, name: str, value: str) -> Any:
            return queryset.filter(code=value).exclude(pk=self.excluded)

    one = ByCode({"code": first.code}, queryset=Case.objects.all())
    one.excluded = second.pk
    other = ByCode({"code": first.code}, queryset=Case.objects.all())
    other.excluded = first.pk
    assert (_codes(one.qs), _codes(other.qs)) == ([first.code], [])


def test_every_list_s_filters_are_list_filters() -> None:
    import django_filters

    from spona.cases import filters as case_filters
    from spona.conferences import filters as conference_filters
    from spona.people import filters as people_filters
    from spona.signals import filters as signal_filters

    found = [
        value
        for module in (case_filters, conference_filters, people_filters, signal_filters)
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, django_filters.FilterSet)
    ]
    assert len(found) >= 6
    assert all(issubclass(found_class, listing.ListFilters) for found_class in found)


#: the person list's rows as its template wrote them before ``person_rows``
_PERSON_ROWS_TEMPLATE = """{% load i18n %}
  {% for p in people %}
    <tr><td><a href="{% url 'people:person_detail' p.code %}">{{ p.code }}</a></td><td>{{ p.full_name|default:"—" }}</td><td>{{ p.get_sex_display }}</td><td>{{ p.municipality|default:"" }}</td></tr>
  {% empty %}
    <tr><td colspan="4">{% translate "No persons." %}</td></tr>
  {% endfor %}
"""


@pytest.mark.django_db
def test_the_person_lists_rows_are_the_templates_markup() -> None:
    """``person_rows`` writes what the template's loop wrote: a person with a name to escape,
    one without a name, one without a municipality, in each language, and no persons."""
    from django.template import Context, Template
    from django.utils import translation

    from spona.people.templatetags.person_list import person_rows

    place = MunicipalityFactory(name_cyr="Ћуприја", name_lat="Ćuprija")
    people = [
        PersonFactory(
            given_name="Ана <б>", family_name="& Јовић", sex="female", municipality=place
        ),
        PersonFactory(given_name="", family_name="", sex="unknown", municipality=place),
        PersonFactory(given_name="Марко", family_name="", sex="male", municipality=None),
    ]
    for language in ("sr", "sr-latn", "en"):
        with translation.override(language):
            for shown in (people, []):
                loop = Template(_PERSON_ROWS_TEMPLATE).render(Context({"people": shown}))
                assert loop == f"\n  {person_rows(shown)}\n"


#: the case list's rows as its template wrote them before ``referral_list_rows`` and
#: ``case_list_rows``
_CASE_LIST_ROWS_TEMPLATE = """{% load i18n %}
  {% for r in referrals %}
    <tr><td><a href="{% url 'cases:case_detail' r.case.code %}">{{ r.case.code }}</a></td><td>{{ r.from_institution }}</td><td>{{ r.sent_at|date:"SHORT_DATETIME_FORMAT" }}</td><td>{{ r.due_at|date:"SHORT_DATETIME_FORMAT" }}</td><td>{{ r.get_status_display }}</td></tr>
  {% empty %}
    <tr><td colspan="5">{% translate "No referrals." %}</td></tr>
  {% endfor %}
  {% for c in cases %}
    <tr><td><a href="{% url 'cases:case_detail' c.code %}">{{ c.code }}</a></td><td>{{ c.person.code }}</td><td>{{ c.get_status_display }}</td><td>{{ c.opened_by_institution }}</td></tr>
  {% empty %}
    <tr><td colspan="4">{% translate "No cases." %}</td></tr>
  {% endfor %}
"""


@pytest.mark.django_db
def test_the_case_lists_rows_are_the_templates_markup(make_user) -> None:
    """``referral_list_rows`` and ``case_list_rows`` write what the template's loops wrote:
    referrals sent and accepted by an institution with a name to escape and transliterate,
    cases of two statuses, in each language, and none of either."""
    from django.template import Context, Template
    from django.utils import translation

    from spona.cases.templatetags.case_list import case_list_rows, referral_list_rows

    sender = make_user(Role.CASE_MANAGER)
    sender.institution.name = "Центар <за> социјални рад & Ћуприја"
    sender.institution.save()
    police = InstitutionFactory(
        municipality=sender.institution.municipality, type=InstitutionType.POLICE
    )
    cases = [_case(sender), _case(sender, status=CaseStatus.CLOSED)]
    referrals = [
        Referral.objects.create(
            case=case,
            from_institution=sender.institution,
            to_institution=police,
            urgency=Urgency.NORMAL,
            status=status,
            sent_by=sender,
            due_at=timezone.now() + timedelta(days=1, minutes=7),
        )
        for case, status in zip(cases, (ReferralStatus.SENT, ReferralStatus.ACCEPTED), strict=True)
    ]
    for language in ("sr", "sr-latn", "en"):
        with translation.override(language):
            for shown_referrals, shown_cases in ((referrals, cases), ([], [])):
                context = {"referrals": shown_referrals, "cases": shown_cases}
                loops = Template(_CASE_LIST_ROWS_TEMPLATE).render(Context(context))
                written = (
                    f"\n  {referral_list_rows(shown_referrals)}\n  {case_list_rows(shown_cases)}\n"
                )
                assert loops == written


# --- the links to a list's other pages ------------------------------------------------------


@pytest.mark.parametrize("language", ["sr", "sr-latn", "en"])
def test_the_pagination_tag_writes_what_the_include_wrote(language: str) -> None:
    """``{% pagination %}`` against the include it stands for: one page, the first, a middle
    and the last of many, a label given or left to the surrounding context, no list."""
    from django.core.paginator import Paginator
    from django.template import Context, Template
    from django.test import RequestFactory
    from django.utils import translation

    request = RequestFactory().get("/people/", {"sex": "female", "page": "2"})
    old = Template(
        "{% load i18n %}"
        '{% translate "Pages <of> these" as label %}'
        '{% include "includes/pagination.html" with page=page param="page" label=label %}|'
        '{% include "includes/pagination.html" with page=page param="r-page" %}'
    )
    new = Template(
        "{% load i18n spona_lists %}"
        '{% translate "Pages <of> these" as label %}{% pagination page "page" label %}|'
        '{% pagination page "r-page" %}'
    )
    one = Paginator(range(3), 10).page(1)
    many = Paginator(range(30), 10)
    with translation.override(language):
        for page in (one, many.page(1), many.page(2), many.page(3), None):
            for outer in ({}, {"label": "Outer <label>"}):
                context = {"page": page, "request": request, **outer}
                assert new.render(Context(context)) == old.render(Context(context))
