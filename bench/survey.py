"""Time the full indicator table: Spona's ``table()`` against svy on the same data.

    .venv/bin/python bench/survey.py [--repeats 5] [--svy-repeats-large 5] [--sizes 600,100000,1000000]

The table: 12 binary indicators x (the whole population + 2 sexes + 4 age bands + 3
municipalities) = 120 proportions, each with its Taylor standard error, logit 95% interval,
design effect, df and n. Generated responses (seeded): 21 strata (7 per municipality),
PSUs of unequal size, unequal weights, indicators with a PSU effect and 2% missing
answers ("don't know"; ``--missing 0`` for none).

Spona: ``Design(...)`` + ``table(...)`` from numpy arrays. svy: ``Sample(...)`` + one
``prop([...12 indicators], by=...)`` call per domain variable and one without ``by``
(a list of variables is svy's documented way to estimate many at once) from a polars
frame, with ``drop_nulls=True`` when the answers have gaps (svy requires it then; without
gaps svy batches the ungrouped list in one kernel call). Building the numpy arrays and the
polars frame is not timed. Each time is the median of the repeats (time.perf_counter).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl
import svy

from spona.surveys import estimation

INDICATORS = [f"q{i:02d}" for i in range(1, 13)]
DOMAINS = ("sex", "age", "municipality")
STRATA, MUNICIPALITIES = 21, 3


def generate(n: int, missing: float = 0.02, seed: int = 5) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    per_stratum = max(2, round(math.sqrt(n) / 4))  # PSUs per stratum: 6, 79, 250
    n_psu = STRATA * per_stratum
    psu = np.sort(rng.integers(0, n_psu, n))
    psu[:n_psu] = np.arange(n_psu)  # every PSU has someone
    psu.sort()
    stratum = psu // per_stratum
    data: dict[str, np.ndarray] = {
        "stratum": stratum,
        "psu": psu % per_stratum,
        "weight": rng.uniform(50, 150, n_psu)[psu] * rng.lognormal(0, 0.3, n),
        "sex": rng.choice(np.array(["f", "m"]), n),
        "age": rng.choice(np.array(["18-29", "30-44", "45-64", "65+"]), n),
        "municipality": np.array([70939, 71293, 71307])[stratum % MUNICIPALITIES],
    }
    effect = rng.normal(0, 0.5, n_psu)[psu]
    for i, name in enumerate(INDICATORS):
        linear = -3.0 + 0.5 * i + effect + 0.2 * (data["sex"] == "f")
        y = (rng.uniform(size=n) < 1 / (1 + np.exp(-linear))).astype(float)
        y[rng.uniform(size=n) < missing] = np.nan
        data[name] = y
    return data


def spona_table(data: dict[str, np.ndarray]) -> list[estimation.Estimate]:
    design = estimation.Design(data["stratum"], data["psu"], data["weight"])
    return estimation.table(
        {name: data[name] for name in INDICATORS}, design, {d: data[d] for d in DOMAINS}
    )


def svy_table(frame: pl.DataFrame) -> list[Any]:
    sample = svy.Sample(frame, svy.Design(stratum="stratum", psu="psu", wgt="weight"))
    # drop_nulls only where needed: without it svy batches the ungrouped list in one call.
    gaps = any(frame[name].null_count() for name in INDICATORS)
    out = [sample.estimation.prop(INDICATORS, deff="wor", drop_nulls=gaps)]
    for by in DOMAINS:
        out.append(sample.estimation.prop(INDICATORS, by=by, deff="wor", drop_nulls=gaps))
    return out


def to_frame(data: dict[str, np.ndarray]) -> pl.DataFrame:
    frame = pl.DataFrame(data)
    return frame.with_columns([pl.col(name).fill_nan(None) for name in INDICATORS])


def median_time(function: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def agreement(data: dict[str, np.ndarray], frame: pl.DataFrame) -> tuple[int, float]:
    """How many estimates were compared, and the largest absolute difference in estimate,
    SE and interval bounds."""
    mine = {(r.name, r.domain): r for r in spona_table(data)}
    worst, count = 0.0, 0
    lists = svy_table(frame)
    for by, results in zip((None, *DOMAINS), lists, strict=True):
        for name, result in zip(INDICATORS, results, strict=True):
            rows = result.to_polars().filter(pl.col(name) == 1)
            for row in rows.iter_rows(named=True):
                key = (name, None if by is None else (by, row[by]))
                ours = mine[key]
                pairs = [
                    (ours.estimate, row["est"]),
                    (ours.se, row["se"]),
                    (ours.ci_low, row["lci"]),
                    (ours.ci_high, row["uci"]),
                ]
                for a, b in pairs:
                    if not (math.isnan(a) and math.isnan(b)):
                        worst = max(worst, abs(a - b))
                if ours.n != row["n"] or ours.df != row["df"]:
                    worst = math.inf
                count += 1
    return count, worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="600,100000,1000000")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--missing", type=float, default=0.02, help="share of missing answers per indicator"
    )
    parser.add_argument(
        "--svy-repeats-large", type=int, default=5, help="svy repeats at 1,000,000 and more"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    print(
        f"Full indicator table: {len(INDICATORS)} indicators x (1 + 2 + 4 + 3) domains = "
        f"{len(INDICATORS) * 10} proportions (estimate, SE, logit CI, deff, df, n)"
    )
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, svy {svy.__version__}, "
        f"polars {pl.__version__}; {os.cpu_count()} cores; medians of repeats (perf_counter); "
        f"{args.missing:.0%} missing answers"
    )
    rows = []
    check = None
    for n in sizes:
        data = generate(n, args.missing)
        frame = to_frame(data)
        spona_table(data)  # warm up (imports, caches)
        svy_table(frame)
        if check is None:
            check = (n, *agreement(data, frame))
        svy_repeats = args.svy_repeats_large if n >= 1_000_000 else args.repeats
        t_spona = median_time(lambda data=data: spona_table(data), args.repeats)
        t_svy = median_time(lambda frame=frame: svy_table(frame), svy_repeats)
        rows.append((n, t_spona, t_svy, args.repeats, svy_repeats))

    print()
    print(f"{'responses':>10}  {'spona ms':>9}  {'svy ms':>9}  {'svy/spona':>9}  repeats")
    for n, t_spona, t_svy, r_spona, r_svy in rows:
        print(
            f"{n:>10,}  {1e3 * t_spona:>9.1f}  {1e3 * t_svy:>9.1f}  {t_svy / t_spona:>8.1f}x"
            f"  {r_spona}/{r_svy}"
        )
    if check is not None:
        n, count, worst = check
        verdict = "agree" if worst <= 1e-9 else "DISAGREE"
        print(
            f"\ncheck at {n:,} responses: spona and svy {verdict} to 1e-9 on {count} "
            f"estimates (estimate, SE, CI bounds; df and n equal): max |difference| = {worst:.1e}"
        )


if __name__ == "__main__":
    main()
