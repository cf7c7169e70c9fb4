from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from spona.cases.models import Case, Referral
from spona.core.forms import VersionedForm, limit_choices, typeable
from spona.core.uploads import Kind, UploadField
from spona.core.urgency import Urgency
from spona.institutions.filters import reference_choices
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.providers.models import Delivery, Offer, OfferKind, Provider, Service
from spona.providers.services import DELIVERY_FIELDS, PROVIDER_FIELDS, SERVICE_FIELDS

#: the kinds of institution a coordinator adds to the directory
DIRECTORY_TYPES = [
    InstitutionType.SERVICE_PROVIDER,
    InstitutionType.NGO,
    InstitutionType.HEALTH,
    InstitutionType.EMPLOYMENT,
    InstitutionType.EMPLOYER,
    InstitutionType.SOCIAL_WELFARE,
    InstitutionType.LOCAL_GOVERNMENT,
    InstitutionType.SCHOOL,
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProviderAddForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=[(t.value, t.label) for t in DIRECTORY_TYPES])
    description = forms.CharField(
        label=_("What it does"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    duty_phone = forms.CharField(label=_("Duty phone"), max_length=40, required=False)
    duty_email = forms.EmailField(label=_("Duty e-mail"), required=False)


class ProviderForm(VersionedForm):
    class Meta:
        model = Provider
        fields = PROVIDER_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ServiceForm(VersionedForm):
    class Meta:
        model = Service
        fields = SERVICE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # 161 of them: type a few letters
        typeable(self, "municipality", reference_choices("municipality"))


class OfferForm(forms.Form):
    """The coordinator's quick form: employer and offer at once."""

    employer = forms.ModelChoiceField(
        label=_("Employer"),
        queryset=Institution.objects.none(),
        required=False,
        empty_label=_("— a new employer —"),
    )
    employer_name = forms.CharField(label=_("New employer's name"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=OfferKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    places = forms.IntegerField(label=_("Places"), min_value=1, initial=1)
    requirements = forms.CharField(
        label=_("Requirements"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DATE)
    apply_by = forms.DateField(label=_("Apply by"), required=False, widget=DATE)

    def __init__(self, *args: Any, municipality: Municipality | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self,
            "employer",
            Institution.objects.filter(
                type=InstitutionType.EMPLOYER, municipality=municipality, is_active=True
            ),
        )


class ServiceRequestForm(forms.Form):
    target = forms.ChoiceField(label=_("Service or offer"))
    reason = forms.CharField(
        label=_("What is asked for"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Do not name the person: the provider sees who it is only with consent."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)

    def __init__(
        self,
        *args: Any,
        services: list[Service],
        offers: list[Offer],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [
            (f"service:{s.pk}", f"{s.get_domain_display()} · {s.name} ({s.provider})")
            for s in services
        ]
        choices += [
            (f"offer:{o.pk}", f"{o.get_kind_display()} · {o.title} ({o.provider})") for o in offers
        ]
        self.fields["target"].choices = choices  # type: ignore[attr-defined]


class RequestChoiceField(forms.ModelChoiceField[Referral]):
    def label_from_instance(self, obj: Referral) -> str:
        return f"{obj.to_institution} · {obj.get_status_display()}"


class DeliveryForm(VersionedForm):
    referral = RequestChoiceField(
        label=_("The request it answers"), queryset=Referral.objects.none(), required=False
    )

    class Meta:
        model = Delivery
        fields = DELIVERY_FIELDS
        widgets = {
            "started_on": DATE,
            "ended_on": DATE,
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self,
            "referral",
            Referral.objects.filter(case=case, service_request__isnull=False).select_related(
                "to_institution"
            ),
        )
        self.fields["support_type"].required = False
        self.fields["support_type"].help_text = _("Left empty: the usual type for the domain.")
        limit_choices(
            self,
            "provider",
            Provider.objects.select_related("institution").order_by("institution__name"),
        )
        limit_choices(self, "service", Service.objects.select_related("provider__institution"))


class ImportForm(forms.Form):
    file = UploadField(label=_("HSDS file (JSON)"), kinds={Kind.JSON})
