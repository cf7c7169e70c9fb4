"""A survey wave's results in a real browser: chart with confidence whiskers and the tables."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from spona.accounts.models import Role
from spona.institutions.models import InstitutionType, Municipality
from spona.institutions.services import reference_data_load
from spona.surveys.demo import _wave
from spona.surveys.models import SurveyWave
from spona.surveys.services import instruments_load_default
from tests.factories import InstitutionFactory, UserFactory

from .helpers import (
    assert_no_console_errors,
    open_sign_in,
    screenshot,
    sign_in_without_second_factor,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def wave_and_analyst(transactional_db: None) -> tuple[int, str]:
    reference_data_load()
    pirot = Municipality.objects.get(code="70939")
    coordinator = UserFactory(
        role=Role.COORDINATOR,
        institution=InstitutionFactory(type=InstitutionType.LOCAL_GOVERNMENT, municipality=pirot),
    )
    citizens = next(i for i in instruments_load_default() if i.code == "citizens")
    _wave(citizens, pirot, coordinator, 600, 1)
    analyst = UserFactory(
        role=Role.ANALYST,
        institution=InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None),
    )
    return SurveyWave.objects.get().pk, analyst.username


def test_results_page_shows_chart_and_estimates(
    page: Page, live_server, wave_and_analyst, console_errors
) -> None:
    wave, username = wave_and_analyst
    open_sign_in(page, live_server.url, "en")
    sign_in_without_second_factor(page, live_server.url, username, "en")
    page.goto(live_server.url + reverse("surveys:wave_detail", args=[wave]))
    chart = page.locator("figure.chart svg[role=img]").first
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).not_to_have_count(0)
    expect(chart.locator("line")).not_to_have_count(0)  # the confidence whiskers
    expect(page.locator("main table").first).to_contain_text("600")
    screenshot(page, "survey-results")
    assert_no_console_errors(console_errors)
