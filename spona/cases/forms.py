from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spona.accounts.selectors import receiving_institutions, with_receivers
from spona.cases.models import (
    CloseReason,
    ConsentMethod,
    DataCategory,
)
from spona.core.forms import (
    KeptWhenEmpty,
    ManyOptionsSelect,
    limit_choices,
    quickly_copied,
    set_on_fields,
)
from spona.core.urgency import Urgency
from spona.institutions.filters import OfferedInstitutions, reference_choices
from spona.institutions.models import Institution, InstitutionType


@quickly_copied
class TransitionForm(KeptWhenEmpty):
    known_unmade = True

    version = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.ChoiceField(label=_("New status"), widget=ManyOptionsSelect)
    decided_on = forms.DateField(
        label=_("Date of the decision"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    decision_panel = forms.CharField(
        label=_("Who decided (the panel)"), max_length=200, required=False
    )
    decision_reasons = forms.CharField(
        label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    close_reason = forms.ChoiceField(
        label=_("Reason for closing"),
        choices=[("", "—"), *CloseReason.choices],
        required=False,
        widget=ManyOptionsSelect,
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_on_fields(self.fields, self.field_settings(targets=targets))

    @classmethod
    def field_settings(cls, **options: Any) -> dict[str, dict[str, Any]]:
        """The statuses the case may move to offered as the new status (``targets``)."""
        return {"to": {"choices": options["targets"]}}

    def details(self) -> dict[str, Any]:
        wanted = {
            "identified": ["decided_on", "decision_panel", "decision_reasons"],
            "closed": ["close_reason"],
        }
        wanted["not_identified"] = wanted["identified"]
        return {name: self.cleaned_data[name] for name in wanted.get(self.cleaned_data["to"], [])}


class ReopenForm(KeptWhenEmpty):
    known_unmade = True

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why is the case reopened?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class _ReceiverChoices(OfferedInstitutions):
    """The institutions a referral may go to: the active ones less those nobody can receive
    for and the sender."""

    def offered(self) -> list[tuple[int, str]]:
        receiving = receiving_institutions()
        sender = getattr(self.field, "sender_id", None)
        return [
            (pk, label)
            for pk, label in reference_choices("institution")
            if pk in receiving and pk != sender
        ]


class _ReceiverField(forms.ModelChoiceField[Institution]):
    iterator = _ReceiverChoices
    sender_id: int | None = None


@quickly_copied
class ReferralForm(KeptWhenEmpty):
    known_unmade = True

    to = _ReceiverField(
        label=_("Refer to"), queryset=Institution.objects.none(), widget=ManyOptionsSelect
    )
    reason = forms.CharField(
        label=_("Reason for the referral"), widget=forms.Textarea(attrs={"rows": 2})
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, widget=ManyOptionsSelect
    )

    def __init__(self, *args: Any, sender_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_on_fields(self.fields, self.field_settings(sender_id=sender_id))
        if self.is_bound:  # what a sent form accepts; the options shown are _ReceiverChoices'
            limit_choices(
                self,
                "to",
                with_receivers(Institution.objects.filter(is_active=True)).exclude(
                    pk__in=[sender_id] if sender_id else []
                ),
            )

    @classmethod
    def field_settings(cls, **options: Any) -> dict[str, dict[str, Any]]:
        """The sender (``sender_id``) left out of the institutions offered
        (``_ReceiverChoices``)."""
        return {"to": {"sender_id": options["sender_id"]}}


@quickly_copied
class ConsentForm(KeptWhenEmpty):
    known_unmade = True

    institution_type = forms.ChoiceField(
        label=_("Share with institutions of the type"),
        choices=InstitutionType.choices,
        widget=ManyOptionsSelect,
    )
    category = forms.ChoiceField(
        label=_("Data"), choices=DataCategory.choices, widget=ManyOptionsSelect
    )
    method = forms.ChoiceField(
        label=_("How the consent was given"),
        choices=ConsentMethod.choices,
        widget=ManyOptionsSelect,
    )


class BreakGlassForm(forms.Form):
    code = forms.CharField(label=_("Case code"), max_length=12)
    reason = forms.CharField(
        label=_("Why do you need this case now?"), widget=forms.Textarea(attrs={"rows": 3})
    )
