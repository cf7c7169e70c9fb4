"""The annual report: the dashboard of an area for a calendar year, as PDF or XLSX."""

from collections.abc import Callable
from datetime import date
from io import BytesIO
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

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
            sheet.append(
                [
                    line.label,
                    _cell(line.count),
                    line.share,
                    _cell(line.previous),
                    line.previous_share,
                ]
            )
        sheet.append([_("Total"), _cell(b.total), None, _cell(b.previous_total), None])
    sheet.append([])
    sheet.append([_("Time from referral to answer, by receiving institution (median hours)")])
    for t in board.referral_times:
        sheet.append([t.label, t.hours, _cell(t.n), t.previous_hours, _cell(t.previous_n)])
    for m in board.maps:
        sheet.append([])
        sheet.append([m.title, _("This period")])
        for place in m.places:
            sheet.append([place.name, _cell(place.count)])
        sheet.append([_("Total"), _cell(m.total)])
    sheet.append([])
    sheet.append([_("Prevention campaigns: reach"), _("This period"), _("Previous period")])
    for f in board.campaigns:
        sheet.append([f.label, _figure(f.key, f.value), _figure(f.key, f.previous)])
    for w in board.surveys:
        sheet.append([])
        sheet.append([w.name, str(w.ends_on), "%", _("Confidence interval"), _("Respondents")])
        for i in w.indicators:
            interval = f"{i.ci_low}–{i.ci_high}" if i.ci_low is not None else None
            sheet.append([i.title, None, i.percent, interval, _cell(i.n)])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@register(ANNUAL_REPORT_JOB)
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
