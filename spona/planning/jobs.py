"""The year-end report of the local action plan as a background job (PDF or XLSX)."""

from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spona.audit.context import AuditContext, acting
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.institutions.models import Municipality
from spona.jobs.models import Job
from spona.jobs.services import artifact_save, register
from spona.planning.access import PLAN_READ
from spona.planning.report import pdf_lines, tables, workbook
from spona.planning.services import YEAR_REPORT_JOB
from spona.plans.pdf import render_pdf
from spona.policy import require


@register(YEAR_REPORT_JOB, gettext_lazy("Year-end report of the local action plan"))
def run_year_report(job: Job, progress: Callable[[int, int], None]) -> dict[str, Any]:
    language = job.payload.get("language", "sr")
    with translation.override(language):
        municipality = Municipality.objects.get(pk=job.payload["municipality"])
        require(job.owner, PLAN_READ, municipality)  # the owner's role may have changed since
        year = int(job.payload["year"])
        title, report = tables(
            user=job.owner, municipality=municipality, year=year, language=language
        )
        progress(1, 2)
        name = f"spona-plan-{municipality.code}-{year}"
        if job.payload.get("format") == "xlsx":
            artifact_save(
                job=job,
                filename=f"{name}.xlsx",
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                data=workbook(title, report),
            )
        else:
            artifact_save(
                job=job,
                filename=f"{name}.pdf",
                content_type="application/pdf",
                data=render_pdf(pdf_lines(title, report), language, title),
            )
        with acting(AuditContext(channel="worker")):
            audit(AuditAction.EXPORT, municipality, user=job.owner, details={"report": name})
        progress(2, 2)
        return {"message": _("The report is ready.")}
