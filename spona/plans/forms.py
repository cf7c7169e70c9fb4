"""The plan's forms. Edits carry the version they began from (stale edits are refused)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.core.forms import VersionedForm, limit_choices
from spona.core.uploads import DOCUMENTS, UploadField
from spona.core.urgency import Urgency
from spona.institutions.models import Institution
from spona.plans.models import Domain, Goal, GoalStatus, OutcomeKind, Plan, ReviewReason

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


class PlanForm(forms.ModelForm[Plan]):
    class Meta:
        model = Plan
        fields = ["kind", "coordinator", "with_person", "summary", "guardianship_decision"]
        widgets = {"summary": TEXT, "guardianship_decision": forms.TextInput()}

    def __init__(self, *args: Any, coordinators: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "coordinator", coordinators)


class PlanEditForm(VersionedForm):
    class Meta:
        model = Plan
        fields = ["coordinator", "with_person", "summary", "guardianship_decision"]
        widgets = {"summary": TEXT, "guardianship_decision": forms.TextInput()}

    def __init__(self, *args: Any, coordinators: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "coordinator", coordinators)


class GoalForm(forms.ModelForm[Goal]):
    class Meta:
        model = Goal
        fields = ["domain", "text", "own_words", "responsible_institution", "target_date"]
        widgets = {"text": TEXT, "own_words": TEXT, "target_date": DATE}
        help_texts = {
            "responsible_institution": _(
                "Leave empty to take the institution the mandate matrix suggests."
            )
        }

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "responsible_institution", institutions)


class GoalEditForm(VersionedForm):
    class Meta:
        model = Goal
        fields = ["domain", "text", "own_words", "responsible_institution", "target_date", "status"]
        widgets = {"text": TEXT, "own_words": TEXT, "target_date": DATE}

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "responsible_institution", institutions)


class MoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, widget=TEXT)


class ReferForm(forms.Form):
    to = forms.ModelChoiceField(label=_("To"), queryset=Institution.objects.none())
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    reason = forms.CharField(label=_("What is asked"), required=False, max_length=500)

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "to", institutions)


class ReviewRequestForm(forms.Form):
    due_on = forms.DateField(label=_("Review by"), widget=DATE)
    reason = forms.ChoiceField(label=_("Why"), choices=ReviewReason.choices)


class ReviewForm(forms.Form):
    """The review: per goal a status and a note, and a summary."""

    review_version = forms.IntegerField(widget=forms.HiddenInput)
    plan_version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(label=_("Summary"), required=False, widget=TEXT)

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"status_{goal.pk}"] = forms.ChoiceField(
                label=f"{goal.get_domain_display()}: {goal.text}",
                choices=GoalStatus.choices,
                initial=goal.status,
            )
            self.fields[f"note_{goal.pk}"] = forms.CharField(
                label=_("Progress"), required=False, initial=goal.progress, widget=TEXT
            )


class OutcomeForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), choices=Domain.choices)
    kind = forms.ChoiceField(label=_("Outcome"), choices=OutcomeKind.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=TEXT)


class AttachmentForm(forms.Form):
    file = UploadField(label=_("Certificate, decision or scan (PDF, JPEG or PNG)"), kinds=DOCUMENTS)
