"""Reads of the local action plan: assessments with their readiness, activities, the budget."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.prepared import Shaped
from spona.core.roles import Role
from spona.core.work import Counted, counted, nothing_counted, read_counted
from spona.planning import metrics
from spona.planning.access import INTERVIEW_NOTES_VIEW
from spona.planning.models import (
    Activity,
    ActivityStatus,
    Assessment,
    Budget,
    Indicator,
    Interview,
    ProgressUpdate,
    Score,
)
from spona.planning.readiness import Dimension, Readiness, ScoringIncompleteError, readiness
from spona.policy import can, visible


def assessments(*, user: User) -> QuerySet[Assessment]:
    return visible(user, Assessment).select_related("municipality")


def assessment_get(*, user: User, pk: int) -> Assessment:
    assessment = assessments(user=user).filter(pk=pk).first()
    if assessment is None:
        raise Http404
    if can(user, INTERVIEW_NOTES_VIEW, assessment):
        audit(AuditAction.READ, assessment, user=user)  # the page shows the interview notes
    return assessment


@dataclass(frozen=True)
class InterviewScores:
    interview: Interview
    individual: dict[str, list[Score]]  # dimension -> each scorer's score
    combined: dict[str, int]  # dimension -> the agreed score

    @property
    def rows(self) -> list[tuple[Dimension, list[Score], int | None]]:
        """Per dimension: each scorer's score and the combined one."""
        return [(d, self.individual[d.value], self.combined.get(d.value)) for d in Dimension]


def interview_scores(assessment: Assessment) -> list[InterviewScores]:
    scores = Score.objects.filter(interview__assessment=assessment).select_related("scorer")
    by_interview: dict[int, list[Score]] = {}
    for score in scores:
        by_interview.setdefault(score.interview_id, []).append(score)
    result = []
    for interview in assessment.interviews.all():
        individual: dict[str, list[Score]] = {d.value: [] for d in Dimension}
        combined: dict[str, int] = {}
        for score in by_interview.get(interview.pk, []):
            if score.combined:
                combined[score.dimension] = score.value
            else:
                individual[score.dimension].append(score)
        result.append(InterviewScores(interview, individual, combined))
    return result


def assessment_readiness(assessment: Assessment) -> Readiness | None:
    """The stages, once every interview has a combined score on every dimension."""
    try:
        return readiness(scores.combined for scores in interview_scores(assessment))
    except ScoringIncompleteError:
        return None


def activities(*, user: User, year: int | None = None) -> QuerySet[Activity]:
    rows = visible(user, Activity).select_related("lead", "municipality")
    return rows.filter(year=year) if year is not None else rows


def budget_of(municipality_id: int, year: int) -> Budget | None:
    return Budget.objects.filter(municipality=municipality_id, year=year).first()


def activity_get(*, user: User, pk: int) -> Activity:
    activity = activities(user=user).filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


#: the activities of the plan that are being carried out (not proposed, left out, done, dropped)
UNDER_WAY = (ActivityStatus.CHOSEN, ActivityStatus.IN_PROGRESS)
#: the activities of the year's plan: under way or done
IN_PLAN = (*UNDER_WAY, ActivityStatus.DONE)


def overdue(today: datetime.date | None = None) -> QuerySet[Activity]:
    """Activities of a plan past their end date and not done."""
    today = today or timezone.localdate()
    return Activity.objects.filter(status__in=UNDER_WAY, ends_on__lt=today)


def _overdue_for(
    coordinates: bool, *, institution: int, municipality: int | None, today: datetime.date
) -> QuerySet[Activity]:
    """The overdue activities ``institution`` leads, and if the user ``coordinates``, every
    one of ``municipality``'s plan, the first as the home page counts and shows them."""
    mine = Q(lead=institution)
    if coordinates:
        mine |= Q(municipality=municipality)
    return counted(overdue(today).filter(mine).select_related("lead").order_by("ends_on", "pk"))


#: The home page's overdue activities: compiled once per process for each shape of user.
_OVERDUE_FOR = Shaped(_overdue_for)


def overdue_for(user: User) -> Counted[Activity]:
    """The first overdue activities this user answers for (those their institution leads,
    and, for a coordinator, every one of their municipality's plan), how many in all, twice
    (every one is overdue: ``read_counted``)."""
    institution = user.institution
    if institution is None:
        return nothing_counted()
    coordinates = user.role == Role.COORDINATOR
    return _OVERDUE_FOR.later(
        coordinates,
        institution=institution.pk,
        municipality=institution.municipality_id if coordinates else None,
        today=timezone.localdate(),
    ).then(read_counted)


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator with its baseline, target and current value as this user may see it."""

    indicator: Indicator
    current: float | None
    measured_on: datetime.date | None
    computed: bool
    history: list[ProgressUpdate]

    @property
    def label(self) -> str:
        metric = metrics.METRICS.get(self.indicator.metric)
        return str(metric.label) if metric else ""


def indicator_rows(*, user: User, activity: Activity) -> list[IndicatorRow]:
    """The current value of each indicator: the system's number for one bound to a metric
    (published unless the user has case access), else the last value recorded.

    The indicators and their updates are read here, unless the caller has prefetched
    ``indicators__updates`` (the year-end report, for all its activities). Nothing is left
    on ``activity``: a later call on the same instance reads the updates recorded since."""
    if "indicators" in getattr(activity, "_prefetched_objects_cache", {}):
        indicators = activity.indicators.all()
    else:
        indicators = activity.indicators.prefetch_related("updates")
    rows = []
    for indicator in indicators:
        history = list(indicator.updates.all())
        reading = metrics.reading(indicator.metric, activity.municipality, activity.year)
        if reading is not None:
            rows.append(
                IndicatorRow(
                    indicator, metrics.value_for(user, reading), timezone.localdate(), True, history
                )
            )
        else:
            last = history[-1] if history else None
            rows.append(
                IndicatorRow(
                    indicator,
                    last.value if last else None,
                    last.on if last else None,
                    False,
                    history,
                )
            )
    return rows


def progress_history(activity: Activity) -> QuerySet[ProgressUpdate]:
    return activity.updates.filter(indicator__isnull=True).select_related("recorded_by")
