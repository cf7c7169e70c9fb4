"""The risk map in a real browser: all of Serbia and each of the study's three
municipalities, drawn as server-side SVG with a legend and the ODbL attribution."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from spona.accounts.models import Role
from spona.institutions.models import InstitutionType, Municipality
from spona.institutions.services import reference_data_load
from spona.prevention.models import Settlement
from spona.prevention.services import count_enter, default_groups
from tests.factories import InstitutionFactory, UserFactory

from .helpers import (
    assert_no_console_errors,
    open_sign_in,
    screenshot,
    sign_in_without_second_factor,
)

pytestmark = pytest.mark.browser
STUDY = {
    "70939": ["Пирот", "Гњилан", "Суково"],
    "71099": ["Смедерево", "Радинац"],
    "80403": ["Сремска Митровица", "Лаћарак"],
}
ATTRIBUTION = "© OpenStreetMap contributors, geoBoundaries"


@pytest.fixture
def mapped(transactional_db: None) -> str:
    """Counts of the 20–30 group in the three municipalities; returns an analyst's username."""
    reference_data_load()
    for code, names in STUDY.items():
        municipality = Municipality.objects.get(code=code)
        groups = default_groups(municipality)
        reporter = UserFactory(
            role=Role.SUPERVISOR,
            institution=InstitutionFactory(
                type=InstitutionType.EMPLOYMENT, municipality=municipality
            ),
        )
        for i, name in enumerate(names):
            settlement = Settlement.objects.create(municipality=municipality, name=name)
            count_enter(
                user=reporter,
                group=groups[0],
                settlement=settlement,
                period="2025",
                count=[140, 35, 6][i % 3],
            )
    analyst = UserFactory(
        role=Role.ANALYST,
        institution=InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None),
    )
    return analyst.username


def test_risk_map_of_serbia_and_of_each_study_municipality(
    page: Page, live_server, mapped: str, console_errors
) -> None:
    base = live_server.url
    open_sign_in(page, base, "en")
    sign_in_without_second_factor(page, base, mapped, "en")

    page.goto(base + reverse("prevention:overview") + "?group=women-20-30&period=2025")
    svg = page.locator("figure.map svg[role=img]")
    expect(svg).to_be_visible()
    expect(svg).to_contain_text(ATTRIBUTION)
    expect(svg.locator("path")).to_have_count(162)  # 161 municipalities and the Kosovo outline
    screenshot(page, "risk-map-serbia")

    for code in STUDY:
        page.goto(base + reverse("prevention:municipality", args=[code]) + "?period=2025")
        focus = page.locator("figure.map svg[role=img]")
        expect(focus).to_be_visible()
        expect(focus).to_contain_text(ATTRIBUTION)
        table = page.locator("main table").first
        expect(table.locator("tbody tr").first).to_contain_text("140")
        expect(table).not_to_contain_text(" 6 ")
        screenshot(page, f"risk-map-{code}")
    assert_no_console_errors(console_errors)
