"""The statistics dashboards: who sees which area, exact or protected numbers, the period and
the one before it, the charts, the API, the Statistics phase page."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from spona.accounts.models import Role
from spona.cases.models import Case, CaseStatus, Referral, ReferralStatus
from spona.disclosure import recoverable_vector
from spona.institutions.models import InstitutionType, Municipality
from spona.screening.models import Screening, ScreeningStatus
from spona.signals.models import Signal, Source
from spona.statistics.dashboard import (
    MUNICIPALITY,
    NATION,
    Area,
    Period,
    area_for,
    areas_for,
    dashboard,
)
from tests.factories import (
    DistrictFactory,
    InstitutionFactory,
    MunicipalityFactory,
    PersonFactory,
    UserFactory,
    declined_request,
    plan_with_goals,
)

pytestmark = pytest.mark.django_db

PERIOD = Period(date(2025, 1, 1), date(2026, 1, 1))
IN_PERIOD = datetime(2025, 6, 1, 12, tzinfo=UTC)
BEFORE = datetime(2024, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def places(municipality):
    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    elsewhere = MunicipalityFactory()
    return {
        "home": municipality,
        "elsewhere": elsewhere,
        "police": police,
        "csr": InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality),
        "other_csr": InstitutionFactory(
            type=InstitutionType.SOCIAL_WELFARE, municipality=elsewhere
        ),
        "centre": centre,
    }


@pytest.fixture
def data(places):
    """In 2025 in the home municipality: 14 cases of women (12 sexual exploitation, 2 not
    screened), 3 of men; 15 signals by the police, 2 from citizens; 12 referrals to the
    police answered in 5 hours. Elsewhere: 4 cases. In 2024 at home: 11 cases of women."""
    from spona.screening.services import catalogue_load_default

    catalogue = catalogue_load_default()
    manager = UserFactory(role=Role.CASE_MANAGER, institution=places["csr"])
    other = UserFactory(role=Role.CASE_MANAGER, institution=places["other_csr"])
    police_officer = UserFactory(role=Role.CASE_MANAGER, institution=places["police"])

    def case(user, municipality, sex, at, purposes=(), age=25, citizenship="RS"):
        person = PersonFactory(
            registered_by=user, sex=sex, estimated_age=age, citizenship=citizenship
        )
        opened = Case.objects.create(
            person=person,
            status=CaseStatus.PRESUMED_VICTIM,
            municipality=municipality,
            opened_by_institution=user.institution,
            opened_by=user,
        )
        Case.objects.filter(pk=opened.pk).update(created_at=at)
        if purposes:
            Screening.objects.create(
                institution=user.institution,
                screened_by=user,
                person=person,
                catalogue=catalogue,
                status=ScreeningStatus.COMPLETED,
                completed_at=at,
                outcome="presumed_victim_adult",
                purposes=list(purposes),
            )
        return opened

    home_cases = [
        case(manager, places["home"], "female", IN_PERIOD, ["prostitution"]) for _ in range(12)
    ]
    home_cases += [case(manager, places["home"], "female", IN_PERIOD) for _ in range(2)]
    home_cases += [
        case(manager, places["home"], "male", IN_PERIOD, age=40, citizenship="BA") for _ in range(3)
    ]
    for _ in range(4):
        case(other, places["elsewhere"], "female", IN_PERIOD)
    for _ in range(11):
        case(manager, places["home"], "female", BEFORE)
    for i in range(17):
        signal = Signal.objects.create(
            source=Source.INSTITUTION if i < 15 else Source.CITIZEN,
            raised_by=police_officer if i < 15 else None,
            raised_by_institution=places["police"] if i < 15 else None,
            municipality=places["home"],
            what_seen="…",
        )
        Signal.objects.filter(pk=signal.pk).update(created_at=IN_PERIOD)
    for opened in home_cases[:12]:
        referral = Referral.objects.create(
            case=opened,
            from_institution=places["csr"],
            to_institution=places["police"],
            reason="Заштита",
            urgency="normal",
            status=ReferralStatus.ACCEPTED,
            sent_by=manager,
            due_at=IN_PERIOD + timedelta(days=1),
        )
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=IN_PERIOD, answered_at=IN_PERIOD + timedelta(hours=5)
        )
    return places


@pytest.fixture
def integration(data):
    """On top of ``data``, in 2025 at home: a plan closed with 12 employment goals met, 3 not
    met and 2 health goals met; an active plan with 11 education goals set; 2 requests for
    accommodation that the provider declined. In 2024: a plan closed with 11 goals met."""
    home = Case.objects.filter(municipality=data["home"], created_at=IN_PERIOD)
    lead = UserFactory(role=Role.CASE_MANAGER, institution=data["csr"])
    met, not_met = "achieved", "not_achieved"
    plan_with_goals(
        home[0],
        lead,
        goals=[("employment", met)] * 12 + [("employment", not_met)] * 3 + [("health", met)] * 2,
        added_at=IN_PERIOD,
        closed_at=IN_PERIOD + timedelta(days=30),
    )
    plan_with_goals(home[1], lead, goals=[("education", "in_progress")] * 11, added_at=IN_PERIOD)
    for _ in range(2):
        declined_request(
            home[2], lead, data["other_csr"], domain="accommodation", answered_at=IN_PERIOD
        )
    plan_with_goals(
        Case.objects.filter(created_at=BEFORE)[0],
        lead,
        goals=[("employment", met)] * 11,
        added_at=BEFORE,
        closed_at=BEFORE,
    )
    return data


def _goals(board, key):
    return next(g for g in board.integration if g.key == key)


def test_integration_outcomes_count_goals_per_domain_from_the_plans(integration):
    centre = _user(Role.CENTRE_OFFICER, integration["centre"])
    board = dashboard(user=centre, area=area_for(centre, ""), period=PERIOD)
    employment = _goals(board, "employment")
    assert (employment.set, employment.met, employment.not_met, employment.closed) == (
        15,
        12,
        3,
        15,
    )
    assert employment.share == 80.0
    assert (_goals(board, "health").met, _goals(board, "health").share) == (2, 100.0)
    assert (_goals(board, "education").set, _goals(board, "education").closed) == (11, 0)
    assert _goals(board, "accommodation").unmet == 2
    total = _goals(board, "total")
    assert (total.set, total.met, total.not_met, total.closed, total.unmet) == (28, 14, 3, 17, 2)
    # last year's plan counts in last year only
    before = dashboard(user=centre, area=area_for(centre, ""), period=PERIOD.previous)
    assert (_goals(before, "total").met, _goals(before, "total").set) == (11, 11)
    # elsewhere nothing
    elsewhere = Area(MUNICIPALITY, integration["elsewhere"].pk, "elsewhere")
    assert _goals(dashboard(user=centre, area=elsewhere, period=PERIOD), "total").set == 0


def test_an_analyst_gets_integration_outcomes_with_small_counts_suppressed(integration):
    from spona.disclosure import recoverable

    analyst = _user(Role.ANALYST, integration["csr"])
    board = dashboard(user=analyst, area=area_for(analyst, ""), period=PERIOD)
    rows = [g for g in board.integration if g.key != "total"]
    total = _goals(board, "total")
    # 2 health goals set are hidden, and the 11 education goals with them (the total shows)
    assert (_goals(board, "health").set, _goals(board, "education").set) == (None, None)
    assert total.set == 28
    assert recoverable_vector([g.set for g in rows], total.set, _true("set", rows)) == set()
    # 3 not met, 2 health met: hidden, and enough besides that no total gives them away
    assert _goals(board, "employment").not_met is None
    assert _goals(board, "health").met is None
    assert _goals(board, "accommodation").unmet is None
    for g in board.integration:
        for value in (g.set, g.met, g.not_met, g.closed, g.unmet):
            assert value is None or value == 0 or value >= 11
        assert g.share is None or (g.met is not None and g.closed)
    from spona.disclosure import protect

    true_table = [[_true_of("met", g), _true_of("not_met", g)] for g in rows]
    assert recoverable(protect(true_table), true_table) == set()
    published = [[g.met, g.not_met] for g in rows]
    assert [list(row) for row in protect(true_table).cells] == published


TRUE = {
    "set": {"employment": 15, "health": 2, "education": 11},
    "met": {"employment": 12, "health": 2},
    "not_met": {"employment": 3},
}


def _true_of(column, g):
    return TRUE[column].get(g.key, 0)


def _true(column, rows):
    return [_true_of(column, g) for g in rows]


def test_the_page_shows_integration_outcomes_to_an_analyst_protected(integration, client):
    client.force_login(_user(Role.ANALYST, integration["csr"]))
    response = client.get(
        reverse("statistics:dashboard"), {"start": "2025-01-01", "end": "2025-12-31"}
    )
    section = (
        response.content.decode().split('<section id="integration">')[1].split("</section>")[0]
    )
    assert "28" in section
    assert "&lt;11" in section


def _user(role, institution):
    return UserFactory(role=role, institution=institution)


def _line(board, breakdown, key):
    return next(line for line in board.breakdown(breakdown).lines if line.key == key)


def test_the_centre_sees_the_nation_exactly(data):
    officer = _user(Role.CENTRE_OFFICER, data["centre"])
    area = area_for(officer, "")
    assert area == Area(NATION, None, area.name)
    board = dashboard(user=officer, area=area, period=PERIOD)
    assert board.exact
    assert board.breakdown("cases_sex").total == 21  # 17 at home, 4 elsewhere
    assert _line(board, "cases_sex", "female").count == 18
    assert _line(board, "cases_sex", "female").previous == 11
    assert _line(board, "cases_sex", "male").count == 3  # exact, though under 11
    assert _line(board, "cases_form", "sexual").count == 12
    assert _line(board, "cases_form", "not_recorded").count == 9
    assert _line(board, "cases_citizenship", "Europe").count == 3  # Bosnia and Herzegovina
    assert _line(board, "signal_sources", "police").count == 15
    assert _line(board, "signal_sources", "citizen").count == 2
    assert _line(board, "signal_channels", "citizen").count == 2
    assert _line(board, "screening_outcomes", "presumed_victim_adult").count == 12
    assert _line(board, "cases_age", "24--26").count == 18
    police = next(t for t in board.referral_times if t.key == "police")
    assert (police.hours, police.n, police.previous_n) == (5.0, 12, 0)


def test_an_analyst_gets_protected_numbers_that_cannot_be_recovered(data):
    analyst = _user(Role.ANALYST, data["csr"])
    board = dashboard(user=analyst, area=area_for(analyst, ""), period=PERIOD)
    assert not board.exact
    sexes = board.breakdown("cases_sex")
    assert _line(board, "cases_sex", "male").count is None  # 3: suppressed
    # the total would give the 3 men away next to the 18 women: a second count is hidden
    shown = [line.count for line in sexes.lines]
    true = [18, 3, 0, 0]
    assert recoverable_vector(shown, sexes.total, true) == set()
    # shares only from published counts
    for line in sexes.lines:
        assert (line.share is None) == (line.count is None or sexes.total is None)
    assert _line(board, "signal_sources", "citizen").count is None
    # 9 cases without a screening are hidden, so the 12 of sexual exploitation are too:
    # the published total (21) would give the 9 away
    assert _line(board, "cases_form", "not_recorded").count is None
    assert _line(board, "cases_form", "sexual").count is None
    assert board.breakdown("cases_form").total == 21
    assert board.referral_times[0].n == 12
    for b in board.breakdowns:
        for line in b.lines:
            for value in (line.count, line.previous):
                assert value is None or value == 0 or value >= 11


def test_a_coordinator_sees_their_municipality_and_district_only(data):
    coordinator = _user(Role.COORDINATOR, data["csr"])
    areas = areas_for(coordinator)
    assert [a.level for a in areas] == [MUNICIPALITY, "district"]
    assert area_for(coordinator, "") == areas[0]
    assert area_for(coordinator, "nation") is None
    assert area_for(coordinator, f"municipality-{data['elsewhere'].pk}") is None
    board = dashboard(user=coordinator, area=areas[0], period=PERIOD)
    assert not board.exact
    assert board.breakdown("cases_sex").total == 17
    assert _line(board, "cases_sex", "female").count is None  # 14 beside 3 men: both hidden
    assert _line(board, "cases_sex", "female").previous == 11  # 2024: 11 women, no one else


def test_the_page_draws_a_chart_per_breakdown_and_compares_periods(data, client):
    coordinator = _user(Role.COORDINATOR, data["csr"])
    client.force_login(coordinator)
    response = client.get(
        reverse("statistics:dashboard"), {"start": "2025-01-01", "end": "2025-12-31"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<svg") == 8
    assert "01.01.2024" in page  # the previous period
    assert "&lt;11" in page
    other = client.get(
        reverse("statistics:dashboard"), {"area": f"municipality-{data['elsewhere'].pk}"}
    )
    assert other.status_code == 404
    wrong = client.get(
        reverse("statistics:dashboard"), {"start": "2025-12-31", "end": "2025-01-01"}
    )
    assert "Период се завршава пре него што почне." in wrong.content.decode()


def test_the_api_gives_the_dashboards_numbers(data, client):
    analyst = _user(Role.ANALYST, data["csr"])
    client.force_login(analyst)
    response = client.get(
        reverse("api_statistics_dashboard"), {"start": "2025-01-01", "end": "2025-12-31"}
    )
    assert response.status_code == 200
    body = response.json()
    board = dashboard(user=analyst, area=area_for(analyst, ""), period=PERIOD)
    assert body["exact"] is False
    assert body["previous_start"] == "2024-01-01"
    for shown, expected in zip(body["breakdowns"], board.breakdowns, strict=True):
        assert shown["total"] == expected.total
        assert [line["count"] for line in shown["lines"]] == [line.count for line in expected.lines]
    assert (
        client.get(reverse("api_statistics_dashboard"), {"area": "district-x"}).status_code == 404
    )


def test_the_statistics_phase_lists_the_dashboard_and_the_export(data, client):
    client.force_login(_user(Role.CENTRE_OFFICER, data["centre"]))
    page = client.get(reverse("workspace:phase", kwargs={"phase": "statistics"})).content.decode()
    assert reverse("statistics:dashboard") in page
    assert reverse("statistics:open_data") in page
    client.force_login(_user(Role.ANALYST, data["csr"]))
    page = client.get(reverse("workspace:phase", kwargs={"phase": "statistics"})).content.decode()
    assert reverse("statistics:dashboard") in page
    assert reverse("statistics:open_data") not in page


def test_the_centre_downloads_the_k_anonymous_csv(data, client):
    client.force_login(_user(Role.CENTRE_OFFICER, data["centre"]))
    page = client.get(reverse("statistics:open_data")).content.decode()
    assert reverse("statistics:htcds_export") in page
    response = client.post(reverse("statistics:htcds_export"))
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()  # streamed
    assert lines[0].startswith("prs_Gender,ageBroad,prs_Citizenship,yearRegister")
    # 14 + 11 women of the same age and citizenship in 2024-2025; the rest suppressed
    assert len(lines) - 1 >= 11


def test_the_previous_period_is_as_long():
    assert Period(date(2025, 1, 1), date(2026, 1, 1)).previous == Period(
        date(2024, 1, 1), date(2025, 1, 1)
    )
    assert Period(date(2025, 3, 1), date(2025, 4, 1)).previous == Period(
        date(2025, 2, 1), date(2025, 3, 1)
    )
    assert Period(date(2025, 3, 10), date(2025, 3, 20)).previous == Period(
        date(2025, 2, 28), date(2025, 3, 10)
    )


def test_the_annual_report_has_exactly_the_dashboards_numbers(integration, client):
    data = integration
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from spona.jobs.models import Job, JobStatus

    analyst = _user(Role.ANALYST, data["csr"])
    client.force_login(analyst)
    board = dashboard(user=analyst, area=area_for(analyst, ""), period=PERIOD)
    for fmt, language in (("xlsx", "sr"), ("pdf", "sr"), ("pdf", "sr-latn")):
        response = client.post(
            reverse("statistics:annual_report"),
            {"area": "nation", "year": "2025", "format": fmt},
            HTTP_ACCEPT_LANGUAGE=language,
        )
        job = Job.objects.latest("pk")
        assert response.url == reverse("jobs:job_detail", args=[job.pk])
        assert job.status == JobStatus.SUCCEEDED
        data_ = bytes(job.artifacts.get().data)
        if fmt == "xlsx":
            sheet = list(load_workbook(io.BytesIO(data_)).active.iter_rows(values_only=True))
            rows = [row[:5] for row in sheet]
            for b in board.breakdowns:
                start = rows.index((b.title, "Овај период", "%", "Претходни период", "%"))
                for offset, line in enumerate(b.lines, start=1):
                    shown_row = rows[start + offset]
                    assert shown_row[0] == line.label
                    assert shown_row[1] == ("<11" if line.count is None else line.count)
                    assert shown_row[3] == ("<11" if line.previous is None else line.previous)
                total = rows[start + len(b.lines) + 1]
                assert total[1] == ("<11" if b.total is None else b.total)
            for m in board.maps:
                start = rows.index((m.title, "Овај период", None, None, None))
                for offset, place in enumerate(m.places, start=1):
                    assert rows[start + offset][:2] == (
                        place.name,
                        "<11" if place.count is None else place.count,
                    )
            start = rows.index(
                ("Кампање превенције: досег", "Овај период", "Претходни период", None, None)
            )
            for offset, figure in enumerate(board.campaigns, start=1):
                assert rows[start + offset][:2] == (figure.label, figure.value)
            start = [row[0] for row in sheet].index("Исходи интеграције")
            for offset, g in enumerate(board.integration, start=1):
                mark = "<11"
                assert sheet[start + offset] == (
                    g.label,
                    *(mark if v is None else v for v in (g.set, g.met, g.not_met, g.closed)),
                    None if g.share is None else g.share / 100,
                    mark if g.unmet is None else g.unmet,
                )
        else:
            text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data_)).pages)
            if language == "sr":
                assert "Случајеви према полу" in text
            else:
                assert "Slučajevi prema polu" in text
            assert str(board.breakdown("cases_form").total) in text
            assert ("Исходи интеграције" if language == "sr" else "Ishodi integracije") in text
            if language == "sr":
                g = _goals(board, "employment")
                cells = (g.set, g.met, g.not_met, g.closed)
                assert " ".join([g.label, *("<11" if v is None else str(v) for v in cells)]) in text


def test_a_coordinator_cannot_report_on_the_nation(data, client):
    client.force_login(_user(Role.COORDINATOR, data["csr"]))
    response = client.post(
        reverse("statistics:annual_report"), {"area": "nation", "year": "2025", "format": "pdf"}
    )
    assert response.status_code == 403


def _map(board, key):
    return {place.code: place.count for place in next(m for m in board.maps if m.key == key).places}


def test_the_national_map_counts_per_municipality_and_protects_them(data, client):
    # elsewhere is Babušnica (a code of the boundary file, so that the map draws it)
    Municipality.objects.filter(pk=data["elsewhere"].pk).update(code="70050")
    data["elsewhere"].refresh_from_db()
    home, elsewhere = data["home"].code, data["elsewhere"].code
    officer = _user(Role.CENTRE_OFFICER, data["centre"])
    exact = dashboard(user=officer, area=area_for(officer, ""), period=PERIOD)
    assert _map(exact, "cases")[home] == 17
    assert _map(exact, "cases")[elsewhere] == 4  # exact, though under 11
    assert _map(exact, "signals") == {home: 17, elsewhere: 0}
    analyst = _user(Role.ANALYST, data["csr"])
    board = dashboard(user=analyst, area=area_for(analyst, ""), period=PERIOD)
    cases = next(m for m in board.maps if m.key == "cases")
    # the 4 elsewhere are suppressed, and the 17 at home too: the total (21) would give them away
    assert _map(board, "cases") == {home: None, elsewhere: None}
    assert cases.total == 21
    assert recoverable_vector([p.count for p in cases.places], cases.total, [17, 4]) == set()
    assert _map(board, "signals") == {home: 17, elsewhere: 0}  # 0 is published
    client.force_login(analyst)
    page = client.get(
        reverse("statistics:dashboard"),
        {"start": "2025-01-01", "end": "2025-12-31", "map": "cases"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Cases per municipality" in page
    assert f"{data['elsewhere']}: suppressed (fewer than 11)" in page  # grey, not 0
    assert f"{data['elsewhere']}: 0" not in page
    api = client.get(reverse("api_statistics_dashboard"), {"start": "2025-01-01"}).json()
    shown = {m["key"]: {p["code"]: p["count"] for p in m["places"]} for m in api["maps"]}
    assert shown["cases"] == {home: None, elsewhere: None}


def test_a_district_map_shows_the_districts_municipalities_only(data):
    coordinator = _user(Role.COORDINATOR, data["csr"])
    district = area_for(coordinator, f"district-{data['home'].district_id}")
    niš = MunicipalityFactory(code="70858", district=DistrictFactory(code="20"))
    board = dashboard(user=coordinator, area=district, period=PERIOD)
    assert _map(board, "signals") == {data["home"].code: 17, data["elsewhere"].code: 0}
    assert niš.code not in _map(board, "cases")
    municipal = dashboard(user=coordinator, area=area_for(coordinator, ""), period=PERIOD)
    assert municipal.maps == []
