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
from dataclasses import dataclass, replace
from datetime import timedelta
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
from spona.screening.vocabulary import ACTS, MEANS

CATALOGUE_PATH = Path(engine.__file__).resolve().parent / "data" / "catalogue_ilo_2009.json"
CATALOGUE: dict[str, Any] = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))

INDICATORS = {i["code"]: i for i in CATALOGUE["indicators"]}
INDICATOR_CODES = sorted(INDICATORS)
DIMENSIONS = tuple(d["code"] for d in CATALOGUE["dimensions"])
PURPOSE_CODES = sorted(f["code"] for f in CATALOGUE["exploitation_forms"])
ACT_CODES = [code for code, _label in ACTS]
MEANS_CODES = [code for code, _label in MEANS]
FLAG_FIELDS = [f.name for f in dataclasses.fields(Facts) if f.type in (bool, "bool")]

RECRUITMENT = (
    "deceptive_recruitment",
    "coercive_recruitment",
    "recruitment_abuse_of_vulnerability",
)
EXPLOITATION = "exploitative_conditions_of_work"
COERCION = ("coercion_at_destination", "abuse_of_vulnerability_at_destination")

ADULT = OutcomeCode.PRESUMED_VICTIM_ADULT
CHILD = OutcomeCode.PRESUMED_VICTIM_CHILD
AT_RISK = OutcomeCode.AT_RISK
NOT_TRAFFICKING = OutcomeCode.NOT_TRAFFICKING
INSUFFICIENT = OutcomeCode.INSUFFICIENT_INFORMATION

SMUGGLED_FREE: dict[str, Any] = {
    "consented_to_movement": True,
    "ended_on_arrival": True,
    "free_after_arrival": True,
    "holds_own_documents": True,
}


def facts(
    *indicators: str,
    age: AgeGroup = AgeGroup.ADULT,
    acts: tuple[str, ...] = (),
    means: tuple[str, ...] = (),
    purposes: tuple[str, ...] = (),
    **flags: bool,
) -> Facts:
    """Facts from indicator codes; every code must exist in the shipped catalogue."""
    unknown = set(indicators) - set(INDICATORS)
    assert not unknown, f"not in the catalogue: {unknown}"
    return Facts(
        age_group=age,
        indicators=frozenset(indicators),
        acts=frozenset(acts),
        means=frozenset(means),
        purposes=frozenset(purposes),
        **flags,
    )


def strength_on(code: str, weights: str) -> str | None:
    """The strength the engine uses for ``code`` on list ``weights`` (with the catalogue's fallback)."""
    strengths = INDICATORS[code]["strength"]
    value = strengths.get(weights)
    fallback = CATALOGUE["rule"].get("fallback_lists", {}).get(weights)
    if value is None and fallback:
        value = strengths.get(fallback)
    return value


def reason_codes(outcome: engine.Outcome) -> list[str]:
    return [reason.code for reason in outcome.reasons]


@dataclass(frozen=True)
class Scenario:
    name: str
    facts: Facts
    code: OutcomeCode
    not_trafficking_reason: str = (
        ""  # asserted always: "" where the outcome is not "not trafficking"
    )
    reasons: tuple[str, ...] = ()  # reason codes that must be present
    absent_reasons: tuple[str, ...] = ()  # reason codes that must not be present
    steps: tuple[str, ...] = ()  # protocol steps that must be present
    absent_steps: tuple[str, ...] = ()
    first_step: str = ""
    deadlines: tuple[tuple[str, timedelta | None], ...] = ()
    positive: frozenset[str] | None = None  # the exact set of positive dimensions
    ask_about: tuple[str, ...] | None = None  # the exact dimensions still to ask about
    weights: str = ""  # the indicator list the outcome was decided on
    strengths: str = ""  # sorted strengths of the observed indicators on that list, e.g. "MMW"
    xfail: str = ""  # a known engine problem: the scenario states what the law requires


SCENARIOS = [
    # --- presumed victims ----------------------------------------------------------------
    Scenario(
        "adult_labour_deception_and_document_confiscation",
        facts(
            "DR01",  # deceived about the nature of the job (S)
            "DR02",  # deceived about wages (M)
            "EC01",  # excessive working days or hours (S)
            "EC02",  # low or no salary (M)
            "CD01",  # confiscation of documents (S)
            "CD05",  # threats of violence (M)
            acts=("recruitment", "transportation"),
            means=("deception", "withholding_documents"),
            purposes=("labour_exploitation",),
        ),
        ADULT,
        reasons=("adult_rule_met",),
        absent_reasons=("fallback_weights",),
        steps=("notify_centre_24h", "no_confrontation", "no_repeated_interviews"),
        absent_steps=("guardianship_now", "collect_information"),
        deadlines=(("notify_centre_24h", timedelta(hours=24)),),
        positive=frozenset({"deceptive_recruitment", EXPLOITATION, "coercion_at_destination"}),
        ask_about=(),
        weights="adult_labour",
        strengths="MMMSSS",
    ),
    Scenario(
        # CD07 "forced tasks or clients" is S on the adult-sexual list (M on adult-labour);
        # CD09 has no known adult-sexual value and falls back to adult-labour (M).
        "adult_sexual_exploitation_uses_sexual_list_with_fallback",
        facts(
            "DR01",
            "DR03",
            "EC01",
            "EC05",
            "CD07",
            "CD09",
            acts=("recruitment",),
            means=("deception",),
            purposes=("prostitution",),
        ),
        ADULT,
        reasons=("fallback_weights", "adult_rule_met"),
        steps=("notify_centre_24h",),
        positive=frozenset({"deceptive_recruitment", EXPLOITATION, "coercion_at_destination"}),
        weights="adult_sexual",
        strengths="MMMSSS",
    ),
    Scenario(
        "child_begging_organised_by_parent",
        facts(age=AgeGroup.CHILD, begging=True, third_party_organises_or_profits=True),
        CHILD,
        reasons=("child_begging_organised", "child_means_not_required"),
        absent_reasons=("child_street_situation",),
        steps=("guardianship_now", "notify_centre_24h", "no_confrontation"),
    ),
    Scenario(
        "uncertain_age_begging_organised_is_child_trafficking",
        facts(age=AgeGroup.UNCERTAIN, begging=True, third_party_organises_or_profits=True),
        CHILD,
        reasons=("minority_presumed", "child_begging_organised"),
        steps=("guardianship_now",),
    ),
    Scenario(
        "forced_marriage_of_minor_act_and_purpose",
        facts(age=AgeGroup.CHILD, acts=("sale",), purposes=("forced_marriage",)),
        CHILD,
        reasons=("child_rule_legal", "child_means_not_required"),
        absent_reasons=("child_rule_indicators",),
        steps=("guardianship_now", "notify_centre_24h"),
        weights="child_sexual",
    ),
    Scenario(
        "child_recruitment_and_exploitation_need_no_coercion",
        facts("DR01", "DR02", "EC01", "EC02", age=AgeGroup.CHILD),
        CHILD,
        reasons=("child_rule_indicators", "child_means_not_required"),
        positive=frozenset({"deceptive_recruitment", EXPLOITATION}),
        ask_about=(),
        weights="child_labour",
        strengths="MMSS",
    ),
    Scenario(
        "age_uncertain_treated_as_child",
        facts("DR01", "DR02", "EC01", "EC02", age=AgeGroup.UNCERTAIN),
        CHILD,
        reasons=("minority_presumed", "child_rule_indicators"),
        steps=("guardianship_now", "notify_centre_24h"),
        weights="child_labour",
    ),
    Scenario(
        "smuggled_migrant_later_held_in_debt_bondage",
        facts(
            "RV02",  # abuse of illegal status (M)
            "RV04",  # abuse of lack of information (M)
            "RV14",  # difficulty to organise the travel (M)
            "EC01",  # excessive hours (S)
            "EC02",  # low or no salary (M)
            "CD02",  # debt bondage (S)
            "CD01",  # confiscation of documents (S)
            consented_to_movement=True,
            control_continues=True,
        ),
        ADULT,
        reasons=("adult_rule_met",),
        absent_reasons=(NotTraffickingReason.SMUGGLING,),
        steps=("notify_centre_24h",),
        absent_steps=("refer_migrant_protection",),
        positive=frozenset(
            {"recruitment_abuse_of_vulnerability", EXPLOITATION, "coercion_at_destination"}
        ),
        strengths="MMMMSSS",
    ),
    Scenario(
        "adult_begging_organised_with_coercion_is_presumed",
        facts(
            "CR02",
            "CR05",
            "CR06",
            "EC02",
            "EC03",
            "EC04",
            "CD04",
            "CD05",
            begging=True,
            third_party_organises_or_profits=True,
            acts=("recruitment",),
            means=("threat",),
            purposes=("begging",),
        ),
        ADULT,
        reasons=("adult_rule_met",),
        positive=frozenset({"coercive_recruitment", EXPLOITATION, "coercion_at_destination"}),
        strengths="MMMMMMMS",
    ),
    Scenario(
        "child_domestic_violence_with_act_and_purpose",
        facts(
            age=AgeGroup.CHILD,
            domestic_violence=True,
            acts=("handover",),
            purposes=("prostitution",),
        ),
        CHILD,
        reasons=("child_rule_legal",),
        absent_reasons=(NotTraffickingReason.DOMESTIC_VIOLENCE,),
    ),
    Scenario(
        "mixed_labour_and_sexual_purposes_take_better_result",
        facts(
            "DR01",
            "DR02",
            "EC01",
            "EC02",
            "CD07",
            "CD09",
            purposes=("labour_exploitation", "prostitution"),
        ),
        ADULT,
        reasons=("adult_rule_met", "fallback_weights"),
        weights="adult_sexual",
        strengths="MMMSSS",
    ),
    # --- at risk ---------------------------------------------------------------------------
    Scenario(
        "same_indicators_labour_only_are_not_presumed",
        facts("DR01", "DR02", "EC01", "EC02", "CD07", "CD09", purposes=("labour_exploitation",)),
        AT_RISK,
        positive=frozenset({"deceptive_recruitment", EXPLOITATION}),
        ask_about=COERCION,
        weights="adult_labour",
        strengths="MMMMSS",
    ),
    Scenario(
        "adult_recruitment_and_exploitation_without_coercion",
        facts("DR01", "DR02", "EC01", "EC02"),
        AT_RISK,
        reasons=("adult_rule_missing",),
        absent_reasons=("adult_rule_met",),
        steps=("prevention_follow_up", "no_confrontation", "no_repeated_interviews"),
        absent_steps=("notify_centre_24h",),
        positive=frozenset({"deceptive_recruitment", EXPLOITATION}),
        ask_about=COERCION,
        strengths="MMSS",
    ),
    Scenario(
        "at_risk_one_positive_recruitment_dimension",
        facts("DR01", "DR02"),
        AT_RISK,
        steps=("prevention_follow_up",),
        positive=frozenset({"deceptive_recruitment"}),
        ask_about=(EXPLOITATION, *COERCION),
        weights="adult_labour",
        strengths="MS",
    ),
    Scenario(
        "child_begging_nobody_organising_is_street_situation",
        facts(age=AgeGroup.CHILD, begging=True),
        AT_RISK,
        reasons=("child_street_situation", "child_means_not_required"),
        absent_reasons=("child_begging_organised", NotTraffickingReason.VOLUNTARY_BEGGING),
        steps=("guardianship_now", "prevention_follow_up"),
        first_step="guardianship_now",
        deadlines=(("guardianship_now", timedelta(hours=1)),),
    ),
    Scenario(
        # CR02 and CR03 are M for adults but S for children: the children's list applies.
        "child_weights_make_two_adult_mediums_strong",
        facts("CR02", "CR03", age=AgeGroup.CHILD),
        AT_RISK,
        steps=("guardianship_now",),
        positive=frozenset({"coercive_recruitment"}),
        ask_about=(EXPLOITATION,),
        weights="child_labour",
        strengths="SS",
    ),
    Scenario(
        "prostitution_makes_forced_clients_strong",
        facts("CD07", "CD09", purposes=("prostitution",)),
        AT_RISK,
        reasons=("fallback_weights",),
        positive=frozenset({"coercion_at_destination"}),
        weights="adult_sexual",
        strengths="MS",
    ),
    # --- dimension rule: each positive clause (one dimension, adult-labour list) ------------
    Scenario(
        "clause_two_strong",
        facts("CD01", "CD02"),
        AT_RISK,
        reasons=("dimension_positive",),
        positive=frozenset({"coercion_at_destination"}),
        weights="adult_labour",
        strengths="SS",
    ),
    Scenario(
        "clause_one_strong_one_medium",
        facts("EC01", "EC02"),
        AT_RISK,
        reasons=("dimension_positive",),
        positive=frozenset({EXPLOITATION}),
        weights="adult_labour",
        strengths="MS",
    ),
    Scenario(
        "clause_one_strong_one_weak",
        facts("EC01", "EC09"),
        AT_RISK,
        reasons=("dimension_positive",),
        positive=frozenset({EXPLOITATION}),
        weights="adult_labour",
        strengths="SW",
    ),
    Scenario(
        "clause_three_medium",
        facts("RV01", "RV02", "RV03"),
        AT_RISK,
        reasons=("dimension_positive",),
        positive=frozenset({"recruitment_abuse_of_vulnerability"}),
        weights="adult_labour",
        strengths="MMM",
    ),
    Scenario(
        "clause_two_medium_one_weak",
        facts("VD01", "VD02", "VD06"),
        AT_RISK,
        reasons=("dimension_positive",),
        positive=frozenset({"abuse_of_vulnerability_at_destination"}),
        weights="adult_labour",
        strengths="MMW",
    ),
    # --- dimension rule: near misses --------------------------------------------------------
    Scenario(
        "near_miss_one_strong_alone",
        facts("DR01"),
        INSUFFICIENT,
        absent_reasons=("dimension_positive",),
        positive=frozenset(),
        weights="adult_labour",
        strengths="S",
    ),
    Scenario(
        "near_miss_two_medium",
        facts("CR02", "CR05"),
        INSUFFICIENT,
        absent_reasons=("dimension_positive",),
        positive=frozenset(),
        weights="adult_labour",
        strengths="MM",
    ),
    Scenario(
        "near_miss_one_medium_two_weak",
        facts("VD01", "VD06", "VD07"),
        INSUFFICIENT,
        absent_reasons=("dimension_positive",),
        positive=frozenset(),
        weights="adult_labour",
        strengths="MWW",
    ),
    Scenario(
        # No dimension of the adult-labour list has more than two weak indicators, so four
        # weak ones are at most two per dimension (see test_four_weak_in_one_dimension_...).
        "near_miss_four_weak",
        facts("RV15", "RV16", "VD06", "VD07"),
        INSUFFICIENT,
        absent_reasons=("dimension_positive",),
        positive=frozenset(),
        weights="adult_labour",
        strengths="WWWW",
    ),
    # --- insufficient information -----------------------------------------------------------
    Scenario(
        "nothing_recorded",
        facts(),
        INSUFFICIENT,
        reasons=("adult_rule_missing",),
        steps=("collect_information",),
        absent_steps=("no_confrontation", "notify_centre_24h"),
        deadlines=(("collect_information", timedelta(days=3)),),
        positive=frozenset(),
        ask_about=(*RECRUITMENT, EXPLOITATION, *COERCION),
    ),
    Scenario(
        "only_one_weak_indicator",
        facts("RV16"),
        INSUFFICIENT,
        steps=("collect_information",),
        positive=frozenset(),
        strengths="W",
    ),
    Scenario(
        "adult_act_means_purpose_without_indicators",
        facts(acts=("recruitment",), means=("deception",), purposes=("labour_exploitation",)),
        INSUFFICIENT,
        reasons=("legal_elements_need_indicators",),
        steps=("collect_information",),
    ),
    Scenario(
        "adult_begging_organised_by_third_party_ask_means",
        facts(begging=True, third_party_organises_or_profits=True),
        INSUFFICIENT,
        reasons=("organised_begging_ask_means",),
        absent_reasons=(NotTraffickingReason.VOLUNTARY_BEGGING,),
        steps=("collect_information",),
    ),
    Scenario(
        "adult_begging_with_one_indicator_is_not_voluntary",
        facts("VD03", begging=True),
        INSUFFICIENT,
        absent_reasons=(NotTraffickingReason.VOLUNTARY_BEGGING,),
    ),
    Scenario(
        "smuggled_free_on_arrival_with_one_indicator",
        facts("RV02", **SMUGGLED_FREE),
        INSUFFICIENT,
        absent_reasons=(NotTraffickingReason.SMUGGLING,),
        steps=("collect_information",),
        absent_steps=("refer_migrant_protection",),
    ),
    Scenario(
        "smuggled_but_control_continues_without_indicators",
        facts(**SMUGGLED_FREE, control_continues=True),
        INSUFFICIENT,
        reasons=("smuggling_but_control_continues",),
        absent_reasons=(NotTraffickingReason.SMUGGLING,),
    ),
    Scenario(
        "smuggled_but_documents_held_by_someone_else",
        facts(**{**SMUGGLED_FREE, "holds_own_documents": False}),
        INSUFFICIENT,
        absent_reasons=(NotTraffickingReason.SMUGGLING,),
    ),
    Scenario(
        "domestic_violence_with_exploitation_purpose_is_not_exempt",
        facts(domestic_violence=True, purposes=("prostitution",)),
        INSUFFICIENT,
        absent_reasons=(NotTraffickingReason.DOMESTIC_VIOLENCE,),
        absent_steps=("refer_domestic_violence",),
    ),
    Scenario(
        "criminal_activity_uses_labour_list",
        facts("CD07", "CD09", purposes=("criminal_activity",)),
        INSUFFICIENT,
        absent_reasons=("fallback_weights",),
        positive=frozenset(),
        weights="adult_labour",
        strengths="MM",
    ),
    Scenario(
        "organ_removal_uses_labour_list",
        facts("CD07", "CD09", purposes=("organ_removal",)),
        INSUFFICIENT,
        absent_reasons=("fallback_weights",),
        positive=frozenset(),
        weights="adult_labour",
        strengths="MM",
    ),
    Scenario(
        "immediate_danger_calls_police_first_even_without_information",
        facts(immediate_danger=True),
        INSUFFICIENT,
        first_step="police_now",
        deadlines=(("police_now", timedelta(hours=1)),),
    ),
    # --- not trafficking ------------------------------------------------------------------
    Scenario(
        "adult_voluntary_begging",
        facts(begging=True),
        NOT_TRAFFICKING,
        NotTraffickingReason.VOLUNTARY_BEGGING,
        steps=("refer_social_protection",),
        absent_steps=("no_confrontation", "collect_information"),
    ),
    Scenario(
        "smuggled_migrant_free_on_arrival",
        facts(**SMUGGLED_FREE),
        NOT_TRAFFICKING,
        NotTraffickingReason.SMUGGLING,
        steps=("refer_migrant_protection",),
        absent_steps=("collect_information",),
    ),
    Scenario(
        "smuggled_child_free_on_arrival_without_act_and_purpose",
        facts(age=AgeGroup.CHILD, **SMUGGLED_FREE),
        NOT_TRAFFICKING,
        NotTraffickingReason.SMUGGLING,
        reasons=("child_means_not_required",),
        steps=("refer_migrant_protection",),
    ),
    Scenario(
        "domestic_violence_without_exploitation_purpose",
        facts(domestic_violence=True),
        NOT_TRAFFICKING,
        NotTraffickingReason.DOMESTIC_VIOLENCE,
        steps=("refer_domestic_violence",),
        deadlines=(("refer_domestic_violence", timedelta(days=1)),),
    ),
    Scenario(
        "child_domestic_violence_without_purpose",
        facts(age=AgeGroup.CHILD, domestic_violence=True),
        NOT_TRAFFICKING,
        NotTraffickingReason.DOMESTIC_VIOLENCE,
    ),
    # --- protocol -------------------------------------------------------------------------
    Scenario(
        "presumed_adult_in_immediate_danger_police_first",
        facts(
            "DR01",
            "DR02",
            "EC01",
            "EC02",
            "CD01",
            "CD05",
            immediate_danger=True,
            medical_needs=True,
            needs_interpreter=True,
            needs_accommodation=True,
        ),
        ADULT,
        first_step="police_now",
        steps=(
            "notify_centre_24h",
            "safe_accommodation",
            "health_care",
            "interpreter",
            "no_confrontation",
            "no_repeated_interviews",
        ),
        deadlines=(
            ("police_now", timedelta(hours=1)),
            ("notify_centre_24h", timedelta(hours=24)),
            ("safe_accommodation", timedelta(hours=8)),
            ("no_confrontation", None),
            ("no_repeated_interviews", None),
        ),
    ),
    Scenario(
        "presumed_child_guardianship_before_centre",
        facts("DR01", "DR02", "EC01", "EC02", age=AgeGroup.CHILD),
        CHILD,
        first_step="guardianship_now",
        steps=("notify_centre_24h", "no_confrontation", "no_repeated_interviews"),
    ),
    Scenario(
        # Palermo Protocol art. 3(b) (and KZ art. 388, consent irrelevant): where a means was
        # used the person's consent is irrelevant, so "consented to the movement" cannot carry
        # a smuggling exemption once the screener has recorded a means; domain.md section 3:
        # "never let 'irregular migrant' suppress trafficking screening".
        "smuggled_adult_with_act_means_and_purpose_recorded",
        facts(
            acts=("recruitment", "transportation"),
            means=("deception",),
            purposes=("prostitution",),
            **SMUGGLED_FREE,
        ),
        INSUFFICIENT,
        reasons=("legal_elements_need_indicators",),
        absent_reasons=(NotTraffickingReason.SMUGGLING,),
        steps=("collect_information",),
    ),
]


def _params() -> list[Any]:
    return [
        pytest.param(
            s,
            id=s.name,
            marks=[pytest.mark.xfail(strict=True, reason=s.xfail)] if s.xfail else [],
        )
        for s in SCENARIOS
    ]


def test_scenario_names_are_unique_and_cover_every_outcome() -> None:
    names = [s.name for s in SCENARIOS]
    assert len(names) == len(set(names))
    assert len(SCENARIOS) >= 32
    assert {s.code for s in SCENARIOS if not s.xfail} == set(OutcomeCode)
    assert {s.not_trafficking_reason for s in SCENARIOS if not s.xfail} - {""} == set(
        NotTraffickingReason
    )


@pytest.mark.parametrize("scenario", _params())
def test_scenario(scenario: Scenario) -> None:
    outcome = evaluate(CATALOGUE, scenario.facts)
    reasons = reason_codes(outcome)
    steps = protocol_for(outcome, scenario.facts)
    step_codes = [step.code for step in steps]

    assert outcome.code == scenario.code, reasons
    assert outcome.not_trafficking_reason == scenario.not_trafficking_reason
    for code in scenario.reasons:
        assert code in reasons
    for code in scenario.absent_reasons:
        assert code not in reasons
    for code in scenario.steps:
        assert code in step_codes
    for code in scenario.absent_steps:
        assert code not in step_codes
    if scenario.first_step:
        assert step_codes[0] == scenario.first_step
    due = {step.code: step.due_in for step in steps}
    for code, deadline in scenario.deadlines:
        assert due[code] == deadline
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
    *, age: st.SearchStrategy[AgeGroup] | None = None, indicators: bool = True
) -> st.SearchStrategy[Facts]:
    return st.builds(
        Facts,
        age_group=age if age is not None else st.sampled_from(list(AgeGroup)),
        indicators=(
            st.frozensets(st.sampled_from(INDICATOR_CODES), max_size=14)
            if indicators
            else st.just(frozenset())
        ),
        acts=st.frozensets(st.sampled_from(ACT_CODES)),
        means=st.frozensets(st.sampled_from(MEANS_CODES)),
        purposes=st.frozensets(st.sampled_from(PURPOSE_CODES), max_size=3),
        **{name: st.booleans() for name in FLAG_FIELDS},
    )


def test_the_strategy_varies_every_flag() -> None:
    # Guards the property tests: FLAG_FIELDS must find the boolean fields of Facts.
    assert "control_continues" in FLAG_FIELDS
    assert "third_party_organises_or_profits" in FLAG_FIELDS
    assert len(FLAG_FIELDS) == len(dataclasses.fields(Facts)) - 5


@settings(max_examples=300, deadline=None)
@given(facts_strategy())
def test_adding_an_indicator_never_lowers_the_outcome(f: Facts) -> None:
    rank = evaluate(CATALOGUE, f).rank
    for code in INDICATOR_CODES:
        if code not in f.indicators:
            more = replace(f, indicators=f.indicators | {code})
            assert rank <= evaluate(CATALOGUE, more).rank, code


@settings(max_examples=300, deadline=None)
@given(facts_strategy(age=st.just(AgeGroup.ADULT), indicators=False))
def test_adult_without_indicators_is_never_presumed_victim(f: Facts) -> None:
    outcome = evaluate(CATALOGUE, f)
    assert outcome.rank < Rank.PRESUMED_VICTIM
    assert outcome.code != ADULT


def test_facts_have_no_ethnicity_nationality_or_culture_input() -> None:
    forbidden = ("ethnic", "nationality", "citizenship", "roma", "culture", "cultural", "race")
    names = [f.name.lower() for f in dataclasses.fields(Facts)]
    assert names  # the check reads real fields
    assert [n for n in names if any(word in n for word in forbidden)] == []


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
