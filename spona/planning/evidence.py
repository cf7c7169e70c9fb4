"""The study's five common problems, each scored from evidence Spona holds, with the evidence.

A score is a share from 0 to 100 (higher is better) or ``None`` where the system holds no
evidence yet; each comes with the counts it was computed from and the period. The counts and
shares are shown to coordinators and analysts, who have no case access, so every one goes
through the disclosure module (``spona.disclosure.share`` suppresses a share whose part or
remainder is a small cell).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spona.cases.models import Referral
from spona.conferences.models import Conference, ConferenceStatus, Task, TaskStatus
from spona.coordination.models import Mandate
from spona.disclosure import K, share, shown
from spona.institutions.models import InstitutionType, Municipality
from spona.planning.models import Problem
from spona.plans.selectors import goal_outcomes
from spona.providers.needs import unmet_requests
from spona.signals.models import Signal
from spona.surveys.models import SurveyResponse
from spona.surveys.selectors import indicator_answers

#: Institutions whose signals show the response acting before harm: everyone but the police,
#: who mostly meet victims after the fact (the study: 72 % of referrals came from the police).
PROACTIVE_SOURCES = [t for t in InstitutionType if t != InstitutionType.POLICE]


#: the survey indicator "recognises false job offers as recruitment" (citizens' instrument)
FALSE_JOB_OFFER = "knows_false_job"

Period = tuple[datetime.date, datetime.date]
Places = list[int]  # municipality ids
MIN_OTHERS = 2


@dataclass(frozen=True)
class Evidence:
    problem: Problem
    #: a share 0–100 (higher is better); ``None`` where there is no evidence or the share
    #: would disclose a small count
    score: int | None
    facts: list[tuple[Promise, str | Promise]] = field(default_factory=list)
    period: Period | None = None


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def five_problems(municipality: Municipality | Places, year: int) -> list[Evidence]:
    """The five scores of one municipality (or, pooled, of several) in one year."""
    places = [municipality.pk] if isinstance(municipality, Municipality) else municipality
    start, end = year_bounds(year)
    period = (start.date(), (end - datetime.timedelta(days=1)).date())
    return [
        _awareness(places, start, end, period),
        _proactivity(places, start, end, period),
        _roles(places, start, end, period),
        _integration(places, start, end, period),
        _mechanism(places, start, end, period),
    ]


@dataclass(frozen=True)
class Comparison:
    """One problem's score this year, last year, and pooled over the other municipalities
    (each a published share: ``None`` where a small number would be disclosed)."""

    problem: Problem
    score: int | None
    last_year: int | None
    others: int | None

    @property
    def change(self) -> int | None:
        if self.score is None or self.last_year is None:
            return None
        return self.score - self.last_year


def compared(municipality: Municipality, year: int) -> list[Comparison]:
    """The five scores beside last year's and beside the other municipalities' pooled counts
    (an aggregate of their events, never one municipality's figure)."""
    others = list(Municipality.objects.exclude(pk=municipality.pk).values_list("pk", flat=True))
    now, before = five_problems(municipality, year), five_problems(municipality, year - 1)
    # pooled over fewer than two others would be one municipality's own figure
    pooled = five_problems(others, year) if len(others) >= MIN_OTHERS else [None] * len(now)
    return [
        Comparison(e.problem, e.score, b.score, p.score if p else None)
        for e, b, p in zip(now, before, pooled, strict=True)
    ]


def _awareness(
    places: Places, start: datetime.datetime, end: datetime.datetime, period: Period
) -> Evidence:
    """The weighted share of the year's respondents who recognise a false job offer as
    recruitment (``FALSE_JOB_OFFER``, of the waves that ended in the year), withheld as the
    dashboard withholds a survey estimate: when those who said yes, or those who did not,
    are a small count (``disclosure.share`` on the unweighted counts)."""
    responses = SurveyResponse.objects.filter(
        municipality__in=places, created_at__gte=start, created_at__lt=end
    ).count()
    answers = indicator_answers(FALSE_JOB_OFFER, municipalities=places, year=start.year)
    estimate = answers.estimate
    published = share(answers.positives, len(answers.values)) is not None
    return Evidence(
        Problem.AWARENESS,
        round(100 * estimate) if published and estimate is not None else None,
        [
            (_("survey responses this year"), _count(responses)),
            (_("respondents asked about false job offers"), _count(len(answers.values))),
        ],
        period,
    )


def _proactivity(
    places: Places, start: datetime.datetime, end: datetime.datetime, period: Period
) -> Evidence:
    signals = Signal.objects.filter(
        municipality__in=places, created_at__gte=start, created_at__lt=end
    )
    total = signals.count()
    proactive = signals.filter(raised_by_institution__type__in=PROACTIVE_SOURCES).count()
    schools = signals.filter(raised_by_institution__type=InstitutionType.SCHOOL).count()
    health = signals.filter(raised_by_institution__type=InstitutionType.HEALTH).count()
    return Evidence(
        Problem.PROACTIVITY,
        share(proactive, total),
        [
            (_("signals this year"), _count(total)),
            (_("raised by schools"), _count(schools)),
            (_("raised by health care"), _count(health)),
        ],
        period,
    )


def _roles(
    places: Places, start: datetime.datetime, end: datetime.datetime, period: Period
) -> Evidence:
    referrals = Referral.objects.filter(
        case__municipality__in=places, sent_at__gte=start, sent_at__lt=end
    )
    answered = referrals.filter(answered_at__isnull=False)
    on_time = answered.filter(answered_at__lte=F("due_at")).count()
    adapted = Mandate.objects.filter(municipality__in=places).exists()
    return Evidence(
        Problem.ROLES,
        share(on_time, referrals.count()),
        [
            (_("referrals this year"), _count(referrals.count())),
            (_("answered on time"), _count(on_time)),
            (
                _("mandate matrix adapted by the municipality"),
                str(_("yes") if adapted else _("no")),
            ),
        ],
        period,
    )


def _integration(
    places: Places, start: datetime.datetime, end: datetime.datetime, period: Period
) -> Evidence:
    """The share of individual plan goals met among those closed (met or not) in the year
    (``plans.selectors.goal_outcomes``), with the unmet needs: service requests no provider
    took (``providers.needs.unmet_requests``)."""
    goals = goal_outcomes(municipalities=places, start=start, end=end)
    met, closed = sum(goals.met.values()), goals.closed()
    unmet = sum(unmet_requests(municipalities=places, start=start, end=end).values())
    return Evidence(
        Problem.INTEGRATION,
        share(met, closed),
        [
            (_("plan goals closed this year"), _count(closed)),
            (_("plan goals met"), _count(met)),
            (_("unmet needs (requests no provider took)"), _count(unmet)),
        ],
        period,
    )


def _mechanism(
    places: Places, start: datetime.datetime, end: datetime.datetime, period: Period
) -> Evidence:
    held = Conference.objects.filter(
        Q(municipality__in=places) | Q(case__municipality__in=places),
        status=ConferenceStatus.HELD,
        held_on__gte=start,
        held_on__lt=end,
    ).count()
    tasks = Task.objects.filter(
        Q(conference__municipality__in=places) | Q(conference__case__municipality__in=places),
        due_on__gte=start.date(),
        due_on__lt=end.date(),
    ).exclude(status=TaskStatus.CANCELLED)
    done = tasks.filter(status=TaskStatus.DONE).count()
    return Evidence(
        Problem.MECHANISM,
        share(done, tasks.count()),
        [
            (_("conferences held"), str(held)),
            (_("tasks due this year"), _count(tasks.count())),
            (_("tasks done"), _count(done)),
        ],
        period,
    )


def _count(value: int) -> str:
    """A count of events as published: 0 or k and more, else the small-cell mark."""
    return shown(value if value == 0 or value >= K else None)
