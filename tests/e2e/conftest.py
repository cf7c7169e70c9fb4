"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against the live server.

Playwright cannot download its own browsers here, so every launch uses /usr/bin/chromium.
"""

import os

# Playwright's sync API runs an event loop in the test thread; the tests still touch the
# database from that thread (creating users), which Django refuses unless told otherwise.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from spona.accounts import two_factor
from spona.accounts.models import Role, TOTPDevice
from tests.e2e.helpers import TwoFactorUser, watch_console
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# Reports every Content-Security-Policy violation to the test, in addition to the
# console error Chromium logs for it. Playwright injects this script itself, so the
# page's own CSP (no inline script) does not apply to it.


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A Serbian user's browser (Accept-Language: sr-RS) on a desktop-sized screen."""
    return {
        **browser_context_args,
        "locale": "sr-RS",
        "timezone_id": "Europe/Belgrade",
        "viewport": {"width": 1280, "height": 800},
    }


@pytest.fixture(autouse=True)
def _short_timeouts(page: Page) -> None:
    """The live server answers in milliseconds; fail in seconds rather than half a minute."""
    page.set_default_timeout(10_000)


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Console errors, uncaught page errors and CSP violations seen during the test."""
    errors: list[str] = []
    watch_console(page, errors)
    return errors


@pytest.fixture
def make_two_factor_user(transactional_db: None) -> Callable[..., TwoFactorUser]:
    """A new user (so a new TOTP device: codes are single-use) with a confirmed authenticator."""

    def make(role: Role = Role.CASE_MANAGER) -> TwoFactorUser:
        institution = InstitutionFactory(municipality=MunicipalityFactory())
        user = UserFactory(role=role, institution=institution)
        secret = two_factor.new_secret()
        TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
        return TwoFactorUser(user=user, secret=secret)

    return make
