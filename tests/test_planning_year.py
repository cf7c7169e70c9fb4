"""The local action plan through the year (issue 17): the plan as PDF in both scripts,
progress per activity and indicator, overdue activities reminding their lead, indicators bound
to numbers the system computes, comparisons, and the year-end report for the assembly."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from spona.accounts.models import Role
from spona.core.work import sections_for
from spona.disclosure import share
from spona.inbox.kinds import NotificationKind
from spona.inbox.models import Notification, rendered
from spona.institutions.models import InstitutionType
from spona.planning import metrics, selectors, services
from spona.planning.evidence import compared
from spona.planning.models import Activity, ActivityStatus, Problem
from spona.planning.reminders import sweep_overdue_activities
from spona.signals.services import signal_raise
from tests.e2e.helpers import translated
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def local(municipality):
    return InstitutionFactory(
        name="Градска управа Пирот",
        type=InstitutionType.LOCAL_GOVERNMENT,
        municipality=municipality,
    )


@pytest.fixture
def coordinator(local):
    return UserFactory(role=Role.COORDINATOR, institution=local, language="sr")


@pytest.fixture
def school(municipality):
    return InstitutionFactory(
        name="Основна школа „Вук Караџић“", type=InstitutionType.SCHOOL, municipality=municipality
    )


def activity(coordinator, title, cost, **kw) -> Activity:
    return services.activity_save(
        user=coordinator,
        activity=Activity(
            municipality=coordinator.institution.municipality,
            year=kw.pop("year", YEAR),
            title=title,
            kind="basic_awareness",
            phase="prevention",
            cost=Decimal(cost),
            need=kw.pop("need", 0.8),
            evidence=0.5,
            evidence_source="study 2014",
            reach=0.5,
            **kw,
        ),
    )


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages
    )


def test_the_plan_prints_in_both_scripts_with_owners_budget_and_overrides(
    coordinator, school
) -> None:
    workshops = activity(coordinator, "Радионице у школама", 60, lead=school)
    leaflets = activity(coordinator, "Летци", 10, need=0.1)
    services.budget_set(
        user=coordinator,
        municipality=coordinator.institution.municipality,
        year=YEAR,
        total=Decimal(60),
        by_funder={},
    )
    services.prioritise(
        user=coordinator, municipality=coordinator.institution.municipality, year=YEAR
    )
    leaflets.refresh_from_db()
    services.activity_override(
        user=coordinator,
        activity=leaflets,
        expected_version=leaflets.version,
        override="out",
        reason="Скупштина их не жели",
    )
    client = Client()
    client.force_login(coordinator)
    url = reverse("planning:plan_pdf") + f"?year={YEAR}"
    cyrillic = pdf_text(client.get(url, HTTP_ACCEPT_LANGUAGE="sr").content)
    assert "Локални акциони план" in cyrillic
    assert "Радионице у школама" in cyrillic
    assert "Основна школа „Вук Караџић“" in cyrillic
    assert "Скупштина их не жели" in cyrillic
    latin = pdf_text(client.get(url, HTTP_ACCEPT_LANGUAGE="sr-latn").content)
    assert "Lokalni akcioni plan" in latin
    assert "Radionice u školama" in latin
    assert "Osnovna škola „Vuk Karadžić“" in latin
    assert "Skupština ih ne želi" in latin
    assert workshops.title not in latin


@pytest.mark.parametrize("year", ["0", "9999", "1999", "два"])
def test_a_year_out_of_range_reads_this_year_with_a_message(coordinator, year) -> None:
    client = Client()
    client.force_login(coordinator)

    response = client.get(reverse("planning:plan_pdf") + f"?year={year}", HTTP_ACCEPT_LANGUAGE="sr")

    assert response.status_code == 200
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Година се пише са четири цифре, од 2000." in shown


def test_no_one_prints_another_municipalitys_plan(coordinator) -> None:
    other = MunicipalityFactory()
    client = Client()
    client.force_login(coordinator)
    asked = reverse("planning:plan_pdf") + f"?year={YEAR}&municipality={other.code}"
    assert client.get(asked).status_code == 404
    analyst = UserFactory(role=Role.ANALYST, institution=coordinator.institution)
    client.force_login(analyst)
    assert client.get(asked).status_code == 200


# --- monitoring ---------------------------------------------------------------------------


@pytest.fixture
def teacher(school):
    return UserFactory(role=Role.FRONTLINE, institution=school, language="en")


def test_progress_is_recorded_through_the_year_by_those_who_carry_it_out(
    coordinator, school, teacher
) -> None:
    workshops = activity(coordinator, "Радионице", 60, lead=school)
    visits = services.indicator_add(
        user=coordinator, activity=workshops, name="Schools visited", target=8, baseline=0
    )
    services.progress_record(
        user=teacher, activity=workshops, on=datetime.date(YEAR, 3, 1), progress=40
    )
    services.progress_record(
        user=teacher,
        activity=workshops,
        on=datetime.date(YEAR, 3, 1),
        indicator=visits,
        value=3,
        note="three of eight",
    )
    workshops.refresh_from_db()
    assert (workshops.progress, workshops.status) == (40, ActivityStatus.IN_PROGRESS)
    services.progress_record(
        user=coordinator, activity=workshops, on=datetime.date(YEAR, 6, 1), progress=100
    )
    workshops.refresh_from_db()
    assert (workshops.progress, workshops.status) == (100, ActivityStatus.DONE)
    assert [u.progress for u in selectors.progress_history(workshops)] == [40, 100]
    [row] = selectors.indicator_rows(user=coordinator, activity=workshops)
    assert (row.current, row.measured_on, row.computed) == (3, datetime.date(YEAR, 3, 1), False)

    with pytest.raises(ValidationError):  # a per cent
        services.progress_record(
            user=teacher, activity=workshops, on=datetime.date(YEAR, 6, 2), progress=140
        )
    outsider = UserFactory(
        role=Role.FRONTLINE, institution=InstitutionFactory(municipality=school.municipality)
    )
    with pytest.raises(PermissionDenied):
        services.progress_record(
            user=outsider, activity=workshops, on=datetime.date(YEAR, 6, 2), progress=50
        )
    client = Client()
    client.force_login(teacher)
    page = client.get(reverse("planning:activity_detail", args=[workshops.pk]))
    assert page.status_code == 200
    assert "Schools visited" in page.content.decode()
    record = reverse("planning:progress_record", args=[workshops.pk])
    client.post(record, {"on": f"{YEAR}-07-01", "progress": 90, "note": "almost"})
    client.post(
        record, {"value-indicator": visits.pk, "value-on": f"{YEAR}-07-01", "value-value": 7}
    )
    [row] = selectors.indicator_rows(user=coordinator, activity=workshops)
    assert (row.current, [u.progress for u in selectors.progress_history(workshops)]) == (
        7,
        [40, 100, 90],
    )
    client.force_login(outsider)
    assert client.get(reverse("planning:activity_detail", args=[workshops.pk])).status_code == 404


def test_an_activity_under_way_keeps_its_place_and_its_money_when_prioritised_again(
    coordinator, teacher, school
) -> None:
    municipality = coordinator.institution.municipality
    leaflets = activity(
        coordinator,
        "Летци",
        50,
        need=0.2,
        lead=school,
        override="in",
        override_reason="the assembly asked",
    )
    services.budget_set(
        user=coordinator, municipality=municipality, year=YEAR, total=Decimal(100), by_funder={}
    )
    services.prioritise(user=coordinator, municipality=municipality, year=YEAR)
    services.progress_record(
        user=teacher, activity=leaflets, on=datetime.date(YEAR, 2, 1), progress=10
    )
    leaflets.refresh_from_db()
    services.activity_override(
        user=coordinator,
        activity=leaflets,
        expected_version=leaflets.version,
        override="",
        reason="",
    )
    workshops = activity(coordinator, "Радионице", 60, need=0.9)
    choice = services.prioritise(user=coordinator, municipality=municipality, year=YEAR)
    leaflets.refresh_from_db()
    workshops.refresh_from_db()
    assert leaflets.status == ActivityStatus.IN_PROGRESS  # under way: kept, status kept
    assert str(leaflets.pk) in choice.chosen
    assert workshops.status == ActivityStatus.LEFT_OUT  # 50 + 60 > 100: the money is spoken for


def test_an_overdue_activity_reminds_its_lead_once_a_day_in_their_language(
    coordinator, school, teacher
) -> None:
    colleague = UserFactory(role=Role.CASE_MANAGER, institution=school, language="sr-latn")
    today = timezone.localdate()
    late = activity(
        coordinator,
        "Радионице о лажним понудама посла",
        60,
        lead=school,
        year=today.year,
        ends_on=today - datetime.timedelta(days=1),
    )
    Activity.objects.filter(pk=late.pk).update(status=ActivityStatus.CHOSEN)
    activity(  # done on time: no reminder
        coordinator,
        "Летци",
        10,
        lead=school,
        year=today.year,
        ends_on=today - datetime.timedelta(days=1),
        status=ActivityStatus.DONE,
    )
    assert sweep_overdue_activities() == 1
    assert sweep_overdue_activities() == 0  # once a day
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert sweep_overdue_activities(tomorrow) == 1  # and again the next day while overdue
    notices = Notification.objects.filter(kind=NotificationKind.ACTIVITY_OVERDUE)
    assert {n.recipient for n in notices} == {teacher, colleague}
    assert coordinator not in {n.recipient for n in notices}  # the school leads it
    for notice in notices.filter(recipient=teacher)[:1]:
        with translation.override(teacher.language):
            subject, body = rendered(notice.kind, notice.params)
        assert subject == "Action plan activity overdue: Radionice o lažnim ponudama posla"
        assert "Osnovna škola „Vuk Karadžić“" in body  # names read in Latin on an English page
    for notice in notices.filter(recipient=colleague)[:1]:
        with translation.override(colleague.language):
            subject, body = rendered(notice.kind, notice.params)
        expected = translated("sr-latn", "Action plan activity overdue: %(activity)s")
        assert subject == expected % {"activity": "Radionice o lažnim ponudama posla"}

    # ...and it is on their home pages, and the coordinator's
    for user in (teacher, coordinator):
        [section] = [s for s in sections_for(user) if s.key == "plan_activities_overdue"]
        assert (section.count, section.items[0].text) == (1, late.title)
    client = Client()
    client.force_login(teacher)
    assert late.title in client.get(reverse("workspace:home")).content.decode()


# --- indicators bound to computed numbers --------------------------------------------------


def test_an_indicator_bound_to_a_computed_number_updates_itself_through_disclosure(
    coordinator, school, teacher, municipality
) -> None:
    year = timezone.localdate().year
    workshops = activity(coordinator, "Радионице", 60, lead=school, year=year)
    services.indicator_add(
        user=coordinator,
        activity=workshops,
        name="Signals from schools",
        level="outcome",
        baseline=0,
        target=20,
        metric="signals_from_schools",
    )
    with pytest.raises(ValidationError):
        services.indicator_add(
            user=coordinator, activity=workshops, name="x", target=1, metric="no_such_number"
        )
    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    officer = UserFactory(role=Role.CASE_MANAGER, institution=police)
    for _ in range(3):
        signal_raise(user=teacher, municipality=municipality, what_seen="seen at school")
    for _ in range(17):
        signal_raise(user=officer, municipality=municipality, what_seen="seen")

    [row] = selectors.indicator_rows(user=coordinator, activity=workshops)
    assert row.computed
    assert row.current is None  # 3 of 20: a small cell, not shown
    [row] = selectors.indicator_rows(user=officer, activity=workshops)
    assert row.current == 15.0  # case access: the exact share

    for _ in range(8):  # the workshops work: 11 of 28 signals now come from the school
        signal_raise(user=teacher, municipality=municipality, what_seen="seen at school")
    [row] = selectors.indicator_rows(user=coordinator, activity=workshops)
    assert row.current == share(11, 28) == 39
    with pytest.raises(ValidationError):  # the system computes it; no one types it
        services.progress_record(
            user=teacher,
            activity=workshops,
            on=timezone.localdate(),
            indicator=workshops.indicators.get(),
            value=50,
        )


def test_every_metric_computes_for_a_municipality_without_data(municipality) -> None:
    for key, metric in metrics.METRICS.items():
        result = metric.compute(municipality, YEAR)
        assert (result.shown, result.n) in {(None, 0), (0, 0)}, key


# --- comparisons ---------------------------------------------------------------------------


def _signals(user, municipality, n: int, when: datetime.datetime | None = None) -> None:
    for _ in range(n):
        signal = signal_raise(user=user, municipality=municipality, what_seen="seen")
        if when is not None:
            type(signal).objects.filter(pk=signal.pk).update(created_at=when)


def test_the_five_scores_compare_with_last_year_and_with_the_other_municipalities_pooled(
    municipality, teacher
) -> None:
    year = timezone.localdate().year
    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    officer = UserFactory(role=Role.CASE_MANAGER, institution=police)
    last_year = timezone.now().replace(year=year - 1, month=6, day=1)
    _signals(teacher, municipality, 15)  # this year: 15 of 30 before harm
    _signals(officer, municipality, 15)
    _signals(teacher, municipality, 11, last_year)  # last year: 11 of 33
    _signals(officer, municipality, 22, last_year)
    # two other towns: 12 of 24 pooled, though each alone has small cells
    for _ in range(2):
        town = MunicipalityFactory()
        school = InstitutionFactory(type=InstitutionType.SCHOOL, municipality=town)
        station = InstitutionFactory(type=InstitutionType.POLICE, municipality=town)
        _signals(UserFactory(role=Role.FRONTLINE, institution=school), town, 6)
        _signals(UserFactory(role=Role.CASE_MANAGER, institution=station), town, 6)

    rows = {c.problem: c for c in compared(municipality, year)}
    proactivity = rows[Problem.PROACTIVITY]
    assert (proactivity.score, proactivity.last_year, proactivity.change) == (50, 33, 17)
    assert proactivity.others == share(12, 24) == 50
    assert rows[Problem.INTEGRATION].others is None  # no plan goal closed elsewhere

    coordinator = UserFactory(
        role=Role.COORDINATOR,
        institution=InstitutionFactory(
            type=InstitutionType.LOCAL_GOVERNMENT, municipality=municipality
        ),
    )
    assessment = services.assessment_start(user=coordinator, municipality=municipality, year=year)
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("planning:assessment_detail", args=[assessment.pk]))
    assert "+17" in page.content.decode()


def test_one_other_municipality_is_not_an_aggregate(municipality, teacher) -> None:
    other = MunicipalityFactory()
    station = InstitutionFactory(type=InstitutionType.POLICE, municipality=other)
    _signals(UserFactory(role=Role.CASE_MANAGER, institution=station), other, 30)
    rows = {c.problem: c for c in compared(municipality, timezone.localdate().year)}
    assert rows[Problem.PROACTIVITY].others is None


# --- the year-end report ---------------------------------------------------------------------


def test_the_year_end_report_for_the_assembly_in_pdf_both_scripts_and_xlsx(
    coordinator, school, teacher
) -> None:
    from openpyxl import load_workbook

    from spona.jobs.models import Job, JobStatus

    workshops = activity(coordinator, "Радионице у школама", 60000, lead=school)
    leaflets = activity(coordinator, "Летци", 10000, need=0.1)
    services.budget_set(
        user=coordinator,
        municipality=school.municipality,
        year=YEAR,
        total=Decimal(60000),
        by_funder={},
    )
    services.prioritise(user=coordinator, municipality=school.municipality, year=YEAR)
    leaflets.refresh_from_db()
    services.activity_override(
        user=coordinator,
        activity=leaflets,
        expected_version=leaflets.version,
        override="out",
        reason="Скупштина их не жели",
    )
    visits = services.indicator_add(
        user=coordinator, activity=workshops, name="Посећене школе", baseline=0, target=8
    )
    services.progress_record(
        user=teacher, activity=workshops, on=datetime.date(YEAR, 5, 1), progress=50
    )
    services.progress_record(
        user=teacher,
        activity=workshops,
        on=datetime.date(YEAR, 5, 1),
        indicator=visits,
        value=5,
    )
    client = Client()
    client.force_login(coordinator)
    url = reverse("planning:year_report") + f"?year={YEAR}"
    texts = {}
    for fmt, language in (("pdf", "sr"), ("pdf", "sr-latn"), ("xlsx", "sr")):
        response = client.post(url, {"format": fmt}, HTTP_ACCEPT_LANGUAGE=language)
        job = Job.objects.latest("pk")
        assert response.url == reverse("jobs:job_detail", args=[job.pk])
        assert job.status == JobStatus.SUCCEEDED
        texts[fmt, language] = bytes(job.artifacts.get().data)

    cyrillic = pdf_text(texts["pdf", "sr"])
    for text in (
        "Годишњи извештај о локалном акционом плану",
        "Радионице у школама",
        "Основна школа „Вук Караџић“",
        "Посећене школе",
        "Скупштина их не жели",
    ):
        assert text in cyrillic
    assert "Полазна вредност: 0.0 · Циљна вредност: 8.0 · Тренутна вредност: 5.0" in cyrillic
    latin = pdf_text(texts["pdf", "sr-latn"])
    for text in ("Radionice u školama", "Posećene škole", "Skupština ih ne želi", "Osnovna škola"):
        assert text in latin
    assert "Радионице" not in latin

    sheet = load_workbook(io.BytesIO(texts["xlsx", "sr"])).active
    rows = [tuple(v for v in row if v is not None) for row in sheet.iter_rows(values_only=True)]
    assert ("Радионице у школама", "Посећене школе", 0, 8, 5) in rows
    assert ("Процена утрошеног, према евидентираном напретку", 30000) in rows
    assert ("Летци", "Изоставити из плана", "Скупштина их не жели") in rows


def test_only_the_plans_readers_make_its_report(coordinator, teacher) -> None:
    client = Client()
    client.force_login(teacher)
    assert client.post(reverse("planning:year_report"), {"format": "pdf"}).status_code == 403
    client.force_login(coordinator)
    response = client.post(reverse("planning:year_report"), {"format": "docx"})
    assert response.status_code == 302
    assert "/jobs/" not in response.url


# --- the API ---------------------------------------------------------------------------------


def test_the_api_gives_indicators_progress_and_comparisons_and_records_progress(
    coordinator, school, teacher
) -> None:
    from spona.accounts.services import api_token_create

    workshops = activity(coordinator, "Радионице", 60, lead=school)
    visits = services.indicator_add(
        user=coordinator, activity=workshops, name="Schools visited", baseline=0, target=8
    )
    services.indicator_add(
        user=coordinator,
        activity=workshops,
        name="Signals from schools",
        target=20,
        metric="signals_from_schools",
    )
    _token, raw = api_token_create(user=teacher, name="plan")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    progress_url = reverse("api_activity_progress", args=[workshops.pk])
    created = client.post(
        progress_url,
        {"on": f"{YEAR}-04-01", "indicator": visits.pk, "value": 4},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert (
        client.post(
            progress_url, {"on": f"{YEAR}-04-01", "progress": 30}, content_type="application/json"
        ).status_code
        == 201
    )
    refused = client.post(
        progress_url,
        {"on": f"{YEAR}-04-01", "progress": 30, "indicator": 10**9},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="sr-latn",
    )
    assert refused.status_code == 400
    assert refused.json()["indicator"] == ["Indikator pripada drugoj aktivnosti."]
    assert [u["progress"] for u in client.get(progress_url).json()] == [None, 30]
    indicators = client.get(reverse("api_activity_indicators", args=[workshops.pk])).json()
    assert [(i["name"], i["current"]) for i in indicators] == [
        ("Schools visited", 4.0),
        ("Signals from schools", None),  # no signals: nothing to publish
    ]
    assert client.get(reverse("api_plan_comparison")).status_code == 403  # not a plan reader

    _token, raw = api_token_create(user=coordinator, name="plan")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    rows = client.get(reverse("api_plan_comparison") + "?year=2026", HTTP_ACCEPT_LANGUAGE="en")
    assert [r["problem"] for r in rows.json()] == [p.value for p in Problem]
    assert rows.json()[0]["title"] == "Low citizen awareness"
    assert client.get(reverse("api_plan_comparison") + "?year=20x6").status_code == 400


def test_the_year_end_report_reads_indicators_once_however_many_activities_there_are(
    coordinator,
) -> None:
    """The report prefetches every activity's indicators and their updates: more activities
    with indicators must not add queries (indicator_rows used to read each one's again)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from spona.planning import report

    municipality = coordinator.institution.municipality
    services.budget_set(
        user=coordinator, municipality=municipality, year=YEAR, total=Decimal(9000), by_funder={}
    )

    def planned_with_indicators(title: str) -> None:
        each = activity(coordinator, title, 1000)
        for n in range(2):
            services.indicator_add(
                user=coordinator, activity=each, name=f"Учесници {n}", baseline=0, target=8
            )
        services.prioritise(user=coordinator, municipality=municipality, year=YEAR)

    def queries_of_report() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            _, tables = report.tables(
                user=coordinator, municipality=municipality, year=YEAR, language="sr"
            )
        return len(captured), sum(len(t.rows) for t in tables)

    planned_with_indicators("Радионице")
    one, rows_one = queries_of_report()
    planned_with_indicators("Трибине")
    planned_with_indicators("Летци")
    three, rows_three = queries_of_report()
    assert rows_three > rows_one
    assert three == one
