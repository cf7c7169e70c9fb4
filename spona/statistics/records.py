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
    cases: QuerySet[Case], fields: list[str], screening_fields: list[str], *, few: bool = False
) -> list[dict[str, Any]]:
    """Count ``cases`` grouped by ``fields`` (``values()`` paths of the cases, annotations
    included) and by ``screening_fields`` of each case's person's latest completed screening
    (``None`` without one). ``few``: see ``grouped_sets_with_screening``."""
    keys = [*fields, *screening_fields]
    grouped = grouped_sets_with_screening(cases, fields, screening_fields, [keys], few=few)
    return [row for _, row in grouped]


def grouped_sets_with_screening(
    cases: QuerySet[Case],
    fields: list[str],
    screening_fields: list[str],
    sets: list[list[str]],
    *,
    few: bool = False,
) -> list[tuple[int, dict[str, Any]]]:
    """Count ``cases`` grouped by each of ``sets`` (lists of names from ``fields`` and
    ``screening_fields``, as ``grouped_with_screening``): ``(set's index, row)`` pairs, a
    row holding the names of its set and ``n``.

    One statement: the cases' own query (as the ORM writes it, filters and time zone
    included) joined to the latest completed screening per person, picked by a window
    function, then grouped once per set (PostgreSQL: ``GROUPING SETS``, one pass; elsewhere
    ``UNION ALL``). A correlated subquery per case costs a million index look-ups at a
    million cases; this is two scans and a hash join. With ``few`` (a few thousand cases of
    a million, e.g. the days of one month) only their persons' screenings are ranked, looked
    up by person, instead of all. For it PostgreSQL's JIT is turned off (its compilation cost
    more than the query itself) and ``work_mem`` raised to 256 MB (the grouping then hashes
    in memory instead of sorting on disk).
    """
    query = cases.values("person_id", *fields).order_by().query
    inner_sql, inner_params = query.sql_with_params()
    # the ORM writes the columns in values()'s order (``selected``, Django 5.2 on)
    selected = list(query.selected or ())
    if sorted(selected) != sorted(["person_id", *fields]):
        raise ValueError(f"cannot group by {fields}")
    names = ["person_id" if name == "person_id" else f"f{fields.index(name)}" for name in selected]
    column = {name: f"c.f{i}" for i, name in enumerate(fields)}
    column.update({name: f"l.{name}" for name in screening_fields})
    if not sets or any(name not in column for keys in sets for name in keys):
        raise ValueError(f"cannot group by {sets}")
    every = list(dict.fromkeys(name for keys in sets for name in keys))
    screening = Screening._meta.db_table
    picked = ", ".join(["s.person_id", *(f"s.{name}" for name in screening_fields)])
    joined = " LEFT JOIN l ON l.person_id = c.person_id"
    postgresql = connection.vendor == "postgresql"
    if postgresql and len(sets) > 1:
        # GROUPING() tells the sets apart: a bit per column, 1 where it is not grouped
        masks = {
            sum(1 << (len(every) - 1 - i) for i, name in enumerate(every) if name not in keys): n
            for n, keys in enumerate(sets)
        }
        outputs = ", ".join(column[name] for name in every)
        grouping_sets = ", ".join(f"({', '.join(column[name] for name in keys)})" for keys in sets)
        select = (  # names from the models (as in ``sql`` below)
            f"SELECT GROUPING({outputs}), {outputs}, COUNT(*) FROM c{joined}"  # noqa: S608
            f" GROUP BY GROUPING SETS ({grouping_sets})"
        )
    else:
        masks = {n: n for n in range(len(sets))}
        branches = []
        for n, keys in enumerate(sets):
            outputs = "".join(f"{column[name] if name in keys else 'NULL'}, " for name in every)
            uses_screening = any(name in screening_fields for name in keys)
            grouped_by = f" GROUP BY {', '.join(column[name] for name in keys)}" if keys else ""
            from_c = f"FROM c{joined if uses_screening else ''}{grouped_by}"
            branches.append(f"SELECT {n}, {outputs}COUNT(*) {from_c}")
        select = " UNION ALL ".join(branches)
    only_theirs = " AND s.person_id IN (SELECT person_id FROM c)" if few else ""
    sql = f"""
        WITH c({", ".join(names)}) AS ({inner_sql}),
        ranked AS (
            SELECT {picked}, ROW_NUMBER() OVER (
                PARTITION BY s.person_id ORDER BY s.completed_at DESC, s.id DESC
            ) AS rank
            FROM {screening} s WHERE s.status = %s{only_theirs}
        ),
        l AS (SELECT * FROM ranked WHERE rank = 1)
        {select}
    """  # noqa: S608 - names from the models, values as parameters
    params = [*inner_params, ScreeningStatus.COMPLETED]
    with transaction.atomic(), connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")  # hash, not sort on disk
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = []
    for row in rows:
        keys = sets[masks[row[0]]]
        record: dict[str, Any] = {}
        for name, value in zip(every, row[1:-1], strict=True):
            if name in keys:
                decoded = name in screening_fields and isinstance(value, str)
                record[name] = json.loads(value) if decoded else value
        record["n"] = row[-1]
        out.append((masks[row[0]], record))
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
