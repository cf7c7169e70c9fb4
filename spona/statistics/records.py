"""The case records statistics count: one row per case, the few attributes aggregates need.

Read straight from the owning apps' tables (cases, people, screening) and only as counts
grouped in the database: nothing person-level leaves this module, so no read is audited here;
the callers (the export, the dashboards) check who may see which level and protect what they
publish. Encrypted fields are never read (the age is the person's plain ``estimated_age``).
"""

from collections import Counter
from datetime import date

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.fields.json import JSONField
from django.db.models.functions import ExtractYear

from spona.cases.models import Case, CaseStatus, CloseReason
from spona.screening.models import Screening, ScreeningStatus
from spona.statistics import htcds


def victim_cases() -> QuerySet[Case]:
    """Cases of presumed or identified victims: not those decided not to be one."""
    return Case.objects.exclude(status=CaseStatus.NOT_IDENTIFIED).exclude(
        status=CaseStatus.CLOSED, close_reason=CloseReason.NOT_A_VICTIM
    )


def latest_screening(field: str) -> Subquery:
    latest = Screening.objects.filter(
        person=OuterRef("person"), status=ScreeningStatus.COMPLETED
    ).order_by("-completed_at", "-pk")
    return Subquery(latest.values(field)[:1], output_field=JSONField())


def in_area(
    cases: QuerySet[Case],
    *,
    municipality: int | None = None,
    district: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> QuerySet[Case]:
    """Cases of one municipality or district (none: the nation), opened in [start, end)."""
    if municipality is not None:
        cases = cases.filter(municipality=municipality)
    if district is not None:
        cases = cases.filter(municipality__district=district)
    if start is not None:
        cases = cases.filter(created_at__date__gte=start)
    if end is not None:
        cases = cases.filter(created_at__date__lt=end)
    return cases


def htcds_counts(cases: QuerySet[Case] | None = None) -> Counter[tuple[str, ...]]:
    """How many cases have each combination of the released HTCDS columns (level 0),
    in the order of ``htcds.COLUMNS``; grouped in the database, recoded here."""
    cases = victim_cases() if cases is None else cases
    grouped = (
        cases.annotate(
            year=ExtractYear("created_at"),
            purposes=latest_screening("purposes"),
            means=latest_screening("means"),
        )
        .values(
            "person__sex",
            "person__estimated_age",
            "is_child",
            "person__citizenship",
            "year",
            "purposes",
            "means",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: Counter[tuple[str, ...]] = Counter()
    for row in grouped:
        key = (
            htcds.gender(row["person__sex"]),
            htcds.age_band(row["person__estimated_age"], row["is_child"]),
            htcds.citizenship(row["person__citizenship"]),
            str(row["year"]),
            htcds.exploitation(row["purposes"]),
            htcds.control(row["means"]),
        )
        counts[key] += row["n"]
    return counts
