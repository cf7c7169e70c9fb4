"""The screening form, built from the active catalogue: the general indicators by dimension,
then each form of exploitation's own indicators, the legal elements, the facts that tell
trafficking apart, risk factors, offences and first-contact needs."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spona.core.uploads import Kind, UploadField
from spona.screening.catalogue import localized
from spona.screening.models import Screening
from spona.screening.services import FLAG_NAMES
from spona.screening.vocabulary import (
    ACTS,
    AGE_GROUPS,
    DISTINCTION_GROUPS,
    MEANS,
    NEEDS,
    OFFENCES,
    RISK_FACTORS,
)


def _boxes(label: Any, choices: list[Any], help_text: Any = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class ScreeningForm(forms.Form):
    """Everything the screener records; ``data_for_service()`` gives the service's input."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    age_group = forms.ChoiceField(label=_("Age"), choices=AGE_GROUPS, widget=forms.RadioSelect)

    def __init__(self, *args: Any, catalogue: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        forms_of_exploitation = [
            (f["code"], localized(f["title"])) for f in catalogue["exploitation_forms"]
        ]
        self.fields["purposes"] = _boxes(_("Purpose: forms of exploitation"), forms_of_exploitation)
        self.indicator_fields: list[str] = []
        for dimension in catalogue["dimensions"]:
            self._indicators(
                f"dim_{dimension['code']}",
                localized(dimension["title"]),
                [
                    i
                    for i in catalogue["indicators"]
                    if i["dimension"] == dimension["code"] and "form" not in i
                ],
            )
        self.form_fields: list[str] = []
        kinds: dict[str, str] = {}
        for form in catalogue["exploitation_forms"]:  # a kind is named after its first form
            kinds.setdefault(form["kind"], localized(form["title"]))
        for kind, title in kinds.items():
            specific = [i for i in catalogue["indicators"] if i.get("form") == kind]
            if specific:
                self._indicators(f"form_{kind}", title, specific)
                self.form_fields.append(f"form_{kind}")
        self.fields["acts"] = _boxes(
            _("Act"),
            ACTS,
            _(
                "Anyone who recruits, moves, hands over, sells, buys, hides or keeps the person: "
                "an employer or a ‘boyfriend’ who keeps the person holds them."
            ),
        )
        self.fields["means"] = _boxes(
            _("Means"),
            MEANS,
            _(
                "At any stage: at recruitment, on the way, or only at the place of exploitation. "
                "Not needed for a child."
            ),
        )
        self.distinction_fields = []
        for number, (label, choices) in enumerate(DISTINCTION_GROUPS):
            self.fields[f"distinctions_{number}"] = _boxes(label, choices)
            self.distinction_fields.append(f"distinctions_{number}")
        self.fields["risk_factors"] = _boxes(
            _("Risk factors"),
            RISK_FACTORS,
            _("They put a person on the prevention track; they never make anyone a victim."),
        )
        self.fields["offences"] = _boxes(
            _("Offences the person committed (for example while exploited)"), OFFENCES
        )
        self.fields["needs"] = _boxes(_("First-contact needs"), NEEDS)
        self.fields["notes"] = forms.CharField(
            label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
        )

    def _indicators(self, name: str, label: str, indicators: list[Mapping[str, Any]]) -> None:
        self.fields[name] = _boxes(label, [(i["code"], localized(i["text"])) for i in indicators])
        self.indicator_fields.append(name)

    @property
    def flag_fields(self) -> list[str]:
        return [*self.distinction_fields, "needs"]

    @classmethod
    def initial_from(cls, screening: Screening, catalogue: Mapping[str, Any]) -> dict[str, Any]:
        flags = [name for name in FLAG_NAMES if screening.flags.get(name)]
        initial: dict[str, Any] = {
            "version": screening.version,
            "age_group": screening.age_group,
            "purposes": screening.purposes,
            "acts": screening.acts,
            "means": screening.means,
            "risk_factors": screening.risk_factors,
            "offences": screening.offences,
            "needs": flags,
            "notes": screening.notes,
        }
        for number in range(len(DISTINCTION_GROUPS)):
            initial[f"distinctions_{number}"] = flags
        for indicator in catalogue["indicators"]:
            if indicator["code"] in screening.indicators:
                name = (
                    f"form_{indicator['form']}"
                    if "form" in indicator
                    else f"dim_{indicator['dimension']}"
                )
                initial.setdefault(name, []).append(indicator["code"])
        return initial

    def data_for_service(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        ticked = {code for name in self.flag_fields for code in cleaned[name]}
        return {
            "age_group": cleaned["age_group"],
            "purposes": cleaned["purposes"],
            "indicators": [code for name in self.indicator_fields for code in cleaned[name]],
            "acts": cleaned["acts"],
            "means": cleaned["means"],
            "risk_factors": cleaned["risk_factors"],
            "offences": cleaned["offences"],
            "flags": {name: name in ticked for name in FLAG_NAMES},
            "notes": cleaned["notes"],
        }


class AmendForm(ScreeningForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.CharField(
            label=_("Why is the screening amended?"), widget=forms.Textarea(attrs={"rows": 2})
        )


class CatalogueUploadForm(forms.Form):
    file = UploadField(label=_("Catalogue file (JSON)"), kinds={Kind.JSON})
