"""An employer's offer end to end, in a real browser, in Serbian (Cyrillic): the local
coordinator adds the offer from the Integration phase page in one short form; the case
manager leading a case in the municipality sees it suggested on the case page and sends the
employer a referral; the employer accepts it, without seeing who the person is.

Expected texts come from Django's translation machinery.
"""

from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from spona.accounts import two_factor
from spona.accounts.models import Role, TOTPDevice
from spona.cases.models import ReferralStatus
from spona.cases.services import case_open_for_presumed_victim
from spona.institutions.models import Institution, InstitutionType
from spona.providers.models import Offer, OfferKind, ServiceRequest
from tests.factories import InstitutionFactory, MunicipalityFactory, PersonFactory, UserFactory

from .helpers import (
    TwoFactorUser,
    assert_no_console_errors,
    screenshot,
    sign_in,
    translated,
    watch_console,
)

pytestmark = pytest.mark.browser

LANG = "sr"
TITLE = "Помоћни радник у магацину"


def sr(text: object) -> str:
    return translated(LANG, text)


def two_factor_user(role: Role, institution: Institution) -> TwoFactorUser:
    user = UserFactory(role=role, institution=institution)
    secret = two_factor.new_secret()
    TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    return TwoFactorUser(user=user, secret=secret)


def signed_in(
    new_context: Callable[..., BrowserContext], errors: list[str], base: str, account: TwoFactorUser
) -> Page:
    page = new_context().new_page()
    page.set_default_timeout(10_000)
    watch_console(page, errors)
    page.goto(base + reverse("accounts:login"))
    sign_in(page, base, account, LANG)
    return page


def test_the_coordinator_adds_an_offer_the_case_lead_refers_to_and_the_employer_accepts(
    new_context: Callable[..., BrowserContext],
    live_server,
    transactional_db,
    console_errors: list[str],
) -> None:
    base = live_server.url
    municipality = MunicipalityFactory()
    welfare = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    office = InstitutionFactory(type=InstitutionType.LOCAL_GOVERNMENT, municipality=municipality)
    employer = InstitutionFactory(
        type=InstitutionType.EMPLOYER, municipality=municipality, name="Предузеће „Напредак“"
    )
    lead_account = two_factor_user(Role.CASE_MANAGER, welfare)
    coordinator_account = two_factor_user(Role.COORDINATOR, office)
    employer_account = two_factor_user(Role.CASE_MANAGER, employer)
    person = PersonFactory(registered_by=lead_account.user, given_name="Јелена")
    case = case_open_for_presumed_victim(
        user=lead_account.user, person=person, is_child=False, origin={}
    )

    # 1. The coordinator adds the offer from the Integration phase page.
    coordinator = signed_in(new_context, console_errors, base, coordinator_account)
    coordinator.goto(base + reverse("workspace:phase", args=["integration"]))
    coordinator.get_by_role("link", name=sr("Add an employer's offer"), exact=True).click()
    coordinator.locator("#id_employer").select_option(label=str(employer))
    coordinator.locator("#id_kind").select_option(value=OfferKind.JOB)
    coordinator.locator("#id_title").fill(TITLE)
    coordinator.locator("#id_places").fill("2")
    coordinator.get_by_role("button", name=sr("Save"), exact=True).click()
    expect(coordinator.locator("ul.messages")).to_contain_text(sr("The offer is in the directory."))
    offer = Offer.objects.get()
    assert (offer.provider.institution, offer.title, offer.places) == (employer, TITLE, 2)
    screenshot(coordinator, "providers-offer-added")

    # 2. The case lead sees it suggested on the case page and refers the case to the employer.
    lead = signed_in(new_context, console_errors, base, lead_account)
    lead.goto(base + reverse("cases:case_detail", args=[case.code]))
    suggestion = lead.locator("li").filter(has_text=TITLE)
    suggestion.get_by_role("link", name=sr("Send a referral to the employer"), exact=True).click()
    lead.locator("#id_reason").fill("Посао у магацину од следећег месеца")
    lead.locator("#id_urgency").select_option(value="normal")
    lead.get_by_role("button", name=sr("Save"), exact=True).click()
    expect(lead.locator("ul.messages")).to_contain_text(sr("The request was sent as a referral."))
    request = ServiceRequest.objects.get()
    assert (request.offer, request.referral.to_institution) == (offer, employer)
    screenshot(lead, "providers-referral-to-employer")

    # 3. The employer accepts; without consent it never sees the person's name.
    employer_page = signed_in(new_context, console_errors, base, employer_account)
    employer_page.goto(base + reverse("cases:case_detail", args=[case.code]))
    expect(employer_page.locator("main")).not_to_contain_text("Јелена")
    row = employer_page.get_by_role("row").filter(has_text=str(employer))
    row.get_by_role("button", name=sr("Accept"), exact=True).click()
    request.referral.refresh_from_db()
    assert request.referral.status == ReferralStatus.ACCEPTED
    expect(employer_page.locator("main")).not_to_contain_text("Јелена")

    assert_no_console_errors(console_errors)
