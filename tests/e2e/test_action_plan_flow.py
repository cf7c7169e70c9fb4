"""The local action plan end to end, in a real browser, in Serbian (issue 17, acceptance 3):
the coordinator starts the year's readiness assessment, adds a key-informant interview and
scores it; a second scorer scores it independently; the coordinator records the combined
scores and sees the stages; adds activities, sets the budget, prioritises within it, keeps a
left-out activity in with a reason, and downloads the plan as PDF, whose Cyrillic text (and,
after switching the page to Latin, its Latin text) extracts back. Then the year: an indicator
bound to a computed number and the progress recorded on the activity's page.
"""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect
from pypdf import PdfReader

from spona.accounts.models import Role
from spona.institutions.models import InstitutionType
from spona.planning.forms import (
    ActivityForm,
    AssessmentStartForm,
    BudgetForm,
    IndicatorForm,
    InterviewForm,
    ProgressForm,
)
from spona.planning.models import Activity, ActivityStatus, Override
from spona.planning.readiness import Dimension, Stage
from tests.e2e.test_coordination_flow import fresh_page, label, signed_in_page, sr, two_factor_user
from tests.factories import InstitutionFactory, MunicipalityFactory

from .helpers import assert_no_console_errors, choose_language, screenshot, translated
from .test_accessibility import AXE, RUN, SERIOUS

pytestmark = pytest.mark.browser

SCORES = {"A": 4, "B": 3, "C": 5, "D": 3, "E": 2, "F": 4}  # stage 3, weakest E
WORKSHOPS = "Радионице о лажним понудама посла у школама"
LEAFLETS = "Летци на аутобуској станици"
REASON = "Скупштина општине тражи летке на граничном прелазу"


def scores(page: Page, interview_form: str, values: dict[str, int], button: str) -> None:
    """Open the interview's scoring form (own or combined) and enter one score per dimension."""
    form = page.locator("form", has=page.get_by_role("button", name=sr(button), exact=True))
    page.locator("summary", has_text=sr(interview_form)).click()
    for dimension, value in values.items():
        form.locator(f'input[name="{dimension}"]').fill(str(value))
    form.get_by_role("button", name=sr(button), exact=True).click()
    expect(page.locator("ul.messages")).to_contain_text(sr("Saved."))


def add_activity(page: Page, title: str, cost: str, need: str, lead: str = "") -> None:
    page.locator("summary", has_text=sr("Add an activity")).click()
    page.get_by_label(label(ActivityForm, "title")).fill(title)
    page.get_by_label(label(ActivityForm, "kind")).select_option(value="basic_awareness")
    page.get_by_label(label(ActivityForm, "phase")).select_option(value="prevention")
    if lead:
        page.get_by_label(label(ActivityForm, "lead")).select_option(label=lead)
    page.get_by_label(label(ActivityForm, "cost")).fill(cost)
    page.get_by_label(label(ActivityForm, "funder")).fill("општина")
    page.get_by_label(label(ActivityForm, "need")).fill(need)
    page.get_by_label(label(ActivityForm, "evidence")).fill("0.6")
    page.get_by_label(label(ActivityForm, "evidence_source")).fill("Студија 2014")
    page.get_by_label(label(ActivityForm, "reach")).fill("0.5")
    page.get_by_role("button", name=sr("Add the activity"), exact=True).click()
    expect(page.locator("#activities")).to_contain_text(title)


def download_text(page: Page, path: Path, lang: str = "sr") -> str:
    with page.expect_download() as download:
        link = translated(lang, "Download the plan (PDF)")
        page.get_by_role("link", name=link, exact=True).click()
    download.value.save_as(path)
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_coordinator_assesses_plans_prioritises_overrides_and_prints(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server,
    transactional_db,
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    base = live_server.url
    year = timezone.localdate().year
    municipality = MunicipalityFactory(name_cyr="Пирот", name_lat="Pirot")
    local = InstitutionFactory(
        name="Градска управа Пирот",
        type=InstitutionType.LOCAL_GOVERNMENT,
        municipality=municipality,
    )
    school = InstitutionFactory(
        name="Гимназија Пирот", type=InstitutionType.SCHOOL, municipality=municipality
    )
    coordinator = two_factor_user(Role.COORDINATOR, local)
    second = two_factor_user(Role.COORDINATOR, local, first_name="Марко", last_name="Илић")

    # 1. The readiness assessment: start it, add an interview, enter the own scores.
    planner = signed_in_page(page, base, coordinator)
    planner.goto(base + reverse("planning:readiness_list"))
    planner.get_by_label(label(AssessmentStartForm, "year")).fill(str(year))
    planner.get_by_role("button", name=sr("Start"), exact=True).click()
    expect(planner).to_have_url(re.compile(re.escape(base) + r"/planning/readiness/\d+/$"))
    assessment_url = planner.url
    planner.get_by_label(label(InterviewForm, "sector")).select_option(value=InstitutionType.SCHOOL)
    planner.get_by_label(label(InterviewForm, "interviewed_on")).fill(f"{year}-02-10")
    planner.get_by_label(label(InterviewForm, "notes")).fill(
        "Директорка школе: деца не препознају врбовање."
    )
    planner.get_by_role("button", name=sr("Add the interview"), exact=True).click()
    expect(planner.locator("article.interview")).to_have_count(1)
    scores(planner, "Enter your own scores", SCORES, "Save my scores")

    # 2. The second scorer scores the same interview independently.
    other = signed_in_page(fresh_page(new_context, console_errors), base, second)
    other.goto(assessment_url)
    scores(other, "Enter your own scores", SCORES, "Save my scores")

    # 3. The combined scores give the stage per dimension and overall.
    planner.reload()
    scores(
        planner,
        "Enter the combined scores the two scorers agreed on",
        SCORES,
        "Save the combined scores",
    )
    expect(planner.locator("p.outcome")).to_contain_text(sr(Stage.VAGUE_AWARENESS.label))
    expect(planner.get_by_text(sr(Dimension.KNOWLEDGE_OF_ISSUE.label)).first).to_be_visible()

    # 4. Activities, the budget and the prioritisation.
    planner.goto(base + reverse("planning:action_plan") + f"?year={year}")
    add_activity(planner, WORKSHOPS, "60000", "0.9", lead=str(school))
    add_activity(planner, LEAFLETS, "50000", "0.2")
    planner.get_by_label(label(BudgetForm, "total")).fill("80000")
    planner.get_by_role("button", name=sr("Save the budget"), exact=True).click()
    expect(planner.locator("ul.messages")).to_contain_text(sr("Saved."))
    planner.get_by_role("button", name=sr("Prioritise within the budget"), exact=True).click()
    expect(planner.locator("ul.messages")).to_contain_text(
        sr("The activities were prioritised within the budget.")
    )
    leaflets = Activity.objects.get(title=LEAFLETS)
    row = planner.locator(f'tr[data-activity="{leaflets.pk}"]')
    expect(row).to_contain_text(sr(ActivityStatus.LEFT_OUT.label))

    # 5. The coordinator keeps the leaflets in, with a reason; the choice follows.
    row.get_by_label(sr("Override")).select_option(value=Override.IN)
    row.get_by_label(sr("Reason")).fill(REASON)
    row.get_by_role("button", name=sr("Save"), exact=True).click()
    expect(planner.locator("ul.messages")).to_contain_text(sr("Saved."))
    leaflets.refresh_from_db()
    assert (leaflets.override, leaflets.override_reason) == (Override.IN, REASON)
    planner.locator("#activities").scroll_into_view_if_needed()
    screenshot(planner, "action-plan")

    # 6. The plan as PDF, in Cyrillic and then in Latin.
    cyrillic = download_text(planner, tmp_path / "plan-sr.pdf")
    for text in (sr("Local action plan"), WORKSHOPS, str(school), LEAFLETS, REASON):
        assert text in cyrillic
    assert sr(Stage.VAGUE_AWARENESS.label) in cyrillic
    choose_language(planner, "sr-latn")
    latin = download_text(planner, tmp_path / "plan-sr-latn.pdf", "sr-latn")
    for text in (
        "Lokalni akcioni plan",
        "Radionice o lažnim ponudama posla u školama",
        "Gimnazija Pirot",
        "Skupština opštine traži letke na graničnom prelazu",
    ):
        assert text in latin
    assert WORKSHOPS not in latin

    # 7. Through the year: an indicator bound to a number the system computes, progress
    #    recorded; the activity's page passes the accessibility check.
    choose_language(planner, "sr")
    planner.add_init_script(path=str(AXE))
    planner.locator("#activities").get_by_role("link", name=WORKSHOPS, exact=True).click()
    expect(planner.locator("h1")).to_have_text(WORKSHOPS)
    planner.get_by_label(label(IndicatorForm, "name")).fill("Удео сигнала из школа")
    planner.get_by_label(label(IndicatorForm, "metric")).select_option(value="signals_from_schools")
    planner.get_by_label(label(IndicatorForm, "target")).fill("15")
    planner.get_by_role("button", name=sr("Add the indicator"), exact=True).click()
    expect(planner.locator("ul.messages")).to_contain_text(sr("Saved."))
    expect(planner.locator("tr[data-indicator]")).to_contain_text(
        sr("Share of signals raised by schools")
    )
    planner.get_by_label(label(ProgressForm, "progress")).fill("40")
    planner.get_by_role("button", name=sr("Record the progress"), exact=True).click()
    expect(planner.locator("ul.messages")).to_contain_text(sr("Saved."))
    expect(planner.get_by_role("table", name=sr("Progress recorded"))).to_contain_text("40")
    planner.reload()  # the page itself, without the flash message (base.html's, checked apart)
    violations = [v for v in planner.evaluate(RUN) if v["impact"] in SERIOUS]
    assert violations == []
    screenshot(planner, "action-plan-activity")
    assert Activity.objects.get(title=WORKSHOPS).status == ActivityStatus.IN_PROGRESS
    assert_no_console_errors(console_errors)
