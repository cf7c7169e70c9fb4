from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.core.forms import limit_choices
from spona.core.phases import RESPONSE_PHASE_CHOICES
from spona.institutions.models import Institution

PAST = _("The date cannot be in the past.")
NOT_IN_INSTITUTION = _("This person does not work in the institution that owns the task.")
OUTSIDE_CONSENT = _(
    "The person has not agreed to share the case details with this institution: "
    "a task about the case cannot go to it."
)


class ConveneForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=300)
    phase = forms.ChoiceField(label=_("Phase"), choices=RESPONSE_PHASE_CHOICES)
    held_on = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=Institution.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Invite at least one institution.")},
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "participants", institutions)


class RecordForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    decisions = forms.CharField(
        label=_("Decisions taken (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def decision_texts(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["decisions"].splitlines() if line.strip()
        ]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


def _not_past(value: date) -> date:
    if value < timezone.localdate():
        raise forms.ValidationError(PAST)
    return value


class UserChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name() or obj.get_username()
        return f"{name} ({obj.institution})"


class _OwnerForm(forms.Form):
    owner_institution = forms.ModelChoiceField(
        label=_("Institution responsible"), queryset=Institution.objects.none()
    )
    owner_user = UserChoiceField(
        label=_("Person responsible (optional)"), queryset=User.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Institution],
        users: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "owner_institution", institutions)
        limit_choices(self, "owner_user", users)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person, institution = data.get("owner_user"), data.get("owner_institution")
        if (
            person is not None
            and institution is not None
            and person.institution_id != institution.pk
        ):
            self.add_error("owner_user", NOT_IN_INSTITUTION)
        return data


class TaskForm(_OwnerForm):
    title = forms.CharField(label=_("Task"), max_length=300)
    details = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    field_order = ["title", "details", "owner_institution", "owner_user", "due_on"]

    def clean_due_on(self) -> date:
        return _not_past(self.cleaned_data["due_on"])


class ReassignForm(_OwnerForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_due_on(self) -> date:
        """A task already overdue may keep its date; a new date cannot be in the past."""
        due_on: date = self.cleaned_data["due_on"]
        return due_on if due_on == self.initial.get("due_on") else _not_past(due_on)
