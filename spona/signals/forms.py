from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django import forms
from django.core import signing
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from spona.core.forms import ManyOptionsSelect, limit_choices, typeable
from spona.core.templatetags.spona_forms import form_fields
from spona.core.urgency import Urgency
from spona.institutions.filters import OfferedInstitutions, reference_choices
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
        municipalities = reference_choices("municipality")
        typeable(self, "municipality", municipalities)
        signs = choices_for(institution_type) if institution_type else []
        #: all that the empty form's fields show besides the code's labels and help texts
        self.shown = (get_language(), tuple(municipalities), tuple(signs), self.initial)
        if signs:  # the short checklist for the reporter's kind of institution
            self.fields["indicators"] = forms.MultipleChoiceField(
                label=_("Warning signs you noticed"),
                help_text=_("Tick the signs you saw; they help whoever screens the person."),
                choices=signs,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def fields_html(self) -> SafeString:
        """The fields as ``{% form_fields %}`` writes them; those of an empty staff form
        (``_empty_fields``) once per process for each different ``shown``."""
        if self.is_bound or type(self) is not SignalForm:
            return form_fields(self)
        return _empty_fields(_Empty(repr(self.shown), self))


@dataclass(frozen=True)
class _Empty:
    """An empty form, known (hashed and compared) by what it shows."""

    shown: str
    form: SignalForm = field(compare=False)


@lru_cache(maxsize=32)
def _empty_fields(empty: _Empty) -> SafeString:
    """An empty signal form's fields, written once per process for each different language,
    list of municipalities (their names, in order), list of warning signs and initial
    municipality: a form's fields were most of the page's work, and what they show is all in
    the key, so a kept one is never stale (a renamed municipality is a new key)."""
    return form_fields(empty.form)


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


class _AssignableChoices(OfferedInstitutions):
    """The field's institutions, by one query of their keys instead of reading them all,
    sorting them and reading them again in that order."""

    def offered(self) -> list[tuple[int, str]]:
        keys = frozenset(self.queryset.values_list("pk", flat=True))
        return [(pk, label) for pk, label in reference_choices("institution") if pk in keys]


class _AssignableField(forms.ModelChoiceField[Institution]):
    iterator = _AssignableChoices


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    institution = _AssignableField(
        label=_("Assign to"), queryset=Institution.objects.none(), widget=ManyOptionsSelect
    )
    urgency = forms.ChoiceField(
        label=_("Urgency, as triaged"),
        choices=Urgency.choices,
        required=False,
        widget=ManyOptionsSelect,
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
