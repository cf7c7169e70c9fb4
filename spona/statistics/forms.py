from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spona.statistics.dashboard import Area, Period

MAX_DAYS = 366 * 10


class DashboardFilter(forms.Form):
    area = forms.ChoiceField(label=_("Area"), required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args: Any, areas: list[Area], default: Period, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default = default
        field = self.fields["area"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = [(area.key, area.name) for area in areas]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: date = data.get("start") or self.default.start
        end: date = data.get("end") or self.default.last_day
        if end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        if (end - start).days > MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of at most ten years."))
        data["period"] = Period(start, end + timedelta(days=1))
        return data
