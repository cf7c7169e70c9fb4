"""The legal elements (Criminal Code art. 388), the facts that tell trafficking apart, risk
factors, offences and first-contact needs, as screeners see them."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spona.prevention.models import PERSON_RISK_FACTORS

ACTS = [
    ("recruitment", _("recruitment")),
    ("transportation", _("transportation")),
    ("transfer", _("transfer")),
    ("handover", _("handing over")),
    ("sale", _("sale")),
    ("purchase", _("purchase")),
    ("mediation_in_sale", _("mediation in sale")),
    ("concealment", _("concealment")),
    ("holding", _("holding, harbouring or receiving the person")),
]
MEANS = [
    ("force", _("force")),
    ("threat", _("threat")),
    ("deception", _("deception, or keeping in deception")),
    ("abuse_of_authority", _("abuse of authority")),
    ("abuse_of_trust", _("abuse of trust")),
    ("abuse_of_dependency", _("abuse of a relationship of dependency")),
    ("abuse_of_difficult_circumstances", _("abuse of difficult circumstances (e.g. a debt)")),
    ("withholding_documents", _("withholding of personal documents")),
    (
        "giving_or_receiving_benefit",
        _(
            "giving or receiving money or another benefit to win over someone who has control "
            "over the person (e.g. paying the parents)"
        ),
    ),
]
#: The facts that tell trafficking apart from smuggling, regular migration or work, begging
#: and violence in the family, in the groups the form shows them in.
DISTINCTION_GROUPS: list[tuple[Promise, list[tuple[str, Promise]]]] = [
    (
        _("Smuggling"),
        [
            (
                "consented_to_movement",
                _(
                    "The person paid or agreed to be brought across a border irregularly (smuggled)."
                ),
            ),
            ("ended_on_arrival", _("The relationship with whoever brought them ended on arrival.")),
            (
                "control_continues",
                _(
                    "Someone still controls or exploits the person after arrival (debt, documents, "
                    "threats, forced work or sex)."
                ),
            ),
        ],
    ),
    (
        _("Migration and work"),
        [
            ("own_will", _("The person moved or took the work of their own will.")),
            ("paid_as_agreed", _("The person is paid as agreed.")),
            (
                "free_after_arrival",
                _("The person moves freely and may leave the work or the place when they want."),
            ),
            ("holds_own_documents", _("The person holds their own documents.")),
        ],
    ),
    (
        _("Begging"),
        [
            ("begging", _("The person begs.")),
            (
                "third_party_organises_or_profits",
                _("Someone else organises the begging or takes the money (family included)."),
            ),
        ],
    ),
    (
        _("Family"),
        [("domestic_violence", _("There is violence by a family member or partner."))],
    ),
]
DISTINCTIONS = [choice for _group, choices in DISTINCTION_GROUPS for choice in choices]
#: Circumstances that make trafficking likelier: never an element of it, never enough for
#: "presumed victim"; they put a person on the at-risk (prevention) track. One vocabulary
#: with the risk groups of prevention, so that a screened person can be matched to a group.
RISK_FACTORS = [(factor.value, factor.label) for factor in PERSON_RISK_FACTORS]
#: Offences a person may have committed while exploited: the non-punishment principle
#: (Council of Europe Convention art. 26) applies to them once the person is a presumed victim.
CRIMINAL_OFFENCES = ["theft", "drugs", "false_documents"]
MISDEMEANOURS = ["begging_misdemeanour", "prostitution_misdemeanour"]
IMMIGRATION_OFFENCES = ["irregular_stay"]
OFFENCES = [
    ("theft", _("theft, pickpocketing or other property offences")),
    ("drugs", _("carrying, selling or growing drugs")),
    ("false_documents", _("using false documents")),
    ("begging_misdemeanour", _("begging (a misdemeanour)")),
    ("prostitution_misdemeanour", _("prostitution (a misdemeanour)")),
    ("irregular_stay", _("irregular entry or stay in the country")),
]
NEEDS = [
    ("immediate_danger", _("The person is in immediate danger.")),
    ("crime_in_progress", _("A crime against the person is being committed right now.")),
    ("missing_child", _("The person is a missing child (reported missing, or ran away).")),
    ("medical_needs", _("The person needs medical care.")),
    ("needs_interpreter", _("An interpreter is needed.")),
    ("needs_accommodation", _("The person needs safe accommodation.")),
]
AGE_GROUPS = [
    ("adult", _("Adult (18 or older)")),
    ("child", _("Child (under 18)")),
    ("uncertain", _("Age uncertain: may be a child (treated as a child)")),
]
#: Short names of facts, as an explanation lists them.
FACT_NAMES: dict[str, Promise] = {
    "third_party_organises_or_profits": _("someone else organises the begging or takes the money"),
    "control_continues": _("control after arrival"),
    "domestic_violence": _("violence in the family"),
    "own_will": _("of their own will"),
    "paid_as_agreed": _("paid as agreed"),
    "free_after_arrival": _("free to leave"),
    "holds_own_documents": _("holds their own documents"),
}
ELEMENTS: dict[str, Promise] = {
    "act": _("The act"),
    "means": _("The means"),
    "purpose": _("The purpose"),
}
