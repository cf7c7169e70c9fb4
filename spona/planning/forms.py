from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spona.institutions.models import InstitutionType
from spona.planning import metrics
from spona.planning.models import Activity, Indicator, IndicatorLevel, Override, Problem
from spona.planning.readiness import Dimension


class AssessmentStartForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class InterviewForm(forms.Form):
    sector = forms.ChoiceField(label=_("Sector"), choices=InstitutionType.choices)
    interviewed_on = forms.DateField(
        label=_("Date of the interview"), widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("Interview notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ScoreForm(forms.Form):
    """One score per dimension, 1 to 9, by the handbook's anchored rating scales."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for dimension in Dimension:
            self.fields[dimension.value] = forms.IntegerField(
                label=f"{dimension.value}. {dimension.label}", min_value=1, max_value=9
            )


class ActivityForm(forms.ModelForm[Activity]):
    problems = forms.MultipleChoiceField(
        label=_("Problems addressed"),
        choices=Problem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    dimensions = forms.MultipleChoiceField(
        label=_("Readiness dimensions addressed"),
        choices=Dimension.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "phase",
            "problems",
            "dimensions",
            "target_group",
            "lead",
            "cost",
            "funder",
            "starts_on",
            "ends_on",
            "need",
            "evidence",
            "evidence_source",
            "reach",
            "mandatory",
            "requires",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }


def _funder_lines(text: str) -> dict[str, Decimal]:
    """ "funder: amount" per line."""
    budgets: dict[str, Decimal] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        funder, _sep, amount = line.rpartition(":")
        try:
            value = Decimal(amount.strip().replace(" ", "").replace(",", "."))
        except InvalidOperation:
            value = Decimal(-1)
        if not funder.strip() or value < 0:
            raise forms.ValidationError(
                _("Line %(line)s: write “funder: amount”, for example “municipality: 500000”."),
                params={"line": number},
            )
        budgets[funder.strip()] = value
    return budgets


class BudgetForm(forms.Form):
    total = forms.DecimalField(label=_("Total budget"), min_value=0, max_digits=14)
    by_funder = forms.CharField(
        label=_("Budget per funder (one “funder: amount” per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    weight_need = forms.FloatField(label=_("Weight of need"), min_value=0, initial=0.5)
    weight_evidence = forms.FloatField(label=_("Weight of evidence"), min_value=0, initial=0.3)
    weight_reach = forms.FloatField(label=_("Weight of reach"), min_value=0, initial=0.2)

    def clean_by_funder(self) -> dict[str, Decimal]:
        return _funder_lines(self.cleaned_data["by_funder"])


class OverrideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    override = forms.ChoiceField(label=_("Override"), choices=Override.choices, required=False)
    reason = forms.CharField(label=_("Reason"), required=False)


#: a date picker's value is ISO, whatever the page's language
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgressForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class IndicatorValueForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    on = forms.DateField(label=_("Date"), widget=DATE)
    value = forms.FloatField(label=_("Value reached"))
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args: Any, activity: Activity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = activity.indicators.filter(metric="")


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=IndicatorLevel.choices)
    metric = forms.ChoiceField(label=_("Computed by the system"), required=False, choices=())
    baseline = forms.FloatField(label=_("Baseline"), required=False)
    target = forms.FloatField(label=_("Target"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        metric = self.fields["metric"]
        assert isinstance(metric, forms.ChoiceField)  # noqa: S101
        metric.choices = metrics.choices()
