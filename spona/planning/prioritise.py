"""Which activities to fund this year: the set of greatest total benefit within the budget.

An exact 0-1 integer program solved by HiGHS through ``scipy.optimize.milp``:

    maximise    Σ benefit_i · x_i
    subject to  Σ cost_i · x_i ≤ budget                      (the year's total)
                Σ cost_i · x_i ≤ budget_f   for each funder f (activities that funder pays for)
                x_i = 1                     for mandatory activities and those forced in
                x_i = 0                     for those forced out
                x_i ≤ x_j                   where activity i requires activity j
                x_i ∈ {0, 1}

The study's advice ("as resources of local communities are limited, activities should be
prioritized") becomes a choice anyone can check: the solver is exact, the weights that make a
benefit are visible (``Weights``), and every activity left out has a reason (``Choice.reasons``).
This module knows no Django model; ``spona.planning.services`` feeds it the year's candidates.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp


@dataclass(frozen=True)
class Weights:
    """How need, evidence and reach make an activity's benefit; shown and editable."""

    need: float = 0.5
    evidence: float = 0.3
    reach: float = 0.2


@dataclass(frozen=True)
class Candidate:
    key: str
    cost: float
    benefit: float
    funder: str = ""
    mandatory: bool = False
    requires: tuple[str, ...] = ()


DEFAULT_WEIGHTS = Weights()


def benefit(
    need: float, evidence: float, reach: float, weights: Weights = DEFAULT_WEIGHTS
) -> float:
    """An activity's expected benefit from its need, evidence and reach, each on 0–1."""
    return weights.need * need + weights.evidence * evidence + weights.reach * reach


class LeftOut(StrEnum):
    """Why the solver left an activity out."""

    OVERRIDDEN = "overridden"
    NEEDS_LEFT_OUT = "needs_left_out"
    OVER_FUNDER_BUDGET = "over_funder_budget"
    LESS_BENEFIT_PER_COST = "less_benefit_per_cost"


@dataclass(frozen=True)
class Choice:
    chosen: frozenset[str]
    total_benefit: float
    total_cost: float
    reasons: Mapping[str, LeftOut] = field(default_factory=dict)


class InfeasibleError(ValueError):
    """The mandatory and forced activities alone do not fit the budget (or require each other
    in a way that cannot hold)."""


def solve(
    candidates: Sequence[Candidate],
    budget: float,
    funder_budgets: Mapping[str, float] | None = None,
    forced_in: Iterable[str] = (),
    forced_out: Iterable[str] = (),
) -> Choice:
    """The exact optimum; ties go to the solver's first optimum."""
    funder_budgets = funder_budgets or {}
    forced_in, forced_out = set(forced_in), set(forced_out)
    n = len(candidates)
    if n == 0:
        return Choice(frozenset(), 0.0, 0.0)
    index = {c.key: i for i, c in enumerate(candidates)}
    costs = np.array([c.cost for c in candidates], dtype=float)
    rows, upper = [costs], [budget]
    for funder, limit in funder_budgets.items():
        rows.append(np.where([c.funder == funder for c in candidates], costs, 0.0))
        upper.append(limit)
    for c in candidates:
        for needed in c.requires:
            if needed in index:  # x_i - x_j ≤ 0
                row = np.zeros(n)
                row[index[c.key]], row[index[needed]] = 1.0, -1.0
                rows.append(row)
                upper.append(0.0)
    lower_bounds = np.array(
        [1.0 if (c.mandatory or c.key in forced_in) else 0.0 for c in candidates]
    )
    upper_bounds = np.array(
        [0.0 if (c.key in forced_out and not c.mandatory) else 1.0 for c in candidates]
    )
    result = milp(
        c=-np.array([c.benefit for c in candidates], dtype=float),
        constraints=LinearConstraint(np.vstack(rows), -np.inf, np.array(upper)),
        integrality=np.ones(n, dtype=np.int64),
        bounds=Bounds(lower_bounds, upper_bounds),
    )
    if result.status != 0 or result.x is None:
        raise InfeasibleError(result.message)
    chosen = frozenset(c.key for c, x in zip(candidates, result.x, strict=True) if x > 0.5)
    return Choice(
        chosen=chosen,
        total_benefit=sum(c.benefit for c in candidates if c.key in chosen),
        total_cost=sum(c.cost for c in candidates if c.key in chosen),
        reasons=_reasons(candidates, chosen, forced_out, funder_budgets),
    )


def _reasons(
    candidates: Sequence[Candidate],
    chosen: frozenset[str],
    forced_out: set[str],
    funder_budgets: Mapping[str, float],
) -> dict[str, LeftOut]:
    spent: dict[str, float] = {}
    for c in candidates:
        if c.key in chosen:
            spent[c.funder] = spent.get(c.funder, 0.0) + c.cost
    reasons = {}
    for c in candidates:
        if c.key in chosen:
            continue
        if c.key in forced_out:
            reasons[c.key] = LeftOut.OVERRIDDEN
        elif any(needed not in chosen for needed in c.requires):
            reasons[c.key] = LeftOut.NEEDS_LEFT_OUT
        elif (
            c.funder in funder_budgets
            and spent.get(c.funder, 0.0) + c.cost > funder_budgets[c.funder]
        ):
            reasons[c.key] = LeftOut.OVER_FUNDER_BUDGET
        else:
            reasons[c.key] = LeftOut.LESS_BENEFIT_PER_COST
    return reasons


def greedy(
    candidates: Sequence[Candidate],
    budget: float,
    funder_budgets: Mapping[str, float] | None = None,
) -> Choice:
    """The usual shortcut, for comparison: mandatory first, then by benefit per cost while the
    budgets allow and what an activity requires is already in."""
    funder_budgets = funder_budgets or {}
    chosen: set[str] = set()
    spent = 0.0
    by_funder: dict[str, float] = {}

    def fits(c: Candidate) -> bool:
        funder_ok = c.funder not in funder_budgets or (
            by_funder.get(c.funder, 0.0) + c.cost <= funder_budgets[c.funder]
        )
        return spent + c.cost <= budget and funder_ok and all(r in chosen for r in c.requires)

    order = sorted(candidates, key=lambda c: (not c.mandatory, -c.benefit / max(c.cost, 1e-9)))
    for c in order:
        if c.mandatory or fits(c):
            chosen.add(c.key)
            spent += c.cost
            by_funder[c.funder] = by_funder.get(c.funder, 0.0) + c.cost
    return Choice(
        chosen=frozenset(chosen),
        total_benefit=sum(c.benefit for c in candidates if c.key in chosen),
        total_cost=spent,
    )


@dataclass(frozen=True)
class Sensitivity:
    """What the choice becomes at a budget 20 % lower and 20 % higher."""

    lower: Choice | None
    higher: Choice | None


def sensitivity(
    candidates: Sequence[Candidate],
    budget: float,
    funder_budgets: Mapping[str, float] | None = None,
    change: float = 0.2,
    forced_in: Iterable[str] = (),
    forced_out: Iterable[str] = (),
) -> Sensitivity:
    def at(factor: float) -> Choice | None:
        scaled = {f: b * factor for f, b in (funder_budgets or {}).items()}
        try:
            return solve(candidates, budget * factor, scaled, forced_in, forced_out)
        except InfeasibleError:
            return None

    return Sensitivity(lower=at(1 - change), higher=at(1 + change))
