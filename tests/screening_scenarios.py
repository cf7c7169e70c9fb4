"""The screening scenario table: cases as practitioners describe them, with what the law requires.

Each scenario is a short case story, the facts a screener would record from it, and the
expected result: the outcome, its reason (why a case is closed), the route to "presumed
victim" (the recorded legal elements, the indicators, both, or the legal elements completed by
the indicators), the exact first-contact protocol, and the explanation lines that must (and
must not) appear.

Classes (issue 12): 1 adults exploited without deception at recruitment (means at the
destination); 2 closing for the right reason; 3 the catalogue's lists for each form of
exploitation; 4 the at-risk track; 5 the protocol (police, non-punishment, consent);
6 explanations. Scenarios from the first pass (issue 3) carry no class.

Sources: Palermo Protocol art. 3 (act, means, purpose; (b) consent irrelevant once a means is
used; (c) a child needs no means); Serbian Criminal Code art. 388 (acts include holding and
concealing a person; begging and committing criminal offences are purposes); Council of Europe
Convention art. 26 (non-punishment); ILO/EC Delphi indicators (2009) for the dimensions; UNODC,
OSCE and IOM guidance for the forms the Delphi lists do not cover.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from spona.screening.engine import AgeGroup, Facts, OutcomeCode

ADULT = OutcomeCode.PRESUMED_VICTIM_ADULT
CHILD = OutcomeCode.PRESUMED_VICTIM_CHILD
AT_RISK = OutcomeCode.AT_RISK
NOT_TRAFFICKING = OutcomeCode.NOT_TRAFFICKING
INSUFFICIENT = OutcomeCode.INSUFFICIENT_INFORMATION

DR, CR, RV = "deceptive_recruitment", "coercive_recruitment", "recruitment_abuse_of_vulnerability"
EC = "exploitative_conditions_of_work"
CD, VD = "coercion_at_destination", "abuse_of_vulnerability_at_destination"
ALL_DIMENSIONS = (DR, CR, RV, EC, CD, VD)
#: the dimensions that can show an act, a means, a purpose (in catalogue order)
ASK_ACT_AND_MEANS = (DR, CR, RV, CD, VD)
ASK_ACT_AND_PURPOSE = (DR, CR, RV, EC, CD)

# protocol steps
POLICE, GUARDIANSHIP, CENTRE = "police_now", "guardianship_now", "notify_centre_24h"
ACCOMMODATION, HEALTH, INTERPRETER = "safe_accommodation", "health_care", "interpreter"
NP_PROSECUTOR = "non_punishment_prosecutor"
NP_MISDEMEANOUR = "non_punishment_misdemeanour"
NP_RESIDENCE = "non_punishment_residence"
DOMESTIC_VIOLENCE = "refer_domestic_violence"
PREVENTION, COLLECT = "prevention_follow_up", "collect_information"
MIGRANT, SOCIAL, REGULAR_WORK = (
    "refer_migrant_protection",
    "refer_social_protection",
    "regular_work_information",
)
GUIDANCE = ("no_confrontation", "no_repeated_interviews")

SMUGGLED_FREE: dict[str, Any] = {
    "consented_to_movement": True,
    "ended_on_arrival": True,
    "free_after_arrival": True,
    "holds_own_documents": True,
}
REGULAR: dict[str, Any] = {
    "own_will": True,
    "paid_as_agreed": True,
    "free_after_arrival": True,
    "holds_own_documents": True,
}


def facts(
    *indicators: str,
    age: AgeGroup = AgeGroup.ADULT,
    acts: tuple[str, ...] = (),
    means: tuple[str, ...] = (),
    purposes: tuple[str, ...] = (),
    risks: tuple[str, ...] = (),
    offences: tuple[str, ...] = (),
    **flags: bool,
) -> Facts:
    return Facts(
        age_group=age,
        indicators=frozenset(indicators),
        acts=frozenset(acts),
        means=frozenset(means),
        purposes=frozenset(purposes),
        risk_factors=frozenset(risks),
        offences=frozenset(offences),
        **flags,
    )


@dataclass(frozen=True)
class Scenario:
    name: str
    story: str
    facts: Facts
    code: OutcomeCode
    #: the exact protocol, in order
    steps: tuple[str, ...]
    not_trafficking_reason: str = ""  # asserted always: "" unless the case is closed
    route: str = ""  # asserted always: "" unless presumed
    classes: frozenset[int] = frozenset()
    reasons: tuple[str, ...] = ()  # explanation codes that must be present
    absent_reasons: tuple[str, ...] = ()  # ... and must not
    prevention: bool | None = None  # the at-risk (prevention) track
    missing: tuple[str, ...] | None = None  # the exact legal elements still missing
    forms: tuple[str, ...] | None = None  # the exact forms of exploitation named
    deadlines: tuple[tuple[str, timedelta | None], ...] = ()
    positive: frozenset[str] | None = None  # the exact set of positive dimensions
    ask_about: tuple[str, ...] | None = None  # the exact dimensions still to ask about
    weights: str = ""  # the indicator list the outcome was decided on
    strengths: str = ""  # sorted strengths of the observed indicators on that list, e.g. "MMW"


def c(*numbers: int) -> frozenset[int]:
    return frozenset(numbers)


NEVER_PADDING = ("legal_elements_need_indicators", "adult_rule_missing")

SCENARIOS = [
    # === first pass (issue 3), revised where the legal route changes the result ============
    Scenario(
        "adult_labour_deception_and_document_confiscation",
        "Recruited with a false job offer, moved abroad, documents taken, threatened, long "
        "hours for little pay.",
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
        (CENTRE, *GUIDANCE),
        route="both",
        reasons=("adult_rule_met", "route_both"),
        absent_reasons=("fallback_weights", *NEVER_PADDING),
        deadlines=((CENTRE, timedelta(hours=24)),),
        positive=frozenset({DR, EC, CD}),
        ask_about=(),
        missing=(),
        forms=("labour_exploitation",),
        weights="adult_labour",
        strengths="MMMSSS",
    ),
    Scenario(
        # On the adult-sexual list excessive hours are medium (the exploitation dimension has
        # no strong indicator there) and forced clients strong: the list is its own, no
        # labour weight stands in for it.
        "adult_sexual_exploitation_uses_its_own_list",
        "Recruited with a false offer of waitressing work, then made to see clients.",
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
        (CENTRE, *GUIDANCE),
        route="legal",
        classes=c(3),
        reasons=("route_legal",),
        absent_reasons=("fallback_weights",),
        positive=frozenset({DR, CD}),
        forms=("prostitution",),
        weights="adult_sexual",
        strengths="MMMMSS",
    ),
    Scenario(
        "child_begging_organised_by_parent",
        "A child begs; a parent takes the money.",
        facts(age=AgeGroup.CHILD, begging=True, third_party_organises_or_profits=True),
        CHILD,
        (GUARDIANSHIP, CENTRE, *GUIDANCE),
        route="legal",
        reasons=("child_begging_organised", "child_means_not_required", "route_legal"),
        absent_reasons=("child_street_situation",),
        forms=("begging",),
    ),
    Scenario(
        "uncertain_age_begging_organised_is_child_trafficking",
        "A young person of uncertain age begs for someone who takes the money.",
        facts(age=AgeGroup.UNCERTAIN, begging=True, third_party_organises_or_profits=True),
        CHILD,
        (GUARDIANSHIP, CENTRE, *GUIDANCE),
        route="legal",
        reasons=("minority_presumed", "child_begging_organised"),
    ),
    Scenario(
        "forced_marriage_of_minor_act_and_purpose",
        "A girl is sold into a marriage.",
        facts(age=AgeGroup.CHILD, acts=("sale",), purposes=("forced_marriage",)),
        CHILD,
        (GUARDIANSHIP, CENTRE, *GUIDANCE),
        route="legal",
        reasons=("route_legal", "child_means_not_required"),
        absent_reasons=("child_rule_indicators",),
        weights="child_forced_marriage",
    ),
    Scenario(
        "child_recruitment_and_exploitation_need_no_coercion",
        "A boy was lured with a false job and works long hours for nothing.",
        facts("DR01", "DR02", "EC01", "EC02", age=AgeGroup.CHILD),
        CHILD,
        (GUARDIANSHIP, CENTRE, *GUIDANCE),
        route="indicators",
        reasons=("child_rule_indicators", "child_means_not_required", "route_indicators"),
        positive=frozenset({DR, EC}),
        ask_about=(),
        forms=("labour_exploitation",),
        weights="child_labour",
        strengths="MMSS",
    ),
    Scenario(
        "age_uncertain_treated_as_child",
        "The same, and nobody knows whether the person is 17 or 19.",
        facts("DR01", "DR02", "EC01", "EC02", age=AgeGroup.UNCERTAIN),
        CHILD,
        (GUARDIANSHIP, CENTRE, *GUIDANCE),
        route="indicators",
        reasons=("minority_presumed", "child_rule_indicators"),
        weights="child_labour",
    ),
    Scenario(
        "smuggled_migrant_later_held_in_debt_bondage",
        "Agreed to be smuggled; on arrival held in debt bondage without documents.",
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
        (CENTRE, *GUIDANCE),
        route="indicators",
        classes=c(2, 5),
        reasons=(
            "adult_rule_met",
            "smuggling_but_control_continues",
            "consent_irrelevant_means",
            "route_indicators",
        ),
        absent_reasons=("smuggling",),
        positive=frozenset({RV, EC, CD}),
        strengths="MMMMSSS",
    ),
    Scenario(
        "adult_begging_organised_with_coercion_is_presumed",
        "A man is made to beg by a group that beats and watches him.",
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
        (CENTRE, *GUIDANCE),
        route="both",
        reasons=("adult_rule_met", "route_both", "begging_organised"),
        positive=frozenset({CR, EC, CD}),
        weights="adult_begging",
        strengths="MMMMMMMS",
    ),
    Scenario(
        "child_domestic_violence_with_act_and_purpose",
        "A girl's mother's partner beats her and hands her over to men for money.",
        facts(
            age=AgeGroup.CHILD,
            domestic_violence=True,
            acts=("handover",),
            purposes=("prostitution",),
        ),
        CHILD,
        (POLICE, GUARDIANSHIP, CENTRE, DOMESTIC_VIOLENCE, *GUIDANCE),
        route="legal",
        classes=c(5),
        reasons=("route_legal", "police_violence_against_child"),
        absent_reasons=("domestic_violence",),
    ),
    Scenario(
        # two lists apply; both give "presumed", the sexual one (the recorded form's own
        # list) comes first
        "mixed_labour_and_sexual_purposes_take_the_form_list_first",
        "Recruited for bar work, made to work long hours and to see clients.",
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
        (CENTRE, *GUIDANCE),
        route="combined",
        reasons=("route_combined",),
        forms=("labour_exploitation", "prostitution"),
        weights="adult_sexual",
        strengths="MMMMSS",
    ),
    # --- at risk ---------------------------------------------------------------------------
    Scenario(
        "forced_clients_are_medium_on_the_labour_list",
        "Long hours, low pay and 'forced tasks' in a labour case: not yet an act or a means.",
        facts("CD07", "CD09", "EC01", "EC02", purposes=("labour_exploitation",)),
        AT_RISK,
        (PREVENTION, COLLECT, *GUIDANCE),
        classes=c(3),
        reasons=("at_risk_indicators", "act_missing", "means_missing"),
        prevention=True,
        missing=("act", "means"),
        positive=frozenset({EC}),
        ask_about=ASK_ACT_AND_MEANS,
        weights="adult_labour",
        strengths="MMMS",
    ),
    Scenario(
        # Deception is a means (Palermo art. 3(a)): recruited by deception for exploitation
        # is trafficking without any coercion at the destination. The ILO/EC combination
        # (which also asks for coercion) is not met and is not needed.
        "deceptive_recruitment_into_exploitative_work_is_presumed",
        "Lured with a false job offer; now works long hours for almost nothing.",
        facts("DR01", "DR02", "EC01", "EC02"),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="indicators",
        classes=c(1),
        reasons=("route_indicators",),
        absent_reasons=("adult_rule_met", "adult_rule_missing"),
        positive=frozenset({DR, EC}),
        strengths="MMSS",
    ),
    Scenario(
        "at_risk_one_positive_recruitment_dimension",
        "Deceived about the job and the pay; what happens at work is not known yet.",
        facts("DR01", "DR02"),
        AT_RISK,
        (PREVENTION, COLLECT, *GUIDANCE),
        classes=c(6),
        reasons=("purpose_missing",),
        absent_reasons=NEVER_PADDING,
        prevention=True,
        missing=("purpose",),
        positive=frozenset({DR}),
        ask_about=(EC,),
        weights="adult_labour",
        strengths="MS",
    ),
    Scenario(
        "child_begging_nobody_organising_is_street_situation",
        "A child begs alone; nobody brings the child or takes the money.",
        facts(age=AgeGroup.CHILD, begging=True),
        AT_RISK,
        (GUARDIANSHIP, PREVENTION),
        reasons=("child_street_situation", "child_means_not_required"),
        absent_reasons=("child_begging_organised", "voluntary_begging"),
        prevention=True,
        deadlines=((GUARDIANSHIP, timedelta(hours=1)),),
    ),
    Scenario(
        # CR02 and CR03 are M for adults but S for children: the children's list applies.
        "child_weights_make_two_adult_mediums_strong",
        "A girl was threatened and sold; what she is made to do is not known yet.",
        facts("CR02", "CR03", age=AgeGroup.CHILD),
        AT_RISK,
        (GUARDIANSHIP, PREVENTION, COLLECT, *GUIDANCE),
        reasons=("purpose_missing",),
        missing=("purpose",),
        positive=frozenset({CR}),
        ask_about=(EC,),
        weights="child_labour",
        strengths="SS",
    ),
    # --- dimension rule: each positive clause (one dimension, adult-labour list) ------------
    Scenario(
        "clause_two_strong",
        "Documents confiscated and a debt that never ends.",
        facts("CD01", "CD02"),
        AT_RISK,
        (PREVENTION, COLLECT, *GUIDANCE),
        reasons=("dimension_positive", "purpose_missing"),
        positive=frozenset({CD}),
        ask_about=(EC,),
        weights="adult_labour",
        strengths="SS",
    ),
    Scenario(
        "clause_one_strong_one_medium",
        "Long hours and no pay; nothing known of how the person got there.",
        facts("EC01", "EC02"),
        AT_RISK,
        (PREVENTION, COLLECT, *GUIDANCE),
        reasons=("dimension_positive",),
        positive=frozenset({EC}),
        ask_about=ASK_ACT_AND_MEANS,
        weights="adult_labour",
        strengths="MS",
    ),
    Scenario(
        "clause_one_strong_one_weak",
        "Long hours; no access to education.",
        facts("EC01", "EC09"),
        AT_RISK,
        (PREVENTION, COLLECT, *GUIDANCE),
        reasons=("dimension_positive",),
        positive=frozenset({EC}),
        weights="adult_labour",
        strengths="SW",
    ),
    Scenario(
        "clause_three_medium",
        "Recruited by someone who used the family's troubles, the person's irregular status "
        "and poor language.",
        facts("RV01", "RV02", "RV03"),
        AT_RISK,
        (PREVENTION, COLLECT, *GUIDANCE),
        reasons=("dimension_positive",),
        positive=frozenset({RV}),
        ask_about=(EC,),
        weights="adult_labour",
        strengths="MMM",
    ),
    Scenario(
        "clause_two_medium_one_weak",
        "Depends on the employer, lost in a strange town, a hard past.",
        facts("VD01", "VD02", "VD06"),
        AT_RISK,
        (PREVENTION, COLLECT, *GUIDANCE),
        reasons=("dimension_positive",),
        positive=frozenset({VD}),
        ask_about=ASK_ACT_AND_PURPOSE,
        weights="adult_labour",
        strengths="MMW",
    ),
    # --- dimension rule: near misses --------------------------------------------------------
    Scenario(
        "near_miss_one_strong_alone",
        "Deceived about the job, nothing else known.",
        facts("DR01"),
        INSUFFICIENT,
        (COLLECT, *GUIDANCE),
        absent_reasons=("dimension_positive",),
        positive=frozenset(),
        weights="adult_labour",
        strengths="S",
    ),
    Scenario(
        "near_miss_two_medium",
        "Threatened and documents taken at recruitment, nothing else known.",
        facts("CR02", "CR05"),
        INSUFFICIENT,
        (COLLECT, *GUIDANCE),
        absent_reasons=("dimension_positive",),
        positive=frozenset(),
        weights="adult_labour",
        strengths="MM",
    ),
    Scenario(
        "near_miss_one_medium_two_weak",
        "Depends on the employer; a hard past; personal characteristics.",
        facts("VD01", "VD06", "VD07"),
        INSUFFICIENT,
        (COLLECT, *GUIDANCE),
        absent_reasons=("dimension_positive",),
        positive=frozenset(),
        weights="adult_labour",
        strengths="MWW",
    ),
    Scenario(
        # No dimension of the adult-labour list has more than two weak indicators, so four
        # weak ones are at most two per dimension (see test_four_weak_in_one_dimension_...).
        "near_miss_four_weak",
        "Four weak signs in two dimensions.",
        facts("RV15", "RV16", "VD06", "VD07"),
        INSUFFICIENT,
        (COLLECT, *GUIDANCE),
        absent_reasons=("dimension_positive",),
        positive=frozenset(),
        weights="adult_labour",
        strengths="WWWW",
    ),
    # --- insufficient information -----------------------------------------------------------
    Scenario(
        "nothing_recorded",
        "A screening opened and completed with nothing ticked.",
        facts(),
        INSUFFICIENT,
        (COLLECT,),
        classes=c(6),
        reasons=("act_missing", "means_missing", "purpose_missing"),
        absent_reasons=NEVER_PADDING,
        deadlines=((COLLECT, timedelta(days=3)),),
        positive=frozenset(),
        missing=("act", "means", "purpose"),
        ask_about=ALL_DIMENSIONS,
    ),
    Scenario(
        "only_one_weak_indicator",
        "The general context is hard; nothing else.",
        facts("RV16"),
        INSUFFICIENT,
        (COLLECT,),
        positive=frozenset(),
        strengths="W",
    ),
    Scenario(
        "adult_act_means_purpose_without_indicators",
        "A woman was recruited by deception for labour exploitation; no indicator ticked.",
        facts(acts=("recruitment",), means=("deception",), purposes=("labour_exploitation",)),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="legal",
        classes=c(1, 6),
        reasons=("route_legal",),
        absent_reasons=NEVER_PADDING,
        missing=(),
    ),
    Scenario(
        "adult_begging_organised_by_third_party_ask_means",
        "A man begs; someone else organises it and takes the money; how he is kept is not known.",
        facts(begging=True, third_party_organises_or_profits=True),
        INSUFFICIENT,
        (COLLECT, *GUIDANCE),
        classes=c(6),
        reasons=("begging_organised", "means_missing"),
        absent_reasons=("voluntary_begging",),
        missing=("means",),
        forms=("begging",),
    ),
    Scenario(
        "adult_begging_with_one_sign_is_not_voluntary",
        "A man begs; he depends on the man he lives with.",
        facts("VD01", begging=True),
        INSUFFICIENT,
        (COLLECT, *GUIDANCE),
        absent_reasons=("voluntary_begging",),
    ),
    Scenario(
        "smuggled_free_on_arrival_with_one_indicator",
        "Smuggled, free on arrival, but the smuggler used her irregular status.",
        facts("RV02", **SMUGGLED_FREE),
        INSUFFICIENT,
        (COLLECT, *GUIDANCE),
        absent_reasons=("smuggling",),
    ),
    Scenario(
        "smuggled_but_control_continues_without_indicators",
        "Smuggled; after arrival someone still controls him; what for is not known.",
        facts(**SMUGGLED_FREE, control_continues=True),
        INSUFFICIENT,
        (COLLECT, *GUIDANCE),
        classes=c(5),
        reasons=("smuggling_but_control_continues", "consent_irrelevant_means", "purpose_missing"),
        absent_reasons=("smuggling",),
        missing=("purpose",),
    ),
    Scenario(
        "smuggled_but_documents_not_with_the_person",
        "Smuggled, free, but does not hold her own documents.",
        facts(**{**SMUGGLED_FREE, "holds_own_documents": False}),
        INSUFFICIENT,
        (COLLECT,),
        absent_reasons=("smuggling",),
    ),
    Scenario(
        "domestic_violence_with_exploitation_purpose_is_not_exempt",
        "Her partner beats her and wants her to sell sex; who arranges it is not known.",
        facts(domestic_violence=True, purposes=("prostitution",)),
        INSUFFICIENT,
        (DOMESTIC_VIOLENCE, COLLECT, *GUIDANCE),
        classes=c(2),
        reasons=("act_missing",),
        absent_reasons=("domestic_violence",),
        missing=("act",),
    ),
    Scenario(
        "criminal_activity_has_its_own_list",
        "Forced tasks and acting against peers, for crimes.",
        facts("CD07", "CD09", purposes=("criminal_activity",)),
        INSUFFICIENT,
        (COLLECT, *GUIDANCE),
        classes=c(3),
        absent_reasons=("fallback_weights",),
        positive=frozenset(),
        weights="adult_criminal_activity",
        strengths="MM",
    ),
    Scenario(
        "organ_removal_has_its_own_list",
        "Forced tasks and acting against peers, for organ removal.",
        facts("CD07", "CD09", purposes=("organ_removal",)),
        INSUFFICIENT,
        (COLLECT, *GUIDANCE),
        classes=c(3),
        absent_reasons=("fallback_weights",),
        positive=frozenset(),
        weights="adult_organ_removal",
        strengths="MM",
    ),
    Scenario(
        "immediate_danger_calls_police_first_even_without_information",
        "A caller says someone is in danger right now.",
        facts(immediate_danger=True),
        INSUFFICIENT,
        (POLICE, COLLECT),
        reasons=("police_immediate_danger",),
        deadlines=((POLICE, timedelta(hours=1)),),
    ),
    # --- not trafficking ------------------------------------------------------------------
    Scenario(
        "adult_voluntary_begging",
        "A woman begs of her own will and keeps the money.",
        facts(begging=True),
        NOT_TRAFFICKING,
        (SOCIAL,),
        "voluntary_begging",
        absent_reasons=NEVER_PADDING,
    ),
    Scenario(
        "smuggled_migrant_free_on_arrival",
        "He paid to be smuggled; the smuggler left on arrival; he is free and holds his papers.",
        facts(**SMUGGLED_FREE),
        NOT_TRAFFICKING,
        (MIGRANT,),
        "smuggling",
        absent_reasons=NEVER_PADDING,
    ),
    Scenario(
        "smuggled_child_free_on_arrival_without_act_and_purpose",
        "An unaccompanied 16-year-old was smuggled; free on arrival, holds his papers.",
        facts(age=AgeGroup.CHILD, **SMUGGLED_FREE),
        NOT_TRAFFICKING,
        (GUARDIANSHIP, MIGRANT),
        "smuggling",
        reasons=("child_means_not_required",),
    ),
    Scenario(
        "domestic_violence_without_exploitation_purpose",
        "Her husband hits her; nobody makes her work or sell sex.",
        facts(domestic_violence=True),
        NOT_TRAFFICKING,
        (DOMESTIC_VIOLENCE,),
        "domestic_violence",
        deadlines=((DOMESTIC_VIOLENCE, timedelta(days=1)),),
    ),
    Scenario(
        "child_domestic_violence_without_purpose",
        "A boy's father hits him; no exploitation.",
        facts(age=AgeGroup.CHILD, domestic_violence=True),
        NOT_TRAFFICKING,
        (POLICE, GUARDIANSHIP, DOMESTIC_VIOLENCE),
        "domestic_violence",
        classes=c(5),
        reasons=("police_violence_against_child",),
    ),
    # --- protocol -------------------------------------------------------------------------
    Scenario(
        "presumed_adult_in_immediate_danger_police_first",
        "Deceived, exploited, documents taken, threatened; hurt, and the exploiters are near.",
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
        (POLICE, CENTRE, ACCOMMODATION, HEALTH, INTERPRETER, *GUIDANCE),
        route="indicators",
        deadlines=(
            (POLICE, timedelta(hours=1)),
            (CENTRE, timedelta(hours=24)),
            (ACCOMMODATION, timedelta(hours=8)),
            ("no_confrontation", None),
            ("no_repeated_interviews", None),
        ),
    ),
    Scenario(
        "presumed_child_guardianship_before_centre",
        "A deceived and exploited boy.",
        facts("DR01", "DR02", "EC01", "EC02", age=AgeGroup.CHILD),
        CHILD,
        (GUARDIANSHIP, CENTRE, *GUIDANCE),
        route="indicators",
    ),
    Scenario(
        # Palermo Protocol art. 3(b) (and KZ art. 388, consent irrelevant): where a means was
        # used the person's consent is irrelevant, so "agreed to be smuggled" cannot close
        # the case once the screener has recorded a means; domain.md section 3: "never let
        # 'irregular migrant' suppress trafficking screening".
        "smuggled_adult_with_act_means_and_purpose_recorded",
        "She paid to be brought over the border; the 'smuggler' had lied to her and sold her "
        "to a bar owner.",
        facts(
            acts=("recruitment", "transportation"),
            means=("deception",),
            purposes=("prostitution",),
            **SMUGGLED_FREE,
        ),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="legal",
        classes=c(2, 5),
        reasons=("route_legal", "consent_irrelevant_means"),
        absent_reasons=("smuggling", *NEVER_PADDING),
    ),
    # === class 1: adults exploited without deception at recruitment ===========================
    Scenario(
        "construction_worker_travelled_alone_held_by_debt",
        "A 41-year-old man heard from a cousin about building work in Belgrade and went there "
        "by bus on his own. The site boss houses him in a container, says he owes 900 euros "
        "for food and the bed, keeps his identity card 'so he won't run', and has not paid "
        "him for three months.",
        facts(
            "CD01",
            "CD02",
            "EC02",
            "EC04",
            acts=("holding",),
            means=("withholding_documents", "abuse_of_difficult_circumstances"),
            purposes=("labour_exploitation",),
        ),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="legal",
        classes=c(1),
        reasons=("route_legal",),
        absent_reasons=("adult_rule_met", *NEVER_PADDING),
        missing=(),
        positive=frozenset({CD}),
        forms=("labour_exploitation",),
    ),
    Scenario(
        "seasonal_picker_who_came_freely_then_threatened",
        "A 29-year-old woman went of her own will to pick raspberries near Arilje and was paid "
        "the first week. Then the farmer said she owed him for the transport and the room, "
        "stopped paying her, took her phone and said he would beat her if she left. She says "
        "she agreed to come and still wants the job.",
        facts(
            "CD03",
            "CD05",
            "CD14",
            "EC02",
            acts=("holding",),
            means=("threat", "abuse_of_difficult_circumstances"),
            purposes=("labour_exploitation",),
            own_will=True,
        ),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="legal",
        classes=c(1, 5),
        reasons=("route_legal", "consent_irrelevant_means", "facts_point_away"),
        positive=frozenset({CD}),
    ),
    Scenario(
        "live_in_carer_held_at_destination_indicators_only",
        "A 38-year-old woman came to Novi Sad on her own visa to care for an old man. His son "
        "took her passport 'for the registration' on the first day; she works from six in "
        "the morning to eleven at night, may not go out alone and gets 50 euros a month "
        "instead of 600. The screener ticked only what was observed.",
        facts("CD01", "CD03", "EC01", "EC02"),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="indicators",
        classes=c(1, 6),
        reasons=("route_indicators", "element_shown"),
        absent_reasons=("adult_rule_met", *NEVER_PADDING),
        positive=frozenset({EC, CD}),
        missing=(),
        forms=("labour_exploitation",),
        weights="adult_labour",
        strengths="MSSS",
    ),
    Scenario(
        "live_in_carer_held_at_destination_elements_and_indicators",
        "The same carer, with the act (holding), the means (documents withheld) and the "
        "purpose (forced labour) recorded as well.",
        facts(
            "CD01",
            "CD03",
            "EC01",
            "EC02",
            acts=("holding",),
            means=("withholding_documents",),
            purposes=("forced_labour",),
        ),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="both",
        classes=c(1, 6),
        reasons=("route_both",),
        forms=("forced_labour",),
    ),
    Scenario(
        "man_with_intellectual_disability_kept_on_a_farm",
        "A 52-year-old man with an intellectual disability has lived and worked on a farm for "
        "years. The owner keeps his allowance card, he sleeps in the barn and has never been "
        "paid. His brother brought him there and left.",
        facts(
            "VD01",
            "EC02",
            "EC04",
            acts=("holding",),
            means=("abuse_of_dependency", "abuse_of_difficult_circumstances"),
            purposes=("labour_exploitation",),
            risks=("disability",),
        ),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="legal",
        classes=c(1, 4),
        reasons=("route_legal",),
        absent_reasons=("at_risk_prevention",),
        prevention=False,
        positive=frozenset(),
    ),
    Scenario(
        "car_wash_worker_act_recorded_means_shown_by_indicators",
        "A young man from Vranje took a car-wash job in Belgrade through a friend. The owner "
        "keeps his passport and says he owes for a fine he paid; he works 14 hours a day for "
        "food. The screener ticked holding and labour exploitation, not the means.",
        facts(
            "CD01",
            "CD02",
            "EC01",
            acts=("holding",),
            purposes=("labour_exploitation",),
        ),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="combined",
        classes=c(1, 6),
        reasons=("route_combined", "element_recorded", "element_shown"),
        positive=frozenset({CD}),
    ),
    Scenario(
        "hotel_worker_recruited_for_exploitation_without_any_means",
        "A 30-year-old woman was recruited by an agency for hotel work on the coast; the "
        "screener suspects the agency means to exploit her, but nobody has lied to her, "
        "threatened her or taken anything, and no indicator was observed.",
        facts(acts=("recruitment",), purposes=("labour_exploitation",)),
        INSUFFICIENT,
        (COLLECT, *GUIDANCE),
        classes=c(1, 6),
        reasons=("means_missing", "element_recorded"),
        absent_reasons=NEVER_PADDING,
        missing=("means",),
        ask_about=ASK_ACT_AND_MEANS,
    ),
    Scenario(
        "flower_seller_beaten_by_the_organiser",
        "A 45-year-old man came to Niš with a group from his village to sell flowers. The "
        "organiser takes all the money, keeps the group in one house and beats anyone who "
        "brings too little.",
        facts(
            "BG02",
            "BG03",
            begging=True,
            third_party_organises_or_profits=True,
            means=("force",),
            purposes=("begging",),
        ),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="legal",
        classes=c(1, 3),
        reasons=("route_legal", "begging_organised"),
        forms=("begging",),
        weights="adult_begging",
    ),
    Scenario(
        "restaurant_kitchen_worker_threatened_with_deportation",
        "A 27-year-old foreign cook got his Serbian job through a friend and arrived legally. "
        "His permit has expired; the owner pays him a third of what was agreed and says he "
        "will call the police if he complains. He sleeps in the storeroom.",
        facts(
            "CD11",
            "CD14",
            "VD05",
            "EC02",
            "EC03",
            "EC04",
            acts=("holding",),
            means=("threat", "abuse_of_difficult_circumstances"),
            purposes=("labour_exploitation",),
        ),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="legal",
        classes=c(1),
        reasons=("route_legal",),
        positive=frozenset({EC}),
    ),
    Scenario(
        "greenhouse_worker_act_and_means_recorded_purpose_shown",
        "A 50-year-old man went by himself to work in greenhouses near Subotica. The owner "
        "now locks the gate at night and hits workers who ask for their pay; they work from "
        "dawn to dusk for nothing. The screener recorded holding and force, not the purpose.",
        facts("EC01", "EC02", acts=("holding",), means=("force",)),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="combined",
        classes=c(1, 6),
        reasons=("route_combined", "element_shown"),
        positive=frozenset({EC}),
        forms=("labour_exploitation",),
    ),
    # === class 2: closing for the right reason ===============================================
    Scenario(
        "regular_labour_migrant_to_germany",
        "A 26-year-old welder went to Germany through a licensed agency with a work visa. He "
        "is paid as agreed, holds his passport, changed employers once and comes home at "
        "Christmas. His mother asked the social welfare centre to check on him.",
        facts(acts=("recruitment", "transportation"), **REGULAR),
        NOT_TRAFFICKING,
        (REGULAR_WORK,),
        "regular_migration_or_work",
        classes=c(2, 6),
        reasons=("regular_migration_or_work",),
        absent_reasons=("smuggling", "act_missing", "means_missing", *NEVER_PADDING),
        prevention=False,
    ),
    Scenario(
        "regular_migrant_is_never_explained_as_smuggled",
        "A 33-year-old nurse moved to Slovenia on a work permit; she agreed to the move and "
        "the recruiter's part ended when she arrived. The screener also ticked the smuggling "
        "boxes. She is paid as agreed, free, and holds her documents.",
        facts(**REGULAR, consented_to_movement=True, ended_on_arrival=True),
        NOT_TRAFFICKING,
        (REGULAR_WORK,),
        "regular_migration_or_work",
        classes=c(2, 6),
        reasons=("regular_migration_or_work",),
        absent_reasons=("smuggling", "smuggling_but_control_continues"),
    ),
    Scenario(
        "smuggled_migrant_sleeping_rough_is_smuggling_and_at_risk",
        "A 24-year-old man paid 3,000 euros to be taken from North Macedonia to Belgrade. The "
        "smuggler left on arrival; he sleeps in a park, keeps his own documents and plans to "
        "go on to Hungary.",
        facts(risks=("homeless",), **SMUGGLED_FREE),
        NOT_TRAFFICKING,
        (PREVENTION, MIGRANT),
        "smuggling",
        classes=c(2, 4),
        reasons=("smuggling", "risk_factors_present"),
        absent_reasons=("regular_migration_or_work", *NEVER_PADDING),
        prevention=True,
    ),
    Scenario(
        "wife_beaten_and_controlled_without_exploitation",
        "A 35-year-old woman says her husband beats her, took her identity card and does not "
        "let her see her sister. She works as a cashier and keeps her salary; nobody makes "
        "her work for them or sell sex.",
        facts(
            "CD01",
            "CD03",
            "CD04",
            domestic_violence=True,
            means=("force",),
        ),
        NOT_TRAFFICKING,
        (DOMESTIC_VIOLENCE,),
        "domestic_violence",
        classes=c(2, 6),
        reasons=("domestic_violence",),
        absent_reasons=("act_missing", "means_missing", "purpose_missing", *NEVER_PADDING),
        prevention=False,
    ),
    Scenario(
        "wife_beaten_without_own_income_is_also_at_risk",
        "A 31-year-old woman with two children and no income of her own is beaten by her "
        "husband; nobody exploits her. She has never worked and left school at 15.",
        facts(
            domestic_violence=True,
            risks=("violence_no_income", "unemployed", "school_drop_out"),
        ),
        NOT_TRAFFICKING,
        (DOMESTIC_VIOLENCE, PREVENTION),
        "domestic_violence",
        classes=c(2, 4),
        reasons=("domestic_violence", "risk_factors_present"),
        prevention=True,
    ),
    Scenario(
        "old_man_begging_alone_out_of_poverty",
        "A 60-year-old man begs at the market in Pirot every morning. He lives alone in a "
        "shack, keeps what he gets, and nobody brings him or takes the money.",
        facts("VD03", begging=True, risks=("homeless",)),
        NOT_TRAFFICKING,
        (PREVENTION, SOCIAL),
        "voluntary_begging",
        classes=c(2, 4),
        reasons=("voluntary_begging", "situation_only", "risk_factors_present"),
        prevention=True,
    ),
    Scenario(
        "regular_work_but_the_agency_holds_the_passport",
        "A 28-year-old went through an agency to a car factory in Slovakia. He is paid as "
        "agreed and free to leave, but the agency keeps his passport 'for the permit'.",
        facts(
            "CD01",
            acts=("recruitment",),
            means=("withholding_documents",),
            own_will=True,
            paid_as_agreed=True,
            free_after_arrival=True,
        ),
        INSUFFICIENT,
        (COLLECT, *GUIDANCE),
        classes=c(2, 6),
        reasons=("purpose_missing", "consent_irrelevant_means"),
        absent_reasons=("regular_migration_or_work",),
        missing=("purpose",),
    ),
    Scenario(
        "smuggled_then_made_to_work_off_the_fee",
        "A 19-year-old agreed to be smuggled into Serbia for 2,000 euros he did not have. On "
        "arrival the smugglers took his passport and made him work in a warehouse 'until the "
        "debt is paid', watched by a guard.",
        facts(
            "CD01",
            "CD02",
            "CD03",
            acts=("transportation", "holding"),
            means=("withholding_documents", "abuse_of_difficult_circumstances"),
            purposes=("forced_labour",),
            consented_to_movement=True,
            control_continues=True,
        ),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="legal",
        classes=c(2, 5),
        reasons=("smuggling_but_control_continues", "consent_irrelevant_means", "route_legal"),
        absent_reasons=("smuggling",),
    ),
    Scenario(
        "regular_worker_with_only_his_circumstances_ticked",
        "A 40-year-old unemployed father went to work on a farm in Austria to feed his family. "
        "He is paid as agreed, holds his documents and may leave. The screener ticked "
        "'economic reasons' and 'family situation'.",
        facts("RV06", "VD04", **REGULAR),
        NOT_TRAFFICKING,
        (REGULAR_WORK,),
        "regular_migration_or_work",
        classes=c(2, 6),
        reasons=("regular_migration_or_work", "situation_only"),
    ),
    Scenario(
        "underpaid_but_free_is_not_closed_as_regular_work",
        "A 35-year-old cleaner took a job of her own will; she is free and holds her "
        "documents, but is paid much less than agreed, her wages are cut for made-up "
        "reasons and she has no contract.",
        facts(
            "EC02",
            "EC03",
            "EC07",
            own_will=True,
            free_after_arrival=True,
            holds_own_documents=True,
        ),
        AT_RISK,
        (PREVENTION, COLLECT, *GUIDANCE),
        classes=c(2),
        reasons=("at_risk_indicators",),
        absent_reasons=("regular_migration_or_work",),
        prevention=True,
        missing=("act", "means"),
        positive=frozenset({EC}),
    ),
    Scenario(
        "teenager_hit_by_stepfather_without_exploitation",
        "A 13-year-old boy comes to school with bruises; his stepfather hits him. Nobody "
        "makes him work, beg or anything else.",
        facts(age=AgeGroup.CHILD, domestic_violence=True),
        NOT_TRAFFICKING,
        (POLICE, GUARDIANSHIP, DOMESTIC_VIOLENCE),
        "domestic_violence",
        classes=c(2, 5),
        reasons=("domestic_violence", "police_violence_against_child"),
    ),
    Scenario(
        "seasonal_worker_back_home_regular",
        "A 22-year-old woman spent the summer working in a hotel kitchen in Greece through a "
        "friend. She was paid as agreed, kept her passport and came back when she wanted.",
        facts(**REGULAR),
        NOT_TRAFFICKING,
        (REGULAR_WORK,),
        "regular_migration_or_work",
        classes=c(2),
    ),
    Scenario(
        "couple_begging_together_and_keeping_the_money",
        "A married couple in their fifties beg together outside a church; they keep what they "
        "get and nobody brings them or takes the money.",
        facts(begging=True),
        NOT_TRAFFICKING,
        (SOCIAL,),
        "voluntary_begging",
        classes=c(2),
        reasons=("voluntary_begging",),
    ),
    Scenario(
        "regular_worker_with_long_hours_is_still_regular_work",
        "A 30-year-old bricklayer works for a German firm through a licensed agency: long "
        "days, but paid as agreed with overtime, his passport in his pocket, and he changed "
        "sites when he wanted. The screener ticked 'excessive working days or hours'.",
        facts("EC01", acts=("recruitment",), **REGULAR),
        NOT_TRAFFICKING,
        (REGULAR_WORK,),
        "regular_migration_or_work",
        classes=c(2),
        reasons=("regular_migration_or_work",),
    ),
    Scenario(
        "regular_work_with_exploitative_conditions_stays_open",
        "A seasonal worker came of her own will, is free and has her documents, but works "
        "without days off in hazardous conditions and lives in a shed: the exploitation "
        "dimension is positive, so the case is not closed as regular work.",
        facts("EC01", "EC04", "EC06", **REGULAR),
        AT_RISK,
        (PREVENTION, COLLECT, *GUIDANCE),
        classes=c(2),
        absent_reasons=("regular_migration_or_work",),
        positive=frozenset({EC}),
    ),
    Scenario(
        "mother_begging_with_her_baby_and_keeping_the_money",
        "A 32-year-old woman begs in front of a supermarket with her baby in her arms; she "
        "keeps what she gets, nobody brings her or watches her, and she has no income.",
        facts("BG05", "BG01", begging=True, risks=("unemployed",)),
        NOT_TRAFFICKING,
        (PREVENTION, SOCIAL),
        "voluntary_begging",
        classes=c(2, 4),
        reasons=("voluntary_begging", "situation_only"),
        prevention=True,
    ),
    Scenario(
        "smuggled_migrant_with_a_poorly_paid_job_is_smuggling",
        "A 27-year-old man paid to be brought across the border; the smuggler is gone, he "
        "holds his papers and moves freely, and works in a car wash for little money while he "
        "waits to go on.",
        facts("EC02", **SMUGGLED_FREE),
        NOT_TRAFFICKING,
        (MIGRANT,),
        "smuggling",
        classes=c(2),
        reasons=("smuggling",),
    ),
    # === class 3: the catalogue's lists ====================================================
    Scenario(
        "forced_clients_are_strong_on_the_adult_sexual_list",
        "A woman says she must take every client the man chooses and is made to act against "
        "the other women.",
        facts("CD07", "CD09", purposes=("prostitution",)),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="combined",
        classes=c(3),
        reasons=("route_combined", "element_shown"),
        positive=frozenset({CD}),
        weights="adult_sexual",
        strengths="MS",
    ),
    Scenario(
        "boyfriend_recruitment_into_prostitution",
        "A 22-year-old woman met a man online who became her 'boyfriend'. After she moved in "
        "with him in Novi Sad he said they were in debt, advertised her and arranged "
        "clients; he keeps the money and moves her from flat to flat.",
        facts(
            "SX05",
            "SX01",
            "SX02",
            "EC02",
            "SX03",
            "CD02",
            purposes=("prostitution",),
        ),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="indicators",
        classes=c(3),
        reasons=("route_indicators",),
        positive=frozenset({EC, CD}),
        forms=("prostitution",),
        weights="adult_sexual",
        strengths="MMMMMS",
    ),
    Scenario(
        "kidney_sold_to_pay_a_debt",
        "A 47-year-old man in debt was offered 10,000 euros for a kidney by a 'broker'. He was "
        "taken to a private clinic abroad, told to say he was the recipient's cousin, operated "
        "on and paid 2,000. He has had no check-up since.",
        facts(
            "OR01",
            "OR02",
            "OR03",
            "OR04",
            "OR05",
            "OR06",
            acts=("recruitment", "transportation"),
            means=("abuse_of_difficult_circumstances", "deception"),
            purposes=("organ_removal",),
        ),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="both",
        classes=c(3),
        reasons=("route_both",),
        positive=frozenset({DR, EC}),
        forms=("organ_removal",),
        weights="adult_organ_removal",
    ),
    Scenario(
        "organ_removal_indicators_name_the_form",
        "A woman tells a nurse she was paid for a kidney taken out in a flat turned clinic; "
        "she had been promised more money and was not told of the risks. Nothing else was "
        "recorded.",
        facts("OR01", "OR02", "OR03", "OR05", "OR06"),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="indicators",
        classes=c(3, 6),
        reasons=("route_indicators",),
        forms=("organ_removal",),
        weights="adult_organ_removal",
    ),
    Scenario(
        "young_man_from_care_made_to_pickpocket",
        "A 20-year-old who left a children's home last year was taken in by a group that "
        "gives him a bed and pills. They send him to pickpocket on trams; he must bring "
        "100 euros a day or he is beaten. He was arrested for theft last week.",
        facts(
            "CA01",
            "CA03",
            "CA04",
            "CA05",
            "CD04",
            purposes=("criminal_activity",),
            offences=("theft",),
            risks=("leaving_care", "addiction"),
        ),
        ADULT,
        (CENTRE, NP_PROSECUTOR, *GUIDANCE),
        route="indicators",
        classes=c(3, 5),
        reasons=("route_indicators", "non_punishment"),
        prevention=False,
        positive=frozenset({EC, CD}),
        forms=("criminal_activity",),
        weights="adult_criminal_activity",
    ),
    Scenario(
        "boy_sent_to_steal_by_his_uncle",
        "A 13-year-old boy who lives with his uncle is sent every day to steal phones at the "
        "bus station; the uncle takes everything. The police caught him twice.",
        facts(
            "CA01",
            "CA03",
            age=AgeGroup.CHILD,
            acts=("holding",),
            purposes=("criminal_activity",),
            offences=("theft",),
        ),
        CHILD,
        (GUARDIANSHIP, CENTRE, NP_PROSECUTOR, *GUIDANCE),
        route="legal",
        classes=c(3, 5),
        reasons=("route_legal", "non_punishment", "child_means_not_required"),
        positive=frozenset({EC}),
        weights="child_criminal_activity",
    ),
    Scenario(
        "girl_of_15_married_for_money",
        "A 15-year-old girl left school; her father arranged her marriage to a 25-year-old in "
        "another town and was paid for it. She does all the housework for his family and may "
        "not visit her mother.",
        facts(
            "FM01",
            "FM02",
            "FM03",
            "FM05",
            age=AgeGroup.CHILD,
            acts=("sale",),
            purposes=("forced_marriage",),
            risks=("school_drop_out",),
        ),
        CHILD,
        (GUARDIANSHIP, CENTRE, *GUIDANCE),
        route="legal",
        classes=c(3),
        reasons=("route_legal", "child_means_not_required"),
        prevention=False,
        weights="child_forced_marriage",
    ),
    Scenario(
        "young_woman_married_against_her_will_and_made_to_work",
        "A 19-year-old woman was married against her will after her family took money from "
        "the groom's family. She is made to work their fields, forced into sex and may not "
        "leave. Nothing but the indicators was recorded.",
        facts("FM01", "FM02", "FM03", "FM04"),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="indicators",
        classes=c(3, 6),
        reasons=("route_indicators",),
        positive=frozenset({CR, EC}),
        forms=("forced_marriage",),
        weights="adult_forced_marriage",
    ),
    Scenario(
        "girl_begging_at_a_traffic_light_for_a_man",
        "A girl of about ten begs at a traffic light from morning till night, in winter. A "
        "man drops her off and collects her and the money; she says she must bring 2,000 "
        "dinars. The screener ticked 'begs' but not who organises it.",
        facts("BG01", "BG02", "BG03", "BG04", age=AgeGroup.CHILD, begging=True),
        CHILD,
        (GUARDIANSHIP, CENTRE, *GUIDANCE),
        route="indicators",
        classes=c(3),
        reasons=("route_indicators",),
        absent_reasons=("child_street_situation",),
        positive=frozenset({EC, CD}),
        forms=("begging",),
        weights="child_begging",
    ),
    Scenario(
        "girl_of_16_given_gifts_for_sex_and_filmed",
        "A 16-year-old girl in foster care gets money, a phone and drinks from older men whom "
        "her 'boyfriend' brings to a flat. He filmed her and threatens to post the videos and "
        "to beat her if she tells anyone.",
        facts(
            "SX05",
            "SX06",
            "SX07",
            "SX02",
            "CD05",
            age=AgeGroup.CHILD,
            risks=("social_protection",),
        ),
        CHILD,
        (GUARDIANSHIP, CENTRE, *GUIDANCE),
        route="indicators",
        classes=c(3),
        reasons=("route_indicators", "child_means_not_required"),
        positive=frozenset({EC, CD}),
        forms=("prostitution",),
        weights="child_sexual",
    ),
    Scenario(
        "boy_made_to_carry_drugs_for_older_boys",
        "A 16-year-old boy carries and sells drugs for older boys who keep the money, give "
        "him pills and beat him when he brings too little. He was caught with drugs.",
        facts(
            "CA02",
            "CA03",
            "CA04",
            "CA05",
            age=AgeGroup.CHILD,
            offences=("drugs",),
        ),
        CHILD,
        (GUARDIANSHIP, CENTRE, NP_PROSECUTOR, *GUIDANCE),
        route="indicators",
        classes=c(3, 5),
        reasons=("route_indicators", "non_punishment"),
        positive=frozenset({EC, CD}),
        forms=("criminal_activity",),
        weights="child_criminal_activity",
    ),
    # === class 4: the at-risk track =========================================================
    Scenario(
        "unemployed_woman_with_a_paid_job_offer_abroad",
        "A 24-year-old woman with only primary school and no job tells the employment office "
        "that a man she met online offers her waitress work in Vienna and will pay her bus "
        "ticket and first month's room.",
        facts(risks=("unemployed", "low_education", "job_offer_abroad_paid_travel")),
        AT_RISK,
        (PREVENTION,),
        classes=c(4),
        reasons=("risk_factors_present", "at_risk_prevention"),
        absent_reasons=("act_missing", "means_missing", "purpose_missing"),
        prevention=True,
        deadlines=((PREVENTION, timedelta(days=7)),),
    ),
    Scenario(
        "girl_in_foster_care_who_left_school",
        "A 16-year-old girl placed with a foster family stopped going to school and has a "
        "new, older friend; nothing suggests yet that anyone exploits her.",
        facts(age=AgeGroup.CHILD, risks=("school_drop_out", "social_protection")),
        AT_RISK,
        (GUARDIANSHIP, PREVENTION),
        classes=c(4),
        reasons=("risk_factors_present", "at_risk_prevention", "child_means_not_required"),
        prevention=True,
    ),
    Scenario(
        "many_risk_factors_and_an_act_never_make_an_adult_presumed",
        "A homeless man with an addiction, out of work and exploited before, was picked up at "
        "the station by a man offering 'farm work'. Nothing else is known.",
        facts(
            acts=("recruitment",),
            risks=("homeless", "addiction", "unemployed", "earlier_victimisation"),
        ),
        AT_RISK,
        (PREVENTION, COLLECT, *GUIDANCE),
        classes=c(4, 6),
        reasons=("risk_factors_present", "means_missing", "purpose_missing"),
        prevention=True,
        missing=("means", "purpose"),
    ),
    Scenario(
        "woman_leaving_a_violent_partner_offered_work_abroad",
        "A 27-year-old woman in a safe house after years of violence by her partner, with no "
        "income, has been offered cleaning work in Italy with the travel paid.",
        facts(
            domestic_violence=True,
            risks=("violence_no_income", "job_offer_abroad_paid_travel"),
        ),
        NOT_TRAFFICKING,
        (DOMESTIC_VIOLENCE, PREVENTION),
        "domestic_violence",
        classes=c(2, 4),
        reasons=("domestic_violence", "risk_factors_present"),
        prevention=True,
    ),
    Scenario(
        "young_man_leaving_care_with_nowhere_to_live",
        "An 18-year-old leaves the children's home this month and has nowhere to live.",
        facts(risks=("leaving_care", "homeless")),
        AT_RISK,
        (PREVENTION,),
        classes=c(4),
        reasons=("risk_factors_present",),
        prevention=True,
    ),
    Scenario(
        "presumed_victim_with_risk_factors_goes_to_protection_not_prevention",
        "A 23-year-old woman with no job and little schooling was recruited by deception and "
        "is made to sell sex by the man who holds her passport.",
        facts(
            acts=("recruitment",),
            means=("deception", "withholding_documents"),
            purposes=("prostitution",),
            risks=("unemployed", "low_education"),
        ),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="legal",
        classes=c(4),
        reasons=("route_legal",),
        absent_reasons=("at_risk_prevention",),
        prevention=False,
    ),
    Scenario(
        "child_in_street_situation_begging_for_an_adult_is_presumed",
        "A 9-year-old boy who sleeps at the station begs for an older man who takes the money.",
        facts(
            age=AgeGroup.CHILD,
            begging=True,
            third_party_organises_or_profits=True,
            risks=("street_situation",),
        ),
        CHILD,
        (GUARDIANSHIP, CENTRE, *GUIDANCE),
        route="legal",
        classes=c(4),
        prevention=False,
    ),
    Scenario(
        "disability_alone_is_the_prevention_track",
        "A 30-year-old woman with a disability, living alone, asks the social welfare centre "
        "about job offers she sees online.",
        facts(risks=("disability",)),
        AT_RISK,
        (PREVENTION,),
        classes=c(4),
        prevention=True,
    ),
    # === class 5: protocol =================================================================
    Scenario(
        "boy_beaten_by_the_car_wash_owner",
        "A 14-year-old boy works at a car wash for a man who hits him when he is slow; he is "
        "given food but no money.",
        facts(
            "CD04",
            "EC02",
            age=AgeGroup.CHILD,
            acts=("holding",),
            purposes=("labour_exploitation",),
        ),
        CHILD,
        (POLICE, GUARDIANSHIP, CENTRE, *GUIDANCE),
        route="legal",
        classes=c(5),
        reasons=("police_violence_against_child", "route_legal"),
        deadlines=((POLICE, timedelta(hours=1)),),
    ),
    Scenario(
        "missing_girl_seen_with_older_men",
        "A 15-year-old girl reported missing by her care home was seen at a petrol station "
        "with two older men.",
        facts(age=AgeGroup.CHILD, missing_child=True),
        INSUFFICIENT,
        (POLICE, GUARDIANSHIP, COLLECT),
        classes=c(5),
        reasons=("police_missing_child",),
        absent_reasons=("police_immediate_danger",),
    ),
    Scenario(
        "neighbour_calls_women_locked_in_a_flat",
        "A neighbour calls: women are brought to a flat every night and one shouted for help "
        "from the balcony. A woman who got out says they are locked in and made to see "
        "clients.",
        facts("CD07", "CD03", purposes=("prostitution",), crime_in_progress=True),
        ADULT,
        (POLICE, CENTRE, *GUIDANCE),
        route="combined",
        classes=c(5),
        reasons=("police_crime_in_progress", "route_combined"),
        weights="adult_sexual",
    ),
    Scenario(
        "woman_fined_for_prostitution_who_is_controlled",
        "Police stopped a 23-year-old woman soliciting (a misdemeanour). She has no residence "
        "permit and says a man she owes 'for the journey' from abroad takes all her money "
        "and has her passport.",
        facts(
            "CD01",
            "CD02",
            acts=("transportation", "holding"),
            means=("withholding_documents", "abuse_of_difficult_circumstances"),
            purposes=("prostitution",),
            offences=("prostitution_misdemeanour", "irregular_stay"),
        ),
        ADULT,
        (CENTRE, NP_MISDEMEANOUR, NP_RESIDENCE, *GUIDANCE),
        route="legal",
        classes=c(5),
        reasons=("non_punishment", "route_legal"),
        absent_reasons=("non_punishment_if_identified",),
    ),
    Scenario(
        "drug_courier_forced_by_threats",
        "A 21-year-old student was recruited by a 'friend' to carry packages; when he "
        "realised they were drugs they threatened his family. He was arrested at the border.",
        facts(
            "CA02",
            "CR09",
            acts=("recruitment", "transportation"),
            means=("threat",),
            purposes=("criminal_activity",),
            offences=("drugs",),
        ),
        ADULT,
        (CENTRE, NP_PROSECUTOR, *GUIDANCE),
        route="legal",
        classes=c(5),
        reasons=("non_punishment",),
    ),
    Scenario(
        "girl_of_17_who_says_she_agreed",
        "A 17-year-old girl says she agreed to go with a man to another town to 'work in a "
        "club' where she now sees clients.",
        facts(
            age=AgeGroup.CHILD,
            acts=("recruitment", "transportation"),
            purposes=("prostitution",),
            own_will=True,
        ),
        CHILD,
        (GUARDIANSHIP, CENTRE, *GUIDANCE),
        route="legal",
        classes=c(5),
        reasons=("consent_irrelevant_child", "route_legal"),
        absent_reasons=("consent_irrelevant_means",),
    ),
    Scenario(
        "woman_who_agreed_to_the_job_she_was_lied_to_about",
        "A 25-year-old woman agreed to go to Cyprus as a dancer; the recruiter lied about the "
        "work, which turned out to be prostitution.",
        facts(
            acts=("recruitment",),
            means=("deception",),
            purposes=("prostitution",),
            own_will=True,
        ),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="legal",
        classes=c(5),
        reasons=("consent_irrelevant_means", "route_legal"),
    ),
    Scenario(
        "shoplifter_who_says_someone_sends_him",
        "A 34-year-old man caught shoplifting says 'they' send him and take the goods; who "
        "and how is not known yet.",
        facts(purposes=("criminal_activity",), offences=("theft",)),
        INSUFFICIENT,
        (COLLECT, *GUIDANCE),
        classes=c(5, 6),
        reasons=("non_punishment_if_identified", "act_missing", "means_missing"),
        absent_reasons=("non_punishment",),
        missing=("act", "means"),
    ),
    Scenario(
        "beaten_wife_in_immediate_danger",
        "A woman calls from a neighbour's flat: her husband is drunk and threatens to kill "
        "her. Nobody exploits her.",
        facts(domestic_violence=True, immediate_danger=True),
        NOT_TRAFFICKING,
        (POLICE, DOMESTIC_VIOLENCE),
        "domestic_violence",
        classes=c(5),
        reasons=("police_immediate_danger",),
    ),
    Scenario(
        "boy_of_uncertain_age_missing_and_beaten",
        "A boy who may be 16 or 19, reported missing from a reception centre, is found with "
        "bruises; he says a man hit him. Nothing else is known.",
        facts("CD04", age=AgeGroup.UNCERTAIN, missing_child=True),
        INSUFFICIENT,
        (POLICE, GUARDIANSHIP, COLLECT, *GUIDANCE),
        classes=c(5),
        reasons=("police_missing_child", "police_violence_against_child", "minority_presumed"),
    ),
    # === class 6: explanations ==============================================================
    Scenario(
        "forms_are_named_as_recorded_and_as_shown",
        "A man is made to work on a farm and to beg in town by the man who organises both; "
        "he is threatened.",
        facts(
            begging=True,
            third_party_organises_or_profits=True,
            acts=("holding",),
            means=("threat",),
            purposes=("labour_exploitation",),
        ),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="legal",
        classes=c(6),
        reasons=("forms_named",),
        forms=("labour_exploitation", "begging"),
    ),
    Scenario(
        "child_with_an_act_only_is_asked_about_the_purpose",
        "A 12-year-old girl was handed over by her parents to a family in another town; what "
        "she does there is not known.",
        facts(age=AgeGroup.CHILD, acts=("handover",)),
        INSUFFICIENT,
        (GUARDIANSHIP, COLLECT, *GUIDANCE),
        classes=c(6),
        reasons=("purpose_missing",),
        absent_reasons=("means_missing", *NEVER_PADDING),
        missing=("purpose",),
    ),
    Scenario(
        "smuggling_closure_says_nothing_of_dimensions",
        "A family paid to be brought across the border; the smuggler left, they are free and "
        "hold their papers. The explanation closes the case and asks nothing more.",
        facts(**SMUGGLED_FREE),
        NOT_TRAFFICKING,
        (MIGRANT,),
        "smuggling",
        classes=c(6),
        reasons=("smuggling",),
        absent_reasons=(
            "act_missing",
            "means_missing",
            "purpose_missing",
            "dimension_positive",
            *NEVER_PADDING,
        ),
        missing=(),
        ask_about=(),
    ),
    Scenario(
        "legal_elements_recorded_indicators_questioning_them",
        "A man was recruited by deception and is made to work unpaid; he is now free to go "
        "and holds his documents. The recorded means stands; the explanation asks to check "
        "the facts that point the other way.",
        facts(
            acts=("recruitment",),
            means=("deception",),
            purposes=("labour_exploitation",),
            free_after_arrival=True,
            holds_own_documents=True,
        ),
        ADULT,
        (CENTRE, *GUIDANCE),
        route="legal",
        classes=c(1, 6),
        reasons=("route_legal", "facts_point_away"),
    ),
    Scenario(
        "adult_with_means_and_purpose_is_asked_about_the_act",
        "A woman is threatened into selling sex; who brought her or keeps her is not known.",
        facts(means=("threat",), purposes=("prostitution",)),
        INSUFFICIENT,
        (COLLECT, *GUIDANCE),
        classes=c(6),
        reasons=("act_missing",),
        absent_reasons=NEVER_PADDING,
        missing=("act",),
        ask_about=(DR, CR, RV, CD),
    ),
]
