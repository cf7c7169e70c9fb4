"""The annual report: the dashboard of an area for a calendar year, as PDF or XLSX."""

from collections.abc import Callable
from datetime import date
from io import BytesIO
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from spona.core import numbers
from spona.disclosure import K, shown
from spona.jobs.models import Job
from spona.jobs.services import artifact_save, register
from spona.statistics.dashboard import Dashboard, Period, area_for, dashboard
from spona.statistics.services import ANNUAL_REPORT_JOB


def year_dashboard(job: Job) -> Dashboard:
    area = area_for(job.owner, job.payload["area"])
    if area is None:  # the owner's role or institution changed since
        raise PermissionError("the area is no longer visible to the report's owner")
    year = int(job.payload["year"])
    return dashboard(
        user=job.owner, area=area, period=Period(date(year, 1, 1), date(year + 1, 1, 1))
    )


def _cell(value: int | None) -> int | str:
    """A count as a number; a suppressed one as its published mark ("<11")."""
    return shown(value, k=K) if value is None else value


def _fraction(percent: float | None) -> float | None:
    """A share as the spreadsheet holds it (0.946, shown as 94.6% by its format)."""
    return None if percent is None else percent / 100


_N, _P, _H = numbers.XLSX_COUNT, numbers.XLSX_PERCENT, numbers.XLSX_ONE_DECIMAL
SHARES_ROW = (None, _N, _P, _N, _P)
HOURS_ROW = (None, _H, _N, _H, _N)
SURVEY_ROW = (None, None, _P, None, _N)
INTEGRATION_ROW = (None, _N, _N, _N, _N, _P, _N)


def _figure(key: str, value: float | None) -> float | str | None:
    """A campaign figure as the page shows it: a hidden count as "<11", a hidden share empty."""
    if value is None and key != "share":
        return shown(None, k=K)
    return value


def workbook(board: Dashboard) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101
    sheet.title = _("Statistics")[:31]
    sheet.append([board.area.name, str(board.period.start.year)])
    for b in board.breakdowns:
        sheet.append([])
        sheet.append([b.title, _("This period"), "%", _("Previous period"), "%"])
        for line in b.lines:
            numbers.xlsx_append(
                sheet,
                [
                    line.label,
                    _cell(line.count),
                    _fraction(line.share),
                    _cell(line.previous),
                    _fraction(line.previous_share),
                ],
                SHARES_ROW,
            )
        numbers.xlsx_append(
            sheet, [_("Total"), _cell(b.total), None, _cell(b.previous_total), None], SHARES_ROW
        )
    sheet.append([])
    sheet.append([_("Time from referral to answer, by receiving institution (median hours)")])
    for t in board.referral_times:
        numbers.xlsx_append(
            sheet,
            [t.label, t.hours, _cell(t.n), t.previous_hours, _cell(t.previous_n)],
            HOURS_ROW,
        )
    for m in board.maps:
        sheet.append([])
        sheet.append([m.title, _("This period")])
        for place in m.places:
            numbers.xlsx_append(sheet, [place.name, _cell(place.count)], (None, _N))
        sheet.append([_("Total"), _cell(m.total)])
    sheet.append([])
    sheet.append([_("Prevention campaigns: reach"), _("This period"), _("Previous period")])
    for f in board.campaigns:
        sheet.append([f.label, _figure(f.key, f.value), _figure(f.key, f.previous)])
    sheet.append([])
    sheet.append(
        [
            _("Integration outcomes"),
            _("Goals set"),
            _("Met"),
            _("Not met"),
            _("Goals closed"),
            _("Met, per cent of closed"),
            _("Unmet needs"),
        ]
    )
    for g in board.integration:
        numbers.xlsx_append(
            sheet,
            [
                g.label,
                _cell(g.set),
                _cell(g.met),
                _cell(g.not_met),
                _cell(g.closed),
                _fraction(g.share),
                _cell(g.unmet),
            ],
            INTEGRATION_ROW,
        )
    for w in board.surveys:
        sheet.append([])
        sheet.append([w.name, str(w.ends_on), "%", _("Confidence interval"), _("Respondents")])
        for i in w.indicators:
            interval = (
                numbers.share_interval(i.ci_low / 100, i.ci_high / 100)
                if i.ci_low is not None and i.ci_high is not None
                else None
            )
            numbers.xlsx_append(
                sheet, [i.title, None, _fraction(i.percent), interval, _cell(i.n)], SURVEY_ROW
            )
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@register(ANNUAL_REPORT_JOB, gettext_lazy("Annual statistics report"))
def run_annual_report(job: Job, progress: Callable[[int, int], None]) -> dict[str, Any]:
    with translation.override(job.payload.get("language", "sr")):
        board = year_dashboard(job)
        progress(1, 2)
        name = f"spona-{board.area.key}-{board.period.start.year}"
        if job.payload.get("format") == "xlsx":
            data = workbook(board)
            artifact_save(
                job=job,
                filename=f"{name}.xlsx",
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                data=data,
            )
        else:
            from weasyprint import HTML  # imported here: only the worker needs Pango

            html = render_to_string(
                "statistics/report.html",
                {
                    "board": board,
                    "k": K,
                    "made": timezone.now(),
                    "LANGUAGE_CODE": translation.get_language(),
                },
            )
            artifact_save(
                job=job,
                filename=f"{name}.pdf",
                content_type="application/pdf",
                data=HTML(string=html).write_pdf(),
            )
        progress(2, 2)
        return {"message": _("The report is ready.")}
