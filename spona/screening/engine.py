"""The screening rules: from what was observed to a graded, explained outcome.

Pure Python over the catalogue document (see ``data/README.md``): no database, no
Django, so every rule can be tested on its own. The weights, the lists and the dimension
rule are data in the catalogue; the legal distinctions are here, because they are law:

* **Presumed victim** when the legal elements are there: an act, a means and a purpose of
  exploitation for an adult; an act and a purpose for a child (Palermo Protocol art. 3,
  Criminal Code art. 388). Each element is *recorded* by the screener (the legal elements,
  or facts such as "someone organises the begging") or *shown by the indicators* (a positive
  ILO/EC dimension: the catalogue's ``rule.elements`` says which dimension shows which
  element). The means may appear only at the destination. The route names where the
  elements came from: the legal elements, the indicators, both, or the two combined.
* **Not trafficking, for a reason**, only when a fact rules an element out and nothing
  points the other way: regular migration or work, smuggling, an adult begging alone,
  domestic violence without any purpose of exploitation.
* **At risk** (the prevention track) for risk factors and for positive indicators that do
  not yet make the elements; risk factors never make anyone a presumed victim.

More evidence never lowers the outcome (property-tested). The outcome is never a legal
verdict: formal identification belongs to the national Centre (adults) and the social
welfare centre (children). No rule reads ethnicity or "culture": there is no such input.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

#: The version of these rules, stored on every outcome. Raise it whenever a rule changes.
RULES_VERSION = "2"

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
    DOMESTIC_VIOLENCE = "domestic_violence"
    REGULAR_MIGRATION_OR_WORK = "regular_migration_or_work"
    SMUGGLING = "smuggling"
    VOLUNTARY_BEGGING = "voluntary_begging"


class Element(StrEnum):
    ACT = "act"
    MEANS = "means"
    PURPOSE = "purpose"


class Route(StrEnum):
    LEGAL = "legal"  # every element recorded
    INDICATORS = "indicators"  # every element shown by a positive dimension
    BOTH = "both"
    COMBINED = "combined"  # some recorded, the others shown by the indicators


ADULT_ELEMENTS = (Element.ACT, Element.MEANS, Element.PURPOSE)
CHILD_ELEMENTS = (Element.ACT, Element.PURPOSE)  # Palermo art. 3(c): no means for a child
#: Acts that are a trade in a person: never part of a family quarrel, so they keep a
#: domestic-violence case open until the purpose is known.
TRADING_ACTS = frozenset({"handover", "sale", "purchase", "mediation_in_sale"})
#: Facts that point away from trafficking; they never undo a means once used.
AWAY_FROM_TRAFFICKING = ("own_will", "paid_as_agreed", "free_after_arrival", "holds_own_documents")


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

    @property
    def organised_begging(self) -> bool:
        """Someone else organises the begging or takes the money: an act and a purpose."""
        return self.begging and self.third_party_organises_or_profits

    @property
    def consent_recorded(self) -> bool:
        return self.consented_to_movement or self.own_will


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
    #: every reason that closes the case (the first is ``not_trafficking_reason``)
    closures: tuple[str, ...] = ()
    route: str = ""
    weights: str = ""  # the indicator list the outcome was decided on
    dimensions: tuple[DimensionResult, ...] = ()
    reasons: tuple[Reason, ...] = ()
    ask_about: tuple[str, ...] = ()  # dimension codes that would show a missing element
    missing: tuple[str, ...] = ()  # legal elements still to ask about
    forms: tuple[str, ...] = ()  # forms of exploitation, recorded or shown
    prevention: bool = False  # the at-risk track: a prevention follow-up
    police: tuple[str, ...] = ()  # why the police must come now
    open_questions: bool = False  # something to find out before the outcome can settle
    suspected: bool = False  # trafficking is suspected: guard the person and the evidence

    @property
    def rank(self) -> Rank:
        return RANKS[self.code]

    @property
    def positive_dimensions(self) -> set[str]:
        return {d.code for d in self.dimensions if d.positive}


# --- the catalogue, indexed ---------------------------------------------------------------


class Index:
    """Look-ups into one catalogue document."""

    def __init__(self, catalogue: Mapping[str, Any]) -> None:
        self.catalogue = catalogue
        self.indicators = {i["code"]: i for i in catalogue["indicators"]}
        self.lists = {entry["code"]: entry for entry in catalogue["lists"]}
        self.form_kinds = {f["code"]: f["kind"] for f in catalogue["exploitation_forms"]}
        self.dimension_order = [d["code"] for d in catalogue["dimensions"]]
        self.elements: Mapping[str, list[str]] = catalogue["rule"]["elements"]

    def strength(self, code: str, weights: str) -> str | None:
        """An indicator's strength on a list; a list that extends another takes that list's
        strength where it names none. ``None``: not on the list, it does not count."""
        strengths = self.indicators[code]["strength"]
        current: str | None = weights
        while current is not None:
            if current in strengths:
                value: str | None = strengths[current]
                return value
            current = self.lists[current].get("extends")
        return None

    def observed(self, facts: Facts) -> list[Mapping[str, Any]]:
        return [self.indicators[c] for c in sorted(facts.indicators) if c in self.indicators]

    def representative_form(self, kind: str) -> str:
        return str(next(code for code, k in self.form_kinds.items() if k == kind))


# --- scoring -----------------------------------------------------------------------------


def _is_positive(counts: Mapping[str, int], clauses: Iterable[Mapping[str, int]]) -> bool:
    def satisfied(clause: Mapping[str, int]) -> bool:
        return all(
            sum(counts.get(s, 0) for s in STRENGTH_KEYS[key]) >= needed
            for key, needed in clause.items()
        )

    return any(satisfied(clause) for clause in clauses)


def score_dimensions(
    index: Index, observed: frozenset[str], weights: str
) -> tuple[DimensionResult, ...]:
    """Count the observed indicators of each dimension by strength and apply the rule."""
    counts = {code: {"S": 0, "M": 0, "W": 0} for code in index.dimension_order}
    seen: dict[str, list[str]] = {code: [] for code in index.dimension_order}
    for code in sorted(observed):
        indicator = index.indicators.get(code)
        strength = index.strength(code, weights) if indicator else None
        if indicator and strength:  # an indicator not on this list does not count
            counts[indicator["dimension"]][strength] += 1
            seen[indicator["dimension"]].append(code)
    clauses = index.catalogue["rule"]["dimension_positive"]
    return tuple(
        DimensionResult(code, _is_positive(counts[code], clauses), tuple(seen[code]), counts[code])
        for code in index.dimension_order
    )


def applicable_lists(index: Index, facts: Facts) -> list[str]:
    """The lists to evaluate: the forms recorded, the forms whose own indicators were
    ticked, begging when the person begs, and always the general (labour) list last, so
    that recording a form of exploitation never weakens the outcome."""
    age = "child" if facts.treated_as_child else "adult"
    kinds = {index.form_kinds[p] for p in facts.purposes if p in index.form_kinds}
    kinds |= {i["form"] for i in index.observed(facts) if "form" in i}
    if facts.begging:
        kinds.add("begging")
    general = f"{age}_labour"
    specific = [
        code
        for code, entry in index.lists.items()
        if entry["age"] == age and entry["kind"] in kinds and code != general
    ]
    return [*specific, general]


# --- the outcome -------------------------------------------------------------------------


def evaluate(catalogue: Mapping[str, Any], facts: Facts) -> Outcome:
    """The best-supported outcome over the applicable indicator lists (on a tie, the list
    of the form recorded comes first)."""
    index = Index(catalogue)
    outcomes = [_evaluate_with(index, facts, weights) for weights in applicable_lists(index, facts)]
    return max(outcomes, key=lambda outcome: outcome.rank)


@dataclass(frozen=True)
class _Common:
    """What every outcome of one list carries, whatever it is."""

    weights: str
    dimensions: tuple[DimensionResult, ...]
    police: tuple[str, ...]

    def outcome(self, code: OutcomeCode, **details: Any) -> Outcome:
        return Outcome(
            code, weights=self.weights, dimensions=self.dimensions, police=self.police, **details
        )


@dataclass(frozen=True)
class _Elements:
    needed: tuple[Element, ...]
    recorded: Mapping[Element, tuple[str, ...]]
    shown: Mapping[Element, tuple[str, ...]]

    def present(self, element: Element) -> bool:
        return bool(self.recorded[element] or self.shown[element])

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(e.value for e in self.needed if not self.present(e))

    @property
    def route(self) -> Route:
        recorded = all(self.recorded[e] for e in self.needed)
        shown = all(self.shown[e] for e in self.needed)
        if recorded and shown:
            return Route.BOTH
        if recorded:
            return Route.LEGAL
        return Route.INDICATORS if shown else Route.COMBINED


def _elements(index: Index, facts: Facts, positive: set[str]) -> _Elements:
    organised = ("third_party_organises_or_profits",) if facts.organised_begging else ()
    control = ("control_continues",) if facts.control_continues else ()
    violence = ("domestic_violence",) if facts.domestic_violence else ()
    recorded = {
        Element.ACT: (*sorted(facts.acts), *organised, *control),
        Element.MEANS: (*sorted(facts.means), *control, *violence),
        Element.PURPOSE: (*sorted(facts.purposes), *organised),
    }
    shown = {
        element: tuple(d for d in index.elements[element] if d in positive) for element in Element
    }
    needed = CHILD_ELEMENTS if facts.treated_as_child else ADULT_ELEMENTS
    return _Elements(needed, recorded, shown)


@dataclass(frozen=True)
class _Signs:
    """What the facts and indicators point to, beyond the scoring.

    Indicators marked ``situation`` (economic reasons, family situation, begging long hours
    ...) describe the person or what they do, not what anyone does to them: they point to
    nothing. A single indicator of exploitative conditions (long hours, low pay) does not show
    a purpose either; a positive exploitation dimension does."""

    exploitation: bool  # a purpose of exploitation is recorded or shown
    other: bool  # a means, a trade in the person, or what someone does to the person
    any: bool  # anything at all that points to trafficking (something to find out)


def _signs(index: Index, facts: Facts, positive: set[str]) -> _Signs:
    pointing = [i for i in index.observed(facts) if not i.get("situation")]
    purpose_dimensions = set(index.elements[Element.PURPOSE])
    exploitation = bool(
        facts.purposes
        or facts.organised_begging
        or facts.control_continues
        or positive & purpose_dimensions
        or any(i.get("exploitation") or "form" in i for i in pointing)
    )
    other = bool(
        facts.means
        or facts.domestic_violence
        or facts.acts & TRADING_ACTS
        or any(i["dimension"] not in purpose_dimensions for i in pointing)
    )
    return _Signs(exploitation, other, exploitation or other or bool(facts.acts or pointing))


def closures(index: Index, facts: Facts, positive: set[str]) -> tuple[NotTraffickingReason, ...]:
    """Every reason that rules trafficking out: a fact excludes an element, and nothing
    recorded points the other way (consent is irrelevant once a means is used, so any means
    keeps the case open; domestic violence rules out only the purpose)."""
    signs = _signs(index, facts, positive)
    found = []
    if facts.domestic_violence and not signs.exploitation and not facts.acts & TRADING_ACTS:
        found.append(NotTraffickingReason.DOMESTIC_VIOLENCE)
    if signs.exploitation or signs.other:
        return tuple(found)
    free = facts.free_after_arrival and facts.holds_own_documents
    if free and facts.own_will and facts.paid_as_agreed:
        found.append(NotTraffickingReason.REGULAR_MIGRATION_OR_WORK)
    elif free and facts.consented_to_movement and facts.ended_on_arrival:
        found.append(NotTraffickingReason.SMUGGLING)
    if not facts.treated_as_child and facts.begging and not facts.third_party_organises_or_profits:
        found.append(NotTraffickingReason.VOLUNTARY_BEGGING)
    return tuple(found)


def police_grounds(index: Index, facts: Facts) -> tuple[str, ...]:
    """Why the police must come now: danger, violence against a child, a missing child, a
    crime under way."""
    violence = (
        facts.domestic_violence
        or "force" in facts.means
        or any(i.get("violence") for i in index.observed(facts))
    )
    grounds = {
        "immediate_danger": facts.immediate_danger,
        "violence_against_child": facts.treated_as_child and violence,
        "missing_child": facts.missing_child,
        "crime_in_progress": facts.crime_in_progress,
    }
    return tuple(ground for ground, applies in grounds.items() if applies)


def _forms(index: Index, facts: Facts, weights: str, elements: _Elements) -> tuple[str, ...]:
    """The forms of exploitation: those recorded, and those the facts or the indicators show
    (the exploitation dimension of a form's own list, its own indicators, organised begging)."""
    shown_kinds = {i["form"] for i in index.observed(facts) if "form" in i}
    if elements.shown[Element.PURPOSE]:
        shown_kinds.add(index.lists[weights]["kind"])
    if facts.organised_begging:
        shown_kinds.add("begging")
    covered = {index.form_kinds.get(p) for p in facts.purposes}
    forms = set(facts.purposes) | {index.representative_form(k) for k in shown_kinds - covered}
    return tuple(code for code in index.form_kinds if code in forms)


def _evaluate_with(index: Index, facts: Facts, weights: str) -> Outcome:
    dimensions = score_dimensions(index, facts.indicators, weights)
    positive = {d.code for d in dimensions if d.positive}
    elements = _elements(index, facts, positive)
    signs = _signs(index, facts, positive).any
    police = police_grounds(index, facts)
    reasons = [
        Reason("dimension_positive", {"dimension": d.code, **d.counts})
        for d in dimensions
        if d.positive
    ]
    if facts.age_group == AgeGroup.UNCERTAIN:
        reasons.append(Reason("minority_presumed"))
    if facts.treated_as_child:
        reasons.append(Reason("child_means_not_required"))
    reasons += [Reason(f"police_{ground}") for ground in police]
    common = _Common(weights, dimensions, police)

    if not elements.missing:
        forms = _forms(index, facts, weights, elements)
        lines = _presumed_reasons(index, facts, positive, elements)
        return common.outcome(
            OutcomeCode.PRESUMED_VICTIM_CHILD
            if facts.treated_as_child
            else OutcomeCode.PRESUMED_VICTIM_ADULT,
            route=elements.route,
            reasons=(*reasons, *lines, *_forms_line(forms)),
            forms=forms,
            suspected=True,
        )
    if facts.treated_as_child and facts.begging and not facts.third_party_organises_or_profits:
        return _open(
            OutcomeCode.AT_RISK,
            [*reasons, Reason("child_street_situation")],
            index,
            facts,
            weights,
            elements,
            signs,
            common,
        )
    closed = closures(index, facts, positive)
    if closed:
        return _closed(closed, reasons, index, facts, common)
    if positive:
        reasons.append(Reason("at_risk_indicators"))
    code = (
        OutcomeCode.AT_RISK
        if positive or facts.risk_factors
        else OutcomeCode.INSUFFICIENT_INFORMATION
    )
    return _open(code, reasons, index, facts, weights, elements, signs, common)


def _element_lines(elements: _Elements) -> list[Reason]:
    lines = []
    for element in elements.needed:
        if elements.recorded[element]:
            lines.append(
                Reason(
                    "element_recorded",
                    {"element": element.value, "items": list(elements.recorded[element])},
                )
            )
        if elements.shown[element]:
            lines.append(
                Reason(
                    "element_shown",
                    {"element": element.value, "dimensions": list(elements.shown[element])},
                )
            )
    return lines


def _consent_lines(facts: Facts, elements: _Elements) -> list[Reason]:
    if not facts.consent_recorded:
        return []
    if facts.treated_as_child:
        return [Reason("consent_irrelevant_child")]
    return [Reason("consent_irrelevant_means")] if elements.present(Element.MEANS) else []


def _begging_lines(facts: Facts) -> list[Reason]:
    if not facts.organised_begging:
        return []
    return [Reason("child_begging_organised" if facts.treated_as_child else "begging_organised")]


def _presumed_reasons(
    index: Index, facts: Facts, positive: set[str], elements: _Elements
) -> list[Reason]:
    reasons = [Reason(f"route_{elements.route}"), *_element_lines(elements), *_begging_lines(facts)]
    rule = index.catalogue["rule"]["child_presumed" if facts.treated_as_child else "adult_presumed"]
    if all(any(code in positive for code in group) for group in rule):
        reasons.append(
            Reason("child_rule_indicators" if facts.treated_as_child else "adult_rule_met")
        )
    if facts.consented_to_movement and facts.control_continues:
        reasons.append(Reason("smuggling_but_control_continues"))
    reasons += _consent_lines(facts, elements)
    away = [name for name in AWAY_FROM_TRAFFICKING if getattr(facts, name)]
    if away:
        reasons.append(Reason("facts_point_away", {"facts": away}))
    if facts.offences:
        reasons.append(Reason("non_punishment", {"offences": sorted(facts.offences)}))
    return reasons


def _open(
    code: OutcomeCode,
    reasons: list[Reason],
    index: Index,
    facts: Facts,
    weights: str,
    elements: _Elements,
    signs: bool,
    common: _Common,
) -> Outcome:
    """At risk or insufficient information: name what is there and what is missing."""
    open_questions = code == OutcomeCode.INSUFFICIENT_INFORMATION or signs
    missing = elements.missing if open_questions else ()
    wanted = {d for element in missing for d in index.elements[element]}
    lines = [*_element_lines(elements), *_begging_lines(facts)]
    lines += [Reason(f"{element}_missing") for element in missing]
    if facts.consented_to_movement and facts.control_continues:
        lines.append(Reason("smuggling_but_control_continues"))
    lines += _consent_lines(facts, elements)
    if facts.offences:
        lines.append(Reason("non_punishment_if_identified", {"offences": sorted(facts.offences)}))
    prevention = code == OutcomeCode.AT_RISK
    lines += _risk_lines(facts, prevention)
    forms = _forms(index, facts, weights, elements)
    lines += _forms_line(forms)
    positive = {d.code for d in common.dimensions if d.positive}
    return common.outcome(
        code,
        reasons=(*reasons, *lines),
        ask_about=tuple(d for d in index.dimension_order if d in wanted and d not in positive),
        missing=missing,
        forms=forms,
        prevention=prevention,
        open_questions=open_questions,
        suspected=signs,
    )


def _forms_line(forms: tuple[str, ...]) -> list[Reason]:
    return [Reason("forms_named", {"forms": list(forms)})] if forms else []


def _risk_lines(facts: Facts, prevention: bool) -> list[Reason]:
    lines = []
    if facts.risk_factors:
        lines.append(Reason("risk_factors_present", {"factors": sorted(facts.risk_factors)}))
    if prevention:
        lines.append(Reason("at_risk_prevention"))
    return lines


def _closed(
    closed: tuple[NotTraffickingReason, ...],
    reasons: list[Reason],
    index: Index,
    facts: Facts,
    common: _Common,
) -> Outcome:
    lines = [Reason(reason.value) for reason in closed]
    situation = [i["code"] for i in index.observed(facts) if i.get("situation")]
    if situation:
        lines.append(Reason("situation_only", {"indicators": situation}))
    prevention = bool(facts.risk_factors)
    lines += _risk_lines(facts, prevention)
    return common.outcome(
        OutcomeCode.NOT_TRAFFICKING,
        not_trafficking_reason=closed[0].value,
        closures=tuple(reason.value for reason in closed),
        reasons=(*reasons, *lines),
        prevention=prevention,
    )
