"""The demo's story in each study municipality: signals from every kind of institution,
triaged or waiting, screenings with every outcome, cases at every stage with referrals
answered and pending, conferences with decisions and tasks, some of it overdue.

Everything is written through the owning apps' services, as the people of the demo would
have done it. So that the home page shows work that is due and overdue, the story is played
on a clock set back (``_clock``): a signal raised "two days ago" is raised by
``signal_raise`` while ``timezone.now()`` reads two days ago, and its audit event says so.
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

from django.utils import timezone

from spona.accounts.models import User
from spona.cases.models import (
    Case,
    CaseStatus,
    CloseReason,
    ConsentMethod,
    DataCategory,
    Referral,
)
from spona.cases.services import (
    case_open_for_presumed_victim,
    case_transition,
    consent_record,
    referral_act,
    referral_send,
)
from spona.conferences.services import conference_convene, conference_record, task_create
from spona.core.urgency import Urgency
from spona.institutions.models import Institution, InstitutionType, Municipality
from spona.people.models import Person
from spona.people.services import person_register
from spona.screening.models import ProtocolStep, Screening
from spona.screening.services import protocol_step_done, screening_complete, screening_start
from spona.signals.models import ChildInvolved, Signal
from spona.signals.services import signal_assign, signal_dismiss, signal_raise
from spona.workspace.demo_names import demo_name

T = InstitutionType
_REAL_NOW = timezone.now


@contextmanager
def _clock(ago: timedelta) -> Iterator[None]:
    """Play part of the story ``ago`` before now: ``timezone.now()`` reads that moment (and
    runs on from it) inside the block."""

    def shifted() -> datetime:
        return _REAL_NOW() - ago

    with mock.patch("django.utils.timezone.now", shifted):
        yield


def _hours(hours: float) -> timedelta:
    return timedelta(hours=hours)


@dataclass(frozen=True)
class DemoSignal:
    """A signal of the story: who raised it, what they saw, how long ago, what became of it
    ("new": waiting for triage; "police"/"csr": assigned; "dismissed"; "screen": screened
    with ``outcome``)."""

    source: InstitutionType
    text: str
    urgency: Urgency
    child: ChildInvolved
    hours_ago: float
    fate: str
    outcome: str = ""


# The screenings' answers for each outcome (the default catalogue's codes).
OUTCOME_DATA: dict[str, dict[str, Any]] = {
    "presumed_victim_adult": {"indicators": ["DR01", "DR02", "EC01", "EC02", "CD01", "CD02"]},
    "presumed_victim_child": {
        "age_group": "child",
        "acts": ["recruitment"],
        "purposes": ["forced_marriage"],
    },
    "at_risk": {"indicators": ["DR01", "DR02"]},
    "insufficient_information": {"indicators": ["DR01"]},
    "not_trafficking": {
        "flags": {
            "consented_to_movement": True,
            "ended_on_arrival": True,
            "free_after_arrival": True,
            "holds_own_documents": True,
        }
    },
}

_N, _U, _I = Urgency.NORMAL, Urgency.URGENT, Urgency.IMMEDIATE
_YES, _NO, _UNKNOWN = ChildInvolved.YES, ChildInvolved.NO, ChildInvolved.UNKNOWN

#: ten signals in each municipality, one or more from every kind of institution that raises
#: them; the screened ones differ by municipality (``SCREENED``)
SIGNALS = [
    DemoSignal(
        T.SCHOOL,
        "Ученица осмог разреда прича да јој је познаник понудио посао конобарице у "
        "иностранству и да ће он платити пут.",
        _N,
        _YES,
        30,
        "new",
    ),
    DemoSignal(
        T.HEALTH,
        "Пацијенткиња у хитној служби има повреде, нема документа; пратилац одговара уместо "
        "ње и не излази из ординације.",
        _I,
        _NO,
        3,
        "new",
    ),
    DemoSignal(
        T.POLICE,
        "На бензинској пумпи три мушкарца без докумената раде ноћу; кажу да дугују "
        "послодавцу за превоз.",
        _U,
        _NO,
        52,
        "police",
    ),
    DemoSignal(
        T.SOCIAL_WELFARE,
        "Корисница центра каже да јој је сестра отишла на рад у иностранство и да се "
        "месец дана не јавља.",
        _N,
        _UNKNOWN,
        200,
        "dismissed",
    ),
    DemoSignal(
        T.EMPLOYMENT,
        "Више кандидата пријавило је оглас агенције за посао у пластеницима; агенција тражи "
        "пасоше унапред.",
        _N,
        _NO,
        20,
        "new",
    ),
    DemoSignal(
        T.NGO,
        "Теренски радници виђају дечака од око 12 година који свако вече проси на "
        "раскрсници; одрасли га довозе и одвозе.",
        _U,
        _YES,
        70,
        "screen",
    ),
    DemoSignal(
        T.LOCAL_GOVERNMENT,
        "Грађани пријављују да у напуштеној кући живи десетак радника које свако јутро "
        "одвози комби.",
        _N,
        _NO,
        120,
        "police",
    ),
    DemoSignal(
        T.SERVICE_PROVIDER,
        "Жена смештена у прихватилиште каже да ју је партнер довео из другог града и да му "
        "дугује новац.",
        _U,
        _NO,
        96,
        "screen",
    ),
    DemoSignal(
        T.EMPLOYER,
        "Радник подизвођача каже да му је газда узео пасош и да плату не прима три месеца.",
        _N,
        _NO,
        150,
        "screen",
    ),
    DemoSignal(
        T.PROSECUTOR,
        "У предмету због проституције осумњичена наводи да је била приморана и да је "
        "држана под кључем.",
        _U,
        _NO,
        170,
        "csr",
    ),
]

#: per municipality (by its position in the demo), the outcome of each screened signal, in
#: the order the screened signals appear above; ten screenings in all
SCREENED: list[list[str]] = [
    ["presumed_victim_child", "presumed_victim_adult", "at_risk", "not_trafficking"],
    ["at_risk", "presumed_victim_adult", "insufficient_information"],
    ["insufficient_information", "presumed_victim_adult", "presumed_victim_adult"],
]


@dataclass
class Cast:
    """The demo users of one municipality, by what they do in the story."""

    municipality: Municipality
    institutions: dict[InstitutionType, Institution]
    centre: Institution
    case_manager: User
    supervisor: User
    duty_officer: User
    coordinator: User
    centre_officer: User
    raisers: dict[InstitutionType, User]
    receivers: dict[InstitutionType, User]


def _person(cast: Cast, rng: random.Random, *, child: bool = False) -> Person:
    name = demo_name(rng)
    return person_register(
        user=cast.case_manager,
        given_name=name.given_name,
        family_name=name.family_name,
        sex=name.sex,
        estimated_age=rng.randint(11, 16) if child else rng.randint(18, 45),
        citizenship="RS",
        municipality=cast.municipality,
    )


def _fresh(model: type[Any], pk: int) -> Any:
    return model.objects.get(pk=pk)


def _consent(cast: Cast, case: Case, *types: InstitutionType) -> None:
    for type_ in types:
        for category in (DataCategory.IDENTITY, DataCategory.CASE_DETAILS):
            consent_record(
                user=cast.case_manager,
                case=case,
                institution_type=type_,
                category=category,
                method=ConsentMethod.WRITTEN,
            )


def _answer(referral: Referral, user: User, *actions: str) -> None:
    for action in actions:
        referral = _fresh(Referral, referral.pk)
        referral_act(user=user, referral=referral, expected_version=referral.version, action=action)


def _to(user: User, case: Case, status: CaseStatus, **details: Any) -> Case:
    case = _fresh(Case, case.pk)
    return case_transition(
        user=user, case=case, expected_version=case.version, to=status, **details
    )


def _identify(cast: Cast, case: Case, *, identified: bool = True) -> Case:
    return _to(
        cast.centre_officer,
        case,
        CaseStatus.IDENTIFIED if identified else CaseStatus.NOT_IDENTIFIED,
        decided_on=timezone.localdate(),
        decision_panel="Центар за заштиту жртава трговине људима",
        decision_reasons="Одлука донета на основу разговора и документације.",
    )


def _centre_referral(case: Case) -> Referral:
    return case.referrals.get(to_institution__type=T.NATIONAL_CENTRE)


def _signals(cast: Cast) -> list[Signal]:
    """Raise the ten signals, each at its time, and triage those whose fate says so."""
    raised = []
    for demo in SIGNALS:
        with _clock(_hours(demo.hours_ago)):
            signal = signal_raise(
                user=cast.raisers[demo.source],
                municipality=cast.municipality,
                what_seen=demo.text,
                urgency=demo.urgency,
                child_involved=demo.child,
            )
        with _clock(_hours(max(demo.hours_ago - 2, 0))):
            if demo.fate in {"police", "csr"}:
                triager = cast.duty_officer if demo.fate == "police" else cast.case_manager
                signal_assign(
                    user=triager,
                    signal=signal,
                    expected_version=signal.version,
                    institution=cast.institutions[
                        T.POLICE if demo.fate == "police" else T.SOCIAL_WELFARE
                    ],
                )
            elif demo.fate == "dismissed":
                signal_dismiss(
                    user=cast.case_manager,
                    signal=signal,
                    expected_version=signal.version,
                    reason="Породица се јавила: сестра ради легално, у контакту је.",
                )
        raised.append(signal)
    return raised


def _screen(
    cast: Cast, signal: Signal, outcome: str, rng: random.Random, hours_ago: float
) -> Screening:
    """Screen the person a signal is about; a presumed victim's case opens with it."""
    with _clock(_hours(hours_ago)):
        person = _person(cast, rng, child=outcome == "presumed_victim_child")
        screening = screening_start(user=cast.case_manager, signal=signal, person=person)
        screening_complete(
            user=cast.case_manager,
            screening=screening,
            expected_version=screening.version,
            data=OUTCOME_DATA[outcome],
        )
    return Screening.objects.get(pk=screening.pk)


def _first_steps_done(cast: Cast, screening: Screening, hours_ago: float) -> None:
    """The first-contact steps done in time, except the notice to the Centre (left overdue)."""
    with _clock(_hours(hours_ago)):
        for step in ProtocolStep.objects.filter(screening=screening, due_at__isnull=False):
            if step.code != "notify_centre_24h":
                protocol_step_done(user=cast.case_manager, step=step)


def _case_of(screening: Screening) -> Case | None:
    return Case.objects.filter(person=screening.person).first()


def _play_cases(cast: Cast, index: int, cases: list[Case], rng: random.Random) -> None:
    """Move each municipality's cases to a different stage, with referrals answered and
    pending; add the sixth case (opened without a screening) in the second municipality."""
    officer, manager = cast.centre_officer, cast.case_manager
    if index == 0:  # a child waiting (the Centre's referral overdue); an adult in protection
        child, adult = cases
        _consent(cast, child, T.NATIONAL_CENTRE)
        _consent(cast, adult, T.NATIONAL_CENTRE, T.SERVICE_PROVIDER, T.POLICE)
        with _clock(_hours(50)):
            _answer(_centre_referral(adult), officer, "accept")
            _identify(cast, adult)
        with _clock(_hours(40)):
            _to(manager, adult, CaseStatus.PROTECTION)
            shelter = referral_send(
                user=manager,
                case=adult,
                to=cast.institutions[T.SERVICE_PROVIDER],
                reason="Безбедан смештај за жртву и дете.",
                urgency=Urgency.URGENT,
            )
            _answer(shelter, cast.receivers[T.SERVICE_PROVIDER], "accept")
        with _clock(_hours(5)):
            referral_send(
                user=manager,
                case=adult,
                to=cast.institutions[T.POLICE],
                reason="Процена безбедности пре повратка у општину.",
                urgency=Urgency.URGENT,
            )
    elif index == 1:  # an adult in integration; a new case referred to the Centre, pending
        [adult] = cases
        _consent(cast, adult, T.NATIONAL_CENTRE, T.EMPLOYMENT)
        with _clock(_hours(50)):
            _answer(_centre_referral(adult), officer, "accept")
            _identify(cast, adult)
            _to(manager, adult, CaseStatus.PROTECTION)
        with _clock(_hours(30)):
            _to(manager, adult, CaseStatus.INTEGRATION)
            job = referral_send(
                user=manager,
                case=adult,
                to=cast.institutions[T.EMPLOYMENT],
                reason="Обука и запослење.",
                urgency=Urgency.NORMAL,
            )
            _answer(job, cast.receivers[T.EMPLOYMENT], "accept", "complete")
        with _clock(_hours(6)):
            person = _person(cast, rng)
            fresh = case_open_for_presumed_victim(
                user=manager, person=person, is_child=False, origin={"demo": 1}
            )
            _consent(cast, fresh, T.NATIONAL_CENTRE)
    else:  # an adult not identified and closed; an adult identified, the police asked
        closed, identified = cases
        _consent(cast, closed, T.NATIONAL_CENTRE)
        _consent(cast, identified, T.NATIONAL_CENTRE, T.POLICE)
        with _clock(_hours(45)):
            _answer(_centre_referral(closed), officer, "accept")
            _identify(cast, closed, identified=False)
            _answer(_centre_referral(closed), officer, "complete")
            _to(cast.supervisor, closed, CaseStatus.CLOSED, close_reason=CloseReason.NOT_A_VICTIM)
        with _clock(_hours(40)):
            _answer(_centre_referral(identified), officer, "accept")
            _identify(cast, identified)
            referral_send(
                user=manager,
                case=identified,
                to=cast.institutions[T.POLICE],
                reason="Изјава жртве и процена безбедности.",
                urgency=Urgency.NORMAL,
            )


def _conferences(cast: Cast, index: int, cases: list[Case]) -> None:
    """A case conference in the first municipality, a local meeting in the second: each with
    its decisions and tasks, one of them overdue."""
    today = timezone.localdate()
    if index == 0:
        case = _fresh(Case, cases[1].pk)
        with _clock(_hours(30)):
            conference = conference_convene(
                user=cast.case_manager,
                case=case,
                topic="План заштите",
                phase="protection",
                held_on=timezone.now(),
                participants=[
                    cast.institutions[T.SOCIAL_WELFARE],
                    cast.institutions[T.POLICE],
                    cast.institutions[T.SERVICE_PROVIDER],
                    cast.centre,
                ],
            )
            decisions = conference_record(
                user=cast.case_manager,
                conference=conference,
                expected_version=conference.version,
                minutes="Договорен план заштите и смештаја.",
                decisions=["Проценити безбедност", "Обезбедити здравствени преглед"],
            )
        owner = [
            (T.POLICE, -1, "Процена безбедности"),
            (T.SOCIAL_WELFARE, 3, "Здравствени преглед"),
        ]
    elif index == 1:
        with _clock(_hours(24 * 9)):
            conference = conference_convene(
                user=cast.coordinator,
                case=None,
                topic="Превенција у школама",
                phase="prevention",
                held_on=timezone.now(),
                participants=[
                    cast.institutions[T.LOCAL_GOVERNMENT],
                    cast.institutions[T.SCHOOL],
                    cast.institutions[T.NGO],
                    cast.institutions[T.SOCIAL_WELFARE],
                ],
            )
            decisions = conference_record(
                user=cast.coordinator,
                conference=conference,
                expected_version=conference.version,
                minutes="",
                decisions=["Радионице за ученике осмог разреда", "Обука за наставнике"],
            )
        owner = [(T.SCHOOL, -2, "Радионице за ученике"), (T.NGO, 10, "Обука за наставнике")]
    else:
        return
    convener = cast.case_manager if index == 0 else cast.coordinator
    for decision, (type_, days, title) in zip(decisions, owner, strict=True):
        with _clock(_hours(24 * 8 if index else 29)):
            task_create(
                user=convener,
                decision=decision,
                title=title,
                owner_institution=cast.institutions[type_],
                due_on=today + timedelta(days=days),
            )


def play(cast: Cast, index: int, rng: random.Random) -> None:
    """The story of one municipality (``index``: its position among the demo's)."""
    signals = _signals(cast)
    screened = [s for s, demo in zip(signals, SIGNALS, strict=True) if demo.fate == "screen"]
    outcomes = SCREENED[index]
    screenings = []
    for k, outcome in enumerate(outcomes):
        # a fourth screening: of the people the employment service was told about
        signal = screened[k] if k < len(screened) else signals[4]
        demo = SIGNALS[signals.index(signal)]
        hours_ago = min(68 - 10 * k, demo.hours_ago - 1)
        screening = _screen(cast, signal, outcome, rng, hours_ago)
        if k % 2 == 0:
            _first_steps_done(cast, screening, hours_ago - 0.5)
        screenings.append(screening)
    cases = [c for s in screenings if (c := _case_of(s)) is not None]
    _play_cases(cast, index, cases, rng)
    _conferences(cast, index, cases)


def played(municipality: Municipality) -> bool:
    """Has the story been played here already? (The demo runs again without changes.)"""
    return Screening.objects.filter(institution__municipality=municipality).exists()
