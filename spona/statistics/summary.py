"""Reads of the summary counts: what the dashboards and the export start from at scale.

Grouping a million cases with their persons and latest screenings takes PostgreSQL seconds
(docs/performance.md); the worker does it once a sweep (``services.summary_refresh``) and
keeps the result as a ``Snapshot``: per day for the nation and per month for each
municipality, how many cases have each value of each case breakdown (``CaseCount``), and how
many victims' cases have each combination of the HTCDS columns (``HtcdsCount``). The national
dashboard then sums a few thousand rows; a municipality's or district's sums its whole months
and counts only the days of a month it covers in part from the cases themselves; the export
searches its lattice on the stored combinations.

Without a snapshot (a new installation before the worker's first sweep) both count from the
cases directly, as they always may: the numbers are the same, only slower.
"""

from collections import Counter
from datetime import date, datetime

from django.db.models import Sum

from spona.statistics.models import CaseCount, HtcdsCount, Snapshot
from spona.statistics.records import htcds_counts


def latest_snapshot() -> Snapshot | None:
    return Snapshot.objects.order_by("-pk").first()


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def whole_months(start: date, end: date) -> tuple[date, date] | None:
    """The first day of the first whole month in [start, end) and the day after the last
    whole month's end; None when the period holds no whole month."""
    first = start if start.day == 1 else next_month(start)
    last = month_start(end)
    return (first, last) if first < last else None


def stored_case_counts(
    snapshot: Snapshot,
    *,
    national: bool,
    municipality: int | None,
    district: int | None,
    first: date,
    last: date,
) -> dict[str, Counter[str]]:
    """The snapshot's case counts by breakdown (dimension → value → cases) opened in
    [first, last): of the nation (any days), or of a municipality or a district (whole
    months: ``first`` and ``last`` first days of months)."""
    rows = CaseCount.objects.filter(
        snapshot=snapshot, national=national, day__gte=first, day__lt=last
    )
    if national:
        rows = rows.filter(municipality__isnull=True)
    elif municipality is not None:
        rows = rows.filter(municipality=municipality)
    else:
        rows = rows.filter(municipality__district=district)
    counts: dict[str, Counter[str]] = {}
    grouped = rows.values("dimension", "value").annotate(total=Sum("n")).order_by()
    for row in grouped:
        counts.setdefault(row["dimension"], Counter())[row["value"]] += row["total"]
    return counts


def export_counts() -> tuple[Counter[tuple[str, ...]], datetime | None]:
    """The HTCDS combinations of the victims' cases (as ``records.htcds_counts``) and when
    they were counted: the newest snapshot's, or counted now without one (then None)."""
    snapshot = latest_snapshot()
    if snapshot is None:
        return htcds_counts(), None
    rows = HtcdsCount.objects.filter(snapshot=snapshot).values_list(
        "gender", "age", "citizenship", "year", "exploitation", "control", "n"
    )
    counts: Counter[tuple[str, ...]] = Counter()
    for *values, n in rows.iterator(chunk_size=10_000):
        counts[tuple(values)] += n
    return counts, snapshot.made_at
