"""Every write of the statistics app: reference datasets; the annual report's job; the
differentially private releases and their privacy budget."""

from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.jobs.models import Job
from spona.jobs.services import job_start
from spona.policy import require
from spona.statistics import ctdc, privacy
from spona.statistics.access import HTCDS_EXPORT, STATISTICS_VIEW
from spona.statistics.dashboard import area_for
from spona.statistics.models import CtdcRecord, PrivacyRelease, ReferenceDataset
from spona.statistics.records import htcds_counts

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


# Differentially private releases

EPSILON_PLACES = Decimal("0.0001")
_BUDGET_LOCK = 0x5B0A_D9B0  # serialises releases on PostgreSQL so two cannot overspend


class PrivacyRefusedError(Exception):
    """A release refused (a bad epsilon, or the budget): nothing was released or recorded."""


def epsilon_parse(value: object) -> Decimal:
    """The epsilon asked for, as the ledger keeps it (four decimals), or a translated error."""
    try:
        epsilon = Decimal(str(value).strip().replace(",", ".")).quantize(EPSILON_PLACES)
    except (InvalidOperation, ValueError):
        raise PrivacyRefusedError(_("Epsilon must be a number, such as 0.5.")) from None
    if not epsilon.is_finite() or epsilon <= 0:
        raise PrivacyRefusedError(_("Epsilon must be greater than 0."))
    return epsilon


def privacy_spent(dataset: str, year: int) -> Decimal:
    """The epsilon the releases of ``dataset`` spent in ``year`` (all of them add up)."""
    spent = PrivacyRelease.objects.filter(dataset=dataset, year=year).aggregate(s=Sum("epsilon"))
    return spent["s"] or Decimal(0)


def privacy_budget() -> Decimal:
    return Decimal(str(settings.DP_BUDGET)).quantize(EPSILON_PLACES)


def dp_release(*, user: User | None, epsilon: object, channel: str) -> privacy.NoisyTable:
    """A differentially private release of the cases (``privacy``), its epsilon recorded
    against this year's budget of the dataset; refused, with nothing recorded, when it would
    go past the budget (``settings.DP_BUDGET``). ``user`` is ``None`` from the command line."""
    if user is not None:
        require(user, HTCDS_EXPORT)
    asked = epsilon_parse(epsilon)
    today = timezone.localdate()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_BUDGET_LOCK])
        spent = privacy_spent(privacy.DATASET, today.year)
        budget = privacy_budget()
        if spent + asked > budget:
            raise PrivacyRefusedError(
                _(
                    "Refused: this release would spend epsilon %(asked)s, but only %(left)s "
                    "of this year's privacy budget of %(budget)s is left."
                )
                % {"asked": asked, "left": max(budget - spent, Decimal(0)), "budget": budget}
            )
        table = privacy.noisy_table(
            htcds_counts(),
            epsilon=float(asked),
            first_year=settings.DP_FIRST_YEAR,
            last_year=today.year,
        )
        release = PrivacyRelease.objects.create(
            dataset=privacy.DATASET,
            year=today.year,
            epsilon=asked,
            released_by=user,
            channel=channel,
            cells=table.cells,
        )
        audit(
            AuditAction.EXPORT,
            release,
            details={
                "dp_release": privacy.DATASET,
                "epsilon": str(asked),
                "spent_this_year": str(spent + asked),
                "budget": str(budget),
                "released_cells": len(table.rows),
            },
            user=user,
        )
    return table
