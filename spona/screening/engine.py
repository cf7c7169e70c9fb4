"""The screening rules: from what was observed to a graded, explained outcome.

Pure Python over the catalogue document (see ``data/README.md``): no database, no
Django, so every rule can be tested on its own. The weights and the dimension and
outcome rules are data in the catalogue; the legal distinctions (smuggling, begging,
domestic violence, a child's missing means) are here, because they are law, not weights.

The outcome is never a legal verdict: formal identification belongs to the national
Centre (adults) and the social welfare centre (children). No rule reads ethnicity or
"culture": there is no such input.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

STRENGTH_KEYS = {"strong": {"S"}, "medium": {"M"}, "weak": {"W"}, "medium_or_weak": {"M", "W"}}


class AgeGroup(StrEnum):
    ADULT = "adult"
    CHILD = "child"
    #: Age unknown and the person may be a child: treated as a child (presumption of
    #: minority, EU Directive 2011/36/EU art. 13(2)).
    UNCERTAIN = "uncertain"


class Rank(IntEnum):
    """Outcomes ordered by how much they call for action; more evidence never lowers it."""

    NOT_TRAFFICKING = 0
    INSUFFICIENT_INFORMATION = 1
    AT_RISK = 2
    PRESUMED_VICTIM = 3


class OutcomeCode(StrEnum):
    PRESUMED_VICTIM_ADULT = "presumed_victim_adult"
    PRESUMED_VICTIM_CHILD = "presumed_victim_child"
    AT_RISK = "at_risk"
    NOT_TRAFFICKING = "not_trafficking"
    INSUFFICIENT_INFORMATION = "insufficient_information"


RANKS = {
    OutcomeCode.PRESUMED_VICTIM_ADULT: Rank.PRESUMED_VICTIM,
    OutcomeCode.PRESUMED_VICTIM_CHILD: Rank.PRESUMED_VICTIM,
    OutcomeCode.AT_RISK: Rank.AT_RISK,
    OutcomeCode.INSUFFICIENT_INFORMATION: Rank.INSUFFICIENT_INFORMATION,
    OutcomeCode.NOT_TRAFFICKING: Rank.NOT_TRAFFICKING,
}


class NotTraffickingReason(StrEnum):
    SMUGGLING = "smuggling"
    VOLUNTARY_BEGGING = "voluntary_begging"
    DOMESTIC_VIOLENCE = "domestic_violence"


@dataclass(frozen=True)
class Facts:
    """What the screener recorded. Flags default to "not observed"."""

    age_group: AgeGroup = AgeGroup.ADULT
    indicators: frozenset[str] = frozenset()
    acts: frozenset[str] = frozenset()
    means: frozenset[str] = frozenset()
    purposes: frozenset[str] = frozenset()  # forms of exploitation (catalogue codes)
    #: circumstances that make trafficking likelier (never an element of it)
    risk_factors: frozenset[str] = frozenset()
    #: offences the person committed, possibly while exploited (non-punishment)
    offences: frozenset[str] = frozenset()
    # smuggling of migrants
    consented_to_movement: bool = False
    ended_on_arrival: bool = False
    free_after_arrival: bool = False
    holds_own_documents: bool = False
    control_continues: bool = False
    # regular migration or work
    own_will: bool = False
    paid_as_agreed: bool = False
    # begging
    begging: bool = False
    third_party_organises_or_profits: bool = False
    # domestic violence
    domestic_violence: bool = False
    # first-contact needs (they shape the protocol, not the outcome)
    immediate_danger: bool = False
    medical_needs: bool = False
    needs_interpreter: bool = False
    needs_accommodation: bool = False
    crime_in_progress: bool = False
    missing_child: bool = False

    @property
    def treated_as_child(self) -> bool:
        return self.age_group in {AgeGroup.CHILD, AgeGroup.UNCERTAIN}


@dataclass(frozen=True)
class DimensionResult:
    code: str
    positive: bool
    indicators: tuple[str, ...]
    counts: Mapping[str, int]


@dataclass(frozen=True)
class Reason:
    """One line of the explanation: a code the interface translates, with its values."""

    code: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    code: OutcomeCode
    not_trafficking_reason: str = ""
    weights: str = ""
    dimensions: tuple[DimensionResult, ...] = ()
    reasons: tuple[Reason, ...] = ()
    ask_about: tuple[str, ...] = ()  # dimension codes still to explore

    @property
    def rank(self) -> Rank:
        return RANKS[self.code]

    @property
    def positive_dimensions(self) -> set[str]:
        return {d.code for d in self.dimensions if d.positive}


# --- scoring -----------------------------------------------------------------------------


def _strength(
    catalogue: Mapping[str, Any], indicator: Mapping[str, Any], weights: str
) -> str | None:
    value = indicator["strength"].get(weights)
    if value is None:
        fallback = catalogue["rule"].get("fallback_lists", {}).get(weights)
        value = indicator["strength"].get(fallback) if fallback else None
    return value


def _is_positive(counts: Mapping[str, int], clauses: Iterable[Mapping[str, int]]) -> bool:
    def satisfied(clause: Mapping[str, int]) -> bool:
        return all(
            sum(counts.get(s, 0) for s in STRENGTH_KEYS[key]) >= needed
            for key, needed in clause.items()
        )

    return any(satisfied(clause) for clause in clauses)


def score_dimensions(
    catalogue: Mapping[str, Any], observed: frozenset[str], weights: str
) -> tuple[DimensionResult, ...]:
    """Count the observed indicators of each dimension by strength and apply the rule."""
    results = []
    clauses = catalogue["rule"]["dimension_positive"]
    for dimension in catalogue["dimensions"]:
        counts = {"S": 0, "M": 0, "W": 0}
        seen = []
        for indicator in catalogue["indicators"]:
            if indicator["dimension"] != dimension["code"] or indicator["code"] not in observed:
                continue
            strength = _strength(catalogue, indicator, weights)
            if strength:  # an indicator not on this list does not count
                counts[strength] += 1
                seen.append(indicator["code"])
        results.append(
            DimensionResult(dimension["code"], _is_positive(counts, clauses), tuple(seen), counts)
        )
    return tuple(results)


def _weight_lists(catalogue: Mapping[str, Any], facts: Facts) -> list[str]:
    """The indicator lists that apply: by age, and by the forms of exploitation recorded."""
    age = "child" if facts.treated_as_child else "adult"
    kinds = {f["code"]: f["list"] for f in catalogue["exploitation_forms"]}
    lists = sorted({kinds[p] for p in facts.purposes if p in kinds}) or ["labour"]
    return [f"{age}_{kind}" for kind in lists]


def _groups_met(groups: list[list[str]], positive: set[str]) -> list[bool]:
    return [any(code in positive for code in group) for group in groups]


# --- the outcome -------------------------------------------------------------------------


def evaluate(catalogue: Mapping[str, Any], facts: Facts) -> Outcome:
    """The best-supported outcome over the applicable indicator lists."""
    outcomes = [
        _evaluate_with(catalogue, facts, weights) for weights in _weight_lists(catalogue, facts)
    ]
    return max(outcomes, key=lambda outcome: outcome.rank)


def _evaluate_with(catalogue: Mapping[str, Any], facts: Facts, weights: str) -> Outcome:
    dimensions = score_dimensions(catalogue, facts.indicators, weights)
    positive = {d.code for d in dimensions if d.positive}
    reasons = [
        Reason("dimension_positive", {"dimension": d.code, **d.counts})
        for d in dimensions
        if d.positive
    ]
    fallback = catalogue["rule"].get("fallback_lists", {}).get(weights)
    if fallback:
        reasons.append(Reason("fallback_weights", {"weights": weights, "fallback": fallback}))
    if facts.age_group == AgeGroup.UNCERTAIN:
        reasons.append(Reason("minority_presumed"))
    decide = _decide_child if facts.treated_as_child else _decide_adult
    code, reason, extra, ask = decide(catalogue, facts, positive)
    return Outcome(code, reason, weights, dimensions, (*reasons, *extra), ask)


Decision = tuple[OutcomeCode, str, list[Reason], tuple[str, ...]]


def _decide_adult(catalogue: Mapping[str, Any], facts: Facts, positive: set[str]) -> Decision:
    groups = catalogue["rule"]["adult_presumed"]
    met = _groups_met(groups, positive)
    if all(met):
        reasons = [Reason("adult_rule_met")]
        if facts.consented_to_movement:
            reasons.append(Reason("smuggling_but_control_continues"))
        return OutcomeCode.PRESUMED_VICTIM_ADULT, "", reasons, ()
    ask = tuple(code for group, ok in zip(groups, met, strict=True) if not ok for code in group)
    reasons = [
        Reason(
            "adult_rule_missing",
            {"groups": [g for g, ok in zip(groups, met, strict=True) if not ok]},
        )
    ]
    if facts.acts and facts.means and facts.purposes:
        reasons.append(Reason("legal_elements_need_indicators"))
    if facts.begging and facts.third_party_organises_or_profits:
        reasons.append(Reason("organised_begging_ask_means"))
    exemption = _exemption(facts, adult=True)
    if exemption:
        return OutcomeCode.NOT_TRAFFICKING, exemption.code, [*reasons, exemption], ask
    if facts.consented_to_movement and facts.control_continues:
        reasons.append(Reason("smuggling_but_control_continues"))
    return _graded(positive), "", reasons, ask


def _decide_child(catalogue: Mapping[str, Any], facts: Facts, positive: set[str]) -> Decision:
    groups = catalogue["rule"]["child_presumed"]
    met = _groups_met(groups, positive)
    reasons = [Reason("child_means_not_required")]
    if all(met):
        reasons.append(Reason("child_rule_indicators"))
    if facts.acts and facts.purposes:
        reasons.append(Reason("child_rule_legal"))
    if facts.begging and facts.third_party_organises_or_profits:
        reasons.append(Reason("child_begging_organised"))
    if len(reasons) > 1:
        return OutcomeCode.PRESUMED_VICTIM_CHILD, "", reasons, ()
    ask = tuple(code for group, ok in zip(groups, met, strict=True) if not ok for code in group)
    if facts.begging:
        reasons.append(Reason("child_street_situation"))
        return OutcomeCode.AT_RISK, "", reasons, ask
    exemption = _exemption(facts, adult=False)
    if exemption:
        return OutcomeCode.NOT_TRAFFICKING, exemption.code, [*reasons, exemption], ask
    return _graded(positive), "", reasons, ask


def _graded(positive: set[str]) -> OutcomeCode:
    return OutcomeCode.AT_RISK if positive else OutcomeCode.INSUFFICIENT_INFORMATION


def _exemption(facts: Facts, *, adult: bool) -> Reason | None:
    """Not trafficking, with the reason, only where no trafficking indicator and no means
    were recorded: one is enough to keep screening (consent is irrelevant once any means
    was used, Palermo Protocol art. 3(b))."""
    if facts.indicators or facts.means or facts.control_continues:
        return None
    smuggled = (
        facts.consented_to_movement
        and facts.ended_on_arrival
        and facts.free_after_arrival
        and facts.holds_own_documents
    )
    if smuggled:
        return Reason(NotTraffickingReason.SMUGGLING)
    if adult and facts.begging and not facts.third_party_organises_or_profits:
        return Reason(NotTraffickingReason.VOLUNTARY_BEGGING)
    if facts.domestic_violence and not facts.purposes:
        return Reason(NotTraffickingReason.DOMESTIC_VIOLENCE)
    return None
