"""Demo data: the three municipalities of the 2014 study, the national Centre, one
institution of every type in each municipality, a demo user for every role (and one who
receives for every institution type of the default mandate matrix, the police duty officer
among them), and in each municipality the story of ``demo_story``: signals, screenings,
cases, referrals, conferences and tasks. Running it again changes nothing."""

import random
from dataclasses import dataclass

from django.db import transaction

from spona.accounts.models import Role, User
from spona.accounts.services import demo_user_ensure
from spona.coordination.defaults import DEFAULT_MATRIX
from spona.core.roles import INSTITUTION_WIDE_ROLES
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.institutions.services import institution_ensure, reference_data_load
from spona.planning.demo import planning_demo_load
from spona.plans.demo import plans_demo_load
from spona.prevention.demo import prevention_demo_load
from spona.providers.demo import providers_demo_load
from spona.screening.services import catalogue_load_default
from spona.surveys.demo import surveys_demo_load
from spona.workspace import demo_story
from spona.workspace.demo_story import Cast

DEMO_PASSWORD = "spona-demo-2026"  # noqa: S105 - printed for newcomers; demo mode only
DEMO_MUNICIPALITIES = {"70939": "pirot", "71099": "smederevo", "80403": "sremska-mitrovica"}

_TYPE_NAMES = {
    InstitutionType.SOCIAL_WELFARE: "Центар за социјални рад",
    InstitutionType.POLICE: "Полицијска управа",
    InstitutionType.SCHOOL: "Основна школа „Вук Караџић“",
    InstitutionType.HEALTH: "Дом здравља",
    InstitutionType.EMPLOYMENT: "Национална служба за запошљавање, филијала",
    InstitutionType.PROSECUTOR: "Основно јавно тужилаштво",
    InstitutionType.COURT: "Основни суд",
    InstitutionType.NGO: "Удружење „Сигурна кућа“",
    InstitutionType.LOCAL_GOVERNMENT: "Градска управа",
    InstitutionType.SERVICE_PROVIDER: "Прихватилиште за жене и децу",
    InstitutionType.EMPLOYER: "Предузеће „Напредак“ д.о.о.",
}
#: (username suffix, role, institution type) for each municipality
_LOCAL_USERS = [
    ("school", Role.FRONTLINE, InstitutionType.SCHOOL),
    ("police", Role.FRONTLINE, InstitutionType.POLICE),
    ("dutyofficer", Role.CASE_MANAGER, InstitutionType.POLICE),
    ("casemanager", Role.CASE_MANAGER, InstitutionType.SOCIAL_WELFARE),
    ("supervisor", Role.SUPERVISOR, InstitutionType.SOCIAL_WELFARE),
    ("coordinator", Role.COORDINATOR, InstitutionType.LOCAL_GOVERNMENT),
    ("admin", Role.INSTITUTION_ADMIN, InstitutionType.SOCIAL_WELFARE),
]
#: every other institution type of the default mandate matrix gets a case manager, who
#: receives its referrals and tasks: ``pirot.health.manager``, ``pirot.ngo.manager``...
_RECEIVER_SUFFIX = "manager"


def receiver_username(slug: str, type_: InstitutionType) -> str:
    return f"{slug}.{type_.value}.{_RECEIVER_SUFFIX}"


@dataclass(frozen=True)
class DemoSignIn:
    username: str
    role: str
    institution: str
    totp_secret: str | None


def _institution(
    municipality: Municipality | None, type_: InstitutionType, name: str
) -> Institution:
    slug = municipality.name_lat.lower().replace(" ", "-") if municipality else "centar"
    return institution_ensure(
        municipality=municipality,
        type=type_,
        name=name,
        duty_phone="+381 11 000 0000",
        duty_email=f"{type_.value}@{slug}.demo.spona.rs",
    )


def _user(username: str, role: Role, institution: Institution | None) -> User:
    return demo_user_ensure(
        username=username, role=role, institution=institution, password=DEMO_PASSWORD
    )


def _local_users(
    slug: str, by_type: dict[InstitutionType, Institution]
) -> tuple[list[User], dict[InstitutionType, User]]:
    """The demo users of a municipality, and who receives for each institution type."""
    users = [_user(f"{slug}.{suffix}", role, by_type[t]) for suffix, role, t in _LOCAL_USERS]
    receivers = {
        InstitutionType(u.institution.type): u
        for u in reversed(users)
        if u.role in INSTITUTION_WIDE_ROLES and u.institution is not None
    }
    for type_ in DEFAULT_MATRIX:
        if type_ not in receivers and type_ in by_type:
            receivers[type_] = _user(
                receiver_username(slug, type_), Role.CASE_MANAGER, by_type[type_]
            )
            users.append(receivers[type_])
    return users, receivers


def _cast(
    municipality: Municipality,
    by_type: dict[InstitutionType, Institution],
    users: list[User],
    receivers: dict[InstitutionType, User],
    centre: Institution,
    centre_officer: User,
) -> Cast:
    named = {u.username.split(".", 1)[1]: u for u in users}
    raisers = {**receivers, InstitutionType.SCHOOL: named["school"]}
    raisers[InstitutionType.POLICE] = named["police"]
    raisers[InstitutionType.LOCAL_GOVERNMENT] = named["coordinator"]
    return Cast(
        municipality=municipality,
        institutions=by_type,
        centre=centre,
        case_manager=named["casemanager"],
        supervisor=named["supervisor"],
        duty_officer=named["dutyofficer"],
        coordinator=named["coordinator"],
        centre_officer=centre_officer,
        raisers=raisers,
        receivers=receivers,
    )


@transaction.atomic
def demo_load() -> list[DemoSignIn]:
    reference_data_load()
    catalogue_load_default()
    centre = _institution(
        None, InstitutionType.NATIONAL_CENTRE, "Центар за заштиту жртава трговине људима"
    )
    centre_officer = _user("centre.officer", Role.CENTRE_OFFICER, centre)
    users = [
        centre_officer,
        _user("centre.analyst", Role.ANALYST, centre),
        _user("sysadmin", Role.SYSTEM_ADMIN, None),
    ]
    rng = random.Random(2014)  # noqa: S311 - invented demo names
    for index, (code, slug) in enumerate(DEMO_MUNICIPALITIES.items()):
        municipality = Municipality.objects.get(code=code)
        by_type = {
            t: _institution(municipality, t, f"{name} {municipality.name_cyr}")
            for t, name in _TYPE_NAMES.items()
        }
        local, receivers = _local_users(slug, by_type)
        users += local
        if not demo_story.played(municipality):
            cast = _cast(municipality, by_type, local, receivers, centre, centre_officer)
            demo_story.play(cast, index, rng)
        if slug == "pirot":  # the local action plan, scored by two coordinators
            coordinator = next(u for u in local if u.username == "pirot.coordinator")
            second = _user(
                "pirot.coordinator2", Role.COORDINATOR, by_type[InstitutionType.LOCAL_GOVERNMENT]
            )
            users.append(second)
            planning_demo_load(municipality, coordinator, second)
    prevention_demo_load(random.Random(2014))  # noqa: S311 - invented counts
    surveys_demo_load()
    providers_demo_load()
    plans_demo_load()
    return [
        DemoSignIn(
            u.username,
            u.role_title,
            str(u.institution or ""),
            u.totp_device.secret if hasattr(u, "totp_device") else None,
        )
        for u in User.objects.filter(pk__in=[u.pk for u in users]).select_related(
            "totp_device", "institution"
        )
    ]
