from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from spona.core.forms import limit_choices, typeable
from spona.core.urgency import Urgency
from spona.institutions.filters import reference_choices
from spona.institutions.models import Institution
from spona.signals.models import Signal
from spona.signals.warning_signs import choices_for

SIGNAL_FIELDS = [
    "what_seen",
    "municipality",
    "settlement",
    "who",
    "urgency",
    "child_involved",
    "contact",
]
#: A form filled in faster than a person can read it is a robot's.
MIN_SECONDS, MAX_SECONDS = 3, 2 * 60 * 60
_SALT = "spona.citizen-signal"


class SignalForm(forms.ModelForm[Signal]):
    """The one-minute signal: what, where, who (if known), how urgent."""

    class Meta:
        model = Signal
        fields = SIGNAL_FIELDS
        widgets = {
            "what_seen": forms.Textarea(attrs={"rows": 4}),
            "who": forms.Textarea(attrs={"rows": 2}),
            "urgency": forms.RadioSelect,
            "child_involved": forms.RadioSelect,
        }
        help_texts = {
            "what_seen": _(
                "What you saw or heard, in your own words. Write facts, not conclusions."
            ),
            "who": _("A description is enough: a name is not required."),
            "contact": _("How we can reach you with questions (phone or e-mail)."),
        }

    def __init__(self, *args: Any, institution_type: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # 161 of them: type a few letters
        typeable(self, "municipality", reference_choices("municipality"))
        signs = choices_for(institution_type) if institution_type else []
        if signs:  # the short checklist for the reporter's kind of institution
            self.fields["indicators"] = forms.MultipleChoiceField(
                label=_("Warning signs you noticed"),
                help_text=_("Tick the signs you saw; they help whoever screens the person."),
                choices=signs,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )


class CitizenSignalForm(SignalForm):
    """The public form: no account, nothing identifying required, robots kept out without
    a third-party service (a hidden field only robots fill, and a signed start time)."""

    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput)

    class Meta(SignalForm.Meta):
        help_texts = {
            **SignalForm.Meta.help_texts,
            "contact": _("Only if you want to be contacted. You can stay anonymous."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = signing.TimestampSigner(salt=_SALT).sign("form")
        self.fields["website"].widget.attrs.update(autocomplete="off", tabindex="-1")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("website"):
            raise forms.ValidationError(_("The form could not be sent. Please try again."))
        signer = signing.TimestampSigner(salt=_SALT)
        started = cleaned.get("started", "")
        try:
            signer.unsign(started, max_age=MAX_SECONDS)
        except signing.BadSignature as error:  # tampered, or older than two hours
            raise forms.ValidationError(
                _("The form has expired. Please fill it in again.")
            ) from error
        try:
            signer.unsign(started, max_age=MIN_SECONDS)
        except signing.SignatureExpired:
            return cleaned  # filled in at a human pace
        raise forms.ValidationError(
            _("The form was sent too quickly. Please check it and send it again.")
        )


class FollowUpForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt code"), max_length=20)
    text = forms.CharField(
        label=_("What you want to add"), widget=forms.Textarea(attrs={"rows": 4})
    )


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    institution = forms.ModelChoiceField(label=_("Assign to"), queryset=Institution.objects.none())
    urgency = forms.ChoiceField(
        label=_("Urgency, as triaged"),
        choices=Urgency.choices,
        required=False,
        help_text=_("Raise or lower what the reporter chose; the time to act follows from it."),
    )

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "institution", institutions)


class DismissForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for dismissal"), widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    into = forms.CharField(label=_("Code of the signal this one repeats"), max_length=12)
