"""Writes of the directory, of service requests and of services delivered: each checks the
policy, writes, audits, in one transaction."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.cases.models import Case, Referral
from spona.cases.services import referral_send, refuse_unless_it_receives
from spona.core.locking import save_versioned
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.institutions.services import institution_ensure
from spona.policy import require
from spona.providers.access import DELIVERY_RECORD, PROVIDER_EDIT, SERVICE_REQUEST
from spona.providers.models import (
    SUPPORT_TYPE_OF_DOMAIN,
    Delivery,
    Domain,
    Offer,
    Provider,
    Service,
    ServiceRequest,
)

PROVIDER_FIELDS = ["description", "website"]
SERVICE_FIELDS = [
    "name",
    "description",
    "domain",
    "eligibility",
    "capacity",
    "free_places",
    "languages",
    "contact_name",
    "contact_phone",
    "contact_email",
    "address",
    "municipality",
    "is_active",
]
OFFER_FIELDS = ["kind", "title", "places", "requirements", "starts_on", "apply_by", "is_open"]
DELIVERY_FIELDS = [
    "provider",
    "referral",
    "service",
    "domain",
    "support_type",
    "started_on",
    "ended_on",
    "status",
    "cost",
    "funder",
    "outcome",
]


@transaction.atomic
def provider_add(
    *,
    user: User,
    municipality: Municipality | None,
    name: str,
    type: str,
    description: str = "",
    website: str = "",
    **contacts: Any,
) -> Provider:
    """Put an institution in the directory (created in the register if it is new there)."""
    require(user, PROVIDER_EDIT, municipality)
    institution = institution_ensure(municipality=municipality, type=type, name=name, **contacts)
    return _provider_for(institution, user=user, description=description, website=website)


def _provider_for(
    institution: Institution, *, user: User | None, description: str = "", website: str = ""
) -> Provider:
    provider, created = Provider.objects.get_or_create(
        institution=institution, defaults={"description": description, "website": website}
    )
    if created:
        audit(AuditAction.CREATE, provider, user=user)
    return provider


@transaction.atomic
def provider_update(
    *, user: User, provider: Provider, expected_version: int, changed: list[str]
) -> Provider:
    require(user, PROVIDER_EDIT, provider)
    save_versioned(provider, expected_version=expected_version, fields=PROVIDER_FIELDS)
    audit(AuditAction.UPDATE, provider, user=user, details={"fields": changed})
    return provider


def _check_places(service: Service) -> None:
    if (
        service.capacity is not None
        and service.free_places is not None
        and service.free_places > service.capacity
    ):
        raise ValidationError({"free_places": _("There cannot be more free places than places.")})


@transaction.atomic
def service_add(*, user: User, provider: Provider, **fields: Any) -> Service:
    require(user, PROVIDER_EDIT, provider)
    service = Service(provider=provider, **fields)
    _check_places(service)
    service.full_clean(exclude=["provider"])
    service.save()
    audit(AuditAction.CREATE, service, user=user)
    return service


@transaction.atomic
def service_update(
    *, user: User, service: Service, expected_version: int, changed: list[str]
) -> Service:
    require(user, PROVIDER_EDIT, service.provider)
    _check_places(service)
    save_versioned(service, expected_version=expected_version, fields=SERVICE_FIELDS)
    audit(AuditAction.UPDATE, service, user=user, details={"fields": changed})
    return service


@transaction.atomic
def offer_add(
    *,
    user: User,
    municipality: Municipality | None,
    employer: Institution | None = None,
    employer_name: str = "",
    **fields: Any,
) -> Offer:
    """The coordinator's quick form: an employer (an existing one, or a new one by its name)
    and its offer, in one step."""
    require(user, PROVIDER_EDIT, municipality)
    if employer is None:
        if not employer_name.strip():
            raise ValidationError({"employer_name": _("Choose an employer or type a new one.")})
        employer = institution_ensure(
            municipality=municipality, type=InstitutionType.EMPLOYER, name=employer_name.strip()
        )
    provider = _provider_for(employer, user=user)
    require(user, PROVIDER_EDIT, provider)
    offer = Offer(provider=provider, created_by=user, **fields)
    if offer.starts_on and offer.apply_by and offer.apply_by > offer.starts_on:
        raise ValidationError({"apply_by": _("The last day to apply is after the start.")})
    offer.full_clean(exclude=["provider", "created_by"])
    offer.save()
    audit(AuditAction.CREATE, offer, user=user)
    return offer


@transaction.atomic
def offer_close(*, user: User, offer: Offer, expected_version: int) -> Offer:
    require(user, PROVIDER_EDIT, offer.provider)
    offer.is_open = False
    save_versioned(offer, expected_version=expected_version, fields=["is_open"])
    audit(AuditAction.UPDATE, offer, user=user, details={"fields": ["is_open"]})
    return offer


def service_request_send(
    *,
    user: User,
    case: Case,
    urgency: str,
    reason: str,
    service: Service | None = None,
    offer: Offer | None = None,
) -> ServiceRequest:
    """Ask a provider for a service or an employer about an offer: the request *is* a referral
    of the case to the provider's institution (its due time, answer and reminders are the
    referral's); this only records what it asks for."""
    require(user, SERVICE_REQUEST, case)
    if (service is None) == (offer is None):
        raise ValidationError(_("Choose one service or one offer."))
    if service is not None:
        provider, domain = service.provider, service.domain
        if not service.is_active:
            raise ValidationError(_("This service is not active."))
    else:
        assert offer is not None  # noqa: S101 - checked above
        provider, domain = offer.provider, Domain.EMPLOYMENT
        if not offer.is_open:
            raise ValidationError(_("This offer is closed."))
    refuse_unless_it_receives(provider.institution)
    with transaction.atomic():
        referral = referral_send(
            user=user, case=case, to=provider.institution, reason=reason, urgency=urgency
        )
        request = ServiceRequest.objects.create(
            referral=referral, service=service, offer=offer, domain=domain
        )
        audit(AuditAction.CREATE, request, user=user, details={"referral": referral.pk})
    return request


def _check_delivery(delivery: Delivery) -> None:
    errors: dict[str, Any] = {}
    if delivery.ended_on and delivery.ended_on < delivery.started_on:
        errors["ended_on"] = _("The end cannot be before the start.")
    if delivery.service is not None and delivery.service.provider_id != delivery.provider_id:
        errors["service"] = _("This service is not the provider's.")
    referral = delivery.referral
    if referral is not None and (
        referral.case_id != delivery.case_id
        or referral.to_institution_id != delivery.provider.institution_id
    ):
        errors["referral"] = _("This request went to another provider or case.")
    if delivery.cost is not None and delivery.cost < Decimal(0):
        errors["cost"] = _("A cost cannot be negative.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def delivery_record(
    *,
    user: User,
    case: Case,
    provider: Provider,
    domain: str,
    started_on: date,
    status: str,
    referral: Referral | None = None,
    **fields: Any,
) -> Delivery:
    """A service the person received: provider, HTCDS type, dates, status, cost, outcome."""
    require(user, DELIVERY_RECORD, case)
    if not fields.get("support_type"):
        fields["support_type"] = SUPPORT_TYPE_OF_DOMAIN[Domain(domain)]
    delivery = Delivery(
        case=case,
        provider=provider,
        domain=domain,
        started_on=started_on,
        status=status,
        referral=referral,
        recorded_by=user,
        **fields,
    )
    _check_delivery(delivery)
    delivery.full_clean(exclude=["case", "recorded_by"])
    delivery.save()
    audit(AuditAction.CREATE, delivery, user=user, details={"case": case.code})
    return delivery


@transaction.atomic
def delivery_update(
    *, user: User, delivery: Delivery, expected_version: int, changed: list[str]
) -> Delivery:
    require(user, DELIVERY_RECORD, delivery.case)
    _check_delivery(delivery)
    save_versioned(delivery, expected_version=expected_version, fields=DELIVERY_FIELDS)
    audit(AuditAction.UPDATE, delivery, user=user, details={"fields": changed})
    return delivery
