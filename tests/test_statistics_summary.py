"""The summary counts (a snapshot the worker refreshes) give the same numbers as counting the
cases themselves: for any area, any period (whole months, parts of months, both), and the
export's combinations; the dashboard says when they were counted."""

import io
import json
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from spona.accounts.models import Role
from spona.cases.models import Case, CaseStatus, CloseReason
from spona.cli import _translate
from spona.jobs.schedule import SWEEPS
from spona.screening.models import Screening, ScreeningStatus
from spona.statistics.dashboard import (
    DISTRICT,
    MUNICIPALITY,
    NATION,
    Area,
    Period,
    case_counts,
    dashboard,
    live_case_counts,
)
from spona.statistics.models import Snapshot
from spona.statistics.records import htcds_counts
from spona.statistics.services import summary_refresh
from spona.statistics.summary import export_counts, whole_months
from tests.factories import (
    DistrictFactory,
    InstitutionFactory,
    MunicipalityFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

START = datetime(2023, 1, 1, tzinfo=UTC)


def _random_cases(rng: random.Random) -> list:
    """Sixty cases in three municipalities of two districts (and a few without one), over
    three years; persons with no, one or several screenings, some not completed."""
    from spona.screening.services import catalogue_load_default

    catalogue = catalogue_load_default()
    north, south = DistrictFactory(code="01"), DistrictFactory(code="02")
    places = [
        MunicipalityFactory(district=north),
        MunicipalityFactory(district=north),
        MunicipalityFactory(district=south),
        None,
    ]
    manager = UserFactory(
        role=Role.CASE_MANAGER, institution=InstitutionFactory(municipality=places[0])
    )
    purposes = ["prostitution", "forced_labour", "begging", "forced_marriage", "slavery"]
    means = ["deception", "threat", "force", "withholding_documents"]
    for _ in range(60):
        person = PersonFactory(
            registered_by=manager,
            sex=rng.choice(["female", "male", "unknown"]),
            estimated_age=rng.choice([None, 7, 15, 19, 25, 33, 50]),
            citizenship=rng.choice(["RS", "BA", "NG", "", "XX"]),
        )
        status = rng.choice(list(CaseStatus))
        case = Case.objects.create(
            person=person,
            status=status,
            close_reason=rng.choice(["", CloseReason.NOT_A_VICTIM, CloseReason.INTEGRATED])
            if status == CaseStatus.CLOSED
            else "",
            is_child=rng.random() < 0.2,
            municipality=rng.choice(places),
            opened_by_institution=manager.institution,
            opened_by=manager,
        )
        # near midnight too: the month is the local (Belgrade) one
        opened = START + timedelta(days=rng.randrange(3 * 365), hours=rng.choice([1, 12, 23]))
        Case.objects.filter(pk=case.pk).update(created_at=opened)
        for _ in range(rng.choice([0, 1, 1, 2])):
            Screening.objects.create(
                institution=manager.institution,
                screened_by=manager,
                person=person,
                catalogue=catalogue,
                status=rng.choice([ScreeningStatus.COMPLETED] * 3 + [ScreeningStatus.DRAFT]),
                completed_at=opened + timedelta(days=rng.randrange(30)),
                purposes=rng.sample(purposes, rng.randrange(3)),
                means=rng.sample(means, rng.randrange(3)),
            )
    return places


def _random_period(rng: random.Random) -> Period:
    start = date(2022, 11, 1) + timedelta(days=rng.randrange(1300))
    if rng.random() < 0.4:
        start = start.replace(day=1)
    end = start + timedelta(days=rng.choice([1, 20, 31, 90, 365, 800]))
    if rng.random() < 0.4:
        end = end.replace(day=1) if end.replace(day=1) > start else end
    return Period(start, end)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_summary_and_the_cases_give_the_same_counts(seed):
    rng = random.Random(seed)
    places = _random_cases(rng)
    snapshot = summary_refresh()
    assert snapshot.cases == Case.objects.count()
    areas = [Area(NATION, None, "Србија")]
    areas += [Area(MUNICIPALITY, m.pk, str(m)) for m in places if m is not None]
    areas += [Area(DISTRICT, places[0].district_id, ""), Area(DISTRICT, places[2].district_id, "")]
    periods = [
        Period(date(2023, 1, 1), date(2026, 1, 1)),
        Period(date(2023, 3, 5), date(2023, 4, 2)),
    ]
    periods += [_random_period(rng) for _ in range(8)]
    assert any(whole_months(p.start, p.end) for p in periods)
    for area in areas:
        for period in periods:
            assert case_counts(area, period, snapshot) == live_case_counts(area, period), (
                area,
                period,
            )
    counts, as_of = export_counts()
    assert counts == htcds_counts()
    assert as_of == snapshot.made_at


def test_the_dashboard_says_when_it_was_counted_and_changes_only_after_a_refresh(client):
    rng = random.Random(4)
    places = _random_cases(rng)
    officer = UserFactory(
        role=Role.CENTRE_OFFICER,
        institution=InstitutionFactory(type="national_centre", municipality=None),
    )
    nation = Area(NATION, None, "Србија")
    period = Period(date(2023, 1, 1), date(2026, 1, 1))
    assert dashboard(user=officer, area=nation, period=period).as_of is None  # counted now
    SWEEPS["statistics summary"]()  # what the worker runs
    board = dashboard(user=officer, area=nation, period=period)
    snapshot = Snapshot.objects.get()
    assert board.as_of == snapshot.made_at
    total = board.breakdown("cases_sex").total
    # a case opened in a whole month after the refresh shows after the next one
    manager = UserFactory(institution=InstitutionFactory(municipality=places[0]))
    late = Case.objects.create(
        person=PersonFactory(registered_by=manager),
        status=CaseStatus.IDENTIFIED,
        municipality=places[0],
        opened_by_institution=manager.institution,
        opened_by=manager,
    )
    Case.objects.filter(pk=late.pk).update(created_at=datetime(2024, 5, 10, 12, tzinfo=UTC))
    assert dashboard(user=officer, area=nation, period=period).breakdown("cases_sex").total == total
    summary_refresh()
    assert dashboard(user=officer, area=nation, period=period).breakdown("cases_sex").total == (
        total + 1
    )
    newest = summary_refresh()
    # the one before is kept for readers still summing it, older ones are deleted
    assert list(Snapshot.objects.order_by("pk")) == [
        Snapshot.objects.get(pk__lt=newest.pk, pk__gt=snapshot.pk),
        newest,
    ]
    client.force_login(officer)
    page = client.get(reverse("statistics:dashboard"), {"start": "2023-01-01", "end": "2025-12-31"})
    assert "Бројеви случајева пребројани су у" in page.content.decode()  # as counted at …
    api = client.get(
        reverse("api_statistics_dashboard"), {"start": "2023-01-01", "end": "2025-12-31"}
    )
    assert api.json()["as_of"] is not None


def test_the_command_refreshes_and_the_export_says_when_it_was_counted(tmp_path):
    _random_cases(random.Random(5))
    out = io.StringIO()
    call_command(*_translate(["statistics", "refresh"]), stdout=out)
    snapshot = Snapshot.objects.get()
    assert f"counted {Case.objects.count()} cases" in out.getvalue()
    err = io.StringIO()
    call_command("export_htcds", output=str(tmp_path / "htcds.csv"), stderr=err)
    report = json.loads(err.getvalue())
    assert report["counted_at"] == snapshot.made_at.isoformat()
    assert report["records"] == sum(htcds_counts().values())
