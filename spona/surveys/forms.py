from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spona.core.forms import limit_choices
from spona.core.uploads import UploadField
from spona.surveys import instruments
from spona.surveys.instruments import localized
from spona.surveys.models import SurveyInstrument, SurveyWave


class WaveForm(forms.ModelForm[SurveyWave]):
    class Meta:
        model = SurveyWave
        fields = [
            "instrument",
            "name",
            "municipalities",
            "starts_on",
            "ends_on",
            "weighting",
            "trim_at",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "municipalities": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "municipalities", municipalities)
        limit_choices(self, "instrument", SurveyInstrument.objects.all())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("starts_on")
            and cleaned.get("ends_on")
            and cleaned["ends_on"] < cleaned["starts_on"]
        ):
            self.add_error("ends_on", _("The wave cannot end before it starts."))
        return cleaned


class ImportForm(forms.Form):
    file = UploadField(
        label=_("File (CSV or XLSX, as KoboToolbox or ODK export it)"),
        help_text=_(
            "One row per respondent; the columns the instrument names, and sex, age, municipality, stratum, psu and weight."
        ),
    )


class MarginsForm(forms.Form):
    """Population totals per municipality: by sex and by age band (for raking), from the
    census or another source the coordinator names."""

    def __init__(self, *args: Any, wave: SurveyWave, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.layout = []
        for municipality in wave.municipalities.all():
            current = wave.margins.get(municipality.code, {})
            names = []
            for margin, levels in [
                ("sex", ["female", "male"]),
                ("age_band", [b for _lower, b in instruments.AGE_BANDS]),
            ]:
                for level in levels:
                    name = f"{municipality.code}__{margin}__{level}"
                    label = f"{municipality} · {SEX_LABELS.get(level, level)}"
                    self.fields[name] = forms.IntegerField(
                        label=label,
                        min_value=0,
                        required=False,
                        initial=current.get(margin, {}).get(level),
                    )
                    names.append(name)
            self.layout.append((municipality, names))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for municipality, names in self.layout:
            sums: dict[str, int] = {}
            for name in names:
                _code, margin, _level = name.split("__")
                sums[margin] = sums.get(margin, 0) + (cleaned.get(name) or 0)
            if sums.get("sex") != sums.get("age_band"):
                raise forms.ValidationError(
                    _(
                        "%(place)s: the totals by sex and by age band must add up to the same population."
                    )
                    % {"place": municipality}
                )
        return cleaned

    def margins(self) -> dict[str, dict[str, dict[str, int]]]:
        result: dict[str, dict[str, dict[str, int]]] = {}
        for name, value in self.cleaned_data.items():
            code, margin, level = name.split("__")
            result.setdefault(code, {}).setdefault(margin, {})[level] = value or 0
        return result


SEX_CHOICES = [("female", _("female")), ("male", _("male"))]
SEX_LABELS = dict(SEX_CHOICES)


class ResponseForm(forms.Form):
    """The interviewer's form, built from the instrument: one field per question."""

    def __init__(self, *args: Any, wave: SurveyWave, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"] = forms.ModelChoiceField(
            label=_("Municipality"), queryset=wave.municipalities.all()
        )
        self.fields["sex"] = forms.ChoiceField(
            label=_("Sex"), choices=SEX_CHOICES, widget=forms.RadioSelect
        )
        self.fields["age"] = forms.IntegerField(label=_("Age"), min_value=15, max_value=110)
        self.question_codes = []
        for question in wave.instrument.data["questions"]:
            self.fields[f"q_{question['code']}"] = self._field(question)
            self.question_codes.append(question["code"])

    @staticmethod
    def _field(question: dict[str, Any]) -> forms.Field:
        label = localized(question["text"])
        choices = [(o["code"], localized(o["text"])) for o in question.get("options", [])]
        if question["type"] == "multiple":
            return forms.MultipleChoiceField(
                label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
            )
        if question["type"] == "number":
            return forms.IntegerField(label=label, required=False, min_value=0)
        return forms.ChoiceField(
            label=label, choices=choices, required=False, widget=forms.RadioSelect
        )

    def answers(self) -> dict[str, str]:
        """Answers stored as Kobo exports them: one code, or space-separated codes."""
        result = {}
        for code in self.question_codes:
            value = self.cleaned_data.get(f"q_{code}")
            if value in (None, "", []):
                continue
            result[code] = " ".join(value) if isinstance(value, list) else str(value)
        return result
