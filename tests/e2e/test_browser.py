"""Real-browser checks of the pages every user meets: sign-in with a second factor, the
language switcher, the phase navigation, keyboard use and a phone-sized screen.

Expected texts are computed with Django's own translation machinery, so the tests do not
depend on the wording of the catalogues, only on every page using them.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from spona.accounts.services import CODE_FAILED

from .helpers import (
    HTML_LANG,
    LANGUAGES,
    assert_no_console_errors,
    choose_language,
    code_step,
    password_step,
    phase_labels,
    screenshot,
    sign_in,
    translated,
    welcome,
    wrong_code,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sign_in_with_second_factor_in_each_language(
    page: Page, live_server, make_two_factor_user, console_errors, lang: str
) -> None:
    account = make_two_factor_user()
    page.goto(live_server.url + reverse("accounts:login"))
    choose_language(page, lang)
    expect(page).to_have_url(live_server.url + reverse("accounts:login"))

    sign_in(page, live_server.url, account, lang)

    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    expect(page.locator("nav.phase-nav a")).to_have_text(phase_labels(lang))
    expect(page.get_by_role("heading", level=1)).to_have_text(welcome(lang, account.user.username))
    screenshot(page, f"home-{lang}")
    assert_no_console_errors(console_errors)


def test_switching_language_while_signed_in_keeps_the_page(
    page: Page, live_server, make_two_factor_user, console_errors
) -> None:
    account = make_two_factor_user()
    page.goto(live_server.url + reverse("accounts:login"))
    expect(page.locator("html")).to_have_attribute("lang", "sr")  # the default, no cookie
    sign_in(page, live_server.url, account, "sr")

    protection = phase_labels("sr")[2]
    page.locator("nav.phase-nav").get_by_role("link", name=protection, exact=True).click()
    phase_url = live_server.url + reverse("workspace:phase", args=["protection"])
    expect(page).to_have_url(phase_url)
    expect(page.locator("nav.phase-nav a")).to_have_text(phase_labels("sr"))

    choose_language(page, "en")

    expect(page).to_have_url(phase_url)
    expect(page.locator("nav.phase-nav a")).to_have_text(phase_labels("en"))
    expect(page.locator('nav.phase-nav a[aria-current="page"]')).to_have_text(phase_labels("en")[2])
    expect(page.get_by_role("heading", level=1)).to_have_text(phase_labels("en")[2])
    assert_no_console_errors(console_errors)


def test_wrong_code_does_not_sign_in(
    page: Page, live_server, make_two_factor_user, console_errors
) -> None:
    account = make_two_factor_user()
    verify_url = live_server.url + reverse("accounts:verify")
    page.goto(live_server.url + reverse("accounts:login"))
    password_step(page, live_server.url, account, "sr")

    code_step(page, "sr", wrong_code(account.secret))

    expect(page).to_have_url(verify_url)
    expect(page.locator("#id_code_error")).to_have_text(translated("sr", CODE_FAILED))
    expect(page.locator("nav.phase-nav")).to_have_count(0)
    page.goto(live_server.url + reverse("workspace:home"))
    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("accounts:login"))))
    assert_no_console_errors(console_errors)


def test_skip_link_is_the_first_thing_the_keyboard_reaches(
    page: Page, live_server, make_two_factor_user, console_errors
) -> None:
    account = make_two_factor_user()
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, live_server.url, account)

    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # shown when focused, not left off-screen
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert_no_console_errors(console_errors)


def test_home_page_fits_a_phone_screen(
    page: Page, live_server, make_two_factor_user, console_errors
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    account = make_two_factor_user()
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in(page, live_server.url, account)

    expect(page.locator("nav.phase-nav a")).to_have_text(phase_labels("sr"))
    sizes = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert sizes["scroll"] <= sizes["inner"], f"horizontal scrolling on a phone: {sizes}"
    screenshot(page, "home-phone")
    assert_no_console_errors(console_errors)
