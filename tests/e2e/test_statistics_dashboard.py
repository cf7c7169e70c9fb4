"""The statistics dashboard in a real browser: the nation and a municipality, on a desktop
and on a phone's width, drawn as server-side SVG charts, protected for an analyst."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from spona.accounts.models import Role
from spona.cases.models import Case, CaseStatus
from spona.institutions.models import InstitutionType, Municipality
from spona.institutions.services import reference_data_load
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

from .helpers import (
    assert_no_console_errors,
    open_sign_in,
    screenshot,
    sign_in_without_second_factor,
    translated,
)

pytestmark = pytest.mark.browser
PIROT = "70939"


@pytest.fixture
def analyst(transactional_db: None) -> str:
    """Cases in Pirot this year (30 women, 4 men) and in Smederevo (12 women); an analyst."""
    reference_data_load()
    for code, women, men in ((PIROT, 30, 4), ("71099", 12, 0)):
        municipality = Municipality.objects.get(code=code)
        csr = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
        manager = UserFactory(role=Role.CASE_MANAGER, institution=csr)
        for sex, n in (("female", women), ("male", men)):
            for _ in range(n):
                person = PersonFactory(
                    registered_by=manager, sex=sex, estimated_age=22, citizenship="RS"
                )
                Case.objects.create(
                    person=person,
                    status=CaseStatus.PRESUMED_VICTIM,
                    municipality=municipality,
                    opened_by_institution=csr,
                    opened_by=manager,
                )
    user = UserFactory(
        role=Role.ANALYST,
        institution=InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None),
    )
    return user.username


def test_national_and_municipal_dashboards(
    page: Page, live_server, analyst: str, console_errors
) -> None:
    base = live_server.url
    open_sign_in(page, base, "en")
    sign_in_without_second_factor(page, base, analyst, "en")
    page.goto(base + reverse("workspace:phase", kwargs={"phase": "statistics"}))
    page.get_by_role("link", name=translated("en", "Statistics dashboard")).click()
    expect(page.locator("h1")).to_contain_text("Serbia")
    sexes = page.locator("#cases_sex")
    expect(sexes.locator("svg[role=img]")).to_be_visible()
    expect(sexes.locator("tfoot")).to_contain_text("46")
    expect(sexes.locator("tbody")).to_contain_text("<11")  # 4 men: suppressed for an analyst
    screenshot(page, "statistics-nation")

    page.get_by_role("link", name=translated("en", "Cases per municipality")).click()
    choropleth = page.locator("#map svg[role=img]")
    expect(choropleth).to_be_visible()
    expect(choropleth.locator("title", has_text="Smederevo: 12")).to_have_count(1)
    page.locator("#map summary").click()
    expect(page.locator("#map tfoot")).to_contain_text("46")
    screenshot(page, "statistics-nation-map")

    pirot = Municipality.objects.get(code=PIROT)
    page.select_option("#id_area", f"municipality-{pirot.pk}")
    page.get_by_role("button", name=translated("en", "Show"), exact=True).click()
    expect(page.locator("h1")).to_contain_text(str(pirot.name_lat))
    expect(page.locator("#cases_sex tfoot")).to_contain_text("34")
    screenshot(page, "statistics-pirot")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    chart = page.locator("#cases_sex svg[role=img]")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390  # the chart fits the phone's width
    screenshot(page, "statistics-pirot-phone")
    page.goto(base + reverse("statistics:dashboard"))  # the nation, with its map
    national_map = page.locator("#map svg[role=img]").bounding_box()
    assert national_map is not None
    assert national_map["x"] + national_map["width"] <= 390  # the map fits the phone too
    assert_no_console_errors(console_errors)
