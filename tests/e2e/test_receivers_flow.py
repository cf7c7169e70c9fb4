"""Issue 13 end to end, in a real browser: every institution in the chain acts on what reaches
it, starting from its home page.

A teacher raises a signal about a child; the police duty officer finds it first on the home
page and triages it as urgent, routing it to the social welfare centre; the centre's case
manager finds it on the home page and screens (a presumed child victim); the case goes to the
Centre by law and is referred to the police; the duty officer accepts from the home page; and a
referral past its due time appears, flagged overdue, on the sender's home page.
"""

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import BrowserContext, Page, expect

from spona.accounts import two_factor
from spona.accounts.models import Role, TOTPDevice
from spona.cases.models import Case, Referral, ReferralStatus
from spona.institutions.models import Institution, InstitutionType
from spona.screening.models import Screening
from spona.screening.services import catalogue_load_default
from spona.signals.forms import SignalForm
from spona.signals.models import ChildInvolved, Signal, Status, Urgency
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory

from .helpers import (
    TwoFactorUser,
    assert_no_console_errors,
    open_sign_in,
    screenshot,
    sign_in,
    translated,
    watch_console,
)

pytestmark = pytest.mark.browser

LANG = "en"


def en(text: object) -> str:
    return translated(LANG, text)


def account(role: Role, institution: Institution) -> TwoFactorUser:
    user = UserFactory(role=role, institution=institution)
    secret = two_factor.new_secret()
    TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    return TwoFactorUser(user=user, secret=secret)


def signed_in(context_page: Page, base: str, who: TwoFactorUser) -> Page:
    open_sign_in(context_page, base, LANG)
    sign_in(context_page, base, who, LANG)
    return context_page


def test_every_receiver_acts_from_the_home_page(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server,
    transactional_db,
    console_errors: list[str],
) -> None:
    base = live_server.url
    municipality = MunicipalityFactory()
    school = InstitutionFactory(type=InstitutionType.SCHOOL, municipality=municipality)
    police = InstitutionFactory(type=InstitutionType.POLICE, municipality=municipality)
    welfare = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    teacher_account = account(Role.FRONTLINE, school)
    duty_account = account(Role.CASE_MANAGER, police)
    manager_account = account(Role.CASE_MANAGER, welfare)
    UserFactory(role=Role.CENTRE_OFFICER, institution=centre)
    catalogue_load_default()

    # 1. A teacher raises a signal about a child.
    teacher = new_context().new_page()
    watch_console(teacher, console_errors)
    signed_in(teacher, base, teacher_account)
    teacher.goto(base + reverse("signals:signal_create"))
    with translation.override(LANG):
        municipality_name = str(municipality)
    teacher.get_by_label(en(SignalForm.base_fields["municipality"].label)).fill(
        municipality_name  # typed into (a datalist)
    )
    teacher.get_by_label(en(SignalForm.base_fields["what_seen"].label)).fill(
        "A pupil of ours says an older cousin promised her a wedding abroad and money to her father."
    )
    teacher.locator("#id_urgency").get_by_label(en(Urgency.NORMAL.label), exact=True).check()
    teacher.locator("#id_child_involved").get_by_label(
        en(ChildInvolved.YES.label), exact=True
    ).check()
    teacher.get_by_role("button", name=en("Send the signal"), exact=True).click()
    expect(teacher).to_have_url(re.compile(re.escape(base) + r"/signals/S-[A-Z0-9]+/$"))
    signal = Signal.objects.get(raised_by=teacher_account.user)

    # 2. The police duty officer sees it first on the home page and triages it as urgent,
    #    routing it to the social welfare centre.
    duty = signed_in(page, base, duty_account)  # watched by ``console_errors``
    duty.goto(base + reverse("workspace:home"))
    first = duty.locator(".work-section").first
    expect(first).to_contain_text(signal.code)
    screenshot(duty, "receivers-duty-officer-home")
    first.get_by_role("link", name=signal.code, exact=True).click()
    expect(duty).to_have_url(base + reverse("signals:signal_detail", args=[signal.code]))
    with translation.override(LANG):
        welfare_name = str(welfare)
    duty.get_by_label(en("Assign to")).select_option(label=welfare_name)
    duty.get_by_label(en("Urgency, as triaged")).select_option(value=Urgency.URGENT)
    duty.get_by_role("button", name=en("Assign"), exact=True).click()
    signal.refresh_from_db()
    assert (signal.status, signal.urgency) == (Status.ASSIGNED, Urgency.URGENT)
    assert signal.assigned_institution == welfare

    # 3. The social welfare centre finds it on its home page and screens: a child sold into a
    #    marriage is a presumed victim (an act and a purpose; no means for a child).
    manager = new_context().new_page()
    watch_console(manager, console_errors)
    signed_in(manager, base, manager_account)
    manager.goto(base + reverse("workspace:home"))
    manager.get_by_role("link", name=signal.code, exact=True).first.click()
    manager.get_by_role("button", name=en("Open a screening"), exact=True).click()
    expect(manager).to_have_url(re.compile(re.escape(base) + r"/screening/\d+/$"))
    screening = Screening.objects.get(signal=signal)
    manager.locator('input[name="age_group"][value="child"]').check()
    manager.locator('input[name="acts"][value="sale"]').check()
    manager.locator('input[name="purposes"][value="forced_marriage"]').check()
    manager.get_by_role("button", name=en("Complete the screening"), exact=True).click()
    expect(manager).to_have_url(base + reverse("screening:screening_result", args=[screening.pk]))
    case = Case.objects.get(person=Screening.objects.get(pk=screening.pk).person)
    assert case.referrals.filter(to_institution=centre).exists()  # the law's referral

    # 4. The case is referred to the police from the case page.
    manager.goto(base + reverse("cases:case_detail", args=[case.code]))
    manager.get_by_text(en("Refer the case to another institution")).click()
    with translation.override(LANG):
        police_name = str(police)
    manager.get_by_label(en("Refer to")).select_option(label=police_name)
    manager.get_by_label(en("Reason for the referral")).fill("Protect the girl; find the cousin.")
    manager.locator("#referral_urgency").select_option(value=Urgency.URGENT)
    manager.get_by_role("button", name=en("Send the referral"), exact=True).click()
    to_police = Referral.objects.get(case=case, to_institution=police)

    # 5. The duty officer accepts from the home page.
    duty.goto(base + reverse("workspace:home"))
    duty.get_by_role("link", name=case.code, exact=True).first.click()
    expect(duty).to_have_url(base + reverse("cases:case_detail", args=[case.code]))
    duty.get_by_role("button", name=en("Accept"), exact=True).click()
    to_police.refresh_from_db()
    assert to_police.status == ReferralStatus.ACCEPTED

    # 6. The Centre has not answered in time: the sender's home page says so.
    Referral.objects.filter(case=case, to_institution=centre).update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    manager.goto(base + reverse("workspace:home"))
    overdue = manager.locator(".overdue-item").filter(has_text=case.code)
    expect(overdue.first).to_be_visible()
    screenshot(manager, "receivers-sender-overdue")

    assert_no_console_errors(console_errors)
