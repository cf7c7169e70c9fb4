from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from spona.core.forms import VersionedForm
from spona.people import jmbg
from spona.people.models import DocumentKind, Person, Sex
from spona.people.services import EDITABLE_FIELDS, Document


class PersonForm(forms.ModelForm[Person]):
    date_of_birth = forms.DateField(
        label=_("date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_date_of_birth(self) -> str:
        born = self.cleaned_data["date_of_birth"]
        return born.isoformat() if born else ""

    def clean_jmbg(self) -> str:
        number = jmbg.normalise(self.cleaned_data["jmbg"] or "")
        if number:
            jmbg.validate(number)
        return number

    def clean(self) -> dict[str, Any]:
        """A JMBG must agree with the recorded date of birth and sex, unless the person's
        own documents say so (then it is kept, and shown with a warning). Where the date
        or the sex is not recorded, the JMBG's are taken."""
        data = super().clean() or self.cleaned_data
        number = data.get("jmbg")
        if not number or "date_of_birth" not in data or "sex" not in data:
            return data
        read = jmbg.validate(number)
        conflicts = jmbg.conflicts(read, data["date_of_birth"], data["sex"])
        if conflicts and not data.get("jmbg_as_documented"):
            for conflict in conflicts:
                self.add_error("jmbg", conflict)
            return data
        if not data["date_of_birth"]:
            data["date_of_birth"] = read.date_of_birth.isoformat()
        if data["sex"] in ("", Sex.UNKNOWN):
            data["sex"] = read.sex
        return data

    class Meta:
        model = Person
        fields = EDITABLE_FIELDS
        help_texts = {
            "given_name": _("As the person gives it, in either script. May stay empty."),
            "estimated_age": _("When the date of birth is not known."),
            "address": _(
                "Of residence: the street and house number, as in the person's documents."
            ),
            "jmbg": _("Optional: 13 digits. Foreigners and people without documents have none."),
            "jmbg_as_documented": _(
                "Tick only when the JMBG disagrees with the date of birth or sex above and "
                "the person's own documents say so."
            ),
            "parent_name": _("As Serbian records carry it: usually the father's given name."),
            "birth_surname": _("When it differs from the family name (a married name)."),
            "previous_surnames": _("Separated by commas."),
            "other_names": _("Full names the person has also used, separated by commas."),
        }


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("document"), choices=DocumentKind.choices)
    number = forms.CharField(label=_("document number"), max_length=64, required=False)
    country = forms.CharField(label=_("issuing country"), max_length=64, required=False)

    def document(self) -> Document | None:
        if self.cleaned_data.get("DELETE") or not self.cleaned_data.get("number"):
            return None
        return Document(
            kind=self.cleaned_data["kind"],
            number=self.cleaned_data["number"],
            country=self.cleaned_data.get("country", ""),
        )


DocumentFormSet = forms.formset_factory(DocumentForm, extra=1, can_delete=True)


def document_formset(data: Any = None, person: Person | None = None) -> Any:
    """The documents part of the person form; unbound when a post carries none (a client
    that posts only the person's fields leaves the documents as they are)."""
    initial = (
        [{"kind": d.kind, "number": d.number, "country": d.country} for d in person.documents.all()]
        if person is not None
        else []
    )
    if data is not None and "documents-TOTAL_FORMS" not in data:
        data = None
    return DocumentFormSet(data, initial=initial, prefix="documents")


def documents_valid(formset: Any) -> bool:
    return not formset.is_bound or bool(formset.is_valid())


def documents_of(formset: Any) -> list[Document] | None:
    """The documents as posted, or ``None`` when none were posted (leave them as they are)."""
    if not formset.is_bound:
        return None
    return [d for form in formset.forms if (d := form.document()) is not None]


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
