"""The directory of providers and offers, HSDS 3.0 export and import, service requests as
referrals, services delivered, and the unmet-needs aggregates (issue 15)."""

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from spona.accounts.models import Role, User
from spona.cases.models import Case, ConsentMethod, DataCategory, Referral, ReferralStatus
from spona.cases.services import (
    case_open_for_presumed_victim,
    consent_record,
    referral_act,
    referral_send,
)
from spona.core.locking import StaleEditError
from spona.core.urgency import Urgency
from spona.institutions.models import Institution, InstitutionType
from spona.institutions.services import reference_data_load
from spona.people.models import Person
from spona.policy import can, visible
from spona.providers import exchange
from spona.providers.access import DELIVERY_RECORD, PROVIDER_EDIT
from spona.providers.demo import providers_demo_load
from spona.providers.models import (
    Delivery,
    DeliveryStatus,
    Domain,
    Offer,
    OfferKind,
    Provider,
    Service,
    ServiceRequest,
    SupportType,
)
from spona.providers.needs import unmet_needs
from spona.providers.selectors import offer_suggestions, provider_directory
from spona.providers.services import (
    delivery_record,
    delivery_update,
    offer_add,
    provider_add,
    service_add,
    service_request_send,
)
from tests.factories import InstitutionFactory, MunicipalityFactory, PersonFactory, UserFactory

SHARED_HSDS = Path("/work/shared/data/hsds/schema")


def _snapshot() -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    providers = {
        (
            str(p.hsds_id),
            p.institution.name,
            p.institution.type,
            p.institution.municipality_id,
            p.institution.duty_phone,
            p.institution.duty_email,
            p.description,
            p.website,
        )
        for p in Provider.objects.select_related("institution")
    }
    services = {
        (
            str(s.hsds_id),
            str(s.provider.hsds_id),
            s.name,
            s.description,
            s.domain,
            s.eligibility,
            s.capacity,
            s.free_places,
            s.language_codes and tuple(s.language_codes),
            s.contact_name,
            s.contact_phone,
            s.contact_email,
            s.address,
            s.municipality_id,
            s.is_active,
        )
        for s in Service.objects.select_related("provider")
    }
    return providers, services


@pytest.fixture
def demo_directory(db: Any) -> None:
    reference_data_load()
    providers_demo_load()


# HSDS (acceptance 3)


def test_the_hsds_copy_in_the_repository_is_the_shared_schema() -> None:
    if not SHARED_HSDS.exists():
        pytest.skip("the shared HSDS schemas are not on this machine")
    for path in SHARED_HSDS.glob("*.json"):
        assert (exchange.SCHEMA_DIR / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_demo_directory_exports_as_hsds_that_validates(demo_directory: None) -> None:
    document = exchange.export_document(user=None)
    assert len(document["organizations"]) == 1 + 3 * 5
    assert len(document["services"]) == 1 + 3 * 3
    schemas = SHARED_HSDS if SHARED_HSDS.exists() else exchange.SCHEMA_DIR
    assert exchange.schema_errors(document, schemas) == []
    # the document survives JSON, and the validator does check: a broken copy fails
    broken = json.loads(json.dumps(document))
    broken["services"][0]["status"] = "open"
    del broken["organizations"][0]["name"]
    errors = exchange.schema_errors(broken, schemas)
    assert any("organizations 1" in e and "'name'" in e for e in errors)
    assert any("services 1 status" in e for e in errors)


def test_importing_the_export_into_an_empty_directory_gives_the_same_directory(
    demo_directory: None,
) -> None:
    before = _snapshot()
    document = json.loads(json.dumps(exchange.export_document(user=None)))
    Offer.objects.all().delete()
    Service.objects.all().delete()
    Provider.objects.all().delete()
    assert Provider.objects.count() == 0

    assert exchange.import_document(user=None, document=document) == (16, 10)

    assert _snapshot() == before
    assert exchange.export_document(user=None) == document  # and it exports the same again


def test_an_import_with_a_bad_row_imports_nothing_and_names_the_rows(db: Any) -> None:
    municipality = MunicipalityFactory(code="70939")
    provider = Provider.objects.create(
        institution=InstitutionFactory(municipality=municipality, type=InstitutionType.NGO)
    )
    Service.objects.create(provider=provider, name="Savetovanje", domain=Domain.PSYCHOLOGICAL)
    document = exchange.export_document(user=None)
    Service.objects.all().delete()
    Provider.objects.all().delete()
    bad = json.loads(json.dumps(document))
    bad["services"].append({**bad["services"][0], "id": "not-a-uuid"})
    bad["services"].append(
        {
            **bad["services"][0],
            "id": "0d7d8c38-8a62-4f55-b8a3-6a0b0a8f3d11",
            "organization_id": "3b1f7c0e-2a4d-4a8e-9c77-1c2d3e4f5a6b",
        }
    )
    with pytest.raises(exchange.HsdsError) as refused:
        exchange.import_document(user=None, document=bad)
    assert any(e.startswith("services 2 id") for e in refused.value.errors)
    assert Provider.objects.count() == 0
    assert Service.objects.count() == 0

    twice = json.loads(json.dumps(document))
    twice["organizations"].append(
        {**twice["organizations"][0], "id": "5c0c8e38-8a62-4f55-b8a3-6a0b0a8f3d12"}
    )
    with translation.override("en"), pytest.raises(exchange.HsdsError) as refused:
        exchange.import_document(user=None, document=twice)
    assert refused.value.errors == [
        "organization 1: the same institution is in the file twice.",
        "organization 2: the same institution is in the file twice.",
    ]

    del bad["services"][1]
    with translation.override("en"), pytest.raises(exchange.HsdsError) as refused:
        exchange.import_document(user=None, document=bad)
    assert refused.value.errors == ["service 2: its organization is not in the file."]
    assert Provider.objects.count() == 0
    assert Service.objects.count() == 0


def test_the_import_page_refuses_a_large_file_or_one_that_is_not_json(
    client_for: Any,
) -> None:
    client = client_for(Role.SYSTEM_ADMIN)
    url = reverse("providers:import_hsds")
    png = SimpleUploadedFile("directory.json", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    response = client.post(url, {"file": png}, HTTP_ACCEPT_LANGUAGE="en")
    assert "not in the UTF-8 encoding" in response.content.decode()
    large = SimpleUploadedFile("directory.json", b"{" + b" " * exchange.MAX_BYTES + b"}")
    response = client.post(url, {"file": large}, HTTP_ACCEPT_LANGUAGE="en")
    assert "The file is larger than 2 MB." in response.content.decode()
    assert Provider.objects.count() == 0


def test_the_export_command_and_the_download_give_hsds(
    demo_directory: None, tmp_path: Path, make_user: Any
) -> None:
    out = tmp_path / "hsds.json"
    call_command("providers_export_hsds", "--output", str(out))
    document = json.loads(out.read_text(encoding="utf-8"))
    assert exchange.schema_errors(document) == []
    client = Client()
    client.force_login(make_user(Role.FRONTLINE))
    response = client.get(reverse("providers:export_hsds"))
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == document


# The directory and its upkeep


def test_coordinators_keep_their_municipality_and_admins_their_institution(
    make_user: Any, social_welfare: Institution
) -> None:
    coordinator = make_user(Role.COORDINATOR)
    provider = provider_add(
        user=coordinator,
        municipality=social_welfare.municipality,
        name="Удружење „Исход“",
        type=InstitutionType.NGO,
    )
    elsewhere = MunicipalityFactory()
    other_coordinator = make_user(
        Role.COORDINATOR, institution=InstitutionFactory(municipality=elsewhere)
    )
    admin_of_provider = make_user(Role.INSTITUTION_ADMIN, institution=provider.institution)
    admin_elsewhere = make_user(Role.INSTITUTION_ADMIN)
    assert can(coordinator, PROVIDER_EDIT, provider)
    assert can(admin_of_provider, PROVIDER_EDIT, provider)
    assert not can(other_coordinator, PROVIDER_EDIT, provider)
    assert not can(admin_elsewhere, PROVIDER_EDIT, provider)
    assert not can(make_user(Role.CASE_MANAGER), PROVIDER_EDIT, provider)
    with pytest.raises(PermissionDenied):
        service_add(user=other_coordinator, provider=provider, name="x", domain=Domain.HEALTH)
    service_add(
        user=admin_of_provider,
        provider=provider,
        name="Психолошко саветовање",
        domain=Domain.PSYCHOLOGICAL,
        capacity=5,
        free_places=2,
    )
    with pytest.raises(ValidationError):
        service_add(
            user=coordinator,
            provider=provider,
            name="y",
            domain=Domain.HEALTH,
            capacity=1,
            free_places=2,
        )
    analyst = make_user(Role.ANALYST)
    listed = provider_directory(user=analyst, municipality=social_welfare.municipality)
    assert [p.pk for p in listed] == [provider.pk]
    assert provider_directory(user=analyst, municipality=elsewhere).count() == 0


def test_a_stale_edit_of_a_service_is_refused(make_user: Any, social_welfare: Institution) -> None:
    coordinator = make_user(Role.COORDINATOR)
    provider = provider_add(
        user=coordinator, municipality=social_welfare.municipality, name="Дом", type="health"
    )
    service = service_add(user=coordinator, provider=provider, name="A", domain=Domain.HEALTH)
    client = Client()
    client.force_login(coordinator)
    url = reverse("providers:service_edit", args=[service.pk])
    data = {"name": "B", "domain": "health", "version": 1, "is_active": "on"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "name": "C"})  # from the same, now stale, copy
    assert response.status_code == 200
    assert 'class="errors"' in response.content.decode()
    service.refresh_from_db()
    assert service.name == "B"


def test_the_coordinator_adds_an_employer_and_its_offer_in_one_form(
    make_user: Any, social_welfare: Institution
) -> None:
    client = Client()
    client.force_login(make_user(Role.COORDINATOR))
    response = client.post(
        reverse("providers:offer_add"),
        {
            "employer_name": "Фабрика „Тигар“",
            "kind": "job",
            "title": "Радник у производњи",
            "places": 3,
            "requirements": "",
            "apply_by": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.provider.institution.type == InstitutionType.EMPLOYER
    assert offer.provider.institution.municipality == social_welfare.municipality
    assert (offer.title, offer.places, offer.is_open) == ("Радник у производњи", 3, True)


# Service requests, offers matched, services delivered


@pytest.fixture
def case(make_user: Any, social_welfare: Institution) -> Case:
    lead = make_user(Role.CASE_MANAGER)
    return case_open_for_presumed_victim(
        user=lead, person=PersonFactory(registered_by=lead), is_child=False, origin={}
    )


def _employer_offer(municipality: Any, coordinator: User, **fields: Any) -> Offer:
    """An employer's offer, and the employer's contact person who answers its referrals."""
    defaults = {"kind": OfferKind.JOB, "title": "Магационер", "places": 1}
    offer = offer_add(
        user=coordinator,
        municipality=municipality,
        employer_name=fields.pop("employer_name", "Предузеће „Напредак“"),
        **{**defaults, **fields},
    )
    UserFactory(role=Role.CASE_MANAGER, institution=offer.provider.institution)
    return offer


def _on_the_case_page(user: User, case: Case) -> list[Offer]:
    """The case page panel's suggestions (a prepared query), checked against the first ones
    of ``offer_suggestions`` with the panel's columns."""
    from spona.providers.selectors import PANEL_OFFERS, case_offer_suggestions

    shown = case_offer_suggestions(user=user, case=case).get()
    expected = list(offer_suggestions(user=user, case=case)[:PANEL_OFFERS])
    assert shown == expected
    assert [(o.title, str(o.provider), o.apply_by, o.places) for o in shown] == [
        (o.title, str(o.provider), o.apply_by, o.places) for o in expected
    ]
    return shown


def test_offers_are_suggested_for_the_case_municipality_and_go_as_a_referral(
    case: Case, make_user: Any, social_welfare: Institution
) -> None:
    municipality = social_welfare.municipality
    coordinator = make_user(Role.COORDINATOR)
    open_offer = _employer_offer(municipality, coordinator)
    _employer_offer(
        municipality,
        coordinator,
        title="Истекла",
        apply_by=timezone.localdate() - timedelta(days=1),
    )
    elsewhere = MunicipalityFactory()
    _employer_offer(
        elsewhere,
        make_user(Role.COORDINATOR, institution=InstitutionFactory(municipality=elsewhere)),
        title="Други град",
    )
    national = _employer_offer(municipality, coordinator, title="Национални")
    Institution.objects.filter(pk=national.provider.institution_id).update(municipality=None)
    lead = case.opened_by
    newest_first = [national, open_offer]
    assert list(offer_suggestions(user=lead, case=case)) == newest_first
    assert _on_the_case_page(lead, case) == newest_first

    request = service_request_send(
        user=lead, case=case, offer=open_offer, urgency=Urgency.NORMAL, reason="Посао"
    )
    referral = request.referral
    assert referral.to_institution == open_offer.provider.institution
    assert referral.status == ReferralStatus.SENT
    assert request.domain == Domain.EMPLOYMENT
    assert list(offer_suggestions(user=lead, case=case)) == [national]  # asked already
    assert _on_the_case_page(lead, case) == [national]

    employer_user = make_user(Role.CASE_MANAGER, institution=open_offer.provider.institution)
    assert not visible(employer_user, Person).filter(pk=case.person_id).exists()
    referral_act(user=employer_user, referral=referral, expected_version=1, action="accept")
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED
    job = delivery_record(
        user=lead,
        case=case,
        provider=open_offer.provider,
        referral=referral,
        domain=Domain.EMPLOYMENT,
        started_on=timezone.localdate(),
        status=DeliveryStatus.ONGOING,
    )
    assert job.support_type == SupportType.LIVELIHOOD
    assert not visible(employer_user, Person).filter(pk=case.person_id).exists()
    consent_record(
        user=lead,
        case=case,
        institution_type=InstitutionType.EMPLOYER,
        category=DataCategory.IDENTITY,
        method=ConsentMethod.WRITTEN,
    )
    assert visible(employer_user, Person).filter(pk=case.person_id).exists()


def test_only_the_lead_requests_and_only_the_team_records_services(
    case: Case, make_user: Any
) -> None:
    provider = provider_add(
        user=make_user(Role.COORDINATOR),
        municipality=case.municipality,
        name="Прихватилиште",
        type=InstitutionType.SERVICE_PROVIDER,
    )
    outsider = make_user(Role.CASE_MANAGER, institution=InstitutionFactory())
    for user in [outsider, make_user(Role.COORDINATOR), make_user(Role.ANALYST)]:
        assert not can(user, DELIVERY_RECORD, case)
        with pytest.raises(PermissionDenied):
            delivery_record(
                user=user,
                case=case,
                provider=provider,
                domain=Domain.ACCOMMODATION,
                started_on=date(2026, 1, 2),
                status=DeliveryStatus.ONGOING,
            )
    delivery = delivery_record(
        user=case.opened_by,
        case=case,
        provider=provider,
        domain=Domain.ACCOMMODATION,
        started_on=date(2026, 1, 2),
        status=DeliveryStatus.ONGOING,
        cost=Decimal("30000"),
        funder="Градска управа",
        outcome="Смештена, безбедна.",
    )
    assert delivery.support_type == SupportType.SOCIAL_CARE  # the domain's HTCDS type
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    UserFactory(role=Role.CENTRE_OFFICER, institution=centre)  # someone answers there
    to_the_centre = referral_send(
        user=case.opened_by,
        case=case,
        to=centre,
        reason="identification_adult",
        urgency=Urgency.URGENT,
    )
    with pytest.raises(ValidationError) as refused:
        delivery_record(
            user=case.opened_by,
            case=case,
            provider=provider,
            referral=to_the_centre,
            domain=Domain.ACCOMMODATION,
            started_on=date(2026, 1, 2),
            status=DeliveryStatus.ONGOING,
        )
    assert "referral" in refused.value.message_dict
    assert not visible(outsider, Delivery).exists()
    delivery.status = DeliveryStatus.COMPLETED
    delivery_update(user=case.opened_by, delivery=delivery, expected_version=1, changed=["status"])
    delivery.status = DeliveryStatus.STOPPED
    with pytest.raises(StaleEditError):
        delivery_update(
            user=case.opened_by, delivery=delivery, expected_version=1, changed=["status"]
        )


# Cost and unmet needs (acceptance 4)


def _numbers(needs: Any) -> list[int]:
    """Every count the page shows."""
    shown = [needs.requests_total, needs.cases_total, *needs.request_column_totals]
    for row in needs.rows:
        shown += [row.accepted, row.declined, row.waiting, row.requests, row.cases]
    return [n for n in shown if n is not None]


def _requests(case_count: int, domain: Domain, status: str, municipality: Any) -> None:
    provider = Provider.objects.create(
        institution=InstitutionFactory(municipality=municipality, type=InstitutionType.NGO)
    )
    service = Service.objects.create(provider=provider, name=str(domain), domain=domain)
    for _ in range(case_count):
        lead = UserFactory(
            role=Role.CASE_MANAGER, institution=InstitutionFactory(municipality=municipality)
        )
        case = case_open_for_presumed_victim(
            user=lead, person=PersonFactory(registered_by=lead), is_child=False, origin={}
        )
        receiver = UserFactory(role=Role.CASE_MANAGER, institution=provider.institution)
        request = service_request_send(
            user=lead, case=case, service=service, urgency=Urgency.NORMAL, reason="x"
        )
        if status != ReferralStatus.SENT:
            referral_act(
                user=receiver,
                referral=request.referral,
                expected_version=1,
                action="accept" if status == ReferralStatus.ACCEPTED else "decline",
                reason="full",
            )
        delivery_record(
            user=lead,
            case=case,
            provider=provider,
            domain=domain,
            started_on=timezone.localdate().replace(month=1, day=1),
            status=DeliveryStatus.ONGOING,
            cost=Decimal("1000"),
        )


def test_unmet_needs_never_show_a_small_count_to_roles_without_case_access(
    make_user: Any, social_welfare: Institution
) -> None:
    municipality = social_welfare.municipality
    _requests(3, Domain.LEGAL, ReferralStatus.DECLINED, municipality)
    _requests(12, Domain.PSYCHOLOGICAL, ReferralStatus.ACCEPTED, municipality)
    _requests(2, Domain.PSYCHOLOGICAL, ReferralStatus.SENT, municipality)
    year = timezone.localdate().year

    elsewhere = InstitutionFactory(municipality=MunicipalityFactory())
    without_access = [
        make_user(Role.COORDINATOR),
        make_user(Role.ANALYST),
        make_user(Role.CASE_MANAGER, institution=elsewhere),  # no access to Pirot's cases
    ]
    for user in without_access:
        role = user.role
        needs = unmet_needs(user=user, municipality=municipality, year=year)
        assert not needs.exact
        assert needs.per_case is None
        assert [n for n in _numbers(needs) if 1 <= n <= 10] == [], role
        legal = next(r for r in needs.rows if r.domain == Domain.LEGAL)
        assert legal.all_declined
        assert legal.declined is None
        assert legal.cost is None
        assert legal.median_wait_days is None  # 3 answers: too few to show
        assert Domain.ACCOMMODATION in needs.missing

    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    assert unmet_needs(
        user=make_user(Role.CENTRE_OFFICER, institution=centre),
        municipality=municipality,
        year=year,
    ).exact
    exact = unmet_needs(user=make_user(Role.CASE_MANAGER), municipality=municipality, year=year)
    assert exact.exact
    legal = next(r for r in exact.rows if r.domain == Domain.LEGAL)
    psychological = next(r for r in exact.rows if r.domain == Domain.PSYCHOLOGICAL)
    assert (legal.declined, legal.requests, legal.cases, legal.cost) == (3, 3, 3, Decimal(3000))
    assert (psychological.accepted, psychological.waiting, psychological.cases) == (12, 2, 14)
    assert exact.cases_total == 17
    assert exact.cost_total == Decimal(17000)
    assert exact.cost_per_case == Decimal("1000.00")
    assert Domain.LEGAL not in exact.missing
    assert Domain.ACCOMMODATION in exact.missing


def test_the_unmet_needs_page_reproduces_from_the_demo(
    demo_directory: None, make_user: Any
) -> None:
    coordinator = make_user(Role.COORDINATOR)  # of Pirot, a study municipality
    needs = unmet_needs(
        user=coordinator, municipality=coordinator.institution.municipality, year=2026
    )
    served = {Domain.ACCOMMODATION, Domain.PSYCHOLOGICAL, Domain.EMPLOYMENT, Domain.LEGAL}
    assert needs.missing == [d for d in Domain if d not in served]
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("providers:needs"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Domains with no provider here" in page
    assert "Family and return" in page


@pytest.mark.parametrize(
    ("role", "tools"),
    [
        (
            Role.COORDINATOR,
            {"providers:directory", "providers:offer_add", "providers:needs", "plans:plan_list"},
        ),
        (Role.CASE_MANAGER, {"providers:directory", "providers:needs", "plans:plan_list"}),
        (Role.ANALYST, {"providers:directory", "providers:needs"}),
        (Role.FRONTLINE, {"providers:directory"}),
        (Role.INSTITUTION_ADMIN, {"providers:directory"}),
    ],
)
def test_the_integration_phase_lists_the_tools_of_each_role(
    make_user: Any, role: Role, tools: set[str]
) -> None:
    from spona.core.phases import Phase, tools_for

    user = make_user(role)
    assert {t.url_name for t in tools_for(user, Phase.INTEGRATION)} == tools
    client = Client()
    client.force_login(user)
    page = client.get(reverse("workspace:phase", args=["integration"])).content.decode()
    for name in tools:
        assert f'href="{reverse(name)}"' in page


def test_the_case_page_suggests_offers_to_the_lead_and_the_request_goes_as_a_referral(
    case: Case, make_user: Any
) -> None:
    offer = _employer_offer(case.municipality, make_user(Role.COORDINATOR))
    client = Client()
    client.force_login(case.opened_by)
    page = client.get(
        reverse("cases:case_detail", args=[case.code]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Send a referral to the employer" in page
    assert f"?target=offer:{offer.pk}" in page
    response = client.post(
        reverse("providers:service_request", args=[case.code]),
        {"target": f"offer:{offer.pk}", "reason": "Посао у магацину", "urgency": "normal"},
    )
    assert response.status_code == 302
    request = ServiceRequest.objects.get()
    assert request.offer == offer
    assert request.referral.to_institution == offer.provider.institution
    assert request.referral.reason == "Посао у магацину"


def test_the_api_lists_the_directory_and_open_offers(
    make_user: Any, social_welfare: Institution
) -> None:
    coordinator = make_user(Role.COORDINATOR)
    ngo = provider_add(
        user=coordinator, municipality=social_welfare.municipality, name="Исход", type="ngo"
    )
    service_add(user=coordinator, provider=ngo, name="Саветовање", domain=Domain.PSYCHOLOGICAL)
    offer = _employer_offer(social_welfare.municipality, coordinator)
    client = Client()
    client.force_login(make_user(Role.FRONTLINE))
    code = social_welfare.municipality.code
    listed = client.get(
        reverse("api_provider_list"), {"municipality": code, "domain": "psychological"}
    )
    assert [p["hsds_id"] for p in listed.json()["results"]] == [str(ngo.hsds_id)]
    assert listed.json()["results"][0]["services"][0]["domain"] == "psychological"
    assert client.get(reverse("api_provider_list"), {"domain": "nope"}).status_code == 400
    # an empty value is no domain either (the schema lists the domains; schemathesis sends "")
    assert client.get(reverse("api_provider_list"), {"domain": ""}).status_code == 400
    offers = client.get(reverse("api_offer_list"), {"municipality": code}).json()["results"]
    assert [o["id"] for o in offers] == [offer.pk]
    # a code that is no code (a NUL, which PostgreSQL refuses in a query) matches nothing
    for url in (reverse("api_offer_list"), reverse("api_provider_list")):
        odd = client.get(url, {"municipality": "7\x00²"})
        assert (odd.status_code, odd.json()["results"]) == (200, [])


def test_the_demo_directory_joins_the_workspace_demo_and_is_safe_to_run_twice(db: Any) -> None:
    from spona.workspace.demo import demo_load

    demo_load()
    providers_demo_load()
    counts = (
        Provider.objects.count(),
        Service.objects.count(),
        Offer.objects.count(),
        ServiceRequest.objects.count(),
        Delivery.objects.count(),
    )
    providers_demo_load()
    assert counts == (
        Provider.objects.count(),
        Service.objects.count(),
        Offer.objects.count(),
        ServiceRequest.objects.count(),
        Delivery.objects.count(),
    )
    cases = Case.objects.count()
    assert counts == (16, 10, 6, cases, cases)
    # the demo's shelters are the workspace demo's own institutions, not copies
    assert Institution.objects.filter(type=InstitutionType.SERVICE_PROVIDER).count() == 3
    pirot = User.objects.get(username="pirot.casemanager")
    needs = unmet_needs(
        user=pirot, municipality=pirot.institution.municipality, year=timezone.localdate().year
    )
    accommodation = next(r for r in needs.rows if r.domain == Domain.ACCOMMODATION)
    in_pirot = Case.objects.filter(municipality=pirot.institution.municipality).count()
    assert accommodation.cases == in_pirot
    assert accommodation.cost == Decimal(45000) * in_pirot
    coordinator = User.objects.get(username="pirot.coordinator")
    suppressed = unmet_needs(
        user=coordinator, municipality=coordinator.institution.municipality, year=needs.year
    )
    assert [n for n in _numbers(suppressed) if 1 <= n <= 10] == []
