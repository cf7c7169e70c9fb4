"""The dashboard's campaign reach and survey indicators: asked of the prevention and surveys
apps, exact for the Centre, through the one rule for a share for everyone else."""

from datetime import date

import pytest
from django.urls import reverse

from spona.accounts.models import Role
from spona.prevention import services as prevention
from spona.statistics.dashboard import Period, area_for, dashboard
from spona.surveys import services as surveys
from tests.factories import InstitutionFactory, UserFactory
from tests.test_prevention import _counts, town  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

PERIOD = Period(date(2025, 1, 1), date(2026, 1, 1))


def _campaign(town, reached: int, held_on: date) -> None:  # noqa: F811
    campaign = prevention.campaign_create(
        user=town["coordinator"],
        municipality=town["municipality"],
        groups=town["groups"][:1],
        settlements=town["settlements"][:1],
        partners=[],
        name="Провери понуду",
        goal="Препознавање лажних понуда",
        channels=["door_to_door"],
        starts_on=held_on,
        ends_on=held_on,
        funder="local_government",
    )
    prevention.outreach_record(
        user=town["coordinator"],
        campaign=campaign,
        held_on=held_on,
        settlement=town["settlements"][0],
        channel="door_to_door",
        reached={"women-20-30": reached, "someone-else": 99},  # another group's: not counted
        materials_handed_out=10,
        staff=1,
    )


def _figures(board):
    return {f.key: (f.value, f.previous) for f in board.campaigns}


def _readers(town):  # noqa: F811
    centre = InstitutionFactory(type="national_centre", municipality=None)
    return (
        UserFactory(role=Role.CENTRE_OFFICER, institution=centre),
        UserFactory(role=Role.ANALYST, institution=town["reporter"].institution),
    )


def test_campaign_reach_is_exact_for_the_centre_and_protected_for_analysts(town):  # noqa: F811
    _counts(town, {"Пирот": 20})  # the target group's mapped size
    _campaign(town, 15, date(2025, 5, 1))
    _campaign(town, 12, date(2024, 5, 1))  # the previous period
    officer, analyst = _readers(town)
    exact = dashboard(user=officer, area=area_for(officer, ""), period=PERIOD)
    assert _figures(exact) == {
        "campaigns": (1, 1),
        "activities": (1, 1),
        "reached": (15, 12),
        "size": (20, 20),
        "share": (75.0, 60.0),
    }
    protected = dashboard(user=analyst, area=area_for(analyst, ""), period=PERIOD)
    # 15 of 20 leaves 5 not reached, 12 leaves 8: small, so the reach and share are withheld
    assert _figures(protected) == {
        "campaigns": (None, None),
        "activities": (None, None),
        "reached": (None, None),
        "size": (20, 20),
        "share": (None, None),
    }


def test_a_reach_with_no_small_count_is_published_with_its_share(town):  # noqa: F811
    _counts(town, {"Пирот": 150})
    for _ in range(11):
        _campaign(town, 3, date(2025, 5, 1))  # 11 campaigns, 33 people reached
    _officer, analyst = _readers(town)
    board = dashboard(user=analyst, area=area_for(analyst, ""), period=PERIOD)
    figures = _figures(board)
    assert figures["campaigns"] == (11, 0)
    assert figures["reached"] == (33, 0)
    assert figures["size"] == (150 * 11, 0)  # each campaign's target group, as mapped
    assert figures["share"] == (2.0, None)


def _wave(town, answers: list[str]):  # noqa: F811
    citizens = next(i for i in surveys.instruments_load_default() if i.code == "citizens")
    wave = surveys.wave_create(
        user=town["coordinator"],
        municipalities=[town["municipality"]],
        instrument=citizens,
        name="Талас 2025",
        starts_on=date(2025, 3, 1),
        ends_on=date(2025, 4, 1),
    )
    for heard in answers:
        surveys.response_enter(
            user=town["coordinator"],
            wave=wave,
            municipality=town["municipality"],
            sex="female",
            age=30,
            answers={"heard": heard},
        )
    return wave


def _aware(board):
    (wave,) = board.surveys
    return next(i for i in wave.indicators if i.key == "aware")


def test_survey_indicators_are_shown_and_a_small_no_withheld(town, client):  # noqa: F811
    _wave(town, ["yes"] * 25 + ["no"] * 5)
    officer, analyst = _readers(town)
    exact = _aware(dashboard(user=officer, area=area_for(officer, ""), period=PERIOD))
    assert (exact.n, exact.percent) == (30, 83.3)
    protected = _aware(dashboard(user=analyst, area=area_for(analyst, ""), period=PERIOD))
    # 5 said no: the share would give them away beside the 30, so it is withheld
    assert protected.percent is None
    assert protected.ci_low is None
    client.force_login(analyst)
    page = client.get(
        reverse("statistics:dashboard"),
        {"start": "2025-01-01", "end": "2025-12-31"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    section = page[page.index('<section id="surveys">') : page.index('<section id="referral')]
    assert "Талас 2025" in section
    assert "83.3" not in section
    assert "said yes or fewer than 11 said no" in section


def test_survey_indicators_with_enough_on_both_sides_are_published(town, client):  # noqa: F811
    _wave(town, ["yes"] * 12 + ["no"] * 13)
    _officer, analyst = _readers(town)
    aware = _aware(dashboard(user=analyst, area=area_for(analyst, ""), period=PERIOD))
    assert (aware.n, aware.percent, aware.flagged) == (25, 48.0, True)
    client.force_login(analyst)
    body = client.get(reverse("api_statistics_dashboard"), {"start": "2025-01-01"}).json()
    (wave,) = body["surveys"]
    assert next(i for i in wave["indicators"] if i["key"] == "aware")["percent"] == 48.0
    assert {f["key"] for f in body["campaigns"]} == {
        "campaigns",
        "activities",
        "reached",
        "size",
        "share",
    }
