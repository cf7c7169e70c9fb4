"""Demo data: the three municipalities of the 2014 study, the national Centre, one
institution of every type in each municipality, a demo user for every role, and a few
invented persons, and one case per social welfare centre, referred to the Centre. Running it
again changes nothing."""

import random
from dataclasses import dataclass

from django.db import transaction

from spona.accounts.models import Role, User
from spona.accounts.services import demo_user_ensure
from spona.cases.models import Case, ConsentMethod, DataCategory
from spona.cases.services import case_open_for_presumed_victim, consent_record
from spona.core.urgency import Urgency
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.institutions.services import institution_ensure, reference_data_load
from spona.people.models import Person, Sex
from spona.people.services import person_register
from spona.prevention.demo import prevention_demo_load
from spona.screening.services import catalogue_load_default
from spona.signals.models import ChildInvolved, Signal
from spona.signals.services import signal_raise
from spona.surveys.demo import surveys_demo_load

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
    ("casemanager", Role.CASE_MANAGER, InstitutionType.SOCIAL_WELFARE),
    ("supervisor", Role.SUPERVISOR, InstitutionType.SOCIAL_WELFARE),
    ("coordinator", Role.COORDINATOR, InstitutionType.LOCAL_GOVERNMENT),
    ("admin", Role.INSTITUTION_ADMIN, InstitutionType.SOCIAL_WELFARE),
]
_GIVEN = [
    "Милица",
    "Јована",
    "Ana",
    "Драгана",
    "Marija",
    "Љубица",
    "Snežana",
    "Ђорђе",
    "Nikola",
    "Стефан",
]
_FAMILY = [
    "Јовановић",
    "Petrović",
    "Николић",
    "Marković",
    "Ђорђевић",
    "Stojanović",
    "Илић",
    "Pavlović",
]


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


def _people(users: list[User], rng: random.Random) -> None:
    for user in users:
        if Person.objects.filter(registered_by=user).exists():
            continue
        for _ in range(3):
            person_register(
                user=user,
                given_name=rng.choice(_GIVEN),
                family_name=rng.choice(_FAMILY),
                estimated_age=rng.randint(14, 45),
                sex=rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE]),
                citizenship="RS",
                municipality=user.institution.municipality if user.institution else None,
            )


_SIGNALS = [
    (
        "school",
        "Ученица осмог разреда прича да јој је познаник понудио посао конобарице у иностранству и да ће он платити пут.",
        Urgency.NORMAL,
        ChildInvolved.YES,
    ),
    (
        "police",
        "На бензинској пумпи три мушкарца без докумената раде ноћу; кажу да дугују послодавцу за превоз.",
        Urgency.URGENT,
        ChildInvolved.NO,
    ),
]


def _signals(users: list[User]) -> None:
    """One invented signal from each demo school and police user."""
    for user in users:
        suffix = user.username.rsplit(".", 1)[-1]
        for kind, text, urgency, child in _SIGNALS:
            if (
                suffix != kind
                or user.institution is None
                or Signal.objects.filter(raised_by=user).exists()
            ):
                continue
            signal_raise(
                user=user,
                municipality=user.institution.municipality,
                what_seen=text,
                urgency=urgency,
                child_involved=child,
            )


def _cases(users: list[User]) -> None:
    """Each social welfare case manager opens one case, referred to the Centre, with the
    person's written consent to share identity and case details with the Centre."""
    for user in users:
        if user.role != Role.CASE_MANAGER or Case.objects.filter(opened_by=user).exists():
            continue
        person = Person.objects.filter(registered_by=user).order_by("pk").first()
        if person is None:
            continue
        case = case_open_for_presumed_victim(
            user=user, person=person, is_child=False, origin={"demo": 1}
        )
        for category in (DataCategory.IDENTITY, DataCategory.CASE_DETAILS):
            consent_record(
                user=user,
                case=case,
                institution_type=InstitutionType.NATIONAL_CENTRE,
                category=category,
                method=ConsentMethod.WRITTEN,
            )


@transaction.atomic
def demo_load() -> list[DemoSignIn]:
    reference_data_load()
    catalogue_load_default()
    centre = _institution(
        None, InstitutionType.NATIONAL_CENTRE, "Центар за заштиту жртава трговине људима"
    )
    users = [
        _user("centre.officer", Role.CENTRE_OFFICER, centre),
        _user("centre.analyst", Role.ANALYST, centre),
        _user("sysadmin", Role.SYSTEM_ADMIN, None),
    ]
    for code, slug in DEMO_MUNICIPALITIES.items():
        municipality = Municipality.objects.get(code=code)
        by_type = {
            t: _institution(municipality, t, f"{name} {municipality.name_cyr}")
            for t, name in _TYPE_NAMES.items()
        }
        users += [_user(f"{slug}.{suffix}", role, by_type[t]) for suffix, role, t in _LOCAL_USERS]
    person_users = [
        u for u in users if u.role in {Role.CASE_MANAGER, Role.CENTRE_OFFICER, Role.FRONTLINE}
    ]
    _people(person_users, random.Random(2014))  # noqa: S311 - invented demo names
    _signals(users)
    _cases(users)
    prevention_demo_load(random.Random(2014))  # noqa: S311 - invented counts
    surveys_demo_load()
    return [
        DemoSignIn(
            u.username,
            u.get_role_display(),
            str(u.institution or ""),
            u.totp_device.secret if hasattr(u, "totp_device") else None,
        )
        for u in User.objects.filter(pk__in=[u.pk for u in users]).select_related(
            "totp_device", "institution"
        )
    ]
