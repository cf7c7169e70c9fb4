"""Every write of the statistics app: reference datasets; the annual report's job; the
differentially private releases and their privacy budget."""

import itertools
import time
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import DateField, Model, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.cases.models import Case
from spona.jobs.models import Job
from spona.jobs.services import job_start
from spona.policy import require
from spona.statistics import ctdc, privacy
from spona.statistics.access import HTCDS_EXPORT, STATISTICS_VIEW
from spona.statistics.dashboard import (
    CASE_DIMENSIONS,
    CASE_FIELDS,
    SCREENING_FIELDS,
    area_for,
    case_value,
)
from spona.statistics.models import (
    CaseCount,
    CtdcRecord,
    HtcdsCount,
    PrivacyRelease,
    ReferenceDataset,
    Snapshot,
)
from spona.statistics.records import grouped_sets_with_screening, htcds_counts

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


def _as_date(value: date | datetime | str) -> date:
    """A month as the database returned it (a date, a local midnight, or SQLite's text)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


def _case_counts() -> tuple[Counter[tuple[date, str, str]], Counter[tuple[int, date, str, str]]]:
    """Cases by breakdown value, nationally per day and per municipality and month: one
    statement grouping every case once per breakdown and level (not per combination of
    breakdowns)."""
    cases = Case.objects.annotate(
        month=TruncMonth("created_at", output_field=DateField()), day=TruncDate("created_at")
    )
    sets = []
    for fields in CASE_DIMENSIONS.values():
        sets += [["day", *fields], ["municipality", "month", *fields]]
    grouped = grouped_sets_with_screening(
        cases, ["municipality", "month", "day", *CASE_FIELDS], SCREENING_FIELDS, sets
    )
    national: Counter[tuple[date, str, str]] = Counter()
    municipal: Counter[tuple[int, date, str, str]] = Counter()
    dimensions = list(CASE_DIMENSIONS)
    for index, row in grouped:
        dimension = dimensions[index // 2]
        value = case_value(dimension, row)
        if index % 2 == 0:
            national[(_as_date(row["day"]), dimension, value)] += row["n"]
        elif row["municipality"] is not None:
            municipal[(row["municipality"], _as_date(row["month"]), dimension, value)] += row["n"]
    return national, municipal


def _insert(model: type[Model], fields: list[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Write many rows of one of this app's tables (foreign keys by their ids): PostgreSQL's
    ``COPY`` (a million rows in seconds, where ``bulk_create`` takes a minute), elsewhere
    ``bulk_create``."""
    by_name = {field.name: field for field in model._meta.concrete_fields}
    if connection.vendor != "postgresql":
        names = [by_name[name].attname for name in fields]  # "snapshot" → "snapshot_id"
        model._default_manager.bulk_create(
            (model(**dict(zip(names, row, strict=True))) for row in rows), batch_size=5000
        )
        return
    columns = ", ".join(str(by_name[name].column) for name in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def summary_refresh() -> Snapshot:
    """Count the cases anew for the dashboards and the export (``summary``): a new snapshot,
    written whole in one transaction; the one before is kept (a reader may be using it),
    older ones are deleted. Run by the worker's sweep; safe to run at any time."""
    started = time.perf_counter()
    made_at = timezone.now()
    national, municipal = _case_counts()
    combinations = htcds_counts()
    with transaction.atomic():
        snapshot = Snapshot.objects.create(
            made_at=made_at,
            cases=sum(n for (_m, dimension, _v), n in national.items() if dimension == "status"),
            seconds=0,
        )
        national_months: Counter[tuple[date, str, str]] = Counter()
        for (day, dimension, value), n in national.items():
            national_months[(day.replace(day=1), dimension, value)] += n
        _insert(
            CaseCount,
            [
                "snapshot",
                "national",
                "municipality",
                "whole_month",
                "day",
                "dimension",
                "value",
                "n",
            ],
            itertools.chain(
                (
                    (snapshot.pk, True, None, False, day, dimension, value, n)
                    for (day, dimension, value), n in national.items()
                ),
                (
                    (snapshot.pk, True, None, True, month, dimension, value, n)
                    for (month, dimension, value), n in national_months.items()
                ),
                (
                    (snapshot.pk, False, municipality, True, month, dimension, value, n)
                    for (municipality, month, dimension, value), n in municipal.items()
                ),
            ),
        )
        _insert(
            HtcdsCount,
            ["snapshot", "gender", "age", "citizenship", "year", "exploitation", "control", "n"],
            ((snapshot.pk, *values, n) for values, n in combinations.items()),
        )
        Snapshot.objects.filter(pk__lt=snapshot.pk).exclude(
            pk=Snapshot.objects.filter(pk__lt=snapshot.pk).order_by("-pk").values("pk")[:1]
        ).delete()
        snapshot.seconds = round(time.perf_counter() - started, 3)
        snapshot.save(update_fields=["seconds"])
    return snapshot


def summary_sweep() -> int:
    """The worker's sweep: a new snapshot; returns the cases it counted."""
    return summary_refresh().cases


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
