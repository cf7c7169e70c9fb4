"""Issue 20, point 6: one number format per language (spona.core.numbers), the same in a
page, on its chart, in the PDF report and in the spreadsheet."""

import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from spona.core import numbers
from spona.jobs.models import Job
from spona.surveys import demo_data, selectors
from tests.test_surveys import _import, survey  # noqa: F401 - the fixture

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
FORMS = {
    "sr": ("16.991", "250.000,00", "94,6%", "92,5–96,1%", "0,93", "−1,2 – 3,4%"),
    "sr-latn": ("16.991", "250.000,00", "94,6%", "92,5–96,1%", "0,93", "−1,2 – 3,4%"),
    "en": ("16,991", "250,000.00", "94.6%", "92.5–96.1%", "0.93", "−1.2 – 3.4%"),
}


@pytest.mark.parametrize("lang", FORMS)
def test_one_form_per_kind_of_number(lang: str) -> None:
    with translation.override(lang):
        shown = (
            numbers.count(16991),
            numbers.money(Decimal("250000")),
            numbers.share(0.9455),  # rounded half up, not cut: 94.55 -> 94.6
            numbers.share_interval(0.925, 0.961),
            numbers.decimal(0.925, 2),
            numbers.share_interval(-0.012, 0.034),
        )
    assert shown == FORMS[lang]


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("sr", "+5,2\xa0п. п."), ("sr-latn", "+5,2\xa0p. p."), ("en", "+5.2\xa0pp")],
)
def test_a_difference_of_shares_is_in_percentage_points(lang: str, shown: str) -> None:
    with translation.override(lang):
        assert numbers.points(0.052) == shown
        assert numbers.points(-0.004).startswith("−0")
        assert numbers.points(0.0).startswith("0")


def test_just_now_then_minutes_ago() -> None:
    with translation.override("en"):
        assert numbers.ago(NOW - timedelta(seconds=20), NOW) == "just now"
        assert numbers.ago(NOW - timedelta(minutes=5, seconds=3), NOW) == "5\xa0minutes ago"
    with translation.override("sr"):
        assert numbers.ago(NOW - timedelta(seconds=59), NOW) == "управо сада"
        assert numbers.ago(NOW - timedelta(hours=2), NOW) == "пре 2\xa0сата"


def test_a_spreadsheet_keeps_numbers_and_says_how_to_show_them() -> None:
    sheet = Workbook().active
    assert sheet is not None
    numbers.xlsx_append(sheet, ["Пирот", 16991, 0.946, "<11"], [None, "#,##0", "0.0%", "#,##0"])
    label, count, share, hidden = sheet[1]
    assert (count.value, count.number_format) == (16991, "#,##0")
    assert (share.value, share.number_format) == (0.946, "0.0%")
    assert (hidden.value, hidden.number_format) == ("<11", "General")
    assert label.number_format == "General"


def _report(client: Client, wave: int, fmt: str, lang: str) -> bytes:
    client.post(
        reverse("surveys:wave_report", args=[wave]), {"format": fmt}, HTTP_ACCEPT_LANGUAGE=lang
    )
    return bytes(Job.objects.latest("pk").artifacts.get().data)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", FORMS)
def test_a_share_reads_the_same_in_the_page_the_chart_the_pdf_and_the_spreadsheet(
    survey,  # noqa: F811 - the fixture
    lang: str,
) -> None:
    rows = demo_data.generate_wave(
        survey["instrument"].data, municipality_code="70939", n=200, seed=7
    )
    _import(survey, "kobo.csv", demo_data.write_csv(rows))
    wave, user = survey["wave"], survey["coordinator"]
    with translation.override(lang):  # the titles, in the spreadsheet's script
        first = next(
            s for s in selectors.wave_estimates(user=user, wave=wave) if not s.domain and s.estimate
        )
        share = numbers.share(first.estimate)
        interval = numbers.share_interval(first.ci_low, first.ci_high)
    client = Client()
    client.force_login(user)

    page = client.get(reverse("surveys:wave_detail", args=[wave.pk]), HTTP_ACCEPT_LANGUAGE=lang)
    html = page.content.decode()
    chart = html[html.index("<svg") : html.index("</svg>")]
    table = html[html.index("<table") :]
    assert share in chart
    assert share in table
    assert interval in table

    pdf = PdfReader(io.BytesIO(_report(client, wave.pk, "pdf", lang)))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pdf.pages))
    assert share in text
    assert interval in text

    sheet = load_workbook(io.BytesIO(_report(client, wave.pk, "xlsx", lang))).active
    assert sheet is not None
    cell = next(
        row[4]
        for row in sheet.iter_rows(min_row=2)
        if row[0].value == first.title and not row[1].value
    )
    assert cell.value == pytest.approx(first.estimate)
    assert cell.number_format == numbers.XLSX_PERCENT  # shown as 94.6% (or 94,6 %)


TEMPLATES = Path(__file__).resolve().parent.parent / "spona" / "templates"
#: Django's own number filters, each with its own rounding and separators: pages use the
#: filters of spona.core.numbers instead (|count |money |decimal |percent |share |ago …).
OTHER_FORMATS = re.compile(r"\|floatformat|\|timesince|\|intcomma|\{% widthratio")


def test_templates_format_numbers_only_through_spona_numbers() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in OTHER_FORMATS.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, found
