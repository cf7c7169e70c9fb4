"""The directory of service providers and employers' offers, and the services a case received.

An organization of the directory is an ``institutions.Institution`` (so that a request for a
service is a referral to it); ``Provider`` adds what the directory needs about it, ``Service``
the services it offers, ``Offer`` an employer's job, internship or training.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spona.cases.models import Case, Referral
from spona.core.fields import EncryptedTextField
from spona.core.locking import VersionedModel
from spona.institutions.models import Institution, Municipality


class Domain(models.TextChoices):
    """The domains of protection and integration: one definition for a service, a plan's goal,
    an outcome and the matrix's suggestion of who answers."""

    SAFETY = "safety", _("Safety")
    ACCOMMODATION = "accommodation", _("Accommodation")
    HEALTH = "health", _("Health")
    PSYCHOLOGICAL = "psychological", _("Psychological support")
    LEGAL = "legal", _("Legal aid and criminal proceedings")
    DOCUMENTS = "documents", _("Documents")
    EDUCATION = "education", _("Education and training")
    EMPLOYMENT = "employment", _("Employment")
    INCOME = "income", _("Income and benefits")
    FAMILY = "family", _("Family and return")
    COMMUNITY = "community", _("Community")


class SupportType(models.TextChoices):
    """HTCDS 2.0 support types (``spl_Type`` of the Support Plan section): the values are the
    standard's names, so an export needs no mapping."""

    EDUCATION = "Education", _("Education")
    FINANCIAL = "Financial", _("Financial")
    HEALTH = "Health", _("Health")
    LABOUR_REHABILITATION = (
        "LabourExploitationRehabilitation",
        _("Labour exploitation rehabilitation"),
    )
    LEGAL = "Legal", _("Legal")
    LIVELIHOOD = "Livelihood", _("Livelihood")
    RIGHTS_TRAINING = "RightsBasedTraining", _("Rights-based training")
    SEXUAL_REHABILITATION = (
        "SexualExploitationRehabilitation",
        _("Sexual exploitation rehabilitation"),
    )
    SOCIAL_CARE = "SocialCare", _("Social care")


#: The HTCDS support type a service of each domain is recorded as unless the team says otherwise.
SUPPORT_TYPE_OF_DOMAIN: dict[Domain, SupportType] = {
    Domain.SAFETY: SupportType.SOCIAL_CARE,
    Domain.ACCOMMODATION: SupportType.SOCIAL_CARE,
    Domain.HEALTH: SupportType.HEALTH,
    Domain.PSYCHOLOGICAL: SupportType.HEALTH,
    Domain.LEGAL: SupportType.LEGAL,
    Domain.DOCUMENTS: SupportType.LEGAL,
    Domain.EDUCATION: SupportType.EDUCATION,
    Domain.EMPLOYMENT: SupportType.LIVELIHOOD,
    Domain.INCOME: SupportType.FINANCIAL,
    Domain.FAMILY: SupportType.SOCIAL_CARE,
    Domain.COMMUNITY: SupportType.SOCIAL_CARE,
}


class Provider(VersionedModel):
    """An institution as it appears in the directory (HSDS: an organization)."""

    institution = models.OneToOneField(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="provider",
    )
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["institution__name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self) -> str:
        return str(self.institution)


class Service(VersionedModel):
    """A service a provider offers (HSDS: a service at a location)."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="services")
    hsds_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    eligibility = models.TextField(_("who may use it"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    free_places = models.PositiveIntegerField(_("free places"), null=True, blank=True)
    languages = models.CharField(
        _("languages"),
        max_length=100,
        blank=True,
        help_text=_("ISO 639-1 codes separated by commas, e.g. sr, en, ro."),
    )
    contact_name = models.CharField(_("contact person or desk"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the service is given, if not at the provider's seat."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["provider__institution__name", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name

    @property
    def language_codes(self) -> list[str]:
        return [code.strip().lower() for code in self.languages.split(",") if code.strip()]

    @property
    def place(self) -> Municipality | None:
        """The municipality where the service is given (``None``: nationwide)."""
        return self.municipality or self.provider.institution.municipality


class OfferKind(models.TextChoices):
    JOB = "job", _("Job")
    INTERNSHIP = "internship", _("Internship")
    TRAINING = "training", _("Training")


class Offer(VersionedModel):
    """An employer's offer of a job, an internship or a training."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="offers"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=OfferKind.choices)
    title = models.CharField(_("title"), max_length=200)
    places = models.PositiveIntegerField(_("places"), default=1)
    requirements = models.TextField(_("requirements"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    apply_by = models.DateField(_("apply by"), null=True, blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return self.title


class ServiceRequest(models.Model):
    """What a referral to a provider asks for: the referral is the request (its SLA, answer and
    completion are the referral's); this row only says which service or offer, and the domain."""

    referral = models.OneToOneField(
        Referral, on_delete=models.PROTECT, related_name="service_request"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    offer = models.ForeignKey(
        Offer, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)

    class Meta:
        ordering = ["-referral__sent_at"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.domain}"


class DeliveryStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped early")


class Delivery(VersionedModel):
    """A service a case received (or is receiving) from a provider, with its cost."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deliveries")
    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="deliveries"
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    support_type = models.CharField(
        _("support type (HTCDS)"), max_length=40, choices=SupportType.choices
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=DeliveryStatus.choices)
    cost = models.DecimalField(
        _("cost (RSD)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    funder = models.CharField(_("funded by"), max_length=200, blank=True)
    outcome = EncryptedTextField(_("outcome"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.domain} by {self.provider_id}"
