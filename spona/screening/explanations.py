"""What each outcome and each reason code of the engine says to the screener."""

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spona.screening.engine import OutcomeCode

OUTCOME_TITLES: dict[str, Promise] = {
    OutcomeCode.PRESUMED_VICTIM_ADULT: _("Presumed victim (adult)"),
    OutcomeCode.PRESUMED_VICTIM_CHILD: _("Presumed victim (child)"),
    OutcomeCode.AT_RISK: _("At risk: prevention track"),
    OutcomeCode.NOT_TRAFFICKING: _("Not trafficking"),
    OutcomeCode.INSUFFICIENT_INFORMATION: _("Insufficient information"),
}
NOT_TRAFFICKING_REASONS: dict[str, Promise] = {
    "smuggling": _("migrant smuggling"),
    "voluntary_begging": _("voluntary begging of an adult"),
    "domestic_violence": _("domestic violence without a purpose of exploitation"),
}
OUTCOME_NOTE = _(
    "This is a screening result, not a legal decision. Formal identification is decided by the "
    "Centre for Human Trafficking Victims Protection (adults) and the social welfare centre (children)."
)

_REASONS: dict[str, Promise] = {
    "dimension_positive": _(
        "“%(dimension)s” is positive: %(S)s strong, %(M)s medium and %(W)s weak indicators observed."
    ),
    "fallback_weights": _(
        "The weights of this list are not verified for every indicator; where one is missing, the "
        "labour-exploitation weight for the same age group is used."
    ),
    "minority_presumed": _(
        "The age is uncertain: the person is treated as a child until their age is established."
    ),
    "adult_rule_met": _(
        "A recruitment dimension, the exploitation dimension and a coercion dimension are all positive."
    ),
    "adult_rule_missing": _(
        "For an adult, a recruitment dimension, the exploitation dimension and a coercion dimension "
        "must all be positive; not all of them are yet."
    ),
    "legal_elements_need_indicators": _(
        "Act, means and purpose are recorded: record the indicators that support them."
    ),
    "organised_begging_ask_means": _(
        "Someone organises the begging or takes the money: find out how the person is made to beg "
        "(threats, debt, violence, taken documents, deception, dependency)."
    ),
    "smuggling_but_control_continues": _(
        "The person agreed to be smuggled, but control continued after arrival: this is screened "
        "as trafficking, not as smuggling."
    ),
    "smuggling": _(
        "Consent to the journey, the relationship ended on arrival, free movement and own documents, "
        "and no sign of exploitation: migrant smuggling, not trafficking."
    ),
    "voluntary_begging": _(
        "An adult who begs of their own will and keeps the money, with nobody organising it or "
        "profiting: a matter for social protection, not trafficking."
    ),
    "domestic_violence": _(
        "Violence in the family without any purpose of exploitation: domestic violence, not trafficking."
    ),
    "child_means_not_required": _(
        "For a child, the means (force, deception, abuse of vulnerability) are not required: "
        "an act and a purpose of exploitation suffice."
    ),
    "child_rule_indicators": _("The indicators show both a recruitment act and exploitation."),
    "child_rule_legal": _("An act and a purpose of exploitation are recorded."),
    "child_begging_organised": _(
        "Someone organises the child's begging or takes the money — whoever it is, family included."
    ),
    "child_street_situation": _(
        "A child begging without anyone organising it: a child in a street situation, at risk."
    ),
}


def explain(code: str, values: Mapping[str, Any], dimension_titles: Mapping[str, str]) -> str:
    """The sentence for one reason, in the active language."""
    text = _REASONS[code]
    shown = {**values}
    if "dimension" in shown:
        shown["dimension"] = dimension_titles.get(shown["dimension"], shown["dimension"])
    return str(text) % shown if "%(" in str(text) else str(text)
