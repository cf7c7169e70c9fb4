"""The numbers the system computes that a plan's indicator may be bound to, one registry.

An indicator that names a metric (``Indicator.metric``) takes its current value from here, for
the activity's municipality and year, so its progress updates itself. Each reading carries the
exact value and the value as it may be published: coordinators and analysts have no case
access, so what they see of a number computed from cases, signals or survey answers goes
through ``spona.disclosure`` (a share whose part or rest is a small cell, a median or survey
estimate of fewer than k people, a small count: not shown). Only roles with case access
(``exact_for``) read the exact value.
"""

import statistics
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.cases.models import Referral
from spona.conferences.models import Conference, ConferenceStatus
from spona.disclosure import K, published, share
from spona.institutions.models import InstitutionType, Municipality
from spona.planning.evidence import FALSE_JOB_OFFER, year_bounds
from spona.plans.models import Goal, GoalStatus
from spona.prevention.selectors import exact_for
from spona.signals.models import Signal
from spona.surveys.selectors import indicator_answers


@dataclass(frozen=True)
class Reading:
    """A metric for one municipality and year: exact, and as it may be published."""

    value: float | None
    shown: float | None
    n: int


@dataclass(frozen=True)
class Metric:
    key: str
    label: Promise
    unit: str
    compute: Callable[[Municipality, int], Reading]


def value_for(user: User, reading: Reading) -> float | None:
    return reading.value if exact_for(user) else reading.shown


def _percent(part: int, whole: int) -> Reading:
    exact = round(100 * part / whole, 1) if whole else None
    return Reading(exact, share(part, whole) if whole else None, whole)


def _signals_from(kind: InstitutionType) -> Callable[[Municipality, int], Reading]:
    def compute(municipality: Municipality, year: int) -> Reading:
        start, end = year_bounds(year)
        signals = Signal.objects.filter(
            municipality=municipality, created_at__gte=start, created_at__lt=end
        )
        return _percent(signals.filter(raised_by_institution__type=kind).count(), signals.count())

    return compute


def _answer_hours(municipality: Municipality, year: int) -> Reading:
    """The median time from a referral to its answer, in hours."""
    start, end = year_bounds(year)
    times = [
        (answered - sent).total_seconds() / 3600
        for sent, answered in Referral.objects.filter(
            case__municipality=municipality,
            sent_at__gte=start,
            sent_at__lt=end,
            answered_at__isnull=False,
        ).values_list("sent_at", "answered_at")
        if answered is not None
    ]
    exact = round(statistics.median(times), 1) if times else None
    return Reading(exact, exact if len(times) >= K else None, len(times))


def _recognise_false_offers(municipality: Municipality, year: int) -> Reading:
    """The weighted share of the year's respondents in the municipality who name a false job
    offer (or the promise of a better life) as a way victims are recruited."""
    answers = indicator_answers(FALSE_JOB_OFFER, municipalities=[municipality.pk], year=year)
    estimate = answers.estimate
    if estimate is None:
        return Reading(None, None, len(answers.values))
    exact = round(100 * estimate, 1)
    return Reading(exact, exact if len(answers.values) >= K else None, len(answers.values))


def _conferences_held(municipality: Municipality, year: int) -> Reading:
    start, end = year_bounds(year)
    held = Conference.objects.filter(
        Q(municipality=municipality) | Q(case__municipality=municipality),
        status=ConferenceStatus.HELD,
        held_on__gte=start,
        held_on__lt=end,
    ).count()
    return Reading(held, published(held), held)


def _plan_goals_met(municipality: Municipality, year: int) -> Reading:
    """The share of individual plan goals due this year that were achieved."""
    goals = Goal.objects.filter(
        plan__case__municipality=municipality, target_date__year=year
    ).exclude(status=GoalStatus.DROPPED)
    return _percent(goals.filter(status=GoalStatus.ACHIEVED).count(), goals.count())


def _on_time(municipality: Municipality, year: int) -> Reading:
    start, end = year_bounds(year)
    referrals = Referral.objects.filter(
        case__municipality=municipality, sent_at__gte=start, sent_at__lt=end
    )
    on_time = referrals.filter(answered_at__lte=F("due_at")).count()
    return _percent(on_time, referrals.count())


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric(
            "signals_from_schools",
            _("Share of signals raised by schools"),
            "%",
            _signals_from(InstitutionType.SCHOOL),
        ),
        Metric(
            "signals_from_health",
            _("Share of signals raised by health care"),
            "%",
            _signals_from(InstitutionType.HEALTH),
        ),
        Metric(
            "referral_answer_hours",
            _("Time from referral to answer (median hours)"),
            "h",
            _answer_hours,
        ),
        Metric("referrals_on_time", _("Share of referrals answered on time"), "%", _on_time),
        Metric(
            "recognise_false_offers",
            _("Citizens who recognise false job offers as recruitment"),
            "%",
            _recognise_false_offers,
        ),
        Metric("conferences_held", _("Conferences held"), "", _conferences_held),
        Metric(
            "plan_goals_met",
            _("Share of individual plan goals met"),
            "%",
            _plan_goals_met,
        ),
    )
}


def choices() -> list[tuple[str, Promise | str]]:
    return [("", _("Recorded by hand")), *((m.key, m.label) for m in METRICS.values())]


def reading(metric: str, municipality: Municipality, year: int) -> Reading | None:
    """The metric's reading, or ``None`` for an indicator recorded by hand."""
    found = METRICS.get(metric)
    return found.compute(municipality, year) if found else None
