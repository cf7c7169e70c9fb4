"""Community readiness, as the Community Readiness Model scores it.

Source: Plested, B. A., Edwards, R. W. & Jumper-Thurman, P. (2006). *Community Readiness: A
Handbook for Successful Change.* Fort Collins, CO: Tri-Ethnic Center for Prevention Research
(the scoring sheet is reproduced by the Community Tool Box, University of Kansas, "Scoring
Sheet and Anchored Rating Scales"). What Spona takes from it, and how sure we are:

* the six dimensions (A community efforts, B community knowledge of the efforts, C leadership,
  D community climate, E community knowledge of the issue, F resources) and the nine stages
  (1 no awareness … 9 high level of community ownership): checked against the Tri-Ethnic
  Center's own summary page;
* each interview is scored 1–9 on every dimension by two scorers independently, who then agree
  on one combined score; a dimension's score is the total of the combined scores divided by
  the number of interviews; the overall score is the mean of the six dimension scores:
  checked against the Center's summary and the scoring sheet;
* a score's stage is its whole part, never rounded up (4.83 is stage 4): from the handbook's
  scoring instructions as we remember them; *not verified* against the handbook's text,
  which we could not reach (docs/decisions.md says so too);
* the goal per stage (``STAGE_GOALS``) paraphrases the handbook's table "Goals and general
  strategies appropriate for each stage"; the activity types that fit (``FITTING_ACTIVITIES``)
  are ours, for trafficking prevention, and are labelled as such.

The anchored rating scales themselves are the handbook's text and are not reproduced here;
scorers use the handbook beside this form.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import mean

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    EFFORTS = "A", _("Community efforts")
    KNOWLEDGE_OF_EFFORTS = "B", _("Community knowledge of the efforts")
    LEADERSHIP = "C", _("Leadership")
    CLIMATE = "D", _("Community climate")
    KNOWLEDGE_OF_ISSUE = "E", _("Community knowledge of the issue")
    RESOURCES = "F", _("Resources related to the issue")


class Stage(models.IntegerChoices):
    NO_AWARENESS = 1, _("No awareness")
    DENIAL = 2, _("Denial or resistance")
    VAGUE_AWARENESS = 3, _("Vague awareness")
    PREPLANNING = 4, _("Preplanning")
    PREPARATION = 5, _("Preparation")
    INITIATION = 6, _("Initiation")
    STABILIZATION = 7, _("Stabilization")
    CONFIRMATION = 8, _("Confirmation or expansion")
    OWNERSHIP = 9, _("High level of community ownership")


STAGE_GOALS: dict[Stage, Promise] = {
    Stage.NO_AWARENESS: _("Raise awareness of the issue."),
    Stage.DENIAL: _("Raise awareness that the problem exists in this community."),
    Stage.VAGUE_AWARENESS: _("Raise awareness that the community can do something about it."),
    Stage.PREPLANNING: _("Raise awareness with concrete ideas to combat the problem."),
    Stage.PREPARATION: _("Gather existing information with which to plan strategies."),
    Stage.INITIATION: _("Provide community-specific information."),
    Stage.STABILIZATION: _("Stabilise efforts and programmes."),
    Stage.CONFIRMATION: _("Expand and enhance services."),
    Stage.OWNERSHIP: _("Maintain momentum and continue growth."),
}


class ActivityType(models.TextChoices):
    """Kinds of activity a local action plan holds (Spona's own list, for trafficking)."""

    BASIC_AWARENESS = "basic_awareness", _("Basic awareness campaign")
    LOCAL_FACTS = "local_facts", _("Local facts and stories in the media")
    KEY_PERSON_MEETINGS = "key_person_meetings", _("Meetings with key people and leaders")
    TRAINING = "training", _("Training of professionals")
    SCHOOL_PROGRAMME = "school_programme", _("Programme in schools")
    OUTREACH = "outreach", _("Outreach to groups at risk")
    MECHANISM = "mechanism", _("Local coordination mechanism")
    SERVICES = "services", _("New or expanded services")
    EVALUATION = "evaluation", _("Evaluation and quality improvement")


#: Which kinds of activity fit a dimension at a stage (ours; the handbook's principle: work
#: where the community is, so vague awareness calls for basic awareness, not evaluation).
_FIT_BY_STAGE: dict[int, tuple[ActivityType, ...]] = {
    1: (ActivityType.BASIC_AWARENESS, ActivityType.KEY_PERSON_MEETINGS),
    2: (ActivityType.BASIC_AWARENESS, ActivityType.LOCAL_FACTS),
    3: (ActivityType.LOCAL_FACTS, ActivityType.KEY_PERSON_MEETINGS),
    4: (ActivityType.KEY_PERSON_MEETINGS, ActivityType.TRAINING),
    5: (ActivityType.TRAINING, ActivityType.MECHANISM),
    6: (ActivityType.SCHOOL_PROGRAMME, ActivityType.OUTREACH, ActivityType.MECHANISM),
    7: (ActivityType.SERVICES, ActivityType.OUTREACH),
    8: (ActivityType.SERVICES, ActivityType.EVALUATION),
    9: (ActivityType.EVALUATION, ActivityType.SERVICES),
}


def fitting_activities(stage: int) -> tuple[ActivityType, ...]:
    return _FIT_BY_STAGE[stage]


def stage_of(score: float) -> Stage:
    """A score's stage: its whole part, never rounded up (4.83 is stage 4)."""
    return Stage(min(9, max(1, math.floor(score + 1e-9))))


class ScoringIncompleteError(ValueError):
    """Some interview lacks a combined score on some dimension."""


@dataclass(frozen=True)
class Readiness:
    dimensions: Mapping[Dimension, float]
    overall: float

    def stage(self, dimension: Dimension | None = None) -> Stage:
        return stage_of(self.overall if dimension is None else self.dimensions[dimension])

    @property
    def weakest(self) -> Dimension:
        """The dimension to work on first (the lowest score; ties in the handbook's order)."""
        return min(Dimension, key=lambda d: (self.dimensions[d], list(Dimension).index(d)))


def readiness(combined: Iterable[Mapping[str, int]]) -> Readiness:
    """From each interview's combined (consensus) scores, ``{dimension: 1..9}``, the score of
    every dimension (their mean over the interviews) and the overall score (the mean of the six)."""
    interviews = list(combined)
    if not interviews:
        raise ScoringIncompleteError("no interviews")
    dimensions = {}
    for dimension in Dimension:
        scores = [interview.get(dimension.value) for interview in interviews]
        if any(score is None for score in scores):
            raise ScoringIncompleteError(dimension.value)
        dimensions[dimension] = mean(s for s in scores if s is not None)
    return Readiness(dimensions, mean(dimensions.values()))
