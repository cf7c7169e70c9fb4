import gettext
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.utils.translation import trans_real
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from spona.accounts.models import Role, User
from spona.accounts.services import api_token_create
from spona.core.i18n import compile_catalogues
from spona.institutions.models import Institution, InstitutionType
from spona.workspace.demo import demo_load
from tests.factories import InstitutionFactory, MunicipalityFactory, PersonFactory, UserFactory

# CI replays the same examples on every run (a red CI must mean a change broke something);
# a developer's runs explore new examples each time. Neither fails on how fast examples are
# generated: on a shared two-core machine that measures the load, not the code.
hypothesis_settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.register_profile(
    "dev", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Tests see the translations as committed: compile the catalogues first, and drop any
    catalogue Django loaded before they existed."""
    compile_catalogues(settings.BASE_DIR / "locale")
    # the standard library caches each .mo it has read by path, whatever its age: a catalogue
    # read before it was compiled again would outlive the compile
    gettext._translations.clear()
    trans_real._translations.clear()
    trans_real._default = None


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate limits and used-code marks live in the cache: start every test clean."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _apps_write_only_their_own_tables() -> Any:
    """Every write the suite makes must come from the app that owns the table."""
    from django.db import connection

    from tests.architecture import OwnTablesGuard

    guard = OwnTablesGuard()
    with connection.execute_wrapper(guard):
        yield
    assert guard.violations == [], sorted(set(guard.violations))


@pytest.fixture
def municipality(db: Any) -> Any:
    return MunicipalityFactory(code="70939", name_cyr="Пирот", name_lat="Pirot")


@pytest.fixture
def social_welfare(municipality: Any) -> Institution:
    return InstitutionFactory(municipality=municipality, type=InstitutionType.SOCIAL_WELFARE)


@pytest.fixture
def lead(social_welfare: Institution) -> User:
    """A case manager of the municipality's social welfare centre: who leads a case."""
    return UserFactory(role=Role.CASE_MANAGER, institution=social_welfare)


@pytest.fixture
def make_user(social_welfare: Institution) -> Callable[..., User]:
    def make(
        role: Role = Role.CASE_MANAGER, institution: Institution | None = None, **kw: Any
    ) -> User:
        if role == Role.SYSTEM_ADMIN and institution is None:
            return UserFactory(role=role, institution=None, **kw)
        return UserFactory(role=role, institution=institution or social_welfare, **kw)

    return make


@pytest.fixture
def client_for(make_user: Callable[..., User]) -> Callable[..., Client]:
    """A browser session of a user who has completed sign-in (both factors)."""

    def make(role: Role = Role.CASE_MANAGER, **kw: Any) -> Client:
        client = Client()
        client.force_login(make_user(role, **kw))
        return client

    return make


@pytest.fixture
def person(make_user: Callable[..., User]) -> Any:
    return PersonFactory(registered_by=make_user(Role.CASE_MANAGER))


@dataclass
class World:
    """The objects the URLs point at: one institution's person, user and token."""

    users: dict[Role, User]
    person_code: str
    managed_user_pk: int
    institution_pk: int
    token_pk: int
    signal_code: str = ""
    draft_pk: int = 0
    completed_pk: int = 0
    step_pk: int = 0
    case_code: str = ""
    job_pk: int = 0
    referral_pk: int = 0
    artifact_pk: int = 0
    wave_pk: int = 0
    campaign_pk: int = 0
    conference_code: str = ""
    decision_pk: int = 0
    task_code: str = ""
    consent_pk: int = 0
    notification_pk: int = 0
    follow_up_code: str = ""
    assessment_pk: int = 0
    interview_pk: int = 0
    activity_pk: int = 0
    provider_pk: int = 0
    service_pk: int = 0
    offer_pk: int = 0
    delivery_pk: int = 0
    plan_code: str = ""
    attachment_pk: int = 0
    goal_pk: int = 0
    review_pk: int = 0


@pytest.fixture
def world(db: Any, social_welfare: Any) -> World:
    centre = InstitutionFactory(type=InstitutionType.NATIONAL_CENTRE, municipality=None)
    users = {
        role: UserFactory(
            role=role,
            institution=None
            if role == Role.SYSTEM_ADMIN
            else centre
            if role == Role.CENTRE_OFFICER
            else social_welfare,
        )
        for role in Role
    }
    person = PersonFactory(registered_by=users[Role.CASE_MANAGER])
    managed = UserFactory(role=Role.FRONTLINE, institution=social_welfare)
    token, _raw = api_token_create(user=users[Role.CASE_MANAGER], name="test")
    world = World(users, person.code, managed.pk, social_welfare.pk, token.pk)
    _add_identification(world, social_welfare)
    _add_prevention(world, social_welfare)
    _add_conference(world, social_welfare)
    _add_planning(world, social_welfare)
    _add_providers(world, social_welfare)
    _add_plan(world)
    return world


def _add_planning(world: World, institution: Institution) -> None:
    """The coordinator's readiness assessment with one interview, and one activity."""
    import datetime
    from decimal import Decimal

    from spona.planning.models import Activity
    from spona.planning.services import activity_save, assessment_start, interview_add

    coordinator = world.users[Role.COORDINATOR]
    assessment = assessment_start(
        user=coordinator, municipality=institution.municipality, year=2026
    )
    world.assessment_pk = assessment.pk
    world.interview_pk = interview_add(
        user=coordinator,
        assessment=assessment,
        sector="school",
        interviewed_on=datetime.date(2026, 3, 2),
        notes="Директор школе зна за две девојчице врбоване преко интернета.",
    ).pk
    activity = Activity(
        municipality=institution.municipality,
        year=2026,
        title="Радионице у школама о лажним понудама за посао",
        kind="school_programme",
        phase="prevention",
        cost=Decimal("120000"),
        need=0.8,
        evidence=0.6,
        evidence_source="Евалуација програма из 2015.",
        reach=0.5,
    )
    world.activity_pk = activity_save(user=coordinator, activity=activity).pk


def _add_providers(world: World, institution: Institution) -> None:
    """An NGO of the municipality with a service, an employer's offer (both kept by the
    coordinator), and a service delivered on the world's case, recorded by its case manager."""
    from datetime import date

    from spona.cases.models import Case
    from spona.providers.models import DeliveryStatus, Domain
    from spona.providers.services import delivery_record, offer_add, provider_add, service_add

    coordinator = world.users[Role.COORDINATOR]
    ngo = provider_add(
        user=coordinator, municipality=institution.municipality, name="Сигурна кућа", type="ngo"
    )
    service = service_add(user=coordinator, provider=ngo, name="Саветовалиште", domain="health")
    offer = offer_add(
        user=coordinator,
        municipality=institution.municipality,
        employer_name="Напредак",
        kind="job",
        title="Магационер",
        places=1,
    )
    delivery = delivery_record(
        user=world.users[Role.CASE_MANAGER],
        case=Case.objects.get(code=world.case_code),
        provider=ngo,
        domain=Domain.HEALTH,
        started_on=date(2026, 1, 5),
        status=DeliveryStatus.ONGOING,
    )
    world.provider_pk, world.service_pk = ngo.pk, service.pk
    world.offer_pk, world.delivery_pk = offer.pk, delivery.pk


def _add_prevention(world: World, institution: Institution) -> None:
    """A campaign of the municipality's coordinator, and a job of the case manager."""
    from spona.jobs.models import Artifact, Job
    from spona.prevention.services import campaign_create, default_groups

    groups = default_groups(institution.municipality)
    campaign = campaign_create(
        user=world.users[Role.COORDINATOR],
        municipality=institution.municipality,
        groups=groups,
        settlements=[],
        partners=[],
        name="Кампања",
        goal="Циљ",
        channels=["door_to_door"],
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 3, 1),
        funder="local_government",
    )
    world.campaign_pk = campaign.pk
    job = Job.objects.create(kind="test", owner=world.users[Role.CASE_MANAGER])
    world.job_pk = job.pk
    world.artifact_pk = Artifact.objects.create(
        job=job, filename="a.txt", content_type="text/plain", data=b"x"
    ).pk
    _add_survey(world, institution)


def _add_survey(world: World, institution: Institution) -> None:
    """A citizens' wave of the municipality, with a handful of interviews."""
    from spona.surveys.services import instruments_load_default, wave_create

    citizens = next(i for i in instruments_load_default() if i.code == "citizens")
    wave = wave_create(
        user=world.users[Role.COORDINATOR],
        municipalities=[institution.municipality],
        instrument=citizens,
        name="Талас 2026",
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 8, 1),
    )
    world.wave_pk = wave.pk


def _add_identification(world: World, institution: Institution) -> None:
    """A signal raised by the frontline user, a draft and a completed screening by the case
    manager (a presumed adult victim, so a case with a protocol step)."""
    from spona.cases.models import ConsentMethod, DataCategory
    from spona.cases.services import consent_record
    from spona.screening.services import catalogue_load_default, screening_complete, screening_start
    from spona.signals.services import signal_raise

    catalogue_load_default()
    manager = world.users[Role.CASE_MANAGER]
    signal = signal_raise(
        user=world.users[Role.FRONTLINE],
        municipality=institution.municipality,
        what_seen="Дете проси",
    )
    draft = screening_start(user=manager, signal=signal)
    completed = screening_start(user=manager)
    adult_presumed = ["DR01", "DR02", "EC01", "EC02", "CD01", "CD02"]
    screening_complete(
        user=manager, screening=completed, expected_version=1, data={"indicators": adult_presumed}
    )
    world.signal_code, world.draft_pk, world.completed_pk = signal.code, draft.pk, completed.pk
    world.step_pk = completed.steps.first().pk
    case = completed.person.cases.get()
    world.case_code, world.referral_pk = case.code, case.referrals.get().pk
    for category in (DataCategory.IDENTITY, DataCategory.CASE_DETAILS):
        consent = consent_record(
            user=manager,
            case=case,
            institution_type=InstitutionType.NATIONAL_CENTRE,
            category=category,
            method=ConsentMethod.WRITTEN,
        )
    world.consent_pk = consent.pk
    world.notification_pk = world.users[Role.CENTRE_OFFICER].notifications.get().pk
    at_risk = screening_start(user=manager)
    screening_complete(
        user=manager,
        screening=at_risk,
        expected_version=1,
        data={"risk_factors": ["unemployed", "job_offer_abroad_paid_travel"]},
    )
    world.follow_up_code = at_risk.prevention_follow_ups.get().code


def _add_conference(world: World, institution: Institution) -> None:
    """The case manager's conference on the world's case, with the Centre invited: held, with
    one decision whose task the social welfare centre owns."""
    from datetime import timedelta

    from django.utils import timezone

    from spona.cases.models import Case
    from spona.conferences import services

    manager = world.users[Role.CASE_MANAGER]
    centre = world.users[Role.CENTRE_OFFICER].institution
    assert centre is not None
    conference = services.conference_convene(
        user=manager,
        case=Case.objects.get(code=world.case_code),
        topic="Заштита",
        phase="protection",
        held_on=timezone.now() + timedelta(days=1),
        participants=[institution, centre],
    )
    [decision] = services.conference_record(
        user=manager,
        conference=conference,
        expected_version=conference.version,
        minutes="Записник",
        decisions=["Обезбедити смештај"],
    )
    task = services.task_create(
        user=manager,
        decision=decision,
        title="Смештај",
        owner_institution=institution,
        due_on=timezone.localdate() + timedelta(days=7),
    )
    world.conference_code, world.decision_pk, world.task_code = (
        conference.code,
        decision.pk,
        task.code,
    )


def _add_plan(world: World) -> None:
    """The case manager's integration plan on the world's case, coordinated by the local
    coordinator, approved by the supervisor and now under review (so that every plan page
    has something to do)."""
    from spona.cases.models import Case
    from spona.plans import services
    from spona.plans.models import Domain, PlanKind

    manager, supervisor = world.users[Role.CASE_MANAGER], world.users[Role.SUPERVISOR]
    plan = services.plan_draft(
        user=manager,
        case=Case.objects.get(code=world.case_code),
        kind=PlanKind.INTEGRATION,
        coordinator=world.users[Role.COORDINATOR],
    )
    goal = services.goal_add(user=manager, plan=plan, domain=Domain.EMPLOYMENT, text="Посао")
    services.plan_submit(user=manager, plan=plan, expected_version=plan.version)
    services.plan_approve(user=supervisor, plan=plan, expected_version=plan.version)
    review = services.review_start(user=manager, plan=plan, expected_version=plan.version)
    world.plan_code, world.goal_pk, world.review_pk = plan.code, goal.pk, review.pk
    from spona.core.uploads import DOCUMENTS, check_content

    scan = check_content("решење о смештају", b"%PDF-1.4\n% a scanned decision\n", DOCUMENTS)
    world.attachment_pk = services.attachment_add(user=manager, plan=plan, upload=scan).pk


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The demo loaded once for a module's tests, rolled back after them (a module may define
    its own ``demo`` with more in it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)
