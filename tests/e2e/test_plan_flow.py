"""Individual plans end to end, in a real browser, in Serbian (Cyrillic) (issue 15): the
Integration phase offers plans to the roles that use them; the social welfare centre's case
manager drafts an integration plan with an employment goal (the mandate matrix suggests the
employment service) and submits it; the supervisor is told and approves it; the case manager
the local coordinator adds an employer's offer, which the plan page matches to the employment
goal; the case manager refers the goal to the employer; the employer accepts, and the goal is in
progress; a review records the goal achieved.
"""

import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Locator, Page, expect

from spona.accounts.models import Role
from spona.cases.models import Case, CaseStatus, Referral, ReferralStatus
from spona.cases.services import case_open_for_presumed_victim
from spona.institutions.models import InstitutionType
from spona.people.services import person_register
from spona.plans.forms import GoalForm, PlanForm
from spona.plans.models import Domain, GoalStatus, Plan, PlanKind, PlanStatus
from spona.providers.models import OfferKind
from tests.e2e.test_coordination_flow import (
    fresh_page,
    inbox_link,
    label,
    signed_in_page,
    sr,
    subject,
    two_factor_user,
)
from tests.factories import InstitutionFactory, MunicipalityFactory

from .helpers import assert_no_console_errors, screenshot

pytestmark = pytest.mark.browser

GOAL = "Посао у фризерском салону"
OFFER = "Помоћна фризерка"
OWN_WORDS = "Хоћу да радим и да сама плаћам стан."


def shown(page: Page, text: str) -> Locator:
    """A value of the record lists (the plan's, each goal's) that reads exactly ``text``."""
    return page.locator("dl.record dd").filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))


def test_plan_drafted_approved_service_accepted_and_reviewed(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server,
    transactional_db,
    console_errors: list[str],
) -> None:
    base = live_server.url
    municipality = MunicipalityFactory()
    welfare = InstitutionFactory(
        name="Центар за социјални рад Пирот",
        type=InstitutionType.SOCIAL_WELFARE,
        municipality=municipality,
    )
    employment = InstitutionFactory(
        name="Национална служба за запошљавање, филијала Пирот",
        type=InstitutionType.EMPLOYMENT,
        municipality=municipality,
    )
    local_government = InstitutionFactory(
        name="Градска управа Пирот",
        type=InstitutionType.LOCAL_GOVERNMENT,
        municipality=municipality,
    )
    manager_account = two_factor_user(Role.CASE_MANAGER, welfare)
    supervisor_account = two_factor_user(Role.SUPERVISOR, welfare)
    salon = InstitutionFactory(
        name="Фризерски салон „Лепота“", type=InstitutionType.EMPLOYER, municipality=municipality
    )
    employer_account = two_factor_user(Role.CASE_MANAGER, salon)  # the employer's contact
    coordinator_account = two_factor_user(
        Role.COORDINATOR, local_government, first_name="Јелена", last_name="Петровић"
    )
    coordinator = coordinator_account.user
    manager = manager_account.user
    person = person_register(
        user=manager, given_name="Милица", family_name="Јовановић", municipality=municipality
    )
    case = case_open_for_presumed_victim(
        user=manager, person=person, is_child=False, origin={"person": person.pk}
    )
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.INTEGRATION)
    case_url = base + reverse("cases:case_detail", args=[case.code])

    # 1. The Integration phase offers the plans to the case manager; from the case page the
    #    case manager drafts an integration plan with the person.
    welfare_page = signed_in_page(page, base, manager_account)
    welfare_page.goto(base + reverse("workspace:phase", args=["integration"]))
    welfare_page.get_by_role("link", name=sr("Individual plans"), exact=True).click()
    expect(welfare_page).to_have_url(base + reverse("plans:plan_list"))
    welfare_page.goto(case_url)
    welfare_page.get_by_role("link", name=sr("Draft a plan with the person"), exact=True).click()
    welfare_page.get_by_label(label(PlanForm, "kind")).select_option(
        label=sr(PlanKind.INTEGRATION.label)
    )
    welfare_page.get_by_label(label(PlanForm, "coordinator")).select_option(
        value=str(coordinator.pk)
    )
    welfare_page.get_by_role("button", name=sr("Start the plan"), exact=True).click()
    expect(welfare_page).to_have_url(re.compile(re.escape(base) + r"/plans/IP-[A-Z0-9]+/$"))
    plan = Plan.objects.get(case=case)
    plan_url = base + reverse("plans:plan_detail", args=[plan.code])
    expect(welfare_page.locator("ul.messages")).to_contain_text(
        sr("The plan is drafted: add its goals with the person.")
    )

    # 2. An employment goal in the person's own words; the matrix suggests the employment
    #    service. The plan goes to the supervisor.
    add = welfare_page.locator(f'form[action="{reverse("plans:goal_add", args=[plan.code])}"]')
    add.get_by_label(label(GoalForm, "domain")).select_option(label=sr(Domain.EMPLOYMENT.label))
    add.get_by_label(label(GoalForm, "text")).fill(GOAL)
    add.get_by_label(label(GoalForm, "own_words")).fill(OWN_WORDS)
    add.get_by_role("button", name=sr("Add the goal"), exact=True).click()
    expect(welfare_page).to_have_url(plan_url)
    expect(welfare_page.locator("p", has_text=GOAL)).to_be_visible()
    expect(welfare_page.locator("blockquote", has_text=OWN_WORDS)).to_be_visible()
    expect(shown(welfare_page, employment.name)).to_have_count(1)
    welfare_page.get_by_role("button", name=sr("Submit for approval"), exact=True).click()
    expect(welfare_page.locator("ul.messages")).to_contain_text(sr("Saved."))
    expect(shown(welfare_page, sr(PlanStatus.SUBMITTED.label))).to_have_count(1)

    # 3. The supervisor finds it in the inbox and approves it.
    supervisor_page = signed_in_page(
        fresh_page(new_context, console_errors), base, supervisor_account
    )
    inbox_link(supervisor_page).click()
    supervisor_page.get_by_role("link", name=subject("plan_submitted", plan=plan.code)).click()
    expect(supervisor_page).to_have_url(plan_url)
    supervisor_page.get_by_role("button", name=sr("Approve the plan"), exact=True).click()
    expect(supervisor_page.locator("ul.messages")).to_contain_text(sr("Saved."))
    expect(shown(supervisor_page, sr(PlanStatus.APPROVED.label))).to_have_count(1)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_by == supervisor_account.user

    # 4. The coordinator adds an employer's offer from the Integration phase page.
    coordinator_page = signed_in_page(
        fresh_page(new_context, console_errors), base, coordinator_account
    )
    coordinator_page.goto(base + reverse("workspace:phase", args=["integration"]))
    coordinator_page.get_by_role("link", name=sr("Add an employer's offer"), exact=True).click()
    coordinator_page.locator("#id_employer").select_option(label=str(salon))
    coordinator_page.locator("#id_kind").select_option(value=OfferKind.JOB)
    coordinator_page.locator("#id_title").fill(OFFER)
    coordinator_page.locator("#id_places").fill("1")
    coordinator_page.get_by_role("button", name=sr("Save"), exact=True).click()
    expect(coordinator_page.locator("ul.messages")).to_contain_text(
        sr("The offer is in the directory.")
    )

    # 5. The offer is matched to the employment goal on the plan page; the case manager refers
    #    the goal to the employer (a referral of the case).
    welfare_page.reload()
    goal = plan.goals.get()
    offer_row = welfare_page.locator("ul.offers li").filter(has_text=OFFER)
    offer_row.get_by_role("button", name=sr("Refer to this employer"), exact=True).click()
    expect(welfare_page.locator("ul.messages")).to_contain_text(
        sr("The service request was sent as a referral of the case.")
    )
    referral = Referral.objects.get(case=case, to_institution=salon)
    assert plan.code in referral.reason

    # 6. The employer accepts it on the case page; the goal is in progress.
    employer_page = signed_in_page(fresh_page(new_context, console_errors), base, employer_account)
    inbox_link(employer_page).click()
    employer_page.get_by_role("link", name=subject("referral_received", case=case.code)).click()
    expect(employer_page).to_have_url(case_url)
    row = (
        employer_page.get_by_role("table", name=sr("Referrals"))
        .get_by_role("row")
        .filter(has_text=salon.name)
    )
    row.get_by_role("button", name=sr("Accept"), exact=True).click()
    expect(row).to_contain_text(sr(ReferralStatus.ACCEPTED.label))
    goal.refresh_from_db()
    assert goal.status == GoalStatus.IN_PROGRESS

    # 7. A review marks the goal achieved; the next review is scheduled.
    welfare_page.reload()
    expect(shown(welfare_page, sr(GoalStatus.IN_PROGRESS.label))).to_have_count(1)
    welfare_page.get_by_role("button", name=sr("Open the review"), exact=True).click()
    welfare_page.get_by_role("link", name=sr("Record the review"), exact=True).click()
    welfare_page.get_by_label(re.compile(re.escape(GOAL))).select_option(
        label=sr(GoalStatus.ACHIEVED.label)
    )
    welfare_page.get_by_label(re.compile(rf"^{re.escape(sr('Progress'))}:?$")).fill(
        "Запослена од понедељка."
    )
    welfare_page.get_by_role("button", name=sr("Save the review"), exact=True).click()
    expect(welfare_page).to_have_url(plan_url)
    expect(welfare_page.locator("ul.messages")).to_contain_text(
        sr("The review is recorded; the next one is scheduled.")
    )
    expect(shown(welfare_page, sr(GoalStatus.ACHIEVED.label))).to_have_count(1)
    screenshot(welfare_page, "plan-reviewed")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.reviews.filter(held_at__isnull=False).count() == 1
    assert plan.reviews.filter(held_at__isnull=True).count() == 1
    assert_no_console_errors(console_errors)
