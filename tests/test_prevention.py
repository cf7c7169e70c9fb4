"""Prevention: imports all-or-nothing with row errors, protected maps and rankings, and a
campaign's dashboard."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from spona.accounts.models import Role
from spona.disclosure import part_of_whole
from spona.institutions.models import InstitutionType
from spona.jobs.models import Job, JobStatus
from spona.prevention import maps, riskmap, selectors, services
from spona.prevention.models import AggregateCount, Campaign, Settlement
from spona.signals.services import signal_raise
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db
HEADER = ["municipality_code", "settlement", "group", "period", "count"]


@pytest.fixture
def town(municipality):
    """Pirot with three settlements, the default groups, its employment service and coordinator."""
    settlements = [
        Settlement.objects.create(municipality=municipality, name=n)
        for n in ["Пирот", "Гњилан", "Суково"]
    ]
    groups = services.default_groups(municipality)
    employment = InstitutionFactory(type=InstitutionType.EMPLOYMENT, municipality=municipality)
    local = InstitutionFactory(type=InstitutionType.LOCAL_GOVERNMENT, municipality=municipality)
    return {
        "municipality": municipality,
        "settlements": settlements,
        "groups": groups,
        "reporter": UserFactory(role=Role.CASE_MANAGER, institution=employment),
        "coordinator": UserFactory(role=Role.COORDINATOR, institution=local),
    }


def _csv(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _xlsx(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(user, name: str, content: bytes, language: str = "en") -> Job:
    client = Client()
    client.force_login(user)
    client.post(
        reverse("prevention:count_import"),
        {"file": _file(name, content)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    return Job.objects.latest("pk")


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


GOOD = [
    ["70939", "Пирот", "women-20-30", "2025", "120"],
    ["70939", "Gnjilan", "women-20-30", "2025", "7"],  # Latin spelling of Гњилан
    ["70939", "Суково", "girls-14-18", "2025-Q3", "0"],
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_good_file_lands_completely(town, kind) -> None:
    content = _csv(GOOD) if kind == "csv" else _xlsx([[*r[:4], int(r[4])] for r in GOOD])
    job = _upload(town["reporter"], f"counts.{kind}", content)
    assert (job.status, job.errors) == (JobStatus.SUCCEEDED, [])
    assert AggregateCount.objects.count() == 3
    assert AggregateCount.objects.get(settlement__name="Гњилан").count == 7


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["99999", "Пирот", "women-20-30", "2025", "5"],
            "Row 3: unknown municipality code “99999”.",
        ),
        (
            ["70939", "Београд", "women-20-30", "2025", "5"],
            "Row 3: “Београд” is not a settlement of this municipality.",
        ),
        (
            ["70939", "Пирот", "women-20-30", "2025", "-4"],
            "Row 3: the count must be a whole number of zero or more.",
        ),
        (
            ["70939", "Пирот", "women-20-30", "2025", "2.5"],
            "Row 3: the count must be a whole number of zero or more.",
        ),
        (["70939", "Пирот", "women-20-30", "2099", "5"], "Row 3: the period must be a past year"),
        (
            ["70939", "Пирот", "women-20-30", "2025-13", "5"],
            "Row 3: the period must be a past year",
        ),
        (
            ["70939", "Пирот", "no-such-group", "2025", "5"],
            "Row 3: “no-such-group” is not a risk group",
        ),
    ],
)
def test_a_bad_row_rejects_the_whole_file_with_its_row_number(town, row, message) -> None:
    job = _upload(town["reporter"], "counts.csv", _csv([GOOD[0], row, GOOD[2]]))
    assert job.status == JobStatus.FAILED
    assert any(e.startswith(message) for e in job.errors), job.errors
    assert not AggregateCount.objects.exists()


def test_wrong_columns_are_refused(town) -> None:
    job = _upload(
        town["reporter"],
        "counts.csv",
        _csv(GOOD, header=["opstina", "naselje", "grupa", "period", "broj"]),
    )
    assert job.status == JobStatus.FAILED
    assert "The columns must be exactly" in job.errors[0]


def test_xlsx_with_formulas_is_refused(town) -> None:
    rows = [[*r[:4], int(r[4])] for r in GOOD]
    rows[1][4] = "=2+5"
    job = _upload(town["reporter"], "counts.xlsx", _xlsx(rows))
    assert job.status == JobStatus.FAILED
    assert "formulas" in job.errors[0]
    assert "E3" in job.errors[0]
    assert not AggregateCount.objects.exists()


def test_errors_come_in_the_uploaders_language(town) -> None:
    job = _upload(
        town["reporter"],
        "counts.csv",
        _csv([["99999", "Пирот", "women-20-30", "2025", "5"]]),
        language="sr",
    )
    assert job.errors[0].startswith("Ред 2")


def test_every_error_of_the_file_is_listed(town) -> None:
    bad = [["99999", "x", "y", "z", "w"], ["70939", "Пирот", "women-20-30", "2025", "-1"]]
    job = _upload(town["reporter"], "counts.csv", _csv(bad))
    assert [e.split(":")[0] for e in job.errors] == ["Row 2", "Row 3"]


def test_the_job_page_shows_progress_and_result(town) -> None:
    job = _upload(town["reporter"], "counts.csv", _csv(GOOD))
    client = Client()
    client.force_login(town["reporter"])
    page = client.get(reverse("jobs:job_detail", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "3 rows imported." in page.content.decode()
    other = Client()
    other.force_login(town["coordinator"])
    assert other.get(reverse("jobs:job_detail", args=[job.pk])).status_code == 404


# --- the map and the ranking ---------------------------------------------------------------


def _counts(town, values: dict[str, int], group: int = 0, period: str = "2025") -> None:
    for settlement in town["settlements"]:
        if settlement.name in values:
            services.count_enter(
                user=town["reporter"],
                group=town["groups"][group],
                settlement=settlement,
                period=period,
                count=values[settlement.name],
            )


def test_map_and_ranking_show_no_small_number(town, client_for) -> None:
    _counts(town, {"Пирот": 120, "Гњилан": 7, "Суково": 30})
    ranking = selectors.settlement_ranking(
        user=town["reporter"], municipality=town["municipality"], period="2025"
    )
    shown = [c.count for c in ranking]
    assert all(n is None or n == 0 or n >= 11 for n in shown)
    assert shown[0] == 120
    assert None in shown
    page = Client()
    page.force_login(town["reporter"])
    html = page.get(reverse("prevention:municipality", args=["70939"])).content.decode()
    assert ">7<" not in html


def test_national_layer_gives_rates_per_thousand(town, settings) -> None:
    _counts(town, {"Пирот": 120, "Гњилан": 30})
    (value,) = selectors.national_layer(
        user=town["reporter"], group_code="women-20-30", period="2025"
    )
    # a single municipality: its count is the total, so it is shown with its rate
    assert value.count == 150
    assert value.rate == round(1000 * 150 / town["municipality"].population_2022, 2)


def test_largest_count_wins_where_institutions_count_the_same_people(town) -> None:
    _counts(town, {"Пирот": 40})
    school = InstitutionFactory(type=InstitutionType.SCHOOL, municipality=town["municipality"])
    teacher = UserFactory(role=Role.SUPERVISOR, institution=school)
    services.count_enter(
        user=teacher,
        group=town["groups"][0],
        settlement=town["settlements"][0],
        period="2025",
        count=55,
    )
    ranking = selectors.settlement_ranking(
        user=teacher, municipality=town["municipality"], period="2025"
    )
    assert ranking[0].count == 55


def test_the_map_page_draws_an_svg_with_attribution(town) -> None:
    _counts(town, {"Пирот": 120, "Гњилан": 30})
    client = Client()
    client.force_login(town["reporter"])
    html = client.get(
        reverse("prevention:overview"), {"group": "women-20-30", "period": "2025"}
    ).content.decode()
    assert "<svg" in html
    assert "© OpenStreetMap contributors, geoBoundaries" in html


def test_a_drawn_map_is_kept_while_what_it_shows_stays_the_same(town, monkeypatch) -> None:
    """The risk map is drawn once per process for the same protected rates, names, title and
    language (issue 18); a new count, a renamed municipality or another language draws it
    anew, the same as drawn from scratch."""
    _counts(town, {"Пирот": 120})
    riskmap._drawn_map.cache_clear()
    drawn = []
    draw = maps.render
    monkeypatch.setattr(maps, "render", lambda *a, **kw: drawn.append(1) or draw(*a, **kw))
    client = Client()
    client.force_login(town["reporter"])

    def page(language: str = "en") -> str:
        html = client.get(
            reverse("prevention:overview"),
            {"group": "women-20-30", "period": "2025"},
            HTTP_ACCEPT_LANGUAGE=language,
        ).content.decode()
        return html[html.index("<svg") : html.index("</svg>")]

    def drawn_anew(language: str = "en") -> str:
        riskmap._drawn_map.cache_clear()
        riskmap._national_content.cache_clear()
        return page(language)

    first = page()
    assert (page(), len(drawn)) == (first, 1)
    _counts(town, {"Гњилан": 30})
    more = page()
    assert (more != first, len(drawn)) == (True, 2)
    assert more == drawn_anew()
    assert "Pirot:" in page("sr-latn")
    town["municipality"].name_lat = "Pirot (grad)"
    town["municipality"].save()
    renamed = page("sr-latn")
    assert "Pirot (grad):" in renamed
    assert renamed == drawn_anew("sr-latn")


def test_the_risk_map_page_is_kept_until_what_it_shows_changes(town, monkeypatch) -> None:
    """The national page's content is built once per process for a group and period (issue
    18); a count entered, a settlement or a group added, or a municipality saved draws a new
    stamp, and the next view shows it, exactly as built from scratch."""
    _counts(town, {"Пирот": 120})
    built = []
    layer = selectors.protected_layer
    monkeypatch.setattr(selectors, "protected_layer", lambda **kw: built.append(kw) or layer(**kw))
    client = Client()
    client.force_login(town["reporter"])

    def page(group: str = "women-20-30") -> str:
        html = client.get(reverse("prevention:overview"), {"group": group}).content.decode()
        return html[html.index("<h1>") : html.index("</main>")]

    def built_anew() -> str:
        riskmap._national_content.cache_clear()
        return page()

    first = page()
    assert (page(), len(built)) == (first, 1)
    assert ">120<" in first
    assert page("no-such-group") == page("girls-14-18")  # the first group's, kept as that
    _counts(town, {"Гњилан": 30})
    assert ">150<" in page()
    assert page() == built_anew()
    coordinator = town["coordinator"]
    services.settlement_add(
        user=coordinator, municipality=town["municipality"], name="Бела Паланка", population=None
    )
    services.count_enter(
        user=town["reporter"],
        group=town["groups"][0],
        settlement=Settlement.objects.get(name="Бела Паланка"),
        period="2026",
        count=40,
    )
    assert 'value="2026" selected' in page()
    services.risk_group_create(
        user=coordinator,
        municipality=town["municipality"],
        code="street",
        name="Деца у ситуацији улице",
        factors=["street_situation"],
        why="",
    )
    assert "Деца у ситуацији улице" in page()
    town["municipality"].name_cyr = "Град Пирот"
    town["municipality"].save()
    assert "Град Пирот" in page()
    assert page() == built_anew()


def test_only_the_coordinator_defines_risk_groups(town) -> None:
    for user, expected in [(town["coordinator"], 302), (town["reporter"], 403)]:
        client = Client()
        client.force_login(user)
        data = {
            "name": "Деца у ситуацији улице",
            "code": "street",
            "factors": ["street_situation"],
            "why": "",
        }
        assert client.post(reverse("prevention:group_create"), data).status_code == expected


def test_ethnicity_is_not_a_risk_factor() -> None:
    from spona.prevention.models import RiskFactor

    assert not [
        f for f in RiskFactor.values if any(w in f for w in ["roma", "ethnic", "nation", "culture"])
    ]


# --- campaigns ----------------------------------------------------------------------------


def test_campaign_dashboard_shows_reach_and_signals_before_and_after(town) -> None:
    _counts(town, {"Пирот": 120, "Гњилан": 30})
    start = timezone.localdate() - timedelta(days=10)
    campaign = services.campaign_create(
        user=town["coordinator"],
        municipality=town["municipality"],
        groups=town["groups"][:1],
        settlements=town["settlements"][:2],
        partners=[],
        name="Провери понуду",
        goal="Препознавање лажних понуда",
        channels=["door_to_door"],
        starts_on=start,
        ends_on=start + timedelta(days=30),
        funder="local_government",
    )
    services.outreach_record(
        user=town["coordinator"],
        campaign=campaign,
        held_on=start,
        settlement=town["settlements"][0],
        channel="door_to_door",
        reached={"women-20-30": 30},
        materials_handed_out=50,
        staff=2,
    )
    raiser = UserFactory(
        role=Role.FRONTLINE, institution=InstitutionFactory(municipality=town["municipality"])
    )
    for settlement, days_ago in [("Пирот", 15), ("Гњилан", 3), ("Гњилан", 2), ("Суково", 1)]:
        signal = signal_raise(
            user=raiser, municipality=town["municipality"], what_seen="x", settlement=settlement
        )
        type(signal).objects.filter(pk=signal.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
    # a role with case access sees exact numbers (the coordinator gets them protected: issue 14)
    manager = UserFactory(role=Role.CASE_MANAGER, institution=town["reporter"].institution)
    effect = selectors.campaign_effect(user=manager, campaign=Campaign.objects.get())
    (row,) = effect["rows"]
    assert (row["reached"], row["size"], row["share"]) == (30, 150, 20.0)
    assert (effect["signals_before"], effect["signals_after"]) == (
        1,
        2,
    )  # Суково is not a campaign settlement
    analyst = UserFactory(role=Role.ANALYST, institution=town["reporter"].institution)
    for reader in (analyst, town["coordinator"]):
        hidden = selectors.campaign_effect(user=reader, campaign=campaign)
        assert (hidden["signals_before"], hidden["signals_after"]) == (None, None)
        assert [(r["reached"], r["size"], r["share"]) for r in hidden["rows"]] == [(30, 150, 20.0)]


def test_finding_16_the_campaign_dashboard_cannot_reveal_a_suppressed_group_size(town) -> None:
    """The probe: the group size was suppressed, but "reached" and "share" came from the true
    size, so size = reached × 100 / share. Now every number for a role without case access
    passes disclosure control, the share only from published counts."""
    _counts(town, {"Пирот": 7})  # a group of 7: suppressed
    campaign = services.campaign_create(
        user=town["coordinator"],
        municipality=town["municipality"],
        groups=town["groups"][:1],
        settlements=town["settlements"][:1],
        partners=[],
        name="Провери понуду",
        goal="Препознавање лажних понуда",
        channels=["door_to_door"],
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=30),
        funder="local_government",
    )
    for reached in (20, 4):  # a reach of 20 (published) or of 4 (itself small)
        services.outreach_record(
            user=town["coordinator"],
            campaign=campaign,
            held_on=timezone.localdate(),
            settlement=town["settlements"][0],
            channel="door_to_door",
            reached={"women-20-30": reached},
            materials_handed_out=50,
            staff=2,
        )
        campaign.refresh_from_db()
        blind = [
            UserFactory(role=role, institution=town["reporter"].institution)
            for role in (Role.ANALYST, Role.FRONTLINE)
        ] + [town["coordinator"]]
        for reader in blind:
            (row,) = selectors.campaign_effect(user=reader, campaign=campaign)["rows"]
            assert row["size"] is None
            assert row["share"] is None
            page = Client()
            page.force_login(reader)
            html = page.get(
                reverse("prevention:campaign_detail", args=[campaign.pk]), HTTP_ACCEPT_LANGUAGE="en"
            ).content.decode()
            assert "&lt;11" in html or "<11</td>" in html
            for leak in ("285.7", "285,7", "342.9", "342,9"):  # reached × 100 / 7
                assert leak not in html
        # derived values only ever come from published counts
        assert part_of_whole(20, 7).share is None
        assert part_of_whole(4, 150).share is None
    manager = UserFactory(role=Role.CASE_MANAGER, institution=town["reporter"].institution)
    (row,) = selectors.campaign_effect(user=manager, campaign=campaign)["rows"]
    assert (row["size"], row["reached"]) == (7, 24)  # with case access: exact


def test_a_reach_that_leaves_a_small_rest_of_the_group_is_withheld(town) -> None:
    """Reached 15 of a group of 20: the 5 not reached are a small count, so the reach is
    withheld with the share for roles without case access (the one rule of
    ``disclosure.part_of_whole``), not only when the reach or the size is itself small."""
    _counts(town, {"Пирот": 20})
    campaign = services.campaign_create(
        user=town["coordinator"],
        municipality=town["municipality"],
        groups=town["groups"][:1],
        settlements=town["settlements"][:1],
        partners=[],
        name="Провери понуду",
        goal="Препознавање лажних понуда",
        channels=["door_to_door"],
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=30),
        funder="local_government",
    )
    services.outreach_record(
        user=town["coordinator"],
        campaign=campaign,
        held_on=timezone.localdate(),
        settlement=town["settlements"][0],
        channel="door_to_door",
        reached={"women-20-30": 15},
        materials_handed_out=10,
        staff=1,
    )
    analyst = UserFactory(role=Role.ANALYST, institution=town["reporter"].institution)
    (row,) = selectors.campaign_effect(user=analyst, campaign=campaign)["rows"]
    assert (row["reached"], row["size"], row["share"]) == (None, 20, None)
    manager = UserFactory(role=Role.CASE_MANAGER, institution=town["reporter"].institution)
    (row,) = selectors.campaign_effect(user=manager, campaign=campaign)["rows"]
    assert (row["reached"], row["size"], row["share"]) == (15, 20, 75.0)


def test_demo_campaign_dashboard_shows_reach_and_signals(db) -> None:
    from spona.workspace.demo import demo_load

    demo_load()
    campaign = Campaign.objects.get(municipality__code="70939")
    coordinator = campaign.created_by
    client = Client()
    client.force_login(coordinator)
    page = client.get(
        reverse("prevention:campaign_detail", args=[campaign.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    effect = page.context["effect"]
    (row,) = effect["rows"]
    assert row["reached"] == 12 + 17 + 22
    assert row["size"]
    assert row["share"] == round(100 * row["reached"] / row["size"], 1)
    assert effect["signals_before"] is not None
    assert effect["signals_after"] is not None
    html = page.content.decode()
    assert "Reach against the mapped group size" in html
    assert "Signals in the campaign" in html
