"""Every write of the statistics app: reference datasets; the annual report's job."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.jobs.models import Job
from spona.jobs.services import job_start
from spona.policy import require
from spona.statistics import ctdc
from spona.statistics.access import STATISTICS_VIEW
from spona.statistics.dashboard import area_for
from spona.statistics.models import CtdcRecord, ReferenceDataset

CTDC_TITLE = "CTDC victim–perpetrator synthetic data (condensed)"
CTDC_SOURCE = "Counter-Trafficking Data Collaborative (CTDC), https://www.ctdatacollaborative.org/"
CTDC_TERMS = "CTDC Terms of Use, https://www.ctdatacollaborative.org/terms-use"


class ImportRefusedError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors[:20]))
        self.errors = errors


def ctdc_import(path: Path, *, user: object = None) -> ReferenceDataset:
    """Load a CTDC file as a new reference dataset: every row, or none and the errors."""
    parsed = ctdc.parse(path.read_bytes())
    if parsed.errors:
        raise ImportRefusedError(parsed.errors)
    if not parsed.rows:
        raise ImportRefusedError(["the file has no rows"])
    if ReferenceDataset.objects.filter(sha256=parsed.sha256).exists():
        raise ImportRefusedError(["this file is loaded already"])
    with transaction.atomic():
        dataset = ReferenceDataset.objects.create(
            title=CTDC_TITLE,
            source=CTDC_SOURCE,
            licence=CTDC_TERMS,
            file_name=path.name,
            sha256=parsed.sha256,
            rows=len(parsed.rows),
        )
        CtdcRecord.objects.bulk_create(
            (CtdcRecord(dataset=dataset, row=line, **values) for line, values in parsed.rows),
            batch_size=2000,
        )
        audit(
            AuditAction.CREATE,
            dataset,
            details={"reference_dataset": "ctdc", "rows": len(parsed.rows)},
            user=user,
        )
    return dataset


ANNUAL_REPORT_JOB = "statistics.annual_report"


def annual_report_start(*, user: User, area_key: str, year: int, file_format: str) -> Job:
    """The year's report of an area the user may see (PDF or XLSX), made by the worker with
    exactly the dashboard's numbers for that year, in the user's language and script."""
    require(user, STATISTICS_VIEW)
    if area_for(user, area_key) is None or file_format not in {"pdf", "xlsx"}:
        raise PermissionDenied
    payload = {
        "area": area_key,
        "year": year,
        "format": file_format,
        "language": translation.get_language(),
    }
    return job_start(kind=ANNUAL_REPORT_JOB, owner=user, payload=payload)
