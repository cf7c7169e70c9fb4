"""Statistics at scale: the national dashboard and the k = 11 HTCDS export over a million cases,
with the same aggregation by DuckDB and by pandas as the reference.

    .venv/bin/python bench/statistics.py --cases 20000          # smoke run
    .venv/bin/python bench/statistics.py --cases 1000000        # the issue's size

Needs PostgreSQL (``--server``, default ``postgres://postgres@127.0.0.1:5432``); the bench
drops and re-creates its own database (``--database``, default ``spona_bench_statistics``)
and migrates it. DuckDB and pandas are the ``bench`` extras (``pip install .[bench]``); if
they are missing their lines are skipped. ``--extra-path`` adds a folder they were
installed to (``pip install --target``) at the end of ``sys.path``.

What is generated (in SQL, ``setseed``): persons and one case each, registered 2014-2026,
spread over the 161 municipalities; sex, minors and the forms of exploitation in CTDC's
proportions (``spona/statistics/data/ctdc``: 54.5 % women and girls, 6.9 % minors, forced
labour 58 %, sexual exploitation 13 % of records), ages from 5 to 65, citizenship 70 %
Serbian, the rest from the region and beyond; a completed screening (purposes and means) for
80 % of the persons; statuses as a case moves through the mechanism.

What is timed, median over ``--runs`` after a warm-up, on the same data in the same run:

* the summary's refresh (``services.summary_refresh``, what the worker's sweep does; once);
* the national dashboard, ``spona.statistics.dashboard.dashboard`` for a Centre officer,
  the whole range against the period before it (every breakdown, both periods), and the
  page's default period (the last 365 days: the days of two partial months counted from
  the cases);
* its case aggregation alone: from the summary (``case_counts``) and directly from the
  cases (``live_case_counts``: one grouped query over cases, persons and the latest
  screening), which must agree;
* the k = 11 HTCDS export: the combinations from the summary (``summary.export_counts``),
  ``release`` (the least-loss node of the 324-node lattice, suppression) and writing the CSV
  (formatting only); and the combinations counted directly (``htcds_counts``), which must
  agree;
* the same five breakdowns by DuckDB (SQL over the flat table in memory) and by pandas
  (``value_counts``) on the flat table read once from PostgreSQL (the read is not timed).
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named as the standard library's ``statistics``: take its folder off the path
# (Python puts it first) before anything imports that module, and put the project there.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import date  # noqa: E402
from typing import Any  # noqa: E402


def setup_django(server: str, database: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
        connection.execute(f'CREATE DATABASE "{database}"')
    os.environ["DATABASE_URL"] = f"{server}/{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "spona.settings_test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("reference_load", stdout=io.StringIO())


# Generation, in SQL: one person, one case and (for 80 %) one completed screening per row.

GENERATE = """
SELECT setseed(%(seed)s);
CREATE TEMP TABLE gen AS
SELECT
    g AS n,
    (SELECT array_agg(id) FROM institutions_municipality) AS municipalities,
    random() AS r_sex, random() AS r_minor, random() AS r_age, random() AS r_cit,
    random() AS r_form, random() AS r_status, random() AS r_year, random() AS r_screened,
    random() AS r_mun, random() AS r_means
FROM generate_series(1, %(n)s) AS g;

INSERT INTO people_person (
    code, given_name, family_name, name_index, date_of_birth, estimated_age, sex, citizenship,
    municipality_id, settlement, registered_by_id, registered_by_institution_id, created_at,
    updated_at, version, birth_surname, jmbg, jmbg_as_documented, jmbg_index, other_names,
    parent_name, parent_name_index, previous_surnames, address
)
SELECT
    'B' || lpad(n::text, 9, '0'), '', '', '', '',
    CASE WHEN r_minor < 0.069 THEN 5 + floor(r_age * 13)::int
         ELSE 18 + floor(power(r_age, 1.6) * 48)::int END,
    CASE WHEN r_sex < 0.545 THEN 'female' WHEN r_sex < 0.995 THEN 'male' ELSE 'unknown' END,
    CASE WHEN r_cit < 0.70 THEN 'RS' WHEN r_cit < 0.76 THEN 'BA' WHEN r_cit < 0.80 THEN 'MK'
         WHEN r_cit < 0.83 THEN 'AL' WHEN r_cit < 0.86 THEN 'RO' WHEN r_cit < 0.88 THEN 'BG'
         WHEN r_cit < 0.91 THEN 'UA' WHEN r_cit < 0.93 THEN 'NG' WHEN r_cit < 0.95 THEN 'CN'
         WHEN r_cit < 0.96 THEN 'SY' WHEN r_cit < 0.97 THEN 'AF' WHEN r_cit < 0.975 THEN 'US'
         ELSE '' END,
    municipalities[1 + floor(power(r_mun, 2) * array_length(municipalities, 1))::int],
    '', %(user)s, %(institution)s, now(), now(), 1, '', '', false, '', '', '', '', '', ''
FROM gen;

INSERT INTO cases_case (
    code, person_id, status, is_child, municipality_id, opened_by_institution_id, opened_by_id,
    created_at, decision_panel, decision_reasons, close_reason, version
)
SELECT
    'C' || lpad(gen.n::text, 9, '0'), p.id,
    CASE WHEN r_status < 0.25 THEN 'presumed_victim' WHEN r_status < 0.45 THEN 'identified'
         WHEN r_status < 0.55 THEN 'not_identified' WHEN r_status < 0.70 THEN 'protection'
         WHEN r_status < 0.80 THEN 'integration' ELSE 'closed' END,
    r_minor < 0.069, p.municipality_id, %(institution)s, %(user)s,
    timestamptz '2014-01-01' + (r_year * interval '4745 days'),
    '', '', CASE WHEN r_status >= 0.80 THEN 'integrated' ELSE '' END, 1
FROM gen JOIN people_person p ON p.code = 'B' || lpad(gen.n::text, 9, '0');

INSERT INTO screening_screening (
    person_id, catalogue_id, institution_id, screened_by_id, status, age_group, indicators,
    acts, means, purposes, risk_factors, offences, flags, notes, outcome,
    not_trafficking_reason, explanation, rules_version, created_at, completed_at, updated_at,
    version
)
SELECT
    p.id, %(catalogue)s, %(institution)s, %(user)s, 'completed',
    CASE WHEN r_minor < 0.069 THEN 'child' ELSE 'adult' END,
    '[]', '["recruitment"]',
    CASE WHEN r_means < 0.4 THEN '["deception"]' WHEN r_means < 0.7 THEN '["deception", "threat"]'
         WHEN r_means < 0.85 THEN '["withholding_documents"]' ELSE '["force"]' END::jsonb,
    CASE WHEN r_form < 0.58 THEN '["forced_labour"]' WHEN r_form < 0.71 THEN '["prostitution"]'
         WHEN r_form < 0.80 THEN '["begging"]' WHEN r_form < 0.85 THEN '["criminal_activity"]'
         WHEN r_form < 0.88 THEN '["forced_marriage"]'
         WHEN r_form < 0.92 THEN '["forced_labour", "prostitution"]' ELSE '[]' END::jsonb,
    '[]', '[]', '{}', '',
    CASE WHEN r_minor < 0.069 THEN 'presumed_victim_child' ELSE 'presumed_victim_adult' END,
    '', '{}', '1', now(), now(), now(), 1
FROM gen JOIN people_person p ON p.code = 'B' || lpad(gen.n::text, 9, '0')
WHERE r_screened < 0.8;

DROP TABLE gen;
ANALYZE;
"""

FLAT = """
SELECT c.status, p.sex, p.estimated_age, c.is_child, p.citizenship,
       coalesce(s.purposes::text, '') AS purposes
FROM cases_case c
JOIN people_person p ON p.id = c.person_id
LEFT JOIN screening_screening s ON s.person_id = p.id AND s.status = 'completed'
"""


def generate(n: int, seed: float) -> None:
    from django.db import connection

    from spona.accounts.models import User
    from spona.core.roles import Role
    from spona.institutions.models import Institution, InstitutionType
    from spona.screening.models import IndicatorCatalogue

    centre = Institution.objects.create(
        name="Центар", type=InstitutionType.NATIONAL_CENTRE, municipality=None
    )
    user = User.objects.create(username="bench", role=Role.CENTRE_OFFICER, institution=centre)
    catalogue = IndicatorCatalogue.objects.get(is_active=True)
    with connection.cursor() as cursor:
        cursor.execute(
            GENERATE,
            {
                "seed": seed,
                "n": n,
                "user": user.pk,
                "institution": centre.pk,
                "catalogue": catalogue.pk,
            },
        )


class Discard:
    """Where the bench writes the CSV: the formatting is timed, not the disk."""

    def write(self, text: str) -> int:
        return len(text)


def timed(function: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """The median wall-clock seconds of ``runs`` calls after one warm-up, and the last result."""
    result = function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def flat_frame() -> Any:
    import pandas as pd
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FLAT)
        rows = cursor.fetchall()
    return pd.DataFrame(
        rows, columns=["status", "sex", "estimated_age", "is_child", "citizenship", "purposes"]
    )


AGE_EDGES = [-1, 8, 17, 20, 23, 26, 29, 38, 47, 200]


def pandas_breakdowns(frame: Any) -> dict[str, Any]:
    import pandas as pd

    return {
        "status": frame["status"].value_counts(),
        "sex": frame["sex"].value_counts(),
        "age": pd.cut(frame["estimated_age"], AGE_EDGES).value_counts(),
        "citizenship": frame["citizenship"].value_counts(),
        "form": frame["purposes"].value_counts(),
    }


DUCK_QUERIES = {
    "status": "SELECT status, count(*) FROM flat GROUP BY status",
    "sex": "SELECT sex, count(*) FROM flat GROUP BY sex",
    "age": """SELECT CASE WHEN estimated_age <= 8 THEN '0--8' WHEN estimated_age <= 17 THEN '9--17'
        WHEN estimated_age <= 20 THEN '18--20' WHEN estimated_age <= 23 THEN '21--23'
        WHEN estimated_age <= 26 THEN '24--26' WHEN estimated_age <= 29 THEN '27--29'
        WHEN estimated_age <= 38 THEN '30--38' WHEN estimated_age <= 47 THEN '39--47'
        ELSE '48+' END AS band, count(*) FROM flat GROUP BY band""",
    "citizenship": "SELECT citizenship, count(*) FROM flat GROUP BY citizenship",
    "form": "SELECT purposes, count(*) FROM flat GROUP BY purposes",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=float, default=0.16)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="spona_bench_statistics")
    parser.add_argument("--extra-path", default="", help="a folder with duckdb and pandas")
    parser.add_argument("--keep", action="store_true", help="keep the data of an earlier run")
    args = parser.parse_args()
    if args.extra_path:
        sys.path.append(args.extra_path)

    if args.keep:
        os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "spona.settings_test"
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # the summary's tables, if the data is older
    else:
        setup_django(args.server, args.database)
        start = time.perf_counter()
        generate(args.cases, args.seed)
        print(f"generated {args.cases:,} cases in {time.perf_counter() - start:.1f} s")

    from django.db import connection

    from spona.accounts.models import User
    from spona.cases.models import Case
    from spona.statistics.dashboard import (
        NATION,
        Area,
        Period,
        case_counts,
        dashboard,
        live_case_counts,
    )
    from spona.statistics.export import release, write_csv
    from spona.statistics.records import htcds_counts
    from spona.statistics.services import summary_refresh
    from spona.statistics.summary import export_counts

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server_version = cursor.fetchone()[0].split(",")[0]
    cases = Case.objects.count()
    print(
        f"{cases:,} cases; {platform.python_version()}, {server_version}, {os.cpu_count()} cores;"
        f" median of {args.runs} runs after a warm-up; load average {os.getloadavg()[0]:.1f}"
    )
    user = User.objects.get(username="bench")
    nation = Area(NATION, None, "Serbia")
    everything = Period(date(2014, 1, 1), date(2027, 1, 1))
    last_year = Period(date(2025, 12, 7), date(2026, 12, 7))  # the page's default: days too

    results: dict[str, float] = {}
    start = time.perf_counter()
    snapshot = summary_refresh()  # what the worker's sweep does
    results["summary refresh (once)"] = time.perf_counter() - start
    results["dashboard"], board = timed(
        lambda: dashboard(user=user, area=nation, period=everything), args.runs
    )
    results["dashboard, 365 days"], _ = timed(
        lambda: dashboard(user=user, area=nation, period=last_year), args.runs
    )
    results["case aggregation"], counts = timed(
        lambda: case_counts(nation, everything, snapshot), args.runs
    )
    results["case aggr., direct"], direct = timed(
        lambda: live_case_counts(nation, everything), args.runs
    )
    assert counts == direct  # noqa: S101
    assert board.breakdown("cases_sex").total == cases  # noqa: S101
    results["export: counts"], (grouped, _as_of) = timed(export_counts, args.runs)
    results["export: k = 11"], released = timed(lambda: release(grouped), args.runs)
    results["export: CSV"], _ = timed(lambda: write_csv(released, Discard()), args.runs)
    results["export total"] = (
        results["export: counts"] + results["export: k = 11"] + results["export: CSV"]
    )
    results["export counts, direct"], direct_grouped = timed(htcds_counts, args.runs)
    assert grouped == direct_grouped  # noqa: S101

    try:
        import duckdb
        import pandas  # noqa: F401
    except ImportError:
        print("duckdb or pandas missing: install the bench extras (pip install .[bench])")
        duckdb = None
    if duckdb is not None:
        frame = flat_frame()
        results["pandas"], by_pandas = timed(lambda: pandas_breakdowns(frame), args.runs)
        duck = duckdb.connect()
        duck.register("flat", frame)
        duck.execute("CREATE TABLE flat_table AS SELECT * FROM flat")
        queries = {k: q.replace("FROM flat", "FROM flat_table") for k, q in DUCK_QUERIES.items()}
        results["duckdb"], by_duck = timed(
            lambda: {k: duck.execute(q).fetchall() for k, q in queries.items()}, args.runs
        )
        assert sum(by_pandas["sex"]) == cases  # noqa: S101
        assert sum(n for _, n in by_duck["sex"]) == cases  # noqa: S101
        assert dict(by_duck["status"]) == dict(counts["status"])  # noqa: S101

    print()
    for name, seconds in results.items():
        print(f"{name:>24}: {1000 * seconds:9.1f} ms")
    print(
        f"\nexport: {released.records:,} records, {released.released_records:,} released, "
        f"{released.suppressed_records:,} suppressed in {released.suppressed_classes:,} classes;"
        f" levels {', '.join(released.level_names)}; {len(grouped):,} distinct combinations"
    )
    if "duckdb" in results:
        for name in ("dashboard", "case aggregation", "case aggr., direct"):
            print(
                f"ratios: {name} / DuckDB = {results[name] / results['duckdb']:.1f},"
                f" / pandas = {results[name] / results['pandas']:.1f}"
            )
        print(f"pandas / DuckDB = {results['pandas'] / results['duckdb']:.1f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
