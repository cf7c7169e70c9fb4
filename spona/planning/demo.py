"""The demo's local action plan in Pirot: this year's readiness assessment (five interviews
scored by two coordinators and agreed), the activities the institutions proposed, the year's
budget per funder, and the prioritisation run on them, with one override; then the year under
way: the school workshops led by a school, with indicators (two bound to numbers the system
computes) and progress recorded, and the local team's founding overdue (the home page and the
reminder show it)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from spona.accounts.models import User
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.planning.models import Activity, ActivityStatus, Assessment
from spona.planning.services import (
    activity_override,
    activity_save,
    assessment_start,
    budget_set,
    indicator_add,
    interview_add,
    prioritise,
    progress_record,
    score_record,
)

#: Five key informants: (sector, notes, each scorer's scores A–F, the combined scores A–F).
INTERVIEWS = [
    (
        InstitutionType.SCHOOL,
        "Школа зна за врбовање преко друштвених мрежа, али нема програм; наставници не знају коме да се обрате.",
        ("334233", "434232", "334232"),
    ),
    (
        InstitutionType.POLICE,
        "Полиција реагује кад случај већ постоји; сарадња са центром за социјални рад добра, са школама слаба.",
        ("444343", "454343", "444343"),
    ),
    (
        InstitutionType.HEALTH,
        "Дом здравља није препознао ниједну жртву; лекари не знају индикаторе.",
        ("223222", "323222", "223222"),
    ),
    (
        InstitutionType.NGO,
        "Удружење ради теренски рад у ромским насељима, без сталног финансирања.",
        ("434343", "434443", "434343"),
    ),
    (
        InstitutionType.LOCAL_GOVERNMENT,
        "Општина је спремна да финансира, ако постоји план и јасне улоге.",
        ("345344", "345354", "345344"),
    ),
]

#: (title, kind, phase, problems, cost, funder, need, evidence, reach, mandatory)
ACTIVITIES = [
    (
        "Радионице у школама о лажним понудама за посао",
        "school_programme",
        "prevention",
        ["awareness", "proactivity"],
        180_000,
        "општина",
        0.9,
        0.7,
        0.6,
        False,
    ),
    (
        "Обука лекара и медицинских сестара о индикаторима",
        "training",
        "identification",
        ["proactivity"],
        120_000,
        "министарство",
        0.8,
        0.6,
        0.4,
        False,
    ),
    (
        "Локални тим за борбу против трговине људима",
        "mechanism",
        "identification",
        ["roles", "mechanism"],
        60_000,
        "општина",
        0.9,
        0.5,
        0.5,
        True,
    ),
    (
        "Кампања у локалним медијима",
        "basic_awareness",
        "prevention",
        ["awareness"],
        150_000,
        "донатор",
        0.6,
        0.4,
        0.8,
        False,
    ),
    (
        "Теренски рад у насељима у ризику",
        "outreach",
        "prevention",
        ["proactivity"],
        200_000,
        "донатор",
        0.8,
        0.6,
        0.5,
        False,
    ),
    (
        "Фонд за хитни смештај и запошљавање жртава",
        "services",
        "integration",
        ["integration"],
        250_000,
        "општина",
        0.7,
        0.5,
        0.2,
        False,
    ),
]


def planning_demo_load(municipality: Municipality, coordinator: User, second: User) -> None:
    """Pirot's plan for this year (idempotent: nothing is added when the assessment exists)."""
    year = timezone.localdate().year
    if Assessment.objects.filter(municipality=municipality, year=year).exists():
        return
    assessment = assessment_start(user=coordinator, municipality=municipality, year=year)
    dimensions = "ABCDEF"
    for number, (sector, notes, (first, other, agreed)) in enumerate(INTERVIEWS, start=1):
        interview = interview_add(
            user=coordinator,
            assessment=assessment,
            sector=sector,
            interviewed_on=datetime.date(year, 2, number * 3),
            notes=notes,
        )
        for scorer, scores in ((coordinator, first), (second, other)):
            score_record(
                user=scorer,
                interview=interview,
                scores={d: int(v) for d, v in zip(dimensions, scores, strict=True)},
            )
        score_record(
            user=coordinator,
            interview=interview,
            scores={d: int(v) for d, v in zip(dimensions, agreed, strict=True)},
            combined=True,
        )
    saved = []
    for title, kind, phase, problems, cost, funder, need, evidence, reach, mandatory in ACTIVITIES:
        activity = Activity(
            municipality=municipality,
            year=year,
            title=title,
            kind=kind,
            phase=phase,
            problems=problems,
            cost=Decimal(cost),
            funder=funder,
            need=need,
            evidence=evidence,
            evidence_source="Студија спремности заједнице, 2014.",
            reach=reach,
            mandatory=mandatory,
        )
        saved.append(activity_save(user=coordinator, activity=activity))
    budget_set(
        user=coordinator,
        municipality=municipality,
        year=year,
        total=Decimal(700_000),
        by_funder={"општина": Decimal(400_000), "донатор": Decimal(200_000)},
    )
    prioritise(user=coordinator, municipality=municipality, year=year)
    campaign = next(a for a in saved if a.kind == "basic_awareness")
    campaign.refresh_from_db()
    activity_override(
        user=coordinator,
        activity=campaign,
        expected_version=campaign.version,
        override="out",
        reason="Медијска кампања чека резултате радионица у школама.",
    )
    prioritise(user=coordinator, municipality=municipality, year=year)
    _year_under_way(municipality, coordinator, year)


def _year_under_way(municipality: Municipality, coordinator: User, year: int) -> None:
    today = timezone.localdate()
    plan = Activity.objects.filter(
        municipality=municipality, year=year, status=ActivityStatus.CHOSEN
    )
    workshops = plan.filter(kind="school_programme").first()
    school = Institution.objects.filter(
        municipality=municipality, type=InstitutionType.SCHOOL
    ).first()
    if workshops is not None:
        workshops.lead = school
        workshops.starts_on = datetime.date(year, 1, 15)
        workshops.ends_on = datetime.date(year, 12, 15)
        workshops = activity_save(
            user=coordinator, activity=workshops, expected_version=workshops.version
        )
        held = indicator_add(
            user=coordinator,
            activity=workshops,
            name="Школе у којима су одржане радионице",
            baseline=0,
            target=8,
        )
        for metric, name, target in (
            ("signals_from_schools", "Удео сигнала из школа", 15),
            ("recognise_false_offers", "Грађани који препознају лажне понуде посла", 25),
        ):
            indicator_add(
                user=coordinator,
                activity=workshops,
                name=name,
                level="outcome",
                target=target,
                metric=metric,
            )
        progress_record(
            user=coordinator,
            activity=workshops,
            on=today,
            progress=40,
            note="Радионице одржане у три од осам школа.",
        )
        progress_record(user=coordinator, activity=workshops, on=today, indicator=held, value=3)
    team = plan.filter(mandatory=True).first()
    if team is not None:  # its founding was due a week ago: overdue
        team.lead = Institution.objects.filter(
            municipality=municipality, type=InstitutionType.LOCAL_GOVERNMENT
        ).first()
        team.starts_on = datetime.date(year, 1, 15)
        team.ends_on = today - datetime.timedelta(days=7)
        activity_save(user=coordinator, activity=team, expected_version=team.version)
