from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django import forms
from django.core import signing
from django.db.models import QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from spona.core.caching import forget_when_catalogues_change
from spona.core.forms import ManyOptionsSelect, limit_choices, quickly_copied, typeable
from spona.core.prepared import Prepared
from spona.core.templatetags.spona_forms import form_fields
from spona.core.urgency import Urgency
from spona.institutions.filters import OfferedInstitutions, reference_choices
from spona.institutions.models import Institution, Municipality
from spona.signals.models import Signal
from spona.signals.selectors import assignable, assignable_choices
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


@quickly_copied
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
        typeable(self, "municipality", municipalities, read=_municipality)
        self._institution_type = institution_type
        if not self.is_bound or "indicators" in self.data:
            self._add_signs()

    def _add_signs(self) -> None:
        """The short checklist for the reporter's kind of institution, if the catalogue has
        one. A form sent with no sign ticked leaves it out until it is shown again
        (``fields_html``): it would only clean to ``[]``, the model's default, and reading
        the catalogue is a query."""
        if "indicators" in self.fields or not self._institution_type:
            return
        signs = choices_for(self._institution_type)
        if signs:
            self.fields["indicators"] = forms.MultipleChoiceField(
                label=_("Warning signs you noticed"),
                help_text=_("Tick the signs you saw; they help whoever screens the person."),
                choices=signs,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def _get_validation_exclusions(self) -> set[str]:
        """Django's, and the municipality: its field read it from the rows the model's
        foreign key accepts (every municipality, ``_municipality``), so the model's validation
        would only read it again, by a query compiled on every post."""
        return {*super()._get_validation_exclusions(), "municipality"}  # type: ignore[misc]

    def fields_html(self) -> SafeString:
        """The fields as ``{% form_fields %}`` writes them, with what was typed and its
        errors (an empty staff form: ``empty_fields``)."""
        self._add_signs()
        return form_fields(self)


def _of_key(key: int) -> QuerySet[Municipality]:
    return Municipality.objects.filter(pk=key)


#: a municipality by its key: what the signal form's field accepts (its queryset is every
#: municipality, the foreign key's own rows), read by a query compiled once per process
_OF_KEY = Prepared(_of_key, 1)


def _municipality(key: int) -> Municipality | None:
    found: list[Municipality] = _OF_KEY(key)
    return found[0] if found else None


def empty_fields(*, initial: dict[str, Any], institution_type: str) -> SafeString:
    """The fields of an empty staff ``SignalForm`` as ``{% form_fields %}`` writes them,
    written once per process for each different ``shown`` (``_empty_fields``) and, when
    kept, without building the form."""
    signs = choices_for(institution_type) if institution_type else []
    #: all that the empty form's fields show besides the code's labels and help texts
    shown = (get_language(), tuple(reference_choices("municipality")), tuple(signs), initial)

    def build() -> SignalForm:
        return SignalForm(initial=initial, institution_type=institution_type)

    return _empty_fields(_Empty(repr(shown), build))


@dataclass(frozen=True)
class _Empty:
    """An empty form, known (hashed and compared) by what it shows, and how to build it."""

    shown: str
    build: Callable[[], SignalForm] = field(compare=False)


@lru_cache(maxsize=32)
def _empty_fields(empty: _Empty) -> SafeString:
    """An empty signal form's fields, written once per process for each different language,
    list of municipalities (their names, in order), list of warning signs and initial
    municipality: a form's fields were most of the page's work, and what they show is all in
    the key, so a kept one is never stale (a renamed municipality is a new key)."""
    return form_fields(empty.build())


forget_when_catalogues_change(_empty_fields.cache_clear)


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
    """The institutions a signal of the field's municipality may be assigned to."""

    def offered(self) -> list[tuple[int, str]]:
        return assignable_choices(getattr(self.field, "municipality"))  # noqa: B009 - set by AssignForm


class _AssignableField(forms.ModelChoiceField[Institution]):
    iterator = _AssignableChoices
    municipality: int


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

    def __init__(self, *args: Any, municipality: int, **kwargs: Any) -> None:
        """The form of a signal of ``municipality``: it offers ``assignable_choices``; a
        form sent accepts ``assignable``'s institutions."""
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, _AssignableField)  # noqa: S101 - declared above
        field.municipality = municipality
        if self.is_bound:
            limit_choices(self, "institution", assignable(municipality))


class DismissForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for dismissal"), widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    into = forms.CharField(label=_("Code of the signal this one repeats"), max_length=12)


def triage_fields(signal: Signal) -> dict[str, SafeString]:
    """The fields of the signal page's empty triage forms (``assign``, ``dismiss``,
    ``merge``) as ``includes/form.html`` writes them: once per process for each different
    language, version, urgency and list of institutions offered (``_triage_fields``), all
    that they show; when kept, without building the forms."""
    offered = tuple(assignable_choices(signal.municipality_id))
    return _triage_fields(
        get_language(), signal.municipality_id, signal.version, signal.urgency, offered
    )


@lru_cache(maxsize=64)
def _triage_fields(
    language: str, municipality: int, version: int, urgency: str, offered: tuple[Any, ...]
) -> dict[str, SafeString]:
    initial = {"version": version}
    forms_shown = {
        "assign": AssignForm(initial={**initial, "urgency": urgency}, municipality=municipality),
        "dismiss": DismissForm(initial=initial),
        "merge": MergeForm(initial=initial),
    }
    return {name: form_fields(form) + SafeString("\n") for name, form in forms_shown.items()}


forget_when_catalogues_change(_triage_fields.cache_clear)
