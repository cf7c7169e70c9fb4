"""Surveys as people use them: instruments in three languages, waves imported from Kobo-style
CSV and XLSX (all or nothing), interviews, protected estimates, reports and comparisons."""

import io
import math
from datetime import date
from typing import Any
from unittest.mock import patch

import polars as pl
import pytest
import svy
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from scipy import stats

from spona.accounts.models import Role
from spona.core.stacking import LABELLED
from spona.institutions.models import InstitutionType
from spona.jobs.models import Job, JobStatus
from spona.surveys import demo_data, estimation, instruments, selectors, services
from spona.surveys.models import SurveyResponse, Weighting
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(municipality):
    coordinator = UserFactory(
        role=Role.COORDINATOR,
        institution=InstitutionFactory(
            type=InstitutionType.LOCAL_GOVERNMENT, municipality=municipality
        ),
    )
    citizens = next(i for i in services.instruments_load_default() if i.code == "citizens")
    wave = services.wave_create(
        user=coordinator,
        municipalities=[municipality],
        instrument=citizens,
        name="Талас 2026",
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 8, 1),
    )
    return {"coordinator": coordinator, "wave": wave, "instrument": citizens}


def _rows(survey, n=600, seed=7):
    return demo_data.generate_wave(
        survey["instrument"].data, municipality_code="70939", n=n, seed=seed
    )


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    header = list(rows[0])
    sheet.append(header)
    for row in rows:
        sheet.append([row[h] for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(survey, name: str, content: bytes, language: str = "en") -> Job:
    client = Client()
    client.force_login(survey["coordinator"])
    client.post(
        reverse("surveys:wave_import", args=[survey["wave"].pk]),
        {"file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    return Job.objects.latest("pk")


@pytest.mark.parametrize("code", ["citizens", "professionals"])
def test_default_instruments_exist_in_three_languages(code) -> None:
    instrument = instruments.load_default(code)
    question = instrument["questions"][0]
    texts = {}
    for language in ["sr", "sr-latn", "en"]:
        with translation.override(language):
            texts[language] = instruments.localized(question["text"])
    assert len(set(texts.values())) == 3
    assert not any("a" <= c.lower() <= "z" for c in texts["sr"])


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_kobo_export_is_imported_whole(survey, kind) -> None:
    rows = _rows(survey)
    content = demo_data.write_csv(rows) if kind == "csv" else _xlsx(rows)
    job = _import(survey, f"kobo.{kind}", content)
    assert (job.status, job.errors) == (JobStatus.SUCCEEDED, [])
    assert SurveyResponse.objects.count() == 600
    shown = selectors.wave_estimates(user=survey["coordinator"], wave=survey["wave"])
    aware = next(s for s in shown if s.indicator == "aware" and not s.domain)
    assert 0.90 < aware.estimate < 0.98
    assert aware.ci_low < aware.estimate < aware.ci_high


def test_a_bad_row_rejects_the_whole_file(survey) -> None:
    rows = _rows(survey, n=50)
    rows[3][survey["instrument"].data["kobo"]["heard"]] = "perhaps"
    rows[7][instruments.STANDARD_COLUMNS["municipality"]] = "99999"
    rows[9][instruments.STANDARD_COLUMNS["age"]] = "7"
    job = _import(survey, "kobo.csv", demo_data.write_csv(rows))
    assert job.status == JobStatus.FAILED
    assert [e.split(":")[0] for e in job.errors] == ["Row 5", "Row 9", "Row 11"]
    assert "“perhaps” is not an answer to heard." in job.errors[0]
    assert not SurveyResponse.objects.exists()


def test_missing_columns_are_named(survey) -> None:
    rows = [
        {k: v for k, v in r.items() if k != instruments.STANDARD_COLUMNS["sex"]}
        for r in _rows(survey, n=5)
    ]
    job = _import(survey, "kobo.csv", demo_data.write_csv(rows))
    assert job.errors == [f"These columns are missing: {instruments.STANDARD_COLUMNS['sex']}."]


def test_small_groups_are_flagged_or_hidden(survey) -> None:
    _import(survey, "kobo.csv", demo_data.write_csv(_rows(survey, n=40)))
    shown = selectors.wave_estimates(user=survey["coordinator"], wave=survey["wave"])
    for s in shown:
        assert (s.estimate is None) == (s.n < 11)
        assert s.flagged == (11 <= s.n < 30)
    assert any(s.estimate is None for s in shown)
    assert any(s.flagged for s in shown)


def test_interviewer_enters_a_response(survey) -> None:
    client = Client()
    client.force_login(survey["coordinator"])
    data = {
        "municipality": survey["wave"].municipalities.get().pk,
        "sex": "female",
        "age": "34",
        "q_heard": "yes",
    }
    response = client.post(reverse("surveys:response_create", args=[survey["wave"].pk]), data)
    assert response.status_code == 302
    saved = SurveyResponse.objects.get()
    assert (saved.answers["heard"], saved.sex, saved.age, saved.weight) == (
        "yes",
        "female",
        34,
        1.0,
    )


def test_raking_meets_the_population_margins(survey) -> None:
    wave = survey["wave"]
    _import(survey, "kobo.csv", demo_data.write_csv(_rows(survey, n=300)))
    bands = dict.fromkeys(["15-19", "20-29", "30-44", "45-64", "65+"], 0)
    ages = [instruments.age_band(r.age) for r in SurveyResponse.objects.all()]
    for band, share in zip(bands, [0.06, 0.15, 0.25, 0.33, 0.21], strict=True):
        bands[band] = 50000 * share if band in ages else 0
    total = sum(bands.values())
    wave.margins = {
        "70939": {"sex": {"female": total * 0.52, "male": total * 0.48}, "age_band": bands}
    }
    wave.weighting = Weighting.RAKED
    wave.save()
    services.wave_reweight(wave)
    women = sum(r.weight for r in SurveyResponse.objects.filter(sex="female"))
    assert women == pytest.approx(total * 0.52, rel=1e-6)


def test_pdf_report_and_spreadsheet_are_made_by_jobs(survey) -> None:
    _import(survey, "kobo.csv", demo_data.write_csv(_rows(survey, n=200)))
    client = Client()
    client.force_login(survey["coordinator"])
    for fmt, magic in [("pdf", b"%PDF"), ("xlsx", b"PK")]:
        client.post(
            reverse("surveys:wave_report", args=[survey["wave"].pk]),
            {"format": fmt},
            HTTP_ACCEPT_LANGUAGE="sr",
        )
        job = Job.objects.latest("pk")
        artifact = job.artifacts.get()
        assert job.status == JobStatus.SUCCEEDED
        assert bytes(artifact.data).startswith(magic)
        download = client.get(reverse("jobs:artifact_download", args=[job.pk, artifact.pk]))
        assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(bytes(artifact.data))).active
    assert sheet.cell(1, 1).value == "Индикатор"


def _flipped(rows, column: str, old: str, new: str, count: int):
    """The rows with the first ``count`` answers ``old`` to ``column`` changed to ``new``."""
    changed, left = [], count
    for row in rows:
        if left and row[column] == old:
            row, left = {**row, column: new}, left - 1
        changed.append(row)
    assert left == 0
    return changed


def _svy_share(wave, indicator: str) -> tuple[float, float]:
    """svy's weighted share and standard error of an indicator in a wave, on the design and
    final weights Spona stored for it."""
    rows = list(wave.responses.values_list("answers", "stratum", "psu", "weight"))
    answers, strata, psus, weights = zip(*rows, strict=True)
    values = instruments.indicator_values(wave.instrument.data, list(answers))[indicator]
    frame = pl.DataFrame(
        {
            "y": values,
            "stratum": strata,
            "psu": [f"{s}/{p}" for s, p in zip(strata, psus, strict=True)],
            "w": weights,
        }
    ).with_columns(pl.col("y").fill_nan(None))
    sample = svy.Sample(frame, svy.Design(stratum="stratum", psu="psu", wgt="w"))
    result = sample.estimation.prop("y", drop_nulls=True).to_polars()
    row = result.filter(pl.col("y") == 1).row(0, named=True)
    return row["est"], row["se"]


def test_two_waves_are_compared_with_a_test(survey, municipality) -> None:
    """The second wave repeats the first with 150 people fewer aware of trafficking (a known
    significant drop) and 3 more who would mind a former victim as a neighbour (a known
    non-significant change). The tests agree with svy's estimates of each wave and SciPy's
    two-sided z test of independent samples."""
    first_rows = _rows(survey, n=600, seed=1)
    second_rows = _flipped(first_rows, "awareness/heard", "yes", "no", 150)
    second_rows = _flipped(second_rows, "attitudes/neighbour", "no", "yes", 3)
    _import(survey, "kobo.csv", demo_data.write_csv(first_rows))
    later = services.wave_create(
        user=survey["coordinator"],
        municipalities=[municipality],
        instrument=survey["instrument"],
        name="Талас 2027",
        starts_on=date(2027, 6, 1),
        ends_on=date(2027, 8, 1),
    )
    client = Client()
    client.force_login(survey["coordinator"])
    client.post(
        reverse("surveys:wave_import", args=[later.pk]),
        {"file": SimpleUploadedFile("k.csv", demo_data.write_csv(second_rows))},
    )

    differences = {
        d.a.indicator: d
        for d in selectors.compare(user=survey["coordinator"], first=survey["wave"], second=later)
    }
    for indicator in ("aware", "social_distance"):
        (a, se_a), (b, se_b) = _svy_share(survey["wave"], indicator), _svy_share(later, indicator)
        expected_p = 2 * stats.norm.sf(abs(a - b) / math.hypot(se_a, se_b))
        assert differences[indicator].difference == pytest.approx(a - b, abs=1e-9)
        assert differences[indicator].p_value == pytest.approx(expected_p, rel=1e-6)
    assert differences["aware"].difference > 0.2
    assert differences["aware"].p_value < 1e-6
    assert -0.01 < differences["social_distance"].difference < 0
    assert differences["social_distance"].p_value > 0.5
    unchanged = differences["victim_blaming"]
    assert (unchanged.difference, unchanged.p_value) == (0.0, 1.0)

    page = client.get(
        reverse("surveys:compare", args=[survey["wave"].pk, later.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert f"{differences['social_distance'].p_value:.4f}" in page.content.decode()


def test_coordinator_enters_margins_and_the_wave_is_raked(survey) -> None:
    _import(survey, "kobo.csv", demo_data.write_csv(_rows(survey, n=300)))
    code = survey["wave"].municipalities.get().code
    data = {f"{code}__sex__female": 26000, f"{code}__sex__male": 24000}
    data |= {
        f"{code}__age_band__{band}": n
        for band, n in zip(
            ["15-19", "20-29", "30-44", "45-64", "65+"],
            [3000, 7500, 12500, 16500, 10500],
            strict=True,
        )
    }
    client = Client()
    client.force_login(survey["coordinator"])
    assert (
        client.post(reverse("surveys:wave_margins", args=[survey["wave"].pk]), data).status_code
        == 302
    )
    women = sum(r.weight for r in SurveyResponse.objects.filter(sex="female"))
    assert women == pytest.approx(26000, rel=1e-6)
    unequal = {**data, f"{code}__sex__male": 1}
    page = client.post(
        reverse("surveys:wave_margins", args=[survey["wave"].pk]),
        unequal,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "must add up to the same population" in page.content.decode()


def _results(client, wave, language: str = "en") -> str:
    """The results part of the wave's page (its charts and table of estimates)."""
    page = client.get(
        reverse("surveys:wave_detail", args=[wave.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    start = page.index('<figure class="chart">')
    return page[start : page.index('<p class="muted">', start)]


def _computed_anew(client, wave, language: str = "en") -> str:
    cache.clear()
    return _results(client, wave, language)


def test_results_are_kept_with_their_tables_labelled(survey) -> None:
    """Labelled once when computed (issue 18), so the base template's filter passes them over."""
    _import(survey, "kobo.csv", demo_data.write_csv(_rows(survey, n=300)))
    client = Client()
    client.force_login(survey["coordinator"])
    results = _results(client, survey["wave"])
    assert f"<table{LABELLED}" in results
    assert 'data-label="' in results


def test_results_are_kept_until_the_responses_or_their_weights_change(survey, monkeypatch) -> None:
    wave = survey["wave"]
    _import(survey, "kobo.csv", demo_data.write_csv(_rows(survey, n=300)))
    client = Client()
    client.force_login(survey["coordinator"])
    first = _results(client, wave)

    def not_again(*args, **kwargs):
        raise AssertionError("the estimates were computed again")

    with monkeypatch.context() as patched:
        patched.setattr(estimation, "table", not_again)
        assert _results(client, wave) == first

    interview = {"municipality": wave.municipalities.get().pk, "sex": "male", "age": "70"}
    client.post(reverse("surveys:response_create", args=[wave.pk]), {**interview, "q_heard": "no"})
    after_interview = _results(client, wave)
    assert after_interview != first
    assert after_interview == _computed_anew(client, wave)

    code = wave.municipalities.get().code
    margins = {f"{code}__sex__female": 20000, f"{code}__sex__male": 30000}
    margins |= {
        f"{code}__age_band__{band}": n
        for band, n in zip(
            ["15-19", "20-29", "30-44", "45-64", "65+"],
            [3000, 7500, 12500, 16500, 10500],
            strict=True,
        )
    }
    client.post(reverse("surveys:wave_margins", args=[wave.pk]), margins)
    raked = _results(client, wave)
    assert raked != after_interview
    assert raked == _computed_anew(client, wave)


def test_kept_results_are_per_language_and_name_the_municipalities_as_they_are_now(
    survey,
) -> None:
    wave = survey["wave"]
    _import(survey, "kobo.csv", demo_data.write_csv(_rows(survey, n=300)))
    client = Client()
    client.force_login(survey["coordinator"])
    english, serbian = _results(client, wave, "en"), _results(client, wave, "sr")
    assert "Everyone" in english
    assert "Сви" in serbian
    municipality = wave.municipalities.get()
    municipality.name_cyr = "Пирот (град)"
    municipality.save()
    assert "Пирот (град)" in _results(client, wave, "sr")


def test_kept_results_are_refused_to_whoever_may_not_see_the_wave(survey) -> None:
    wave = survey["wave"]
    _import(survey, "kobo.csv", demo_data.write_csv(_rows(survey, n=300)))
    client = Client()
    client.force_login(survey["coordinator"])
    _results(client, wave)
    client.force_login(UserFactory(role=Role.SYSTEM_ADMIN))
    assert client.get(reverse("surveys:wave_detail", args=[wave.pk])).status_code == 403


def test_kept_results_are_read_with_the_session_at_the_pages_next_view(survey) -> None:
    """The fragment's key needs the wave's stamp, read from the database: the first view of
    the page in each language reads it alone, the next reads it in the round trip that reads
    the session (``spona.ops.early``), never another language's."""
    wave = survey["wave"]
    _import(survey, "kobo.csv", demo_data.write_csv(_rows(survey, n=300)))
    client = Client()
    client.force_login(survey["coordinator"])
    english = _results(client, wave, "en")
    read_together: list[str] = []
    asked_alone: list[str] = []
    in_many: list[bool] = []  # a backend's get_many may ask get for each key
    get_many, get = cache.get_many, cache.get

    def many(keys: list[str], *args: Any, **kwargs: Any) -> Any:
        read_together.extend(keys)
        in_many.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            in_many.pop()

    def alone(key: str, *args: Any, **kwargs: Any) -> Any:
        if not in_many:
            asked_alone.append(key)
        return get(key, *args, **kwargs)

    with patch.object(cache, "get_many", new=many), patch.object(cache, "get", new=alone):
        assert _results(client, wave, "en") == english
        results_keys = [key for key in read_together if key.startswith("surveys:results:")]
        assert len(results_keys) == 1
        assert ":en:" in results_keys[0]
        assert not any(key.startswith("surveys:results:") for key in asked_alone)

        serbian = _results(client, wave, "sr")
    assert "Сви" in serbian
    assert serbian == _computed_anew(client, wave, "sr")


def test_the_kept_hints_forget_their_oldest_and_a_second_forget_drops_nothing() -> None:
    """Two threads of one process may both find the store full: the second finds the
    oldest gone and drops nothing, where it would have failed the page."""
    from spona.ops.early import forget_oldest

    kept = {"first": 1, "second": 2}
    forget_oldest(kept)
    assert kept == {"second": 2}
    forget_oldest(kept)
    forget_oldest(kept)
    assert kept == {}
