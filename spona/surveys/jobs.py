"""The surveys' background jobs: importing a wave, the PDF report, the XLSX of estimates."""

import io
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from spona.core import numbers
from spona.jobs.models import Job
from spona.jobs.services import artifact_save, register
from spona.surveys import imports, selectors
from spona.surveys.charts import Bar, bar_chart
from spona.surveys.models import SurveyWave
from spona.surveys.services import EXPORT_JOB, IMPORT_JOB, REPORT_JOB

register(IMPORT_JOB, gettext_lazy("Survey responses import"))(imports.run_import)

_N, _P, _D = numbers.XLSX_COUNT, numbers.XLSX_PERCENT, numbers.XLSX_DECIMAL
#: the export's columns: indicator, breakdown, group, n, estimate, limits, SE, deff, flag
ESTIMATE_ROW = (None, None, None, _N, _P, _P, _P, _D, "0.00", None)


def overall_chart(wave: SurveyWave, shown: list[selectors.Shown]) -> str:
    bars = [Bar(s.title, s.estimate, s.ci_low, s.ci_high) for s in shown if not s.domain]
    return bar_chart(
        bars,
        title=_("Everyone: share with 95% confidence interval"),
        hidden_text=_("fewer than 11"),
    )


@register(REPORT_JOB, gettext_lazy("Survey report (PDF)"))
def run_report(job: Job, progress: Callable[[int, int], None]) -> dict[str, Any]:
    """The wave's printable report, in the language of the person who asked for it."""
    from weasyprint import HTML  # imported here: only the worker needs Pango

    with translation.override(job.payload.get("language", "sr")):
        wave = SurveyWave.objects.select_related("instrument").get(pk=job.payload["wave"])
        shown = selectors.wave_estimates(user=job.owner, wave=wave)
        progress(1, 3)
        html = render_to_string(
            "surveys/report.html",
            {
                "wave": wave,
                "rows": selectors.by_indicator(shown),
                "chart": overall_chart(wave, shown),
                "made": timezone.now(),
                "LANGUAGE_CODE": translation.get_language(),
            },
        )
        progress(2, 3)
        pdf = HTML(string=html).write_pdf()
        artifact_save(
            job=job, filename=f"spona-wave-{wave.pk}.pdf", content_type="application/pdf", data=pdf
        )
        progress(3, 3)
        return {"message": _("The report is ready.")}


@register(EXPORT_JOB, gettext_lazy("Survey estimates (XLSX)"))
def run_export(job: Job, progress: Callable[[int, int], None]) -> dict[str, Any]:
    """Every estimate of the wave as a spreadsheet (hidden cells stay hidden)."""
    with translation.override(job.payload.get("language", "sr")):
        wave = SurveyWave.objects.select_related("instrument").get(pk=job.payload["wave"])
        shown = selectors.wave_estimates(user=job.owner, wave=wave)
        book = Workbook()
        sheet = book.create_sheet(index=0)
        book.remove(book.worksheets[1])  # the empty default sheet
        sheet.title = _("Estimates")[:31]
        sheet.append(
            [
                _("Indicator"),
                _("Breakdown"),
                _("Group"),
                _("Respondents"),
                _("Estimate"),
                _("Lower limit"),
                _("Upper limit"),
                _("Standard error"),
                _("Design effect"),
                _("Fewer than 30 respondents"),
            ]
        )
        for s in shown:
            numbers.xlsx_append(
                sheet,
                [
                    s.title,
                    s.domain,
                    s.level,
                    s.n,
                    s.estimate,
                    s.ci_low,
                    s.ci_high,
                    s.se,
                    s.deff,
                    s.flagged,
                ],
                ESTIMATE_ROW,
            )
        out = io.BytesIO()
        book.save(out)
        artifact_save(
            job=job,
            filename=f"spona-wave-{wave.pk}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            data=out.getvalue(),
        )
        progress(1, 1)
        return {"message": _("The spreadsheet is ready.")}
