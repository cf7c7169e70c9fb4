"""The differentially private HTCDS release: OpenDP's mechanism, its epsilon recorded and
added up per dataset, refused past the year's budget with nothing written."""

import csv
import io
from collections import Counter
from decimal import Decimal

import opendp.prelude as dp
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spona.accounts.models import Role
from spona.accounts.services import api_token_create
from spona.audit.models import AuditAction, AuditEvent
from spona.statistics import htcds, privacy
from spona.statistics.models import PrivacyRelease
from spona.statistics.services import PrivacyRefusedError, dp_release
from tests.test_statistics_export import cases  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

TWELVE_WOMEN = ("Feminine", "18--20", "Europe", "2025", "SexualExploitation")


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_table_has_every_public_cell_and_htcds_columns(cases, settings, tmp_path):  # noqa: F811
    settings.DP_BUDGET = 5.0
    path = tmp_path / "dp.csv"
    call_command("export_htcds", dp=True, epsilon="1", output=str(path), stderr=io.StringIO())
    lines = _read(path.read_text(encoding="utf-8"))
    assert lines[0] == [
        "prs_Gender",
        "ageBroad",
        "prs_Citizenship",
        "yearRegister",
        "vic_TypeOfExploitation",
        "count",
    ]
    year = timezone.localdate().year
    cells = 3 * 11 * 6 * (year - settings.DP_FIRST_YEAR + 1) * 8
    assert PrivacyRelease.objects.get().cells == cells
    for line in lines[1:]:
        gender, age, region, year_opened, form, count = line
        assert gender in privacy.GENDERS
        assert age in privacy.AGES
        assert region in privacy.REGIONS
        assert settings.DP_FIRST_YEAR <= int(year_opened) <= year
        assert form in privacy.FORMS
        assert int(count) > 0  # zeros and negative noise are left out


def test_with_a_large_epsilon_the_counts_are_close_to_the_truth(cases, settings):  # noqa: F811
    settings.DP_BUDGET = 1000.0
    table = dp_release(user=None, epsilon="500", channel="cli")
    released = dict(table.rows)
    assert abs(released.get(TWELVE_WOMEN, 0) - 12) <= 1
    assert sum(released.values()) <= 13 + 5  # almost every other cell stays at 0


def test_the_noise_is_opendps_laplace_measurement(monkeypatch):
    made = []
    original = dp.m.make_laplace

    def spy(*args, **kwargs):
        made.append(original(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(dp.m, "make_laplace", spy)
    privacy.noisy_table(Counter(), epsilon=0.5, first_year=2024, last_year=2025)
    (measurement,) = made
    assert isinstance(measurement, dp.Measurement)
    assert measurement.map(d_in=1) == 0.5  # OpenDP's own privacy map: one case costs 0.5
    assert str(measurement.output_measure).startswith("MaxDivergence")


def test_each_release_records_its_epsilon_who_and_when(cases, make_user, settings):  # noqa: F811
    officer = make_user(Role.CENTRE_OFFICER)
    dp_release(user=officer, epsilon="0.25", channel="web")
    release = PrivacyRelease.objects.get()
    assert release.epsilon == Decimal("0.25")
    assert release.released_by == officer
    assert release.dataset == privacy.DATASET
    assert release.year == timezone.localdate().year
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.details["epsilon"] == "0.2500"


def test_releases_add_up_and_the_one_past_the_budget_is_refused(cases, settings, tmp_path):  # noqa: F811
    settings.DP_BUDGET = 1.0
    dp_release(user=None, epsilon="0.5", channel="cli")
    dp_release(user=None, epsilon="0.3", channel="cli")
    assert sum(r.epsilon for r in PrivacyRelease.objects.all()) == Decimal("0.8")
    path = tmp_path / "refused.csv"
    with pytest.raises(CommandError, match=r"0\.2000"):
        call_command("export_htcds", dp=True, epsilon="0.3", output=str(path))
    assert not path.exists()
    assert PrivacyRelease.objects.count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 2
    dp_release(user=None, epsilon="0.2", channel="cli")  # exactly the rest is allowed
    with pytest.raises(PrivacyRefusedError):
        dp_release(user=None, epsilon="0.0001", channel="cli")


@pytest.mark.parametrize("epsilon", [0.7, 1.3, 1.5, 0.1, 2.0])
def test_an_epsilon_whose_plain_scale_the_map_rounds_up_is_still_released(epsilon):
    """1/ε as the scale makes OpenDP's map spend a hair more than ε for many values (0.7 maps
    to 0.7000000000000001); the measurement takes the smallest scale that stays within ε."""
    noise = privacy.measurement(epsilon)

    assert noise.map(d_in=1) <= epsilon


@pytest.mark.parametrize("epsilon", ["0", "-1", "abc", "nan", "inf"])
def test_a_bad_epsilon_is_refused(epsilon):
    with pytest.raises(PrivacyRefusedError):
        dp_release(user=None, epsilon=epsilon, channel="cli")
    assert not PrivacyRelease.objects.exists()


def test_the_page_refuses_past_the_budget_in_the_users_language(
    cases,  # noqa: F811
    client_for,
    settings,
):
    settings.DP_BUDGET = 0.5
    client = client_for(Role.CENTRE_OFFICER)
    url = reverse("statistics:htcds_dp_export")
    ok = client.post(url, {"epsilon": "0.5"}, HTTP_ACCEPT_LANGUAGE="en")
    assert ok["Content-Type"].startswith("text/csv")
    assert _read(ok.content.decode())[0][-1] == "count"
    refused = client.post(url, {"epsilon": "0.1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "privacy budget" in refused.content.decode()
    assert PrivacyRelease.objects.count() == 1


def test_only_the_centre_may_release(client_for, settings):
    client = client_for(Role.ANALYST)
    response = client.post(reverse("statistics:htcds_dp_export"), {"epsilon": "0.5"})
    assert response.status_code == 403
    assert not PrivacyRelease.objects.exists()


def test_the_api_releases_and_reports_the_budget(cases, make_user, settings):  # noqa: F811
    settings.DP_BUDGET = 1.0
    _token, raw = api_token_create(user=make_user(Role.CENTRE_OFFICER), name="open data")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = "/api/v1/statistics/dp-releases/"
    released = api.post(url, {"epsilon": "0.6"}, content_type="application/json")
    assert released.status_code == 200
    assert released.json()["epsilon"] == 0.6
    assert all(row["count"] > 0 for row in released.json()["rows"])
    refused = api.post(url, {"epsilon": "0.6"}, content_type="application/json")
    assert refused.status_code == 400
    budget = api.get("/api/v1/statistics/privacy-budget/").json()
    assert budget["spent"] == "0.6000"
    assert budget["left"] == "0.4000"
    assert len(budget["releases"]) == 1


def test_every_recorded_value_has_a_cell_of_the_public_table():
    genders = sorted(set(htcds.GENDER.values()))
    countries = ["RS", "BA", "NG", "CN", "US", "AU", "", "XX"]
    forms = sorted(set(htcds.EXPLOITATION.values()))
    counts = Counter(
        {
            (gender, age, htcds.citizenship(country), "2025", form, ""): 1
            for gender in genders
            for age in privacy.AGES
            for country in countries
            for form in ["", *forms, htcds.SEPARATOR.join(forms)]
        }
    )
    table = privacy.noisy_table(counts, epsilon=1.0, first_year=2025, last_year=2025)
    assert table.cells == 3 * 11 * 6 * 8
    with pytest.raises(ValueError, match="outside the public table"):
        privacy.noisy_table(
            Counter({("Feminine", "teen", "RS", "2025", "", ""): 1}),
            epsilon=1.0,
            first_year=2025,
            last_year=2025,
        )
