from django import forms
from django.utils.translation import gettext_lazy as _

from spona.accounts.forms import VersionedForm
from spona.people.models import Person
from spona.people.services import EDITABLE_FIELDS


class PersonForm(forms.ModelForm):
    date_of_birth = forms.DateField(
        label=_("date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_date_of_birth(self) -> str:
        born = self.cleaned_data["date_of_birth"]
        return born.isoformat() if born else ""

    class Meta:
        model = Person
        fields = EDITABLE_FIELDS
        help_texts = {
            "given_name": _("As the person gives it, in either script. May stay empty."),
            "estimated_age": _("When the date of birth is not known."),
        }


class PersonEditForm(VersionedForm, PersonForm):
    class Meta(PersonForm.Meta):
        pass


class PersonSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Exact name"),
        required=False,
        help_text=_("Given and family name; Cyrillic and Latin spelling find the same person."),
    )
