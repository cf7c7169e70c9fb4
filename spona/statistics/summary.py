"""Reads of the summary counts: what the dashboards and the export start from at scale.

Grouping a million cases with their persons and latest screenings takes PostgreSQL seconds
(docs/performance.md); the worker does it once a sweep (``services.summary_refresh``) and
keeps the result as a ``Snapshot``: per month and per day for the nation and per month for
each municipality, how many cases have each value of each case breakdown (``CaseCount``), and how
many victims' cases have each combination of the HTCDS columns (``HtcdsCount``). The national
dashboard then sums a few thousand rows (whole months, and the days of the months its period
covers in part); a municipality's or district's sums its whole months
and counts only the days of a month it covers in part from the cases themselves; the export
searches its lattice on the stored combinations.

Without a snapshot (a new installation before the worker's first sweep) both count from the
cases directly, as they always may: the numbers are the same, only slower.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from functools import reduce
from operator import or_

from django.db.models import Q, Sum

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
    municipality: int | None = None,
    district: int | None = None,
    months: tuple[date, date] | None = None,
    days: Iterable[tuple[date, date]] = (),
) -> dict[str, Counter[str]]:
    """The snapshot's case counts by breakdown (dimension → value → cases) of a municipality,
    a district or (neither) the nation: opened in the whole months [first, last) of
    ``months``, and (the nation only) on the days of each [start, end) of ``days``."""
    national = municipality is None and district is None
    wanted = []
    if months is not None:
        wanted.append(Q(whole_month=True, day__gte=months[0], day__lt=months[1]))
    wanted += [Q(whole_month=False, day__gte=start, day__lt=end) for start, end in days]
    counts: dict[str, Counter[str]] = {}
    if not wanted:
        return counts
    rows = CaseCount.objects.filter(reduce(or_, wanted), snapshot=snapshot, national=national)
    if national:
        rows = rows.filter(municipality__isnull=True)
    elif municipality is not None:
        rows = rows.filter(municipality=municipality)
    else:
        rows = rows.filter(municipality__district=district)
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
