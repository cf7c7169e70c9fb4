"""Hardening (issue 14): every upload is checked at the edge before it is stored, refused at the
request when it is too large, read streaming within limits, and every file error says what is
wrong in the user's language. The counts import passes the same policy as the single-entry
form, row by row. Tests are named after the finding they reproduce."""

import base64
import csv
import importlib
import io
import zipfile
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from spona.accounts.models import Role
from spona.core.uploads import LimitedUploadHandler, UploadField
from spona.institutions.models import InstitutionType
from spona.jobs.models import Job, JobStatus
from spona.jobs.services import UNEXPECTED, job_start
from spona.prevention import services as prevention
from spona.prevention.imports import JOB_KIND
from spona.prevention.models import AggregateCount, Settlement
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db
HEADER = ["municipality_code", "settlement", "group", "period", "count"]
GOOD = [["70939", "Пирот", "women-20-30", "2025", "12"]]
SOMETHING_WENT_WRONG = str(UNEXPECTED)


@pytest.fixture
def pirot(municipality):
    Settlement.objects.create(municipality=municipality, name="Пирот")
    prevention.default_groups(municipality)
    manager = UserFactory(
        role=Role.CASE_MANAGER,
        institution=InstitutionFactory(
            type=InstitutionType.SOCIAL_WELFARE, municipality=municipality
        ),
    )
    return {"municipality": municipality, "manager": manager}


@pytest.fixture
def smederevo(db):
    place = MunicipalityFactory(code="70734", name_cyr="Смедерево", name_lat="Smederevo")
    Settlement.objects.create(municipality=place, name="Смедерево")
    prevention.default_groups(place)
    return place


def csv_bytes(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb(unpacked_mb: int) -> bytes:
    """A real workbook whose first sheet unpacks to ``unpacked_mb`` MB of rows (the probe's
    file: 1.3 MB that unpacks to 372 MB), written in chunks."""
    base = zipfile.ZipFile(io.BytesIO(xlsx_bytes(GOOD)))
    out = io.BytesIO()
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>70939</t></is></c></row>' * 16384
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in base.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info.filename, base.read(info.filename))
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/')
            sheet.write(b'2006/main"><sheetData>')
            for _ in range(unpacked_mb * 1024 * 1024 // len(row)):
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def post_counts(user, name: str, content: bytes, language: str = "en"):
    browser = Client()
    browser.force_login(user)
    return browser.post(
        reverse("prevention:count_import"),
        {"file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def form_errors(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return list(response.context["form"].errors["file"])


# Finding 2: every upload checked at the edge -----------------------------------------------


def test_finding_02_zip_bomb_refused_at_upload(pirot) -> None:
    bomb = zip_bomb(unpacked_mb=150)
    assert len(bomb) < 1024 * 1024  # small when packed: only unpacking tells
    errors = form_errors(post_counts(pirot["manager"], "counts.xlsx", bomb))
    assert errors == [
        "The workbook unpacks to much more than its size (more than 100 MB, or more than 100 "
        "times its packed size): it is not a table Excel made, and it was refused. Upload the "
        "data as “CSV UTF-8”, or split it into smaller workbooks."
    ]
    assert not Job.objects.exists()  # nothing stored, nothing queued


def test_finding_02_a_member_packed_too_tightly_is_refused_even_under_the_total(
    pirot, settings
) -> None:
    settings.XLSX_MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
    errors = form_errors(post_counts(pirot["manager"], "counts.xlsx", zip_bomb(unpacked_mb=20)))
    assert errors[0].startswith("The workbook unpacks to much more than its size")
    assert not Job.objects.exists()


def test_finding_02_zip_bomb_already_in_the_queue_fails_plainly_in_the_job(pirot) -> None:
    """A file queued by an older version (or put in the queue some other way) is checked
    again before the job unpacks anything."""
    payload = {
        "name": "counts.xlsx",
        "content": base64.b64encode(zip_bomb(unpacked_mb=150)).decode(),
        "institution": pirot["manager"].institution_id,
        "language": "en",
    }
    job = job_start(kind=JOB_KIND, owner=pirot["manager"], payload=payload)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors[0].startswith("The workbook unpacks to much more than its size")
    assert "content" not in job.payload
    assert not AggregateCount.objects.exists()


def test_finding_02_type_is_told_by_content_not_by_name(pirot) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    assert form_errors(post_counts(pirot["manager"], "counts.csv", png)) == [
        "The file is not text; upload a CSV file (UTF-8) or an XLSX workbook."
    ]
    # a workbook named .csv is read as the workbook it is; CSV text named .xlsx as CSV
    for name, content in [("counts.csv", xlsx_bytes(GOOD)), ("counts.xlsx", csv_bytes(GOOD))]:
        assert post_counts(pirot["manager"], name, content).status_code == 302
        assert Job.objects.latest("pk").status == JobStatus.SUCCEEDED, name
    assert AggregateCount.objects.get().count == 12


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_finding_02_too_many_rows_refused_at_upload(pirot, settings, kind) -> None:
    settings.UPLOAD_MAX_ROWS = 50
    rows = GOOD * 51
    content = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    assert form_errors(post_counts(pirot["manager"], f"counts.{kind}", content)) == [
        "The file has more than 50 rows; split it into smaller files and upload them one by one."
    ]
    assert not Job.objects.exists()
    assert post_counts(pirot["manager"], f"counts.{kind}", _rows(kind, 50)).status_code == 302
    assert Job.objects.get().status == JobStatus.SUCCEEDED


def _rows(kind: str, n: int) -> bytes:
    return csv_bytes(GOOD * n) if kind == "csv" else xlsx_bytes(GOOD * n)


@pytest.mark.parametrize(
    ("cells", "says"),
    [
        (
            ["70939", '=HYPERLINK("http://evil.example","Пирот")', "women-20-30", "2025", "1"],
            'Row 2, column B: “=HYPERLINK("http://evil.example","Пирот")” would be taken for '
            "a formula; upload values only.",
        ),
        (
            ["70939", "@SUM(1+1)", "women-20-30", "2025", "1"],
            "Row 2, column B: “@SUM(1+1)” would be taken for a formula; upload values only.",
        ),
        (
            ["70939", "Пирот" * 1000, "women-20-30", "2025", "1"],
            "Row 2, column B: the cell holds more than 4,000 characters.",
        ),
        (["70939", *["x"] * 1200], "Row 2 has more than 1000 columns."),
    ],
)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_finding_02_hostile_cells_are_refused_whole_and_nothing_is_written(
    pirot, kind, cells, says
) -> None:
    rows = [GOOD[0], cells]
    response = post_counts(pirot["manager"], f"counts.{kind}", _table(kind, rows))
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    if kind == "xlsx" and cells[1].startswith("="):  # a spreadsheet stores it as a formula
        says = "The sheet contains formulas (B2); upload values only."
    assert says.replace("Row 2", "Row 3").replace("B2", "B3") in job.errors
    assert not AggregateCount.objects.exists()


def _table(kind: str, rows: list[list[object]]) -> bytes:
    return csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)


def test_finding_02_a_forged_sheet_dimension_is_not_believed(pirot) -> None:
    """A sheet claiming to span A1:XFD1048576 is read row by row as wide as each row is (not
    padded to 16,384 cells a row, which a forged dimension would otherwise cost)."""
    plain = zipfile.ZipFile(io.BytesIO(xlsx_bytes(GOOD * 3)))
    members = {info.filename: plain.read(info.filename) for info in plain.infolist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    assert b'<dimension ref="A1:E4" />' in sheet
    members["xl/worksheets/sheet1.xml"] = sheet.replace(
        b'<dimension ref="A1:E4" />', b'<dimension ref="A1:XFD1048576" />'
    )
    post_counts(pirot["manager"], "counts.xlsx", _zip(members))
    job = Job.objects.get()
    assert (job.status, job.errors) == (JobStatus.SUCCEEDED, [])


def test_finding_02_every_import_uses_the_shared_checker() -> None:
    """No form takes a file except through ``spona.core.uploads.UploadField``."""
    from spona.prevention.forms import ImportForm as CountsImport
    from spona.screening.forms import CatalogueUploadForm
    from spona.surveys.forms import ImportForm as WaveImport

    for form in (CountsImport, WaveImport, CatalogueUploadForm):
        assert isinstance(form.base_fields["file"], UploadField), form
    sources = Path(__file__).resolve().parents[1] / "spona"
    raw_file_fields = [
        str(path)
        for path in sources.rglob("*.py")
        if path.name != "uploads.py"
        and ("FileField(" in path.read_text() or "request.FILES[" in path.read_text())
    ]
    assert raw_file_fields == []


# Finding 5: the counts import passes the same policy as the form ------------------------------


def test_finding_05_counts_import_into_another_municipality_is_refused(pirot, smederevo) -> None:
    """A Pirot case manager cannot import counts into Smederevo: the row is refused like the
    single-entry form refuses it, and the whole file with it."""
    rows = [GOOD[0], ["70734", "Смедерево", "women-20-30", "2025", "40"]]
    for language, says in [
        ("en", "Row 3: you may not report counts for Smederevo (code 70734)."),
        ("sr", "Ред 3: не можете да пријављујете бројеве за Смедерево (шифра 70734)."),
    ]:
        post_counts(pirot["manager"], "counts.csv", csv_bytes(rows), language=language)
        job = Job.objects.latest("pk")
        assert (job.status, job.errors) == (JobStatus.FAILED, [says])
    assert not AggregateCount.objects.exists()  # all or nothing: not even the Pirot row

    # the same user's own municipality goes through
    post_counts(pirot["manager"], "counts.csv", csv_bytes(GOOD))
    assert Job.objects.latest("pk").status == JobStatus.SUCCEEDED
    assert AggregateCount.objects.get().settlement.municipality == pirot["municipality"]


# Finding 6: over-limit uploads refused at the request; no upload kept after the job ---------


@pytest.mark.parametrize(
    ("language", "says"),
    [
        (
            "en",
            "The file is larger than 5 MB, the most an upload may have; nothing was saved. "
            "Split it into smaller files and upload them one by one.",
        ),
        (
            "sr",
            "Датотека је већа од 5 MB, колико највише може да има; ништа није сачувано. "
            "Поделите је на мање датотеке и отпремите их једну по једну.",
        ),
    ],
)
def test_finding_06_over_limit_upload_refused_at_the_request(pirot, language, says) -> None:
    header = ",".join(HEADER) + "\n"
    fifty_mb = (header + "70939,Пирот,women-20-30,2025,12\n" * 1_500_000).encode()
    assert len(fifty_mb) > 50 * 1024 * 1024
    response = post_counts(pirot["manager"], "counts.csv", fifty_mb, language=language)
    assert response.status_code == 413
    assert says in response.content.decode()
    assert not Job.objects.exists()


def test_finding_06_a_file_is_refused_as_its_bytes_come_past_the_limit(settings) -> None:
    """A request that does not declare its length (or lies) is cut off while it streams."""
    settings.UPLOAD_MAX_BYTES = 1000
    handler = LimitedUploadHandler()
    handler.handle_raw_input(None, {}, 900, "boundary")  # declared small: let it come
    handler.new_file("file", "counts.csv", "text/csv", None)
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    with pytest.raises(RequestDataTooBig):
        handler.receive_data_chunk(b"x" * 600, 600)
    with pytest.raises(RequestDataTooBig):
        LimitedUploadHandler().handle_raw_input(None, {}, 10_000_000, "boundary")


def test_finding_06_an_ended_jobs_upload_is_deleted(pirot) -> None:
    post_counts(pirot["manager"], "counts.csv", csv_bytes([["99999", "x", "y", "2025", "1"]]))
    post_counts(pirot["manager"], "counts.csv", csv_bytes(GOOD))
    failed, succeeded = Job.objects.order_by("pk")
    assert (failed.status, succeeded.status) == (JobStatus.FAILED, JobStatus.SUCCEEDED)
    for job in (failed, succeeded):
        assert "content" not in job.payload
        assert job.payload["name"] == "counts.csv"  # what the job page may still name


def test_finding_06_uploads_kept_by_jobs_that_ended_earlier_are_deleted_by_the_migration(
    pirot,
) -> None:
    from spona.jobs.models import Job as JobModel

    old = JobModel.objects.create(
        kind=JOB_KIND,
        owner=pirot["manager"],
        status=JobStatus.FAILED,
        payload={"name": "big.csv", "content": "QUJD" * 1000, "language": "en"},
    )
    queued = JobModel.objects.create(
        kind=JOB_KIND, owner=pirot["manager"], payload={"name": "c.csv", "content": "QUJD"}
    )
    migration = importlib.import_module("spona.jobs.migrations.0005_drop_ended_jobs_uploads")
    migration.drop_uploads(django_apps, None)
    old.refresh_from_db()
    queued.refresh_from_db()
    assert old.payload == {"name": "big.csv", "language": "en"}
    assert queued.payload["content"] == "QUJD"  # still to be read


# Finding 11: every malformed file gets a specific message in the user's language -----------


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _damaged_sheet() -> bytes:
    members = zipfile.ZipFile(io.BytesIO(xlsx_bytes(GOOD)))
    return _zip(
        {
            info.filename: b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>9"
            if info.filename == "xl/worksheets/sheet1.xml"
            else members.read(info.filename)
            for info in members.infolist()
        }
    )


def _no_sheet() -> bytes:
    members = zipfile.ZipFile(io.BytesIO(xlsx_bytes(GOOD)))
    return _zip(
        {
            info.filename: members.read(info.filename)
            for info in members.infolist()
            if not info.filename.startswith("xl/worksheets/")
        }
    )


MALFORMED = {
    "not a zip, named .xlsx": (
        "counts.xlsx",
        b"\x89PNG\r\n\x1a\n\x00\x00" * 20,
        "The file is named as an XLSX workbook but is not one (it is not a ZIP archive, as every "
        "XLSX file is).",
        "Датотека носи име XLSX радне свеске, али то није",
    ),
    "a zip that is not xlsx": (
        "counts.xlsx",
        _zip({"report.txt": b"hello", "photo.jpg": b"\xff\xd8\xff"}),
        "The file is a ZIP archive but not an XLSX workbook.",
        "Датотека је ZIP архива, али није XLSX радна свеска.",
    ),
    "a zip that is cut short": (
        "counts.xlsx",
        xlsx_bytes(GOOD)[:900],
        "The workbook is damaged and cannot be opened",
        "Радна свеска је оштећена и не може да се отвори",
    ),
    "a workbook without a sheet": (
        "counts.xlsx",
        _no_sheet(),
        "The workbook has no sheet.",
        "Радна свеска нема ниједан лист.",
    ),
    "an old .xls": (
        "counts.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500,
        "The file is an old Excel workbook (.xls)",
        "Датотека је стара Excel радна свеска (.xls)",
    ),
    "a CSV in Windows-1250": (
        "counts.csv",
        ",".join(HEADER).encode() + "\n70939,Šljivovica,women-20-30,2025,1\n".encode("cp1250"),
        "The file is not in the UTF-8 encoding (the first character that is not is on line 2).",
        "Датотека није у UTF-8 кодирању (први знак који није налази се у 2. реду).",
    ),
    "a CSV in UTF-16": (
        "counts.csv",
        csv_bytes(GOOD).decode().encode("utf-16"),
        "The file is text in UTF-16, not UTF-8.",
        "Датотека је текст у UTF-16, а не у UTF-8.",
    ),
    "an empty file": ("counts.csv", b"\n\n", "The file is empty.", "Датотека је празна."),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_finding_11_malformed_file_refused_at_upload_with_a_specific_message(pirot, case) -> None:
    name, content, english, serbian = MALFORMED[case]
    for language, says in [("en", english), ("sr", serbian)]:
        errors = form_errors(post_counts(pirot["manager"], name, content, language=language))
        assert errors[0].startswith(says), errors
    assert not Job.objects.exists()


JOB_MALFORMED = {
    "a damaged sheet": (
        "counts.xlsx",
        _damaged_sheet(),
        "The first sheet of the workbook cannot be read (",
        "Први лист радне свеске не може да се прочита (",
    ),
    "an unclosed quotation mark": (
        "counts.csv",
        csv_bytes(GOOD) + b'70939,"Pirot,women-20-30,2025,1\n',
        "Line 3 of the CSV file cannot be read: a quotation mark is not closed",
        "Ред 3 CSV датотеке не може да се прочита: наводник није затворен",
    ),
}


@pytest.mark.parametrize("case", JOB_MALFORMED, ids=list(JOB_MALFORMED))
def test_finding_11_malformed_content_fails_the_job_with_a_specific_message(pirot, case) -> None:
    name, content, english, serbian = JOB_MALFORMED[case]
    for language, says in [("en", english), ("sr", serbian)]:
        post_counts(pirot["manager"], name, content, language=language)
        job = Job.objects.latest("pk")
        assert job.status == JobStatus.FAILED
        assert job.errors[0].startswith(says), job.errors
        assert SOMETHING_WENT_WRONG not in job.errors
    assert not AggregateCount.objects.exists()


def test_finding_06_a_body_over_the_proxys_limit_gets_the_same_translated_page() -> None:
    """nginx refuses a body over ``client_max_body_size`` before reading it and shows this page
    (``error_page 413``), in the visitor's language."""
    config = (Path(__file__).resolve().parents[1] / "deploy/nginx/spona.conf").read_text()
    assert "error_page 413 /upload-too-large/;" in config
    page = Client().get(reverse("upload_too_large"), HTTP_ACCEPT_LANGUAGE="sr")
    assert page.status_code == 413
    assert "Датотека је већа од 5 MB" in page.content.decode()
