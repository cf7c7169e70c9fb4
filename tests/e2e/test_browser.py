"""Real-browser checks of the pages every user meets: sign-in with a second factor, the
language switcher, the phase navigation, keyboard use and a phone-sized screen.

Expected texts are computed with Django's own translation machinery, so the tests do not
depend on the wording of the catalogues, only on every page using them.
"""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from spona.accounts import two_factor
from spona.accounts.forms import CodeForm, SignInForm
from spona.accounts.services import BAD_CODE
from tests.factories import PASSWORD

from .conftest import TwoFactorUser

pytestmark = pytest.mark.browser

LANGUAGES = ["sr", "sr-latn", "en"]
HTML_LANG = {"sr": "sr", "sr-latn": "sr-Latn", "en": "en"}
LANGUAGE_NAMES = dict(settings.LANGUAGES)
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"


def translated(lang: str, text: object) -> str:
    """``text`` (a lazy translation or a msgid) as the page in ``lang`` shows it."""
    with translation.override(lang):
        return gettext(text) if isinstance(text, str) else str(text)


def phase_labels(lang: str) -> list[str]:
    return [translated(lang, label) for _key, label in settings.PHASES]


def welcome(lang: str, name: str) -> str:
    return translated(lang, "Welcome, %(name)s") % {"name": name}


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def choose_language(page: Page, lang: str) -> None:
    """Click the switcher's button for ``lang`` and wait for the page to come back in it."""
    page.get_by_role("button", name=LANGUAGE_NAMES[lang], exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    expect(page.locator(f'form.language-switcher button[value="{lang}"]')).to_have_attribute(
        "aria-pressed", "true"
    )


def password_step(page: Page, base_url: str, account: TwoFactorUser, lang: str) -> None:
    """Enter username and password (found by their translated labels) on the sign-in page."""
    fields = SignInForm.base_fields
    page.get_by_label(translated(lang, fields["username"].label)).fill(account.user.username)
    page.get_by_label(translated(lang, fields["password"].label)).fill(PASSWORD)
    page.get_by_role("button", name=translated(lang, "Continue"), exact=True).click()
    expect(page).to_have_url(base_url + reverse("accounts:verify"))


def code_step(page: Page, lang: str, code: str) -> None:
    page.get_by_label(translated(lang, CodeForm.base_fields["code"].label)).fill(code)
    page.get_by_role("button", name=translated(lang, "Sign in"), exact=True).click()


def sign_in(page: Page, base_url: str, account: TwoFactorUser, lang: str = "sr") -> None:
    """The whole sign-in, in the language the page is already in; ends on the home page."""
    password_step(page, base_url, account, lang)
    code_step(page, lang, two_factor.current_code(account.secret))
    expect(page).to_have_url(base_url + reverse("core:home"))


def wrong_code(secret: str) -> str:
    """Six digits that are not this secret's code now, nor in the next step or two."""
    now = time.time()
    candidates = (str(digit) * 6 for digit in range(10))
    return next(
        code
        for code in candidates
        if all(two_factor.matching_step(secret, code, at=now + 30 * k) is None for k in range(3))
    )


def assert_no_console_errors(errors: list[str]) -> None:
    assert errors == [], "console errors or CSP violations:\n" + "\n".join(errors)


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
    phase_url = live_server.url + reverse("core:phase", args=["protection"])
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
    expect(page.locator("#id_code_error")).to_have_text(translated("sr", BAD_CODE))
    expect(page.locator("nav.phase-nav")).to_have_count(0)
    page.goto(live_server.url + reverse("core:home"))
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
