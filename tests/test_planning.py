"""The local action plan (issue 17): readiness scored by two scorers and by consensus, the
five problems from evidence, activities prioritised exactly within the budget, overrides with
a reason, and who may do what."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from spona.accounts.models import Role
from spona.core.locking import StaleEditError
from spona.disclosure import share
from spona.institutions.models import InstitutionType
from spona.planning import selectors, services
from spona.planning.evidence import five_problems
from spona.planning.models import Activity, ActivityStatus, Problem
from spona.planning.readiness import Dimension, Stage, readiness, stage_of
from spona.signals.services import signal_raise
from tests.factories import InstitutionFactory, MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db

#: Four interviews' combined scores (A–F), worked by hand: A 4.25, B 3.5, C 4.75, D 3.0,
#: E 2.75, F 4.0; overall 3.708 → stage 3 (never rounded up); weakest E.
WORKED = [
    {"A": 4, "B": 3, "C": 5, "D": 3, "E": 3, "F": 4},
    {"A": 5, "B": 4, "C": 5, "D": 3, "E": 2, "F": 4},
    {"A": 4, "B": 3, "C": 4, "D": 3, "E": 3, "F": 5},
    {"A": 4, "B": 4, "C": 5, "D": 3, "E": 3, "F": 3},
]


@pytest.fixture
def coordinator(municipality):
    local = InstitutionFactory(type=InstitutionType.LOCAL_GOVERNMENT, municipality=municipality)
    return UserFactory(role=Role.COORDINATOR, institution=local)


@pytest.fixture
def second_scorer(coordinator):
    return UserFactory(role=Role.COORDINATOR, institution=coordinator.institution)


def test_stages_are_the_whole_part_of_the_mean_never_rounded_up() -> None:
    result = readiness(WORKED)
    assert result.dimensions[Dimension.EFFORTS] == pytest.approx(4.25)
    assert result.dimensions[Dimension.KNOWLEDGE_OF_ISSUE] == pytest.approx(2.75)
    assert result.overall == pytest.approx(3.7083, abs=1e-4)
    assert result.stage() == Stage.VAGUE_AWARENESS
    assert result.stage(Dimension.LEADERSHIP) == Stage.PREPLANNING  # 4.75 → 4
    assert result.weakest == Dimension.KNOWLEDGE_OF_ISSUE
    assert stage_of(9.0) == Stage.OWNERSHIP
    assert stage_of(1.0) == Stage.NO_AWARENESS


def test_two_scorers_then_consensus_give_the_stages(
    municipality, coordinator, second_scorer
) -> None:
    assessment = services.assessment_start(user=coordinator, municipality=municipality, year=2026)
    for number, combined in enumerate(WORKED):
        interview = services.interview_add(
            user=coordinator,
            assessment=assessment,
            sector=InstitutionType.SCHOOL,
            interviewed_on=datetime.date(2026, 3, number + 1),
            notes=f"notes of interview {number}",
        )
        with pytest.raises(ValidationError):  # no consensus before two independent scorers
            services.score_record(
                user=coordinator, interview=interview, scores=combined, combined=True
            )
        services.score_record(user=coordinator, interview=interview, scores=combined)
        assert selectors.assessment_readiness(assessment) is None
        services.score_record(
            user=second_scorer, interview=interview, scores=dict.fromkeys(combined, 5)
        )
        services.score_record(user=coordinator, interview=interview, scores=combined, combined=True)
    result = selectors.assessment_readiness(assessment)
    assert result is not None
    assert result.stage() == Stage.VAGUE_AWARENESS
    assert result.overall == pytest.approx(readiness(WORKED).overall)


def test_a_score_outside_one_to_nine_is_refused(municipality, coordinator) -> None:
    assessment = services.assessment_start(user=coordinator, municipality=municipality, year=2026)
    interview = services.interview_add(
        user=coordinator,
        assessment=assessment,
        sector=InstitutionType.HEALTH,
        interviewed_on=datetime.date(2026, 2, 1),
        notes="",
    )
    with pytest.raises(ValidationError):
        services.score_record(user=coordinator, interview=interview, scores={"A": 10})
    assert not interview.scores.exists()


def test_interview_notes_are_encrypted_at_rest(municipality, coordinator) -> None:
    assessment = services.assessment_start(user=coordinator, municipality=municipality, year=2026)
    services.interview_add(
        user=coordinator,
        assessment=assessment,
        sector=InstitutionType.POLICE,
        interviewed_on=datetime.date(2026, 2, 1),
        notes="The inspector named a bar on the main road.",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM planning_interview")
        (raw,) = cursor.fetchone()
    assert "bar on the main road" not in str(raw)


def test_only_the_municipalitys_coordinator_plans(municipality, coordinator) -> None:
    other = MunicipalityFactory(code="70149", name_cyr="Ниш", name_lat="Niš")
    with pytest.raises(PermissionDenied):
        services.assessment_start(user=coordinator, municipality=other, year=2026)
    manager = UserFactory(
        role=Role.CASE_MANAGER,
        institution=InstitutionFactory(
            type=InstitutionType.SOCIAL_WELFARE, municipality=municipality
        ),
    )
    with pytest.raises(PermissionDenied):
        services.assessment_start(user=manager, municipality=municipality, year=2026)


def _activity(municipality, coordinator, title, cost, need, **kw) -> Activity:
    activity = Activity(
        municipality=municipality,
        year=2026,
        title=title,
        kind="basic_awareness",
        phase="prevention",
        cost=Decimal(cost),
        need=need,
        evidence=kw.pop("evidence", 0.5),
        evidence_source="study 2014",
        reach=kw.pop("reach", 0.5),
        **kw,
    )
    return services.activity_save(user=coordinator, activity=activity)


def test_prioritise_within_the_budget_then_override_with_a_reason(
    municipality, coordinator
) -> None:
    workshops = _activity(municipality, coordinator, "School workshops", 60, 0.9)
    leaflets = _activity(municipality, coordinator, "Leaflets", 10, 0.2)
    outreach = _activity(municipality, coordinator, "Outreach team", 50, 0.8)
    with pytest.raises(ValidationError):  # no budget yet
        services.prioritise(user=coordinator, municipality=municipality, year=2026)
    services.budget_set(
        user=coordinator,
        municipality=municipality,
        year=2026,
        total=Decimal(110),
        by_funder={},
    )
    choice = services.prioritise(user=coordinator, municipality=municipality, year=2026)
    assert choice.chosen == {str(workshops.pk), str(outreach.pk)}
    leaflets.refresh_from_db()
    assert (leaflets.status, leaflets.left_out_because) == (
        ActivityStatus.LEFT_OUT,
        "less_benefit_per_cost",
    )

    with pytest.raises(ValidationError):  # an override needs a reason
        services.activity_override(
            user=coordinator,
            activity=leaflets,
            expected_version=leaflets.version,
            override="in",
            reason="",
        )
    services.activity_override(
        user=coordinator,
        activity=leaflets,
        expected_version=leaflets.version,
        override="in",
        reason="the assembly asked for them",
    )
    with pytest.raises(StaleEditError):
        services.activity_override(
            user=coordinator, activity=leaflets, expected_version=1, override="", reason=""
        )
    choice = services.prioritise(user=coordinator, municipality=municipality, year=2026)
    assert str(leaflets.pk) in choice.chosen


def test_the_five_problems_show_their_evidence_and_protect_small_numbers(
    municipality, coordinator
) -> None:
    school = InstitutionFactory(type=InstitutionType.SCHOOL, municipality=municipality)
    teacher = UserFactory(role=Role.FRONTLINE, institution=school)
    for _ in range(3):
        signal_raise(user=teacher, municipality=municipality, what_seen="seen")
    year = timezone.localdate().year
    evidence = {e.problem: e for e in five_problems(municipality, year)}
    proactivity = evidence[Problem.PROACTIVITY]
    assert proactivity.score is None  # 3 of 3 signals: a share would disclose a small count
    with translation.override("en"):
        assert ("signals this year", "<11") in [(str(k), v) for k, v in proactivity.facts]
    assert share(30, 50) == 60
    assert share(3, 50) is None  # the part is small
    assert share(45, 50) is None  # the rest is small


def test_integration_and_awareness_are_scored_from_the_plans_and_the_survey(
    municipality, coordinator
) -> None:
    """This year: a plan closed with 24 goals met and 12 not met (and 3 dropped, which are
    neither), 2 requests no provider took; last year a plan with 11 goals met. A wave of the
    citizens' survey that ended this year: 14 respondents name false job offers (weight 2),
    11 do not (weight 1), 3 did not answer the question."""
    from spona.cases.models import Case, CaseStatus
    from spona.surveys import services as surveys
    from spona.surveys.models import SurveyResponse
    from tests.factories import PersonFactory, declined_request, plan_with_goals

    year = timezone.localdate().year
    now = timezone.now().replace(year=year, month=3, day=1)
    csr = InstitutionFactory(type=InstitutionType.SOCIAL_WELFARE, municipality=municipality)
    lead = UserFactory(role=Role.CASE_MANAGER, institution=csr)

    def case() -> Case:
        return Case.objects.create(
            person=PersonFactory(registered_by=lead),
            status=CaseStatus.PRESUMED_VICTIM,
            municipality=municipality,
            opened_by_institution=csr,
            opened_by=lead,
        )

    goals = [("employment", "achieved")] * 24 + [("accommodation", "not_achieved")] * 12
    goals += [("health", "dropped")] * 3
    plan_with_goals(case(), lead, goals=goals, added_at=now, closed_at=now)
    last_year = now.replace(year=year - 1)
    plan_with_goals(
        case(), lead, goals=[("income", "achieved")] * 11, added_at=last_year, closed_at=last_year
    )
    provider = InstitutionFactory(type=InstitutionType.NGO, municipality=municipality)
    for _ in range(2):
        declined_request(case(), lead, provider, domain="accommodation", answered_at=now)

    citizens = next(i for i in surveys.instruments_load_default() if i.code == "citizens")
    wave = surveys.wave_create(
        user=coordinator,
        municipalities=[municipality],
        instrument=citizens,
        name="Талас",
        starts_on=datetime.date(year, 1, 1),
        ends_on=datetime.date(year, 1, 31),
    )
    answers = [("false_job_offer family", 2.0)] * 14 + [("family", 1.0)] * 11 + [("", 1.0)] * 3
    for recruitment, weight in answers:
        SurveyResponse.objects.create(
            wave=wave,
            municipality=municipality,
            answers={"recruitment": recruitment},
            weight=weight,
        )

    evidence = {e.problem: e for e in five_problems(municipality, year)}
    integration = evidence[Problem.INTEGRATION]
    assert integration.score == share(24, 36) == 67
    with translation.override("en"):
        facts = {str(k): v for k, v in integration.facts}
    assert facts == {
        "plan goals closed this year": "36",
        "plan goals met": "24",
        "unmet needs (requests no provider took)": "<11",
    }
    awareness = evidence[Problem.AWARENESS]
    assert awareness.score == round(100 * 28 / 39) == 72  # weighted: 14 × 2 of 14 × 2 + 11
    with translation.override("en"):
        facts = {str(k): v for k, v in awareness.facts}
    assert facts["respondents asked about false job offers"] == "25"
    # last year's plan counts in last year only: 11 of 11 met (a rest of none is no small cell)
    before = {e.problem: e for e in five_problems(municipality, year - 1)}
    assert before[Problem.INTEGRATION].score == 100
    assert before[Problem.AWARENESS].score is None  # no wave ended


def test_awareness_is_withheld_when_few_said_yes(municipality, coordinator) -> None:
    from spona.surveys import services as surveys
    from spona.surveys.models import SurveyResponse

    year = timezone.localdate().year
    citizens = next(i for i in surveys.instruments_load_default() if i.code == "citizens")
    wave = surveys.wave_create(
        user=coordinator,
        municipalities=[municipality],
        instrument=citizens,
        name="Талас",
        starts_on=datetime.date(year, 1, 1),
        ends_on=datetime.date(year, 1, 31),
    )
    for recruitment in ["false_job_offer"] * 3 + ["family"] * 30:
        SurveyResponse.objects.create(
            wave=wave, municipality=municipality, answers={"recruitment": recruitment}
        )
    evidence = {e.problem: e for e in five_problems(municipality, year)}
    assert evidence[Problem.AWARENESS].score is None  # 3 said yes: a small count


def test_the_coordinator_works_through_the_pages(municipality, coordinator) -> None:
    client = Client()
    client.force_login(coordinator)
    response = client.post(reverse("planning:readiness_list"), {"year": 2026})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    plan = client.get(reverse("planning:action_plan") + "?year=2026")
    assert plan.status_code == 200
    client.post(
        reverse("planning:budget_set") + "?year=2026",
        {
            "total": "500000",
            "by_funder": "municipality: 300000\ndonor: 200000",
            "weight_need": 0.5,
            "weight_evidence": 0.3,
            "weight_reach": 0.2,
        },
    )
    assert selectors.budget_of(municipality.pk, 2026).by_funder == {
        "municipality": "300000",
        "donor": "200000",
    }


def test_the_api_gives_the_readiness_stages_and_the_activities_but_never_the_notes(
    municipality, coordinator, second_scorer
) -> None:
    from spona.accounts.services import api_token_create

    assessment = services.assessment_start(user=coordinator, municipality=municipality, year=2026)
    for combined in WORKED:
        interview = services.interview_add(
            user=coordinator,
            assessment=assessment,
            sector=InstitutionType.SCHOOL,
            interviewed_on=datetime.date(2026, 3, 1),
            notes="an informant named names",
        )
        services.score_record(user=coordinator, interview=interview, scores=combined)
        services.score_record(user=second_scorer, interview=interview, scores=combined)
        services.score_record(user=coordinator, interview=interview, scores=combined, combined=True)
    _activity(municipality, coordinator, "Leaflets", 10, 0.2)
    _token, raw = api_token_create(user=coordinator, name="plan")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    readiness_page = client.get(reverse("api_readiness_list")).json()
    [row] = readiness_page["results"]
    assert (row["overall_stage"], row["interviews"]) == (3, 4)
    assert "named names" not in str(readiness_page)
    activities = client.get(reverse("api_activity_list") + "?year=2026").json()["results"]
    assert [a["title"] for a in activities] == ["Leaflets"]
