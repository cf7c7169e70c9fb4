"""The identification module end to end, in a real browser, with three people at three
institutions: a teacher raises a signal about an adult, the social welfare centre's case
manager screens the person (a presumed victim), and the national Centre receives the case.

Each person signs in once (a TOTP code is single-use) in their own browser context, so
their sessions never mix. Expected texts come from Django's translation machinery; the
indicators, whose labels live in the catalogue file, are found by their codes.
"""

import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from playwright.sync_api import BrowserContext, Page, expect

from spona.accounts import two_factor
from spona.accounts.models import Role, TOTPDevice
from spona.cases.models import Case, Referral
from spona.core.translit import to_latin
from spona.institutions.models import Institution, InstitutionType
from spona.screening.engine import OutcomeCode
from spona.screening.explanations import OUTCOME_TITLES
from spona.screening.models import ProtocolStep, Screening, ScreeningStatus
from spona.screening.protocol import STEPS
from spona.screening.services import catalogue_load_default
from spona.screening.vocabulary import AGE_GROUPS
from spona.signals.forms import SignalForm
from spona.signals.models import ChildInvolved, Signal, Urgency
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
PURPOSE = "labour_exploitation"
#: Two strong indicators in each of the three dimensions the adult rule needs.
INDICATORS = {
    "deceptive_recruitment": ["DR01", "DR02"],
    "exploitative_conditions_of_work": ["EC01", "EC02"],
    "coercion_at_destination": ["CD01", "CD02"],
}
NOTIFY_CENTRE = "notify_centre_24h"
TOLERANCE = timedelta(minutes=2)


def en(text: object) -> str:
    return translated(LANG, text)


def two_factor_user(role: Role, institution: Institution) -> TwoFactorUser:
    """A user of ``institution`` with a confirmed authenticator."""
    user = UserFactory(role=role, institution=institution)
    secret = two_factor.new_secret()
    TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
    return TwoFactorUser(user=user, secret=secret)


def signed_in_page(page: Page, base_url: str, account: TwoFactorUser) -> Page:
    """Sign in through the real pages, switching the sign-in page to English first."""
    open_sign_in(page, base_url, LANG)
    sign_in(page, base_url, account, LANG)
    return page


def shown_datetime(value: datetime) -> str:
    """``value`` as the templates' ``date:"SHORT_DATETIME_FORMAT"`` shows it in English."""
    with translation.override(LANG):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def signal_label(name: str) -> str:
    return en(SignalForm.base_fields[name].label)


def test_signal_to_screening_to_centre_referral(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server,
    transactional_db,
    console_errors: list[str],
) -> None:
    base = live_server.url
    municipality = MunicipalityFactory()
    school = InstitutionFactory(type=InstitutionType.SCHOOL, municipality=municipality)
    welfare = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    teacher_account = two_factor_user(Role.FRONTLINE, school)
    manager_account = two_factor_user(Role.CASE_MANAGER, welfare)
    officer_account = two_factor_user(Role.CENTRE_OFFICER, centre)
    catalogue_load_default()

    # 1. The teacher raises a signal about an adult.
    teacher = new_context().new_page()
    watch_console(teacher, console_errors)
    signed_in_page(teacher, base, teacher_account)
    teacher.goto(base + reverse("signals:signal_create"))
    with translation.override(LANG):
        municipality_name = str(municipality)
    teacher.get_by_label(signal_label("municipality")).fill(municipality_name)  # typed into
    teacher.get_by_label(signal_label("what_seen")).fill(
        "A young woman at the bus station said her employer keeps her passport."
    )
    teacher.locator("#id_urgency").get_by_label(en(Urgency.NORMAL.label), exact=True).check()
    teacher.locator("#id_child_involved").get_by_label(
        en(ChildInvolved.NO.label), exact=True
    ).check()
    teacher.get_by_role("button", name=en("Send the signal"), exact=True).click()

    expect(teacher).to_have_url(re.compile(re.escape(base) + r"/signals/S-[A-Z0-9]+/$"))
    signal = Signal.objects.get(raised_by=teacher_account.user)
    assert teacher.url == base + reverse("signals:signal_detail", args=[signal.code])
    assert (signal.municipality, signal.raised_by_institution) == (municipality, school)
    assert (signal.urgency, signal.child_involved) == (Urgency.NORMAL, ChildInvolved.NO)
    expect(teacher.locator("ul.messages")).to_contain_text(signal.code)
    expect(teacher.get_by_role("heading", level=1)).to_have_text(
        en("Signal %(code)s") % {"code": signal.code}
    )

    # 2. The case manager of the municipality's social welfare centre triages and screens.
    manager = signed_in_page(page, base, manager_account)  # watched by ``console_errors``
    manager.goto(base + reverse("signals:signal_list"))
    queue = manager.get_by_role("table", name=en("Triage queue: open signals, most urgent first"))
    queue.get_by_role("link", name=signal.code, exact=True).click()
    expect(manager).to_have_url(base + reverse("signals:signal_detail", args=[signal.code]))
    manager.get_by_role("button", name=en("Open a screening"), exact=True).click()

    expect(manager).to_have_url(re.compile(re.escape(base) + r"/screening/\d+/$"))
    screening = Screening.objects.get(signal=signal)
    assert manager.url == base + reverse("screening:screening_edit", args=[screening.pk])
    manager.locator("#id_age_group").get_by_label(en(dict(AGE_GROUPS)["adult"])).check()
    manager.locator(f'input[name="purposes"][value="{PURPOSE}"]').check()
    for dimension, codes in INDICATORS.items():
        for code in codes:
            manager.locator(f'input[name="dim_{dimension}"][value="{code}"]').check()
    started = timezone.now()
    manager.get_by_role("button", name=en("Complete the screening"), exact=True).click()

    result_url = base + reverse("screening:screening_result", args=[screening.pk])
    expect(manager).to_have_url(result_url)
    finished = timezone.now()
    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.COMPLETED
    assert screening.outcome == OutcomeCode.PRESUMED_VICTIM_ADULT
    assert sorted(screening.indicators) == sorted(c for cs in INDICATORS.values() for c in cs)
    assert screening.purposes == [PURPOSE]
    expect(manager.locator(".outcome strong")).to_have_text(
        en(OUTCOME_TITLES[OutcomeCode.PRESUMED_VICTIM_ADULT])
    )

    step = ProtocolStep.objects.get(screening=screening, code=NOTIFY_CENTRE)
    assert step.due_at is not None
    assert screening.completed_at is not None
    deadline = STEPS[NOTIFY_CENTRE].due_in
    assert deadline == timedelta(hours=24)
    assert abs(step.due_at - (screening.completed_at + deadline)) <= TOLERANCE
    assert started + deadline - TOLERANCE <= step.due_at <= finished + deadline + TOLERANCE
    protocol = manager.get_by_role("table", name=en("Steps, most urgent first"))
    notify_row = protocol.get_by_role("row").filter(has_text=en(STEPS[NOTIFY_CENTRE].title))
    expect(notify_row).to_have_count(1)
    expect(notify_row.get_by_role("cell").nth(1)).to_have_text(shown_datetime(step.due_at))
    # the only step with a deadline comes first; guidance without a deadline follows
    expect(protocol.locator("tbody tr").first).to_contain_text(en(STEPS[NOTIFY_CENTRE].title))
    screenshot(manager, "identification-result")

    # 3. The teacher raised the signal but may not see the screening of the person.
    with teacher.expect_console_message(lambda message: message.type == "error") as refused:
        response = teacher.goto(result_url)
    assert response is not None
    assert response.status == 404
    expect(teacher.get_by_role("heading", level=1)).to_have_text(en("Not found"))
    expect(teacher.locator(".outcome")).to_have_count(0)
    # Chromium reports every 404 in the console: this one is expected, no other is.
    assert refused.value.location.get("url") == result_url
    console_errors.remove(f"console: {refused.value.text} ({result_url})")

    # 4. The Centre receives the adult's case from the social welfare centre.
    case = Case.objects.get(person=screening.person)
    referral = Referral.objects.get(case=case, to_institution=centre)
    assert referral.from_institution == welfare
    officer = new_context().new_page()
    watch_console(officer, console_errors)
    signed_in_page(officer, base, officer_account)
    officer.goto(base + reverse("cases:case_list"))
    referrals = officer.get_by_role("table", name=en("Referrals to your institution"))
    referral_row = referrals.get_by_role("row").filter(
        has=officer.get_by_role("link", name=case.code, exact=True)
    )
    expect(referral_row).to_have_count(1)
    expect(referral_row.get_by_role("cell").nth(1)).to_have_text(
        to_latin(welfare.name)
    )  # an English page
    referral_row.get_by_role("link", name=case.code, exact=True).click()
    expect(officer).to_have_url(base + reverse("cases:case_detail", args=[case.code]))
    expect(officer.get_by_role("heading", level=1)).to_have_text(
        en("Case %(code)s") % {"code": case.code}
    )
    screenshot(officer, "identification-centre")

    assert_no_console_errors(console_errors)
