"""The case records statistics count: one row per case, the few attributes aggregates need.

Read straight from the owning apps' tables (cases, people, screening) and only as counts
grouped in the database: nothing person-level leaves this module, so no read is audited here;
the callers (the export, the dashboards) check who may see which level and protect what they
publish. Encrypted fields are never read (the age is the person's plain ``estimated_age``).
"""

import json
from collections import Counter
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear

from spona.cases.models import Case, CaseStatus, CloseReason
from spona.screening.models import Screening, ScreeningStatus
from spona.statistics import htcds


def victim_cases() -> QuerySet[Case]:
    """Cases of presumed or identified victims: not those decided not to be one."""
    return Case.objects.exclude(status=CaseStatus.NOT_IDENTIFIED).exclude(
        status=CaseStatus.CLOSED, close_reason=CloseReason.NOT_A_VICTIM
    )


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


def grouped_with_screening(
    cases: QuerySet[Case], fields: list[str], screening_fields: list[str]
) -> list[dict[str, Any]]:
    """Count ``cases`` grouped by ``fields`` (``values()`` paths of the cases, annotations
    included) and by ``screening_fields`` of each case's person's latest completed screening
    (``None`` without one).

    One statement: the cases' own query (as the ORM writes it, filters and time zone
    included) joined to the latest screening per person, picked by a window function, then
    grouped. A correlated subquery per case costs a million index look-ups at a million
    cases; this is two scans and a hash join. For it PostgreSQL's JIT is turned off (its
    compilation cost more than the query itself) and ``work_mem`` raised to 256 MB (the
    grouping then hashes in memory instead of sorting on disk).
    """
    query = cases.values("person_id", *fields).order_by().query
    inner_sql, inner_params = query.sql_with_params()
    # the ORM writes the fields first, then the annotations, whatever order values() had
    selected = [*query.values_select, *query.extra_select, *query.annotation_select]
    if sorted(selected) != sorted(["person_id", *fields]):
        raise ValueError(f"cannot group by {fields}")
    names = ["person_id" if name == "person_id" else f"f{fields.index(name)}" for name in selected]
    screening = Screening._meta.db_table
    picked = ", ".join(f"s.{column}" for column in screening_fields)
    latest = ", ".join(f"l.{column}" for column in screening_fields)
    keys = ", ".join([*(f"c.f{i}" for i in range(len(fields))), latest])
    sql = f"""
        WITH c({", ".join(names)}) AS ({inner_sql}),
        ranked AS (
            SELECT s.person_id, {picked}, ROW_NUMBER() OVER (
                PARTITION BY s.person_id ORDER BY s.completed_at DESC, s.id DESC
            ) AS rank
            FROM {screening} s WHERE s.status = %s
        ),
        l AS (SELECT * FROM ranked WHERE rank = 1)
        SELECT {keys}, COUNT(*) FROM c LEFT JOIN l ON l.person_id = c.person_id
        GROUP BY {keys}
    """  # noqa: S608 - names from the models, values as parameters
    params = [*inner_params, ScreeningStatus.COMPLETED]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")  # hash, not sort on disk
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = []
    width = len(fields)
    for row in rows:
        record: dict[str, Any] = dict(zip(fields, row[:width], strict=True))
        for name, value in zip(screening_fields, row[width:-1], strict=True):
            record[name] = json.loads(value) if isinstance(value, str) else value
        record["n"] = row[-1]
        out.append(record)
    return out


def htcds_counts(cases: QuerySet[Case] | None = None) -> Counter[tuple[str, ...]]:
    """How many cases have each combination of the released HTCDS columns (level 0),
    in the order of ``htcds.COLUMNS``; grouped in the database, recoded here."""
    cases = victim_cases() if cases is None else cases
    grouped = grouped_with_screening(
        cases.annotate(year=ExtractYear("created_at")),
        ["person__sex", "person__estimated_age", "is_child", "person__citizenship", "year"],
        ["purposes", "means"],
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
