"""Reads of the statistics app's own tables (the reference datasets)."""

from collections import Counter

from django.db.models import Count

from spona.statistics.models import CTDC_COLUMNS, CtdcRecord, ReferenceDataset


def ctdc_latest() -> ReferenceDataset | None:
    return ReferenceDataset.objects.filter(ctdc__isnull=False).distinct().first()


def ctdc_totals(dataset: ReferenceDataset, column: str) -> Counter[str]:
    """How many records of the dataset have each value of ``column`` (as published)."""
    if column not in CTDC_COLUMNS:
        raise ValueError(f"not a CTDC column: {column}")
    grouped = (
        CtdcRecord.objects.filter(dataset=dataset).values(column).annotate(n=Count("pk")).order_by()
    )
    return Counter({row[column]: row["n"] for row in grouped})
