"""Importing institutions' aggregate counts from CSV or XLSX: all or nothing.

Every row is checked first; any error stops the import with a list of row-numbered
errors in the uploader's language, and nothing is saved. Runs as a background job.
"""

import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.tabular import Row, read_job_upload
from spona.core.translit import fold
from spona.core.uploads import UploadError
from spona.institutions.models import Institution, Municipality
from spona.jobs.models import Job
from spona.jobs.services import JobFailedError, register
from spona.policy import can
from spona.prevention.access import COUNTS_REPORT
from spona.prevention.models import AggregateCount, RiskGroup, Settlement

COLUMNS = ["municipality_code", "settlement", "group", "period", "count"]
PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$")
JOB_KIND = "prevention.counts_import"


class Checker:
    """Checks one row at a time against the reference data and against the policy a count
    entered by hand passes (``COUNTS_REPORT`` for the row's municipality), collecting every
    error."""

    def __init__(self, institution: Institution, user: User) -> None:
        self.institution = institution
        self.user = user
        self.municipalities = {m.code: m for m in Municipality.objects.all()}
        self.settlements = {
            (s.municipality.code, fold(s.name)): s
            for s in Settlement.objects.select_related("municipality")
        }
        self.groups = {
            (g.municipality.code, g.code): g
            for g in RiskGroup.objects.select_related("municipality")
        }
        self.errors: list[str] = []

    def _error(self, row: Row, message: str) -> None:
        self.errors.append(_("Row %(row)s: %(message)s") % {"row": row.number, "message": message})

    def check(self, row: Row) -> AggregateCount | None:
        code = row.values.get("municipality_code", "")
        municipality = self.municipalities.get(code)
        if municipality is None:
            self._error(row, _("unknown municipality code “%(code)s”.") % {"code": code})
            return None
        if not can(self.user, COUNTS_REPORT, municipality):
            self._error(
                row,
                _("you may not report counts for %(municipality)s (code %(code)s).")
                % {"municipality": municipality, "code": code},
            )
            return None
        settlement = self.settlements.get((code, fold(row.values.get("settlement", ""))))
        group = self.groups.get((code, row.values.get("group", "")))
        period = _period(row.values.get("period", ""))
        count = _count(row.values.get("count", ""))
        problems = [
            (
                settlement is None,
                _("“%(value)s” is not a settlement of this municipality.")
                % {"value": row.values.get("settlement", "")},
            ),
            (
                group is None,
                _("“%(value)s” is not a risk group of this municipality.")
                % {"value": row.values.get("group", "")},
            ),
            (
                period is None,
                _("the period must be a past year (2024), quarter (2024-Q3) or month (2024-07)."),
            ),
            (count is None, _("the count must be a whole number of zero or more.")),
        ]
        for failed, message in problems:
            if failed:
                self._error(row, message)
        if settlement is None or group is None or period is None or count is None:
            return None
        return AggregateCount(
            institution=self.institution,
            group=group,
            settlement=settlement,
            period=period,
            count=count,
        )


def _period(value: str) -> str | None:
    match = PERIOD.match(value)
    if not match or int(match.group(1)) > timezone.now().year or int(match.group(1)) < 2000:
        return None
    return value


def _count(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() else None


@register(JOB_KIND, gettext_lazy("Import of risk group counts"))
def run_counts_import(job: Job, progress: Callable[[int, int], None]) -> dict[str, Any]:
    with translation.override(job.payload.get("language", "sr")):
        return _import(job, progress)


def _import(job: Job, progress: Callable[[int, int], None]) -> dict[str, Any]:
    try:
        header, rows = read_job_upload(job.payload)
    except UploadError as error:
        raise JobFailedError(error.errors) from error
    if header[: len(COLUMNS)] != COLUMNS or len(header) != len(COLUMNS):
        raise JobFailedError(
            [_("The columns must be exactly: %(columns)s.") % {"columns": ", ".join(COLUMNS)}]
        )
    if not rows:
        raise JobFailedError([_("The file has no data rows.")])
    institution = Institution.objects.get(pk=job.payload["institution"])
    checker = Checker(institution, job.owner)
    checked = []
    for i, row in enumerate(rows, start=1):
        checked.append(checker.check(row))
        if i % 200 == 0:
            progress(i, len(rows) * 2)
    if checker.errors:
        raise JobFailedError(checker.errors[:200])
    _save([c for c in checked if c is not None], job.owner, progress, len(rows))
    return {"message": _("%(count)s rows imported.") % {"count": len(rows)}, "rows": len(rows)}


@transaction.atomic
def _save(
    counts: list[AggregateCount], user: User, progress: Callable[[int, int], None], total: int
) -> None:
    for i, count in enumerate(counts, start=1):
        AggregateCount.objects.update_or_create(
            institution=count.institution,
            group=count.group,
            settlement=count.settlement,
            period=count.period,
            defaults={"count": count.count, "reported_by": user},
        )
        if i % 200 == 0:
            progress(total + i, total * 2)
    progress(total * 2, total * 2)
    audit(AuditAction.CREATE, details={"aggregate_counts": len(counts)}, user=user)
