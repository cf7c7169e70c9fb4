"""The screening form, built from the active catalogue (indicators grouped by dimension)."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spona.screening.catalogue import localized
from spona.screening.models import Screening
from spona.screening.services import FLAG_NAMES
from spona.screening.vocabulary import ACTS, AGE_GROUPS, DISTINCTIONS, MEANS, NEEDS


def _boxes(label: Any, choices: list[tuple[str, Any]]) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class ScreeningForm(forms.Form):
    """Everything the screener records; ``data()`` gives the service's input."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    age_group = forms.ChoiceField(label=_("Age"), choices=AGE_GROUPS, widget=forms.RadioSelect)

    def __init__(self, *args: Any, catalogue: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        forms_of_exploitation = [
            (f["code"], localized(f["title"])) for f in catalogue["exploitation_forms"]
        ]
        self.fields["purposes"] = _boxes(_("Purpose: forms of exploitation"), forms_of_exploitation)
        self.dimension_fields = []
        for dimension in catalogue["dimensions"]:
            name = f"dim_{dimension['code']}"
            choices = [
                (i["code"], localized(i["text"]))
                for i in catalogue["indicators"]
                if i["dimension"] == dimension["code"]
            ]
            self.fields[name] = _boxes(localized(dimension["title"]), choices)
            self.dimension_fields.append(name)
        self.fields["acts"] = _boxes(_("Act"), ACTS)
        self.fields["means"] = _boxes(_("Means"), MEANS)
        self.fields["distinctions"] = _boxes(_("What tells trafficking apart"), DISTINCTIONS)
        self.fields["needs"] = _boxes(_("First-contact needs"), NEEDS)
        self.fields["notes"] = forms.CharField(
            label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
        )

    @classmethod
    def initial_from(cls, screening: Screening) -> dict[str, Any]:
        flags = [name for name in FLAG_NAMES if screening.flags.get(name)]
        initial: dict[str, Any] = {
            "version": screening.version,
            "age_group": screening.age_group,
            "purposes": screening.purposes,
            "acts": screening.acts,
            "means": screening.means,
            "distinctions": flags,
            "needs": flags,
            "notes": screening.notes,
        }
        for indicator in screening.catalogue.data["indicators"]:
            if indicator["code"] in screening.indicators:
                initial.setdefault(f"dim_{indicator['dimension']}", []).append(indicator["code"])
        return initial

    def data_for_service(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        ticked = set(cleaned["distinctions"]) | set(cleaned["needs"])
        return {
            "age_group": cleaned["age_group"],
            "purposes": cleaned["purposes"],
            "indicators": [code for name in self.dimension_fields for code in cleaned[name]],
            "acts": cleaned["acts"],
            "means": cleaned["means"],
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
    file = forms.FileField(label=_("Catalogue file (JSON)"))
