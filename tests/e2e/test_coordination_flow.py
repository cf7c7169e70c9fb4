"""Coordination end to end, in a real browser, in Serbian (Cyrillic), with three people at
three institutions (issue #4): the national Centre accepts a referral and records the
identification decision; the social welfare centre moves the case to protection, convenes a
case conference with the police and the employment service, records its minutes and
decisions and turns a decision into a task; the employment service receives the task and its
"due soon" reminder, in the inbox and by e-mail.

Each person signs in once (a TOTP code is single-use) in their own browser context and moves
only by the links and buttons the pages show. Expected texts come from Django's translation
machinery (``translated`` falls back to the English msgid while a string has no translation),
so the test does not depend on the catalogue's wording.
"""

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django import forms
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Locator, Page, expect

from spona.accounts import two_factor
from spona.accounts.models import Role, TOTPDevice
from spona.cases.forms import TransitionForm
from spona.cases.models import (
    CaseEventKind,
    CaseStatus,
    ConsentMethod,
    DataCategory,
    Referral,
    ReferralStatus,
)
from spona.cases.services import case_open_for_presumed_victim, consent_record
from spona.conferences import reminders
from spona.conferences.forms import ConveneForm, RecordForm, TaskForm
from spona.conferences.models import Conference, ConferenceStatus, Task, TaskStatus
from spona.conferences.selectors import participant_options
from spona.inbox.kinds import KINDS
from spona.inbox.models import Notification
from spona.institutions.models import Institution, InstitutionType
from spona.people.services import person_register
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
PANEL = "Стручни тим Центра"
REASONS = "Индикатори радне експлоатације потврђени у разговору."
TOPIC = "План заштите и запошљавања"
AGENDA = "1. Безбедност\n2. Смештај\n3. Обука и посао"
MINUTES = "Полиција процењује да је особа безбедна; служба за запошљавање нуди обуку."
DECISIONS = [
    "Полиција обезбеђује пратњу на саслушање.",
    "Служба за запошљавање уписује особу на обуку за негу старих.",
]


def sr(text: object) -> str:
    return translated(LANG, text)


def label(form: type[forms.Form], name: str) -> re.Pattern[str]:
    """A form field's translated label as ``label_tag`` shows it (with or without a colon)."""
    text = sr(form.base_fields[name].label)
    return re.compile(rf"^\s*{re.escape(text)}\s*:?\s*$")


def subject(kind: str, **params: str) -> str:
    return sr(KINDS[kind][0]) % params


def two_factor_user(role: Role, institution: Institution, **fields: str) -> TwoFactorUser:
    """A user of ``institution`` with a confirmed authenticator."""
    user = UserFactory(role=role, institution=institution, **fields)
    secret = two_factor.new_secret()
    TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    return TwoFactorUser(user=user, secret=secret)


def fresh_page(new_context: Callable[..., BrowserContext], errors: list[str]) -> Page:
    """A page in a new browser context (its own cookies), watched for console errors."""
    page = new_context().new_page()
    page.set_default_timeout(10_000)
    watch_console(page, errors)
    return page


def signed_in_page(page: Page, base: str, account: TwoFactorUser) -> Page:
    """Sign in through the real pages, in the default language (Serbian, Cyrillic)."""
    page.goto(base + reverse("accounts:login"))
    expect(page.locator("html")).to_have_attribute("lang", "sr")
    sign_in(page, base, account, LANG)
    return page


def inbox_link(page: Page) -> Locator:
    account_menu = page.get_by_role("navigation", name=sr("Your account"))
    return account_menu.get_by_role(
        "link", name=re.compile(rf"^{re.escape(sr('Inbox'))}(\s+\d+)?$")
    )


def status_of(page: Page) -> Locator:
    """The case's status, as the record at the top of the case page shows it."""
    term = page.locator("dl.record dt").filter(has_text=re.compile(rf"^{re.escape(sr('Status'))}$"))
    return term.locator("xpath=following-sibling::dd[1]")


def change_status(page: Page, to: CaseStatus, **details: str) -> None:
    """Fill the "Change the status" form, found by its labels, and save it."""
    heading = page.get_by_role("heading", name=sr("Change the status"), exact=True)
    form = heading.locator("xpath=following-sibling::form[1]")
    page.get_by_label(label(TransitionForm, "to"), exact=True).select_option(label=sr(to.label))
    for name, value in details.items():
        form.get_by_label(label(TransitionForm, name)).fill(value)
    form.get_by_role("button", name=sr("Save"), exact=True).click()


def open_tool(page: Page, title: str) -> None:
    """Follow a tool's link on the home page (the brand link leads there)."""
    page.get_by_role("link", name=sr("Spona"), exact=True).click()
    page.locator("ul.tools").get_by_role("link", name=sr(title), exact=True).click()


def test_referral_identification_conference_task_and_reminder(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server,
    transactional_db,
    console_errors: list[str],
) -> None:
    base = live_server.url
    today = timezone.localdate()

    # 1. The municipality's institutions and the national Centre; the social welfare
    #    centre's case manager opens a case for a presumed adult victim (it goes to the Centre).
    municipality = MunicipalityFactory()
    welfare = InstitutionFactory(
        name="Центар за социјални рад Пирот",
        type=InstitutionType.SOCIAL_WELFARE,
        municipality=municipality,
    )
    police = InstitutionFactory(
        name="Полицијска управа Пирот", type=InstitutionType.POLICE, municipality=municipality
    )
    employment = InstitutionFactory(
        name="Национална служба за запошљавање, филијала Пирот",
        type=InstitutionType.EMPLOYMENT,
        municipality=municipality,
    )
    centre = InstitutionFactory(
        name="Центар за заштиту жртава трговине људима",
        type=InstitutionType.NATIONAL_CENTRE,
        municipality=None,
    )
    manager_account = two_factor_user(Role.CASE_MANAGER, welfare)
    officer_account = two_factor_user(Role.CENTRE_OFFICER, centre)
    employment_account = two_factor_user(
        Role.CASE_MANAGER, employment, email="zaposljavanje.pirot@example.org"
    )
    manager = manager_account.user
    person = person_register(
        user=manager, given_name="Милица", family_name="Јовановић", municipality=municipality
    )
    case = case_open_for_presumed_victim(
        user=manager, person=person, is_child=False, origin={"person": person.pk}
    )
    consent_record(
        user=manager,
        case=case,
        institution_type=InstitutionType.NATIONAL_CENTRE,
        category=DataCategory.IDENTITY,
        method=ConsentMethod.WRITTEN,
    )
    consent_record(  # a task about the case goes only where its details may go
        user=manager,
        case=case,
        institution_type=InstitutionType.EMPLOYMENT,
        category=DataCategory.CASE_DETAILS,
        method=ConsentMethod.WRITTEN,
    )
    referral = Referral.objects.get(case=case, to_institution=centre)
    assert referral.status == ReferralStatus.SENT
    case_url = base + reverse("cases:case_detail", args=[case.code])

    # 2. The Centre officer finds the referral in the inbox, accepts it and records the
    #    identification decision.
    officer = signed_in_page(page, base, officer_account)  # watched by ``console_errors``
    expect(inbox_link(officer).locator(".badge")).to_have_text("1")
    inbox_link(officer).click()
    expect(officer).to_have_url(base + reverse("inbox:inbox"))
    officer.get_by_role("link", name=subject("referral_received", case=case.code)).click()
    expect(officer).to_have_url(case_url)
    expect(officer.get_by_role("heading", level=1)).to_have_text(
        sr("Case %(code)s") % {"code": case.code}
    )
    # the person agreed to share their identity with the Centre
    expect(officer.get_by_role("link", name=person.code, exact=True)).to_be_visible()

    referrals = officer.get_by_role("table", name=sr("Referrals"))
    row = referrals.get_by_role("row").filter(has_text=centre.name)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(sr(ReferralStatus.SENT.label))
    row.get_by_role("button", name=sr("Accept"), exact=True).click()
    expect(officer).to_have_url(case_url)
    expect(officer.locator("ul.messages")).to_contain_text(sr("Saved."))
    expect(row).to_contain_text(sr(ReferralStatus.ACCEPTED.label))

    change_status(
        officer,
        CaseStatus.IDENTIFIED,
        decided_on=today.isoformat(),
        decision_panel=PANEL,
        decision_reasons=REASONS,
    )

    expect(officer).to_have_url(case_url)
    expect(officer.locator("ul.messages")).to_contain_text(sr("Saved."))
    expect(status_of(officer)).to_have_text(sr(CaseStatus.IDENTIFIED.label))
    expect(officer.get_by_text(PANEL)).to_be_visible()
    timeline = officer.locator("ol.timeline li")
    expect(timeline).to_have_text(
        [
            re.compile(" · " + re.escape(sr(kind.label)) + "(: | · |$)")  # then who acted
            for kind in (
                CaseEventKind.OPENED,
                CaseEventKind.REFERRAL_SENT,
                CaseEventKind.CONSENT_GIVEN,
                CaseEventKind.CONSENT_GIVEN,
                CaseEventKind.REFERRAL_ACCEPTED,
                CaseEventKind.STATUS_CHANGED,
            )
        ]
    )
    screenshot(officer, "coordination-identified")
    case.refresh_from_db()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.answered_by == officer_account.user
    assert case.status == CaseStatus.IDENTIFIED
    assert (case.decided_on, case.decision_panel, case.decision_reasons) == (today, PANEL, REASONS)

    # 3. The social welfare centre's case manager moves the case to protection and convenes
    #    a case conference with the police and the employment service.
    welfare_page = signed_in_page(fresh_page(new_context, console_errors), base, manager_account)
    open_tool(welfare_page, "Cases and referrals")
    cases = welfare_page.get_by_role("table", name=sr("Cases of your institution's team"))
    cases.get_by_role("link", name=case.code, exact=True).click()
    expect(welfare_page).to_have_url(case_url)
    change_status(welfare_page, CaseStatus.PROTECTION)  # the case team may
    expect(welfare_page).to_have_url(case_url)
    expect(status_of(welfare_page)).to_have_text(sr(CaseStatus.PROTECTION.label))

    welfare_page.get_by_role("link", name=sr("Convene a case conference"), exact=True).click()
    expect(welfare_page).to_have_url(
        base + reverse("conferences:conference_convene") + f"?case={case.code}"
    )
    expect(welfare_page.get_by_role("heading", level=1)).to_have_text(sr("Convene a conference"))
    case.refresh_from_db()
    suggested = {
        option.institution.pk: option.suggested
        for option in participant_options(municipality=municipality, phase="protection", case=case)
    }
    participants = welfare_page.get_by_role("group", name=sr("Participants"))
    for institution in (welfare, police, employment, centre):
        box = participants.get_by_role("checkbox", name=institution.name, exact=True)
        if suggested[institution.pk]:  # ticked by the mandate matrix or the case team
            expect(box).to_be_checked()
        else:
            expect(box).not_to_be_checked()
    for institution in (police, employment):
        participants.get_by_role("checkbox", name=institution.name, exact=True).check()
    held_on = (timezone.localtime() + timedelta(hours=1)).replace(second=0, microsecond=0)
    welfare_page.get_by_label(label(ConveneForm, "topic")).fill(TOPIC)
    welfare_page.get_by_label(label(ConveneForm, "held_on")).fill(
        held_on.strftime("%Y-%m-%dT%H:%M")
    )
    welfare_page.get_by_label(label(ConveneForm, "agenda")).fill(AGENDA)
    welfare_page.get_by_role("button", name=sr("Convene and invite"), exact=True).click()

    expect(welfare_page).to_have_url(re.compile(re.escape(base) + r"/conferences/K-[A-Z0-9]+/$"))
    conference = Conference.objects.get(case=case)
    assert welfare_page.url == base + reverse(
        "conferences:conference_detail", args=[conference.code]
    )
    expect(welfare_page.locator("ul.messages")).to_contain_text(
        sr("The conference is planned and the participants invited.")
    )
    assert conference.held_on == held_on
    assert {police, employment} <= set(conference.participants.all())
    expect(welfare_page.get_by_text(TOPIC)).to_be_visible()

    welfare_page.get_by_label(label(RecordForm, "minutes")).fill(MINUTES)
    welfare_page.get_by_label(label(RecordForm, "decisions")).fill("\n".join(DECISIONS))
    welfare_page.get_by_role("button", name=sr("Save"), exact=True).click()
    conference_url = base + reverse("conferences:conference_detail", args=[conference.code])
    expect(welfare_page).to_have_url(conference_url)
    expect(welfare_page.locator("ul.messages")).to_contain_text(sr("Saved."))
    decisions = welfare_page.locator("main ol > li")
    expect(decisions).to_have_count(2)
    for item, text in zip(decisions.all(), DECISIONS, strict=True):
        expect(item).to_contain_text(text)
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.HELD
    assert conference.minutes == MINUTES
    screenshot(welfare_page, "coordination-conference")

    # the second decision becomes the employment service's task, due today: its "due soon"
    # reminder is already due, so the test settings' immediate backend sends it at once
    due_on: date = today
    assert reminders.is_due(due_on, reminders.BEFORE, timezone.now())
    decisions.nth(1).get_by_role("link", name=sr("Create a task"), exact=True).click()
    expect(welfare_page.get_by_role("heading", level=1)).to_have_text(sr("Create a task"))
    expect(welfare_page.get_by_label(label(TaskForm, "title"))).to_have_value(DECISIONS[1])
    welfare_page.get_by_label(label(TaskForm, "owner_institution")).select_option(
        label=employment.name
    )
    welfare_page.get_by_label(label(TaskForm, "due_on")).fill(due_on.isoformat())
    welfare_page.get_by_role("button", name=sr("Create the task"), exact=True).click()

    expect(welfare_page).to_have_url(
        re.compile(re.escape(base) + r"/conferences/tasks/T-[A-Z0-9]+/$")
    )
    task = Task.objects.get(conference=conference)
    assert welfare_page.url == base + reverse("conferences:task_detail", args=[task.code])
    expect(welfare_page.locator("ul.messages")).to_contain_text(
        sr("The task was created and its owner told.")
    )
    assert (task.title, task.owner_institution, task.due_on) == (DECISIONS[1], employment, due_on)
    assert task.case == case
    assert task.status == TaskStatus.OPEN
    assert task.reminded_before_at is not None  # sent at once
    assert task.reminded_after_at is None  # the overdue reminder is not due yet

    # 4. The employment service's case manager finds the task and its reminder.
    employment_page = signed_in_page(
        fresh_page(new_context, console_errors), base, employment_account
    )
    recipient = employment_account.user
    kinds = set(Notification.objects.filter(recipient=recipient).values_list("kind", flat=True))
    assert kinds == {"conference_invitation", "task_assigned", "task_due_soon"}
    expect(inbox_link(employment_page).locator(".badge")).to_have_text(str(len(kinds)))
    inbox_link(employment_page).click()
    expect(employment_page).to_have_url(base + reverse("inbox:inbox"))
    notifications = employment_page.locator("ul.notifications")
    expect(notifications.locator("li.unread")).to_have_count(len(kinds))
    due_soon = subject("task_due_soon", task=task.code)
    assigned = subject("task_assigned", task=task.code)
    expect(notifications.get_by_role("link", name=assigned, exact=True)).to_be_visible()
    screenshot(employment_page, "coordination-reminder")
    notifications.get_by_role("link", name=due_soon, exact=True).click()
    expect(employment_page).to_have_url(base + reverse("conferences:task_detail", args=[task.code]))
    expect(employment_page.get_by_text(DECISIONS[1], exact=True)).to_be_visible()

    open_tool(employment_page, "Tasks")
    expect(employment_page).to_have_url(base + reverse("conferences:task_list"))
    mine = employment_page.get_by_role("table", name=sr("Tasks of your institution"))
    task_row = mine.get_by_role("row").filter(
        has=employment_page.get_by_role("link", name=task.code, exact=True)
    )
    expect(task_row).to_have_count(1)
    expect(task_row).to_contain_text(DECISIONS[1])
    expect(task_row).to_contain_text(sr(TaskStatus.OPEN.label))
    expect(task_row).to_contain_text(case.code)
    screenshot(employment_page, "coordination-tasks")

    # the live server runs in this process: its e-mails are in the test's outbox
    mailed = [message.subject for message in mail.outbox if message.to == [recipient.email]]
    assert due_soon in mailed
    assert assigned in mailed

    assert_no_console_errors(console_errors)
