"""Every write of the statistics app: reference datasets."""

from pathlib import Path

from django.db import transaction

from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.statistics import ctdc
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
