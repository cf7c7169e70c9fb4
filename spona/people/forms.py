from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from spona.core.forms import VersionedForm
from spona.people.models import Person
from spona.people.services import EDITABLE_FIELDS


class PersonForm(forms.ModelForm[Person]):
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


class DuplicateForm(forms.Form):
    """Two records of the same person: which to keep (the other is merged into it).

    Carries the version of both records as compared, so a merge made from a stale
    comparison is refused."""

    keep = forms.ChoiceField(label=_("Keep the record"), widget=forms.RadioSelect)
    version = forms.IntegerField(widget=forms.HiddenInput)
    other_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, person: Person, other: Person) -> None:
        older = min((person, other), key=lambda p: (p.created_at, p.pk))
        initial = {"keep": older.code, "version": person.version, "other_version": other.version}
        super().__init__(data, initial=initial)
        keep = cast(forms.ChoiceField, self.fields["keep"])
        keep.choices = [(person.code, person.code), (other.code, other.code)]
