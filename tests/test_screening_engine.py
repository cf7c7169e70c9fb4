"""The screening engine: graded outcomes, the legal distinctions and the first-contact protocol.

The engine is pure Python over the catalogue document, so these tests read the shipped
``catalogue_ilo_2009.json`` directly. Every indicator used in a scenario that exercises the
dimension rule also states the strengths it is meant to have on the list in use, and the test
checks them against the document, so a changed weight shows up as a broken premise rather than
as a silently different scenario.

Sources: ILO/EC Operational indicators of trafficking in human beings (2009, WCMS_105023) for the
dimension and combination rules; Palermo Protocol art. 3 and Serbian Criminal Code art. 388 for
act/means/purpose and the child rule; the Smuggling Protocol art. 3(a) for smuggling
(see shared/research/domain.md sections 1 and 3).
"""

import dataclasses
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spona.screening import engine
from spona.screening.engine import (
    AgeGroup,
    Facts,
    NotTraffickingReason,
    OutcomeCode,
    Rank,
    evaluate,
)
from spona.screening.protocol import protocol_for
from spona.screening.vocabulary import ACTS, DISTINCTIONS, MEANS, NEEDS, OFFENCES, RISK_FACTORS
from tests.screening_scenarios import (
    ADULT,
    INSUFFICIENT,
    NOT_TRAFFICKING,
    SCENARIOS,
    Scenario,
    facts,
)
from tests.screening_scenarios import EC as EXPLOITATION

CATALOGUE_PATH = Path(engine.__file__).resolve().parent / "data" / "catalogue_ilo_2009.json"
CATALOGUE: dict[str, Any] = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))

INDICATORS = {i["code"]: i for i in CATALOGUE["indicators"]}
INDICATOR_CODES = sorted(INDICATORS)
DIMENSIONS = tuple(d["code"] for d in CATALOGUE["dimensions"])
PURPOSE_CODES = sorted(f["code"] for f in CATALOGUE["exploitation_forms"])
ACT_CODES = [code for code, _label in ACTS]
MEANS_CODES = [code for code, _label in MEANS]
RISK_CODES = [code for code, _label in RISK_FACTORS]
OFFENCE_CODES = [code for code, _label in OFFENCES]
FLAG_FIELDS = [f.name for f in dataclasses.fields(Facts) if f.type in (bool, "bool")]


def strength_on(code: str, weights: str) -> str | None:
    """The strength the engine uses for ``code`` on list ``weights`` (a list extending
    another takes that list's strength where it names none)."""
    lists = {entry["code"]: entry for entry in CATALOGUE["lists"]}
    strengths = INDICATORS[code]["strength"]
    while weights not in strengths and lists[weights].get("extends"):
        weights = lists[weights]["extends"]
    return strengths.get(weights)


def reason_codes(outcome: engine.Outcome) -> list[str]:
    return [reason.code for reason in outcome.reasons]


def _params() -> list[Any]:
    return [pytest.param(s, id=s.name) for s in SCENARIOS]


def test_the_table_covers_every_outcome_class_and_route() -> None:
    names = [s.name for s in SCENARIOS]
    assert len(names) == len(set(names))
    assert len(SCENARIOS) >= 100
    for number in range(1, 7):
        assert sum(number in s.classes for s in SCENARIOS) >= 5, f"class {number}"
    assert {s.code for s in SCENARIOS} == set(OutcomeCode)
    assert {s.not_trafficking_reason for s in SCENARIOS} - {""} == set(NotTraffickingReason)
    assert {s.route for s in SCENARIOS} - {""} == {"legal", "indicators", "both", "combined"}


def test_every_scenario_uses_only_codes_the_catalogue_and_vocabulary_know() -> None:
    purposes = {f["code"] for f in CATALOGUE["exploitation_forms"]}
    for s in SCENARIOS:
        assert s.facts.indicators <= set(INDICATORS), s.name
        assert s.facts.purposes <= purposes, s.name
        assert s.facts.acts <= set(ACT_CODES), s.name
        assert s.facts.means <= set(MEANS_CODES), s.name
        assert s.facts.risk_factors <= set(RISK_CODES), s.name
        assert s.facts.offences <= set(OFFENCE_CODES), s.name


@pytest.mark.parametrize("scenario", _params())
def test_scenario(scenario: Scenario) -> None:
    outcome = evaluate(CATALOGUE, scenario.facts)
    reasons = reason_codes(outcome)
    steps = protocol_for(outcome, scenario.facts)

    assert outcome.code == scenario.code, reasons
    assert outcome.not_trafficking_reason == scenario.not_trafficking_reason, reasons
    assert outcome.route == scenario.route, reasons
    assert tuple(step.code for step in steps) == scenario.steps, reasons
    for code in scenario.reasons:
        assert code in reasons
    for code in scenario.absent_reasons:
        assert code not in reasons
    due = {step.code: step.due_in for step in steps}
    for code, deadline in scenario.deadlines:
        assert due[code] == deadline
    if scenario.prevention is not None:
        assert outcome.prevention == scenario.prevention
    if scenario.missing is not None:
        assert outcome.missing == scenario.missing
    if scenario.forms is not None:
        assert outcome.forms == scenario.forms
    if scenario.positive is not None:
        assert outcome.positive_dimensions == scenario.positive
    if scenario.ask_about is not None:
        assert outcome.ask_about == scenario.ask_about
    if scenario.weights:
        assert outcome.weights == scenario.weights
    if scenario.strengths:
        used = scenario.weights or outcome.weights
        actual = "".join(sorted(strength_on(c, used) or "-" for c in scenario.facts.indicators))
        assert actual == scenario.strengths, f"premise: strengths on {used}"


def test_four_weak_in_one_dimension_is_not_positive() -> None:
    """The shipped lists have at most two weak indicators per dimension; the rule itself
    must not make a dimension positive on weak indicators alone, however many."""
    document = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    weak = ["CD09", "CD10", "CD11", "CD12"]
    for indicator in document["indicators"]:
        if indicator["code"] in weak:
            indicator["strength"]["adult_labour"] = "W"
    outcome = evaluate(document, facts(*weak))
    assert outcome.code == INSUFFICIENT
    assert outcome.positive_dimensions == set()


# --- properties ------------------------------------------------------------------------------


def facts_strategy(
    *,
    age: st.SearchStrategy[AgeGroup] | None = None,
    indicators: bool = True,
    means: bool = True,
    risk_factors: bool = True,
) -> st.SearchStrategy[Facts]:
    def codes(values: list[str], on: bool = True, size: int = 4) -> st.SearchStrategy[Any]:
        return st.frozensets(st.sampled_from(values), max_size=size) if on else st.just(frozenset())

    flags = {name: st.booleans() for name in FLAG_FIELDS}
    if not means:  # facts that are themselves a means
        flags |= {"control_continues": st.just(False), "domestic_violence": st.just(False)}
    return st.builds(
        Facts,
        age_group=age if age is not None else st.sampled_from(list(AgeGroup)),
        indicators=codes(INDICATOR_CODES, indicators, 14),
        acts=codes(ACT_CODES),
        means=codes(MEANS_CODES, means),
        purposes=codes(PURPOSE_CODES, size=3),
        risk_factors=codes(RISK_CODES, risk_factors),
        offences=codes(OFFENCE_CODES, size=2),
        **flags,
    )


def test_the_strategy_varies_every_flag() -> None:
    # Guards the property tests: FLAG_FIELDS must find the boolean fields of Facts.
    assert "control_continues" in FLAG_FIELDS
    assert "own_will" in FLAG_FIELDS
    assert "missing_child" in FLAG_FIELDS
    assert len(FLAG_FIELDS) == len(dataclasses.fields(Facts)) - 7


@settings(max_examples=300, deadline=None)
@given(facts_strategy())
def test_adding_an_indicator_never_lowers_the_outcome(f: Facts) -> None:
    rank = evaluate(CATALOGUE, f).rank
    for code in INDICATOR_CODES:
        if code not in f.indicators:
            more = replace(f, indicators=f.indicators | {code})
            assert rank <= evaluate(CATALOGUE, more).rank, code


@settings(max_examples=300, deadline=None)
@given(facts_strategy())
def test_the_legal_route_is_monotone(f: Facts) -> None:
    """Recording one more act, means or purpose never lowers the outcome."""
    rank = evaluate(CATALOGUE, f).rank
    for field, values in (("acts", ACT_CODES), ("means", MEANS_CODES), ("purposes", PURPOSE_CODES)):
        for code in set(values) - getattr(f, field):
            more = replace(f, **{field: getattr(f, field) | {code}})
            assert rank <= evaluate(CATALOGUE, more).rank, (field, code)


@settings(max_examples=300, deadline=None)
@given(facts_strategy(), st.frozensets(st.sampled_from(RISK_CODES), min_size=1))
def test_risk_factors_never_make_anyone_a_presumed_victim(f: Facts, risks: frozenset[str]) -> None:
    without = evaluate(CATALOGUE, replace(f, risk_factors=frozenset()))
    with_risks = evaluate(CATALOGUE, replace(f, risk_factors=risks))
    assert (with_risks.rank == Rank.PRESUMED_VICTIM) == (without.rank == Rank.PRESUMED_VICTIM)
    assert with_risks.rank >= without.rank  # ... but they may put the person on the risk track
    assert with_risks.code != NOT_TRAFFICKING or with_risks.prevention


@settings(max_examples=300, deadline=None)
@given(facts_strategy(age=st.just(AgeGroup.ADULT), indicators=False, means=False))
def test_an_adult_without_any_means_is_never_a_presumed_victim(f: Facts) -> None:
    assert evaluate(CATALOGUE, f).code != ADULT


@settings(max_examples=300, deadline=None)
@given(facts_strategy(indicators=False))
def test_without_indicators_presumed_needs_recorded_act_and_purpose(f: Facts) -> None:
    outcome = evaluate(CATALOGUE, f)
    if outcome.rank == Rank.PRESUMED_VICTIM:
        assert outcome.route == "legal"
        assert f.acts or f.control_continues or f.organised_begging
        assert f.purposes or f.organised_begging


@settings(max_examples=300, deadline=None)
@given(facts_strategy(), st.booleans(), st.booleans())
def test_consent_never_changes_the_outcome_once_a_means_is_recorded(
    f: Facts, agreed_to_move: bool, own_will: bool
) -> None:
    with_means = replace(f, means=f.means | {"threat"})
    consented = replace(with_means, consented_to_movement=agreed_to_move, own_will=own_will)
    plain = replace(with_means, consented_to_movement=False, own_will=False)
    assert evaluate(CATALOGUE, consented).code == evaluate(CATALOGUE, plain).code


@settings(max_examples=300, deadline=None)
@given(facts_strategy())
def test_a_case_is_closed_only_without_any_sign_of_exploitation(f: Facts) -> None:
    outcome = evaluate(CATALOGUE, f)
    if outcome.code == NOT_TRAFFICKING:
        assert not f.purposes
        assert not f.organised_begging
        assert not f.control_continues
        assert EXPLOITATION not in outcome.positive_dimensions
        assert not f.means or outcome.closures == ("domestic_violence",)
        assert outcome.closures
        assert outcome.not_trafficking_reason == outcome.closures[0]
        assert not outcome.missing
        assert not outcome.suspected


def test_no_input_can_be_ethnicity_or_culture() -> None:
    """No field, flag or code of what a screener records names a person's origin or culture
    (the catalogue's ILO indicator "abuse of cultural/religious beliefs" is about what an
    exploiter does, and is an indicator text, not an input name)."""
    forbidden = ("ethnic", "nationality", "citizenship", "roma", "culture", "cultural", "race")
    inputs = [f.name for f in dataclasses.fields(Facts)]
    inputs += ACT_CODES + MEANS_CODES + RISK_CODES + OFFENCE_CODES + PURPOSE_CODES
    inputs += [code for code, _label in DISTINCTIONS + NEEDS]
    assert len(inputs) > 60  # the check reads real inputs
    assert [n for n in inputs if any(word in n.lower() for word in forbidden)] == []


@settings(max_examples=300, deadline=None)
@given(facts_strategy())
def test_outcome_is_deterministic(f: Facts) -> None:
    first = evaluate(CATALOGUE, f)
    again = evaluate(CATALOGUE, replace(f))
    assert first == again
    assert [s.code for s in protocol_for(first, f)] == [s.code for s in protocol_for(again, f)]


# --- the shipped catalogue -------------------------------------------------------------------


def test_shipped_catalogue_is_valid() -> None:
    from spona.screening.catalogue import validate

    assert validate(CATALOGUE) == []
