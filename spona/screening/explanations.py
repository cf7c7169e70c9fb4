"""What each outcome and each reason code of the engine says to the screener."""

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spona.screening.engine import NotTraffickingReason, OutcomeCode, Route

OUTCOME_TITLES: dict[str, Promise] = {
    OutcomeCode.PRESUMED_VICTIM_ADULT: _("Presumed victim (adult)"),
    OutcomeCode.PRESUMED_VICTIM_CHILD: _("Presumed victim (child)"),
    OutcomeCode.AT_RISK: _("At risk: prevention track"),
    OutcomeCode.NOT_TRAFFICKING: _("Not trafficking"),
    OutcomeCode.INSUFFICIENT_INFORMATION: _("Insufficient information"),
}
NOT_TRAFFICKING_REASONS: dict[str, Promise] = {
    NotTraffickingReason.SMUGGLING: _("migrant smuggling"),
    NotTraffickingReason.VOLUNTARY_BEGGING: _("voluntary begging of an adult"),
    NotTraffickingReason.DOMESTIC_VIOLENCE: _(
        "domestic violence without a purpose of exploitation"
    ),
    NotTraffickingReason.REGULAR_MIGRATION_OR_WORK: _("regular migration or work"),
}
ROUTES: dict[str, Promise] = {
    Route.LEGAL: _("the legal elements"),
    Route.INDICATORS: _("the indicators"),
    Route.BOTH: _("the legal elements and the indicators"),
    Route.COMBINED: _("the legal elements, completed by the indicators"),
}
OUTCOME_NOTE = _(
    "This is a screening result, not a legal decision. Formal identification is decided by the "
    "Centre for Human Trafficking Victims Protection (adults) and the social welfare centre (children)."
)
UNVERIFIED_CATALOGUE = _(
    "The indicator catalogue (version %(version)s) is not yet verified against its sources: "
    "its weights may change."
)

_REASONS: dict[str, Promise] = {
    "dimension_positive": _(
        "“%(dimension)s” is positive: %(S)s strong, %(M)s medium and %(W)s weak indicators observed."
    ),
    "minority_presumed": _(
        "The age is uncertain: the person is treated as a child until their age is established."
    ),
    "child_means_not_required": _(
        "For a child, the means (force, deception, abuse of vulnerability) are not required: "
        "an act and a purpose of exploitation suffice."
    ),
    # --- the route to "presumed victim" and the elements --------------------------------
    "route_legal": _(
        "Route: the legal elements. Every element the law requires is recorded (Criminal Code "
        "art. 388; Palermo Protocol art. 3)."
    ),
    "route_indicators": _(
        "Route: the indicators. The positive ILO/EC dimensions show every element the law requires."
    ),
    "route_both": _(
        "Route: the legal elements and the indicators. Both show every element the law requires."
    ),
    "route_combined": _(
        "Route: the legal elements, completed by the indicators. What was not recorded is shown "
        "by a positive dimension."
    ),
    "element_recorded": _("%(element)s: recorded (%(items)s)."),
    "element_shown": _("%(element)s: shown by the indicators (%(dimensions)s)."),
    "act_missing": _(
        "Missing: the act. Ask who recruited, moved, handed over, sold, bought, hid or holds the "
        "person; an employer or a ‘boyfriend’ who keeps the person holds them."
    ),
    "means_missing": _(
        "Missing: the means. Ask how the person is made to stay or to work: force or threats, a "
        "debt, taken documents, deception, or abuse of their difficult situation or dependency. "
        "A means at any stage is enough, also one that appears only at the place of exploitation."
    ),
    "purpose_missing": _(
        "Missing: the purpose. Ask what the person has to do, for whom, and who takes the money: "
        "work, sex, begging, crimes, a marriage, an organ."
    ),
    "adult_rule_met": _(
        "A recruitment dimension, the exploitation dimension and a coercion dimension are all positive."
    ),
    "child_rule_indicators": _("The indicators show both a recruitment act and exploitation."),
    "forms_named": _("Form of exploitation: %(forms)s."),
    "begging_organised": _(
        "Someone else organises the begging or takes the money: an act and a purpose of "
        "exploitation (begging)."
    ),
    "child_begging_organised": _(
        "Someone organises the child's begging or takes the money — whoever it is, family included."
    ),
    "smuggling_but_control_continues": _(
        "The person agreed to be smuggled, but control continued after arrival: this is screened "
        "as trafficking, not as smuggling."
    ),
    "consent_irrelevant_means": _(
        "The person's consent does not matter: once a means is used, consent is irrelevant "
        "(Palermo Protocol art. 3(b))."
    ),
    "consent_irrelevant_child": _(
        "A child's consent is always irrelevant (Palermo Protocol art. 3(c))."
    ),
    "facts_point_away": _(
        "Some facts point away from trafficking (%(facts)s): check them with the person. They "
        "do not undo a means once it was used."
    ),
    "non_punishment": _(
        "Non-punishment (Council of Europe Convention, art. 26): the person must not be punished "
        "for what they were made to do while exploited (%(offences)s). The protocol says whom to tell."
    ),
    "non_punishment_if_identified": _(
        "Offences are recorded (%(offences)s): if the person is found to be a victim, they must "
        "not be punished for them (Council of Europe Convention, art. 26). Complete the screening "
        "before any proceedings go on."
    ),
    # --- the police, now ------------------------------------------------------------------
    "police_immediate_danger": _("The police, now: the person is in immediate danger."),
    "police_violence_against_child": _("The police, now: a child suffers violence."),
    "police_missing_child": _("The police, now: a child is missing."),
    "police_crime_in_progress": _("The police, now: a crime is being committed."),
    # --- at risk ----------------------------------------------------------------------------
    "at_risk_indicators": _(
        "Some indicators are positive, but the elements of trafficking are not all there: the "
        "person is at risk."
    ),
    "child_street_situation": _(
        "A child begging without anyone organising it: a child in a street situation, at risk."
    ),
    "risk_factors_present": _(
        "Risk factors: %(factors)s. They make trafficking likelier, never prove it."
    ),
    "at_risk_prevention": _(
        "The at-risk track: a prevention follow-up, which the local coordinator sees (see the protocol)."
    ),
    # --- not trafficking --------------------------------------------------------------------
    NotTraffickingReason.SMUGGLING: _(
        "Consent to the journey, the relationship ended on arrival, free movement and own documents, "
        "and no sign of exploitation: migrant smuggling, not trafficking."
    ),
    NotTraffickingReason.VOLUNTARY_BEGGING: _(
        "An adult who begs of their own will and keeps the money, with nobody organising it or "
        "profiting: a matter for social protection, not trafficking."
    ),
    NotTraffickingReason.DOMESTIC_VIOLENCE: _(
        "Violence in the family without any purpose of exploitation: domestic violence, not trafficking."
    ),
    NotTraffickingReason.REGULAR_MIGRATION_OR_WORK: _(
        "The person moved or works of their own will, is paid as agreed, may leave and holds their "
        "own documents, and nothing points to a means or to exploitation: regular migration or "
        "work, not trafficking."
    ),
    "situation_only": _(
        "The circumstances recorded (%(indicators)s) make the person vulnerable; they are not "
        "signs that anyone exploits them."
    ),
    # --- codes of the first rules (version 1), still shown on screenings decided under them ---
    "adult_rule_missing": _(
        "Under the rules of this screening (version 1), an adult was presumed a victim only when a "
        "recruitment dimension, the exploitation dimension and a coercion dimension were all positive."
    ),
    "legal_elements_need_indicators": _(
        "Under the rules of this screening (version 1), an adult's recorded act, means and purpose "
        "needed the indicators to confirm them."
    ),
    "organised_begging_ask_means": _(
        "Someone organises the begging or takes the money: find out how the person is made to beg "
        "(threats, debt, violence, taken documents, deception, dependency)."
    ),
    "fallback_weights": _(
        "The weights of this list were not verified for every indicator; where one was missing, "
        "the labour-exploitation weight for the same age group was used."
    ),
    "child_rule_legal": _("An act and a purpose of exploitation are recorded."),
}


def explain(code: str, values: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The sentence for one reason, in the active language; ``names`` gives the display name
    of every code a reason may carry (dimensions, elements, forms, acts, facts...)."""
    text = str(_REASONS[code])
    if "%(" not in text:
        return text
    shown = {
        key: ", ".join(names.get(str(v), str(v)) for v in value)
        if isinstance(value, list | tuple)
        else names.get(str(value), value)
        for key, value in values.items()
    }
    return text % shown
