"""The prioritisation is exact: on random small instances it equals brute force over every
subset, and it respects every constraint (issue 17, acceptance 2)."""

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spona.planning.prioritise import (
    Candidate,
    InfeasibleError,
    LeftOut,
    greedy,
    sensitivity,
    solve,
)

FUNDERS = ["municipality", "ministry", "donor"]


@st.composite
def instances(draw):
    n = draw(st.integers(min_value=1, max_value=9))
    candidates = []
    for i in range(n):
        earlier = [f"a{j}" for j in range(i)]
        candidates.append(
            Candidate(
                key=f"a{i}",
                cost=draw(st.integers(min_value=1, max_value=100)),
                benefit=draw(st.integers(min_value=0, max_value=100)),
                funder=draw(st.sampled_from(FUNDERS)),
                mandatory=draw(st.booleans()) and draw(st.booleans()) and draw(st.booleans()),
                requires=tuple(draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True)))
                if earlier
                else (),
            )
        )
    budget = draw(st.integers(min_value=0, max_value=400))
    funder_budgets = draw(
        st.dictionaries(st.sampled_from(FUNDERS), st.integers(min_value=0, max_value=250))
    )
    return candidates, budget, funder_budgets


def feasible(subset, candidates, budget, funder_budgets) -> bool:
    chosen = {c.key for c in subset}
    if sum(c.cost for c in subset) > budget:
        return False
    for funder, limit in funder_budgets.items():
        if sum(c.cost for c in subset if c.funder == funder) > limit:
            return False
    if any(c.mandatory and c.key not in chosen for c in candidates):
        return False
    return all(r in chosen for c in subset for r in c.requires)


def brute_force(candidates, budget, funder_budgets) -> float | None:
    best = None
    for size in range(len(candidates) + 1):
        for subset in combinations(candidates, size):
            if feasible(subset, candidates, budget, funder_budgets):
                value = sum(c.benefit for c in subset)
                best = value if best is None else max(best, value)
    return best


@settings(max_examples=150, deadline=None)
@given(instances())
def test_the_choice_equals_brute_force_and_respects_every_constraint(instance) -> None:
    candidates, budget, funder_budgets = instance
    best = brute_force(candidates, budget, funder_budgets)
    if best is None:
        with pytest.raises(InfeasibleError):
            solve(candidates, budget, funder_budgets)
        return
    choice = solve(candidates, budget, funder_budgets)
    subset = [c for c in candidates if c.key in choice.chosen]
    assert feasible(subset, candidates, budget, funder_budgets)
    assert choice.total_benefit == pytest.approx(best)


def test_a_worked_example_where_greedy_loses() -> None:
    """Benefit per cost picks the small campaign first and then cannot afford the big one."""
    candidates = [
        Candidate("school_workshops", cost=60, benefit=70),
        Candidate("leaflets", cost=10, benefit=15),
        Candidate("outreach_team", cost=50, benefit=55),
    ]
    exact = solve(candidates, budget=110)
    assert exact.chosen == {"school_workshops", "outreach_team"}
    assert greedy(candidates, budget=110).total_benefit < exact.total_benefit
    assert exact.reasons == {"leaflets": LeftOut.LESS_BENEFIT_PER_COST}


def test_dependencies_mandatory_and_overrides() -> None:
    candidates = [
        Candidate("mechanism", cost=30, benefit=10, mandatory=True),
        Candidate("training", cost=20, benefit=40),
        Candidate("follow_up", cost=20, benefit=50, requires=("training",)),
    ]
    assert solve(candidates, budget=70).chosen == {"mechanism", "training", "follow_up"}
    overridden = solve(candidates, budget=70, forced_out=["training"])
    assert overridden.chosen == {"mechanism"}
    assert overridden.reasons == {
        "training": LeftOut.OVERRIDDEN,
        "follow_up": LeftOut.NEEDS_LEFT_OUT,
    }
    with pytest.raises(InfeasibleError):
        solve(candidates, budget=20)


def test_a_funder_budget_is_a_limit_of_its_own() -> None:
    candidates = [
        Candidate("a", cost=40, benefit=40, funder="donor"),
        Candidate("b", cost=40, benefit=39, funder="donor"),
        Candidate("c", cost=40, benefit=10, funder="municipality"),
    ]
    choice = solve(candidates, budget=120, funder_budgets={"donor": 50})
    assert choice.chosen == {"a", "c"}
    assert choice.reasons == {"b": LeftOut.OVER_FUNDER_BUDGET}


def test_sensitivity_shows_the_choice_at_plus_and_minus_twenty_percent() -> None:
    candidates = [Candidate(f"a{i}", cost=10, benefit=10 - i) for i in range(10)]
    result = sensitivity(candidates, budget=50)
    assert result.lower is not None
    assert result.higher is not None
    assert len(result.lower.chosen) == 4
    assert len(result.higher.chosen) == 6
