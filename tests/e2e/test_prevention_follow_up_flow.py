"""The at-risk track end to end, in a real browser, in Serbian (Cyrillic): the social welfare
centre's case manager screens a woman who is out of work and has a job offer abroad with the
travel paid; the outcome is "at risk", and the follow-up it opens, with the municipality's
matching risk group and campaign, is on the local coordinator's list, who records it as done.

Each person signs in once in their own browser context and moves only by the links and
buttons the pages show. Expected texts come from Django's translation machinery.
"""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from playwright.sync_api import BrowserContext, Page, expect

from spona.accounts import two_factor
from spona.accounts.models import Role, TOTPDevice
from spona.institutions.models import Institution, InstitutionType
from spona.prevention.models import FollowUpResult, FollowUpStatus, PreventionFollowUp, RiskFactor
from spona.prevention.services import campaign_create, risk_group_create
from spona.screening.engine import OutcomeCode
from spona.screening.explanations import OUTCOME_TITLES
from spona.screening.models import Screening
from spona.screening.protocol import STEPS
from spona.screening.services import catalogue_load_default
from spona.screening.vocabulary import AGE_GROUPS
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory

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
GROUP = "Незапослени са понудом за посао у иностранству"
CAMPAIGN = "Посао у иностранству без замке"


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


def open_tool(page: Page, title: str) -> None:
    page.get_by_role("link", name=sr("Spona"), exact=True).click()
    page.locator("ul.tools").get_by_role("link", name=sr(title), exact=True).click()


def shown_date(value) -> str:
    with translation.override(LANG):
        return formats.date_format(value, "SHORT_DATE_FORMAT")


def test_an_at_risk_outcome_opens_a_follow_up_the_coordinator_sees(
    new_context: Callable[..., BrowserContext],
    live_server,
    transactional_db,
    console_errors: list[str],
) -> None:
    base = live_server.url
    municipality = MunicipalityFactory()
    welfare = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    office = InstitutionFactory(type=InstitutionType.LOCAL_GOVERNMENT, municipality=municipality)
    manager_account = two_factor_user(Role.CASE_MANAGER, welfare)
    coordinator_account = two_factor_user(Role.COORDINATOR, office)
    catalogue_load_default()
    coordinator = coordinator_account.user
    group = risk_group_create(
        user=coordinator,
        municipality=municipality,
        code="job-offers",
        name=GROUP,
        factors=[RiskFactor.UNEMPLOYED, RiskFactor.JOB_OFFER_ABROAD_PAID_TRAVEL],
    )
    today = timezone.localdate()
    campaign_create(
        user=coordinator,
        municipality=municipality,
        groups=[group],
        settlements=[],
        partners=[],
        name=CAMPAIGN,
        goal="Провера понуда за посао",
        channels=["social_networks"],
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=40),
        funder="local_government",
    )

    # 1. The case manager screens: out of work, a job offer abroad with the travel paid.
    manager = signed_in(new_context, console_errors, base, manager_account)
    open_tool(manager, "Screening")
    manager.get_by_role("button", name=sr("New screening"), exact=True).click()
    expect(manager).to_have_url(re.compile(re.escape(base) + r"/screening/\d+/$"))
    screening = Screening.objects.get()
    manager.locator("#id_age_group").get_by_label(sr(dict(AGE_GROUPS)["adult"])).check()
    factors = manager.locator("#id_risk_factors")
    factors.get_by_label(sr(RiskFactor.UNEMPLOYED.label), exact=True).check()
    factors.get_by_label(sr(RiskFactor.JOB_OFFER_ABROAD_PAID_TRAVEL.label), exact=True).check()
    manager.get_by_role("button", name=sr("Complete the screening"), exact=True).click()

    expect(manager).to_have_url(base + reverse("screening:screening_result", args=[screening.pk]))
    expect(manager.locator(".outcome strong")).to_have_text(sr(OUTCOME_TITLES[OutcomeCode.AT_RISK]))
    follow_up = PreventionFollowUp.objects.get(screening=screening)
    due = shown_date(follow_up.due_on)
    assert follow_up.due_on == today + timedelta(days=7)
    track = manager.locator(".outcome .follow-up")
    expect(track).to_contain_text(due)
    expect(track).to_contain_text(GROUP)
    expect(track).to_contain_text(CAMPAIGN)
    protocol = manager.get_by_role("table", name=sr("Steps, most urgent first"))
    expect(protocol).to_contain_text(sr(STEPS["prevention_follow_up"].title))
    screenshot(manager, "prevention-follow-up-result")

    # 2. The coordinator finds the person, by code only, among the people at risk.
    coordinator_page = signed_in(new_context, console_errors, base, coordinator_account)
    open_tool(coordinator_page, "People at risk")
    table = coordinator_page.get_by_role("table", name=sr("People at risk on the prevention track"))
    row = table.get_by_role("row").filter(has_text=screening.person.code)
    expect(row).to_have_count(1)
    for text in (due, GROUP, CAMPAIGN, sr(RiskFactor.UNEMPLOYED.label), str(welfare)):
        expect(row).to_contain_text(text)
    screenshot(coordinator_page, "prevention-follow-up-coordinator")

    # 3. ... and records the follow-up as done.
    row.get_by_label(sr("Result")).select_option(value=FollowUpResult.SUPPORTED)
    row.get_by_role("button", name=sr("Mark done"), exact=True).click()
    expect(coordinator_page.locator("ul.messages")).to_contain_text(
        sr("The follow-up is recorded as done.")
    )
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.done_by) == (FollowUpStatus.DONE, coordinator)
    done_row = coordinator_page.get_by_role("row").filter(has_text=screening.person.code)
    expect(done_row).to_contain_text(sr(FollowUpResult.SUPPORTED.label))

    assert_no_console_errors(console_errors)
