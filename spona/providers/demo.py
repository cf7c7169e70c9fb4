"""Demo directory: in each study municipality a shelter, an NGO with psychological support,
the employment service and two employers with offers; a national legal-aid NGO. Where the
demo cases exist, each gets a request for psychological support (a referral to the NGO) and a
stay at the shelter as a service delivered. Running it again changes nothing."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.cases.models import Case
from spona.core.urgency import Urgency
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.institutions.services import institution_ensure
from spona.providers.models import (
    DeliveryStatus,
    Domain,
    Offer,
    OfferKind,
    Provider,
    Service,
    ServiceRequest,
)
from spona.providers.services import _provider_for, delivery_record, service_request_send

STUDY_MUNICIPALITIES = ["70939", "71099", "80403"]  # workspace.demo.DEMO_MUNICIPALITIES


def _institution(municipality: Municipality | None, kind: str, name: str) -> Institution:
    slug = municipality.name_lat.lower().replace(" ", "-") if municipality else "srbija"
    return institution_ensure(
        municipality=municipality,
        type=kind,
        name=name,
        duty_phone="+381 11 000 0000",
        duty_email=f"{kind}@{slug}.demo.spona.rs",
    )


def _service(provider: Provider, name: str, domain: Domain, **fields: object) -> Service:
    service = provider.services.filter(name=name).first()
    if service is None:
        service = Service.objects.create(provider=provider, name=name, domain=domain, **fields)
        audit(AuditAction.CREATE, service)
    return service


def _offer(provider: Provider, title: str, kind: OfferKind, **fields: object) -> Offer:
    offer = provider.offers.filter(title=title).first()
    if offer is None:
        offer = Offer.objects.create(provider=provider, title=title, kind=kind, **fields)
        audit(AuditAction.CREATE, offer)
    return offer


@transaction.atomic
def providers_demo_load() -> int:
    """The demo directory; returns the number of providers."""
    today = timezone.localdate()
    legal = _provider_for(
        _institution(None, InstitutionType.NGO, "Удружење за правну помоћ „Право за све“"),
        user=None,
        description="Бесплатна правна помоћ жртвама трговине људима у целој Србији.",
    )
    _service(
        legal,
        "Бесплатна правна помоћ и заступање",
        Domain.LEGAL,
        description="Савет, заступање у кривичном поступку и накнада штете.",
        eligibility="Presumed and identified victims of trafficking, adults and children.",
        languages="sr, en",
        contact_name="Правна служба",
        contact_phone="+381 11 000 0001",
    )
    for code in STUDY_MUNICIPALITIES:
        municipality = Municipality.objects.get(code=code)
        city = municipality.name_cyr
        shelter = _provider_for(
            _institution(
                municipality,
                InstitutionType.SERVICE_PROVIDER,
                f"Прихватилиште за жене и децу {city}",
            ),
            user=None,
            description="Сигуран смештај за жене и децу.",
        )
        _service(
            shelter,
            "Сигуран смештај",
            Domain.ACCOMMODATION,
            eligibility="Women and children, victims of violence or trafficking.",
            capacity=12,
            free_places=3,
            languages="sr",
            address="Адреса се не објављује",
        )
        ngo = _provider_for(
            _institution(municipality, InstitutionType.NGO, f"Удружење „Сигурна кућа“ {city}"),
            user=None,
        )
        _service(
            ngo,
            "Психолошка подршка",
            Domain.PSYCHOLOGICAL,
            eligibility="Adults and children; free of charge.",
            capacity=20,
            free_places=6,
            languages="sr, en, ro",
        )
        employment = _provider_for(
            _institution(
                municipality,
                InstitutionType.EMPLOYMENT,
                f"Национална служба за запошљавање, филијала {city}",
            ),
            user=None,
        )
        _service(
            employment,
            "Обуке и подршка при запошљавању",
            Domain.EMPLOYMENT,
            eligibility="Registered unemployed persons.",
            languages="sr",
        )
        employers = [
            (f"Предузеће „Напредак“ д.о.о. {city}", "Помоћни радник у магацину", OfferKind.JOB),
            (f"Пекара „Зрно“ {city}", "Обука за пекара", OfferKind.TRAINING),
        ]
        for name, title, kind in employers:
            employer = _provider_for(
                _institution(municipality, InstitutionType.EMPLOYER, name), user=None
            )
            _offer(
                employer,
                title,
                kind,
                places=2,
                requirements="Основна школа.",
                starts_on=today + timedelta(days=30),
                apply_by=today + timedelta(days=20),
            )
        _demo_cases(municipality, ngo, shelter)
    return Provider.objects.count()


def _demo_cases(municipality: Municipality, ngo: Provider, shelter: Provider) -> None:
    psychological = ngo.services.get(domain=Domain.PSYCHOLOGICAL)
    for case in Case.objects.filter(municipality=municipality).select_related("opened_by"):
        lead = case.opened_by
        if not ServiceRequest.objects.filter(referral__case=case).exists():
            service_request_send(
                user=lead,
                case=case,
                service=psychological,
                urgency=Urgency.NORMAL,
                reason="Психолошка подршка после смештаја.",
            )
        if not case.deliveries.exists():
            delivery_record(
                user=lead,
                case=case,
                provider=shelter,
                service=shelter.services.first(),
                domain=Domain.ACCOMMODATION,
                started_on=min(date(timezone.localdate().year, 1, 15), timezone.localdate()),
                status=DeliveryStatus.ONGOING,
                cost=Decimal("45000.00"),
                funder="Градска управа",
            )
