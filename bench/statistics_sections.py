"""What the dashboard's newer sections and the differentially private release cost, beside
the dashboard's case aggregation (``case_counts``) as the peer, on the data of
``bench/statistics.py``.

    .venv/bin/python bench/statistics.py --cases 200000 --database spona_bench_statistics
    .venv/bin/python bench/statistics_sections.py --database spona_bench_statistics

Needs the database that ``bench/statistics.py`` generated (it is only read here). Timed,
median over ``--runs`` after a warm-up, the whole range (2014-2026) for the nation:

* the maps: signals and cases per municipality (two grouped queries) and their protection;
* the map's SVG (``choropleth.svg``: the prevention map code, 161 municipalities);
* the campaign reach and survey indicators (the bench has no campaigns or waves: this is the
  cost of asking, not of much data);
* the DP release's noise: ``privacy.noisy_table`` (OpenDP's Laplace on every cell of the
  public table) on the counts ``records.htcds_counts`` gives (timed by the other bench).
"""

from __future__ import annotations

import sys
from pathlib import Path

# As in bench/statistics.py: this folder holds a file named as the standard library's
# ``statistics``; take it off the path, and put the project there.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import date  # noqa: E402
from typing import Any  # noqa: E402


def timed(work: Callable[[], Any], runs: int) -> tuple[float, Any]:
    result = work()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="spona_bench_statistics")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "spona.settings_test"
    import django

    django.setup()

    from spona.accounts.models import User
    from spona.cases.models import Case
    from spona.statistics import privacy
    from spona.statistics.choropleth import svg
    from spona.statistics.dashboard import (
        NATION,
        Area,
        Period,
        campaign_figures,
        case_counts,
        municipality_maps,
        survey_figures,
    )
    from spona.statistics.records import htcds_counts

    user = User.objects.get(username="bench")
    nation = Area(NATION, None, "Serbia")
    everything = Period(date(2014, 1, 1), date(2027, 1, 1))
    print(f"{Case.objects.count():,} cases; median of {args.runs} runs after a warm-up")

    results: dict[str, float] = {}
    results["case aggregation (peer)"], _ = timed(
        lambda: case_counts(nation, everything), args.runs
    )
    results["maps: counts, exact"], maps = timed(
        lambda: municipality_maps(nation, everything, exact=True), args.runs
    )
    results["maps: counts, protected"], _ = timed(
        lambda: municipality_maps(nation, everything, exact=False), args.runs
    )
    results["map: SVG"], _ = timed(lambda: svg(maps[1], nation, exact=True), args.runs)
    results["campaign reach"], _ = timed(
        lambda: campaign_figures(user, nation, everything, exact=False), args.runs
    )
    results["survey indicators"], _ = timed(
        lambda: survey_figures(user, nation, everything, exact=False), args.runs
    )
    counts = htcds_counts()
    results["DP noise (OpenDP)"], table = timed(
        lambda: privacy.noisy_table(counts, epsilon=1.0, first_year=2014, last_year=2026),
        args.runs,
    )

    peer = results["case aggregation (peer)"]
    print()
    for name, seconds in results.items():
        print(f"{name:>24}: {1000 * seconds:9.1f} ms   {seconds / peer:5.2f} × the peer")
    print(f"\nDP table: {table.cells:,} cells, {len(table.rows):,} non-zero after noise")


if __name__ == "__main__":
    main()
