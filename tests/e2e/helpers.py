"""Helpers shared by the browser tests: languages, sign-in, screenshots, console checks."""

import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import ConsoleMessage, Page, expect

from spona.accounts import two_factor
from spona.accounts.forms import CodeForm, SignInForm
from spona.accounts.models import User
from spona.core.phases import Phase
from tests.factories import PASSWORD


@dataclass(frozen=True)
class TwoFactorUser:
    user: User
    secret: str


LANGUAGES = ["sr", "sr-latn", "en"]
HTML_LANG = {"sr": "sr", "sr-latn": "sr-Latn", "en": "en"}
LANGUAGE_NAMES = dict(settings.LANGUAGES)
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"


def translated(lang: str, text: object) -> str:
    """``text`` (a lazy translation or a msgid) as the page in ``lang`` shows it."""
    with translation.override(lang):
        return gettext(text) if isinstance(text, str) else str(text)


def phase_labels(lang: str) -> list[str]:
    return [translated(lang, phase.label) for phase in Phase]


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


def _username_and_password(page: Page, username: str, lang: str) -> None:
    """Enter username and password (found by their translated labels) on the sign-in page."""
    fields = SignInForm.base_fields
    page.get_by_label(translated(lang, fields["username"].label)).fill(username)
    page.get_by_label(translated(lang, fields["password"].label)).fill(PASSWORD)
    page.get_by_role("button", name=translated(lang, "Continue"), exact=True).click()


def password_step(page: Page, base_url: str, account: TwoFactorUser, lang: str) -> None:
    """The first step of a sign-in with a second factor: it goes on to ask for the code."""
    _username_and_password(page, account.user.username, lang)
    expect(page).to_have_url(base_url + reverse("accounts:verify"))


def code_step(page: Page, lang: str, code: str) -> None:
    page.get_by_label(translated(lang, CodeForm.base_fields["code"].label)).fill(code)
    page.get_by_role("button", name=translated(lang, "Sign in"), exact=True).click()


def sign_in(page: Page, base_url: str, account: TwoFactorUser, lang: str = "sr") -> None:
    """The whole sign-in, in the language the page is already in; ends on the home page."""
    password_step(page, base_url, account, lang)
    code_step(page, lang, two_factor.current_code(account.secret))
    expect(page).to_have_url(base_url + reverse("workspace:home"))


def sign_in_without_second_factor(page: Page, base_url: str, username: str, lang: str) -> None:
    """The sign-in of a role that needs no second factor (an analyst), in the language the
    page is already in; ends on the home page."""
    _username_and_password(page, username, lang)
    expect(page).to_have_url(base_url + reverse("workspace:home"))


def open_sign_in(page: Page, base_url: str, lang: str) -> None:
    """The sign-in page, switched to ``lang``."""
    page.goto(base_url + reverse("accounts:login"))
    choose_language(page, lang)


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


_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__sponaCspViolation(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def watch_console(page: Page, errors: list[str]) -> None:
    """Collect console errors, page errors and CSP violations of ``page`` into ``errors``."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.expose_function("__sponaCspViolation", lambda text: errors.append(f"CSP: {text}"))
    page.add_init_script(_CSP_LISTENER)
