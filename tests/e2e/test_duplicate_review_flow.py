"""The Centre's review of likely duplicates in a real browser: a Centre officer starts the
scan of everyone stored, follows its progress to the end, confirms one suggestion (the
records are merged) and rejects another (the pair leaves the queue for good)."""

from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from spona.accounts import two_factor
from spona.accounts.models import Role, TOTPDevice
from spona.institutions.models import InstitutionType
from spona.people.models import DuplicateSuspicion, Person, Resolution
from spona.people.services import person_register
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory

from .helpers import (
    TwoFactorUser,
    assert_no_console_errors,
    open_sign_in,
    screenshot,
    sign_in,
    translated,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def records(transactional_db: None) -> dict[str, Person]:
    """Two institutions' records of Đurđa Đorđević and of Marko Ilić, never compared."""
    place = MunicipalityFactory()

    def register(given: str, family: str, born: str, sex: str) -> Person:
        institution = InstitutionFactory(municipality=place)
        user = UserFactory(role=Role.CASE_MANAGER, institution=institution)
        return person_register(
            user=user,
            given_name=given,
            family_name=family,
            date_of_birth=born,
            sex=sex,
            municipality=place,
        )

    return {
        "djurdja": register("Ђурђа", "Ђорђевић", "1990-05-03", "female"),
        "djurdja_latin": register("Djurdja", "Djordjevic", "1990-05-03", "female"),
        "marko": register("Марко", "Илић", "1985-11-20", "male"),
        "marko_latin": register("Marko", "Ilic", "1985-11-21", "male"),
    }


@pytest.fixture
def centre_officer(transactional_db: None) -> Callable[[], TwoFactorUser]:
    def make() -> TwoFactorUser:
        centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
        user = UserFactory(role=Role.CENTRE_OFFICER, institution=centre)
        secret = two_factor.new_secret()
        TOTPDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now())
        return TwoFactorUser(user=user, secret=secret)

    return make


def _review(page: Page, who: str) -> None:
    """Open the suggestion whose row names ``who``."""
    row = page.locator("tbody tr").filter(has_text=who)
    row.get_by_role("link", name=translated("en", "Review")).click()


def test_the_centre_scans_confirms_and_rejects(
    page: Page,
    live_server,
    records: dict[str, Person],
    centre_officer: Callable[[], TwoFactorUser],
    console_errors,
) -> None:
    base = live_server.url
    officer = centre_officer()
    open_sign_in(page, base, "en")
    sign_in(page, base, officer, "en")

    page.goto(base + reverse("workspace:phase", kwargs={"phase": "identification"}))
    page.get_by_role("link", name=translated("en", "Possible duplicates")).click()
    expect(
        page.get_by_text(translated("en", "No possible duplicates are waiting for review."))
    ).to_be_visible()

    # 1. The scan: a job whose page follows the progress to the end.
    page.get_by_role("button", name=translated("en", "Scan all persons")).click()
    expect(page.get_by_role("status")).to_contain_text(translated("en", "Done"))
    expect(page.locator("progress")).to_have_attribute("value", "100")
    expect(page.get_by_text("2 likely duplicates in 2 groups")).to_be_visible()
    screenshot(page, "duplicate-scan-done")
    page.get_by_role("link", name=translated("en", "Continue")).click()
    expect(page.locator("tbody tr")).to_have_count(2)
    expect(page.locator("tbody")).to_contain_text(translated("en", "same date of birth"))
    screenshot(page, "duplicate-review-queue")

    # 2. Đurđa's two records are one person: merged, the older kept.
    _review(page, "Djurdja")
    expect(page.locator("h1")).to_contain_text(records["djurdja"].code)
    page.get_by_role("button", name=translated("en", "Merge the records")).click()
    expect(page.locator("tbody tr")).to_have_count(1)

    # 3. The two Markos are different people.
    _review(page, "Marko")
    page.get_by_role("button", name=translated("en", "They are different people")).click()
    expect(
        page.get_by_text(translated("en", "No possible duplicates are waiting for review."))
    ).to_be_visible()

    latin = Person.objects.get(pk=records["djurdja_latin"].pk)
    assert latin.merged_into_id == records["djurdja"].pk
    marko = DuplicateSuspicion.objects.get(person=records["marko_latin"])
    assert marko.resolution == Resolution.NOT_DUPLICATE
    assert marko.resolved_by == officer.user
    assert_no_console_errors(console_errors)
