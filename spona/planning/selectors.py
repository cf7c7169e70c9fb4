"""Reads of the local action plan: assessments with their readiness, activities, the budget."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.planning.access import INTERVIEW_NOTES_VIEW
from spona.planning.models import Activity, Assessment, Budget, Interview, Score
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
