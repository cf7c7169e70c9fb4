from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spona.core.forms import limit_choices
from spona.core.uploads import UploadField
from spona.prevention.imports import PERIOD
from spona.prevention.models import (
    Campaign,
    Channel,
    FollowUpResult,
    OutreachActivity,
    RiskFactor,
    RiskGroup,
    Settlement,
)


class RiskGroupForm(forms.ModelForm[RiskGroup]):
    factors = forms.MultipleChoiceField(
        label=_("Risk factors"), choices=RiskFactor.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = RiskGroup
        fields = ["name", "code", "factors", "why"]
        help_texts = {"code": _("A short code used in import files, e.g. women-20-30.")}


class SettlementForm(forms.ModelForm[Settlement]):
    class Meta:
        model = Settlement
        fields = ["name", "population"]


class CountForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Risk group"), queryset=RiskGroup.objects.none())
    settlement = forms.ModelChoiceField(label=_("Settlement"), queryset=Settlement.objects.none())
    period = forms.RegexField(
        label=_("Period"),
        regex=PERIOD,
        help_text=_("A year (2025), a quarter (2025-Q3) or a month (2025-07)."),
        error_messages={
            "invalid": _("Write a year (2025), a quarter (2025-Q3) or a month (2025-07).")
        },
    )
    count = forms.IntegerField(label=_("Count"), min_value=0)

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "group", RiskGroup.objects.filter(municipality=municipality))
        limit_choices(self, "settlement", Settlement.objects.filter(municipality=municipality))


class ImportForm(forms.Form):
    file = UploadField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "Columns: municipality_code, settlement, group, period, count. Values only, no formulas."
        ),
    )


class CampaignForm(forms.ModelForm[Campaign]):
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "goal",
            "groups",
            "settlements",
            "channels",
            "starts_on",
            "ends_on",
            "budget",
            "funder",
            "partners",
            "materials",
        ]
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "materials": forms.Textarea(attrs={"rows": 2}),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "groups": forms.CheckboxSelectMultiple,
            "settlements": forms.CheckboxSelectMultiple,
            "partners": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, municipality: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "groups", RiskGroup.objects.filter(municipality=municipality))
        limit_choices(self, "settlements", Settlement.objects.filter(municipality=municipality))
        limit_choices(self, "partners", municipality.institutions.filter(is_active=True))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("starts_on")
            and cleaned.get("ends_on")
            and cleaned["ends_on"] < cleaned["starts_on"]
        ):
            self.add_error("ends_on", _("The campaign cannot end before it starts."))
        return cleaned


class OutreachForm(forms.ModelForm[OutreachActivity]):
    """Quick entry from a phone in the field: one number per target group."""

    class Meta:
        model = OutreachActivity
        fields = ["held_on", "settlement", "channel", "materials_handed_out", "staff"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settlements = Settlement.objects.filter(municipality=campaign.municipality)
        limit_choices(self, "settlement", settlements)
        self.group_fields = []
        for group in campaign.groups.all():
            name = f"reached_{group.code}"
            self.fields[name] = forms.IntegerField(
                label=_("Reached: %(group)s") % {"group": group.name}, min_value=0, initial=0
            )
            self.group_fields.append((group.code, name))

    def reached(self) -> dict[str, int]:
        return {code: self.cleaned_data[name] for code, name in self.group_fields}


class FollowUpDoneForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=FollowUpResult.choices)
