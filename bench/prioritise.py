"""The action plan's prioritisation at a municipality's scale and beyond: 500 candidate
activities, budgets per funder, mandatory activities and dependencies.

    .venv/bin/python bench/prioritise.py                 # 500 candidates, 5 runs, 5 instances
    .venv/bin/python bench/prioritise.py --sizes 50,500,2000

For each instance: the exact choice (HiGHS through ``scipy.optimize.milp``,
``spona.planning.prioritise.solve``), its wall-clock time as the median of ``--runs`` solves,
and beside it the usual shortcut (mandatory first, then benefit per cost: ``greedy``) with the
share of benefit that shortcut loses. The target (issue 17): 500 candidates in under 1 s.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spona.planning.prioritise import Candidate, greedy, solve

FUNDERS = ("municipality", "ministry", "donor", "eu")


def instance(n: int, rng: random.Random) -> tuple[list[Candidate], float, dict[str, float]]:
    candidates = []
    for i in range(n):
        cost = round(rng.lognormvariate(12, 0.8))  # dinars: ~160,000 median
        need, evidence, reach = rng.random(), rng.random(), rng.random()
        requires = (
            (f"a{rng.randrange(i)}",) if i and rng.random() < 0.15 else ()
        )  # 15 % build on an earlier activity
        candidates.append(
            Candidate(
                key=f"a{i}",
                cost=cost,
                benefit=round(100 * (0.5 * need + 0.3 * evidence + 0.2 * reach), 3),
                funder=rng.choice(FUNDERS),
                mandatory=rng.random() < 0.02,
                requires=requires,
            )
        )
    total = sum(c.cost for c in candidates)
    mandatory = sum(c.cost for c in candidates if c.mandatory)
    budget = max(0.3 * total, 1.2 * mandatory)
    funder_budgets = {
        f: max(
            0.4 * sum(c.cost for c in candidates if c.funder == f),
            sum(c.cost for c in candidates if c.funder == f and c.mandatory),
        )
        for f in FUNDERS
    }
    return candidates, budget, funder_budgets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--instances", type=int, default=5)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(
        f"{'n':>6} {'exact p50 ms':>13} {'greedy p50 ms':>14} {'exact benefit':>14} "
        f"{'greedy benefit':>15} {'greedy loses':>13}"
    )
    for n in (int(s) for s in args.sizes.split(",")):
        for _ in range(args.instances):
            candidates, budget, funders = instance(n, rng)
            exact_times, greedy_times = [], []
            for _ in range(args.runs):
                start = time.perf_counter()
                exact = solve(candidates, budget, funders)
                exact_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                quick = greedy(candidates, budget, funders)
                greedy_times.append(time.perf_counter() - start)
            loss = 1 - quick.total_benefit / exact.total_benefit if exact.total_benefit else 0.0
            print(
                f"{n:>6} {1000 * statistics.median(exact_times):>13.1f} "
                f"{1000 * statistics.median(greedy_times):>14.2f} {exact.total_benefit:>14.1f} "
                f"{quick.total_benefit:>15.1f} {100 * loss:>12.2f}%"
            )


if __name__ == "__main__":
    main()
