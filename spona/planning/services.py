"""Writes of the local action plan: readiness assessments and their scores, activities, the
year's budget, the prioritisation and the coordinator's overrides. Each is audited."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.locking import save_versioned
from spona.institutions.models import Municipality
from spona.jobs.models import Job
from spona.jobs.services import job_start
from spona.planning import metrics
from spona.planning.access import ACTIVITY_REPORT, PLAN_MANAGE, PLAN_READ
from spona.planning.models import (
    Activity,
    ActivityStatus,
    Assessment,
    Budget,
    Indicator,
    Interview,
    Override,
    ProgressUpdate,
    Score,
)
from spona.planning.prioritise import (
    DEFAULT_WEIGHTS,
    Candidate,
    Choice,
    InfeasibleError,
    Weights,
    benefit,
    solve,
)
from spona.planning.readiness import Dimension
from spona.policy import require

NEEDS_TWO_SCORERS = _(
    "The combined score is agreed after two scorers have scored this interview independently."
)
NEEDS_REASON = _("Say why you override the prioritisation.")
WRONG_INDICATOR = _("The indicator belongs to another activity.")
BAD_YEAR = _("A year is written with four digits, from 2000.")


def year_in_range(year: int) -> bool:
    """A year the plans, their evidence and their reports can be read for (its end is a date)."""
    return 2000 <= year <= datetime.MAXYEAR - 1


#: activities whose money is committed: a new prioritisation keeps them in
COMMITTED = (ActivityStatus.IN_PROGRESS, ActivityStatus.DONE)
OVER_BUDGET = _("The mandatory activities and those you keep in do not fit the budget: %(detail)s")


@transaction.atomic
def assessment_start(*, user: User, municipality: Municipality, year: int) -> Assessment:
    require(user, PLAN_MANAGE, municipality)
    if Assessment.objects.filter(municipality=municipality, year=year).exists():
        raise ValidationError({"year": _("This year already has a readiness assessment.")})
    assessment = Assessment.objects.create(municipality=municipality, year=year, created_by=user)
    audit(AuditAction.CREATE, assessment, user=user)
    return assessment


@transaction.atomic
def interview_add(
    *, user: User, assessment: Assessment, sector: str, interviewed_on: datetime.date, notes: str
) -> Interview:
    require(user, PLAN_MANAGE, assessment.municipality)
    interview = Interview.objects.create(
        assessment=assessment, sector=sector, interviewed_on=interviewed_on, notes=notes
    )
    audit(AuditAction.CREATE, interview, user=user)
    return interview


@transaction.atomic
def score_record(
    *, user: User, interview: Interview, scores: dict[str, int], combined: bool = False
) -> list[Score]:
    """A scorer's own scores of one interview (``scorer`` = the user), or the combined scores
    the two scorers agreed on, once two different people have scored it."""
    require(user, PLAN_MANAGE, interview.assessment.municipality)
    errors = {}
    for dimension, value in scores.items():
        if dimension not in Dimension.values:
            errors[dimension] = _("Unknown dimension.")
        elif not 1 <= int(value) <= 9:
            errors[dimension] = _("A score is a whole number from 1 to 9.")
        elif combined and _scorers(interview, dimension) < 2:
            errors[dimension] = NEEDS_TWO_SCORERS
    if errors:
        raise ValidationError(errors)
    saved = []
    for dimension, value in scores.items():
        score, _created = Score.objects.update_or_create(
            interview=interview,
            dimension=dimension,
            scorer=None if combined else user,
            defaults={"value": int(value), "recorded_by": user},
        )
        saved.append(score)
    audit(
        AuditAction.UPDATE,
        interview,
        user=user,
        details={"scores": "combined" if combined else "individual", "dimensions": list(scores)},
    )
    return saved


def _scorers(interview: Interview, dimension: str) -> int:
    return (
        Score.objects.filter(interview=interview, dimension=dimension, scorer__isnull=False)
        .values("scorer")
        .distinct()
        .count()
    )


@transaction.atomic
def activity_save(
    *,
    user: User,
    activity: Activity,
    expected_version: int | None = None,
    requires: Iterable[Activity] | None = None,
) -> Activity:
    """Create an activity (``expected_version`` None) or save an edit (stale edits refused)."""
    require(user, PLAN_MANAGE, activity.municipality)
    activity.full_clean(exclude=["requires"])
    if activity.pk is None:
        activity.save()
        audit(AuditAction.CREATE, activity, user=user)
    else:
        fields = [
            f.name
            for f in Activity._meta.concrete_fields
            if f.name not in {"id", "version", "municipality"}
        ]
        save_versioned(activity, expected_version=expected_version or 0, fields=fields)
        audit(AuditAction.UPDATE, activity, user=user)
    if requires is not None:
        others = [a for a in requires if a.pk != activity.pk and a.year == activity.year]
        activity.requires.set(others)
    return activity


@transaction.atomic
def budget_set(
    *,
    user: User,
    municipality: Municipality,
    year: int,
    total: Decimal,
    by_funder: dict[str, Decimal],
    weights: Weights = DEFAULT_WEIGHTS,
) -> Budget:
    require(user, PLAN_MANAGE, municipality)
    budget, _created = Budget.objects.update_or_create(
        municipality=municipality,
        year=year,
        defaults={
            "total": total,
            "by_funder": {funder: str(amount) for funder, amount in by_funder.items()},
            "weight_need": weights.need,
            "weight_evidence": weights.evidence,
            "weight_reach": weights.reach,
        },
    )
    audit(AuditAction.UPDATE, budget, user=user, details={"total": str(total)})
    return budget


def candidates(activities: Iterable[Activity], weights: Weights) -> list[Candidate]:
    return [
        Candidate(
            key=str(a.pk),
            cost=float(a.cost),
            benefit=benefit(a.need, a.evidence, a.reach, weights),
            funder=a.funder,
            mandatory=a.mandatory,
            requires=tuple(str(pk) for pk in a.requires.values_list("pk", flat=True)),
        )
        for a in activities
    ]


def weights_of(budget: Budget) -> Weights:
    return Weights(budget.weight_need, budget.weight_evidence, budget.weight_reach)


@transaction.atomic
def prioritise(*, user: User, municipality: Municipality, year: int) -> Choice:
    """Choose the year's activities of greatest total benefit within the budget (exactly), keep
    the coordinator's overrides, and record for each activity left out why. Activities
    already under way or done keep their place and their money (forced in, status kept)."""
    require(user, PLAN_MANAGE, municipality)
    budget = Budget.objects.filter(municipality=municipality, year=year).first()
    if budget is None:
        raise ValidationError(_("Set the year's budget first."))
    activities = list(
        Activity.objects.filter(
            municipality=municipality,
            year=year,
        )
        .exclude(status=ActivityStatus.DROPPED)
        .prefetch_related("requires")
    )
    started = [a for a in activities if a.status in COMMITTED]
    try:
        choice = solve(
            candidates(activities, weights_of(budget)),
            float(budget.total),
            {funder: float(amount) for funder, amount in budget.by_funder.items()},
            forced_in=[str(a.pk) for a in activities if a.override == Override.IN or a in started],
            forced_out=[
                str(a.pk) for a in activities if a.override == Override.OUT and a not in started
            ],
        )
    except InfeasibleError as error:
        raise ValidationError(OVER_BUDGET % {"detail": str(error)}) from error
    activities = [a for a in activities if a not in started]
    for activity in activities:
        key = str(activity.pk)
        activity.status = ActivityStatus.CHOSEN if key in choice.chosen else ActivityStatus.LEFT_OUT
        activity.left_out_because = str(choice.reasons.get(key, ""))
    Activity.objects.bulk_update(activities, ["status", "left_out_because"])
    audit(
        AuditAction.UPDATE,
        budget,
        user=user,
        details={"prioritised": sorted(choice.chosen), "benefit": round(choice.total_benefit, 3)},
    )
    return choice


@transaction.atomic
def activity_override(
    *, user: User, activity: Activity, expected_version: int, override: str, reason: str
) -> Activity:
    """The coordinator keeps an activity in or leaves it out, whatever the optimum, with a
    reason; the next prioritisation respects it."""
    require(user, PLAN_MANAGE, activity.municipality)
    if override not in Override.values:
        raise ValidationError({"override": _("Choose keep in, leave out or no override.")})
    if override and not reason.strip():
        raise ValidationError({"override_reason": NEEDS_REASON})
    activity.override, activity.override_reason = override, reason.strip()
    save_versioned(
        activity, expected_version=expected_version, fields=["override", "override_reason"]
    )
    audit(AuditAction.UPDATE, activity, user=user, details={"override": override})
    return activity


@transaction.atomic
def indicator_add(
    *,
    user: User,
    activity: Activity,
    name: str,
    target: float,
    level: str = "output",
    baseline: float | None = None,
    metric: str = "",
) -> Indicator:
    """An output or outcome indicator of the activity; one bound to a metric takes its
    current value from the system."""
    require(user, PLAN_MANAGE, activity.municipality)
    if metric and metric not in metrics.METRICS:
        raise ValidationError({"metric": _("Choose a number the system computes.")})
    indicator = Indicator(
        activity=activity, name=name, level=level, baseline=baseline, target=target, metric=metric
    )
    indicator.full_clean()
    indicator.save()
    audit(AuditAction.CREATE, indicator, user=user, details={"metric": metric})
    return indicator


@transaction.atomic
def progress_record(
    *,
    user: User,
    activity: Activity,
    on: datetime.date,
    progress: int | None = None,
    indicator: Indicator | None = None,
    value: float | None = None,
    note: str = "",
) -> ProgressUpdate:
    """Progress on a date: the activity's per cent done (the activity follows: in progress,
    done at 100 %), or the value an indicator recorded by hand reached."""
    require(user, ACTIVITY_REPORT, activity)
    if indicator is None and (progress is None or not 0 <= progress <= 100):
        raise ValidationError({"progress": _("Progress is a per cent from 0 to 100.")})
    if indicator is not None:
        if indicator.activity_id != activity.pk:
            raise ValidationError({"indicator": WRONG_INDICATOR})
        if indicator.metric:
            raise ValidationError({"indicator": _("The system computes this indicator.")})
        if value is None:
            raise ValidationError({"value": _("Enter the value the indicator reached.")})
        progress = None
    update = ProgressUpdate.objects.create(
        activity=activity,
        indicator=indicator,
        on=on,
        progress=progress,
        value=value if indicator is not None else None,
        note=note,
        recorded_by=user,
    )
    if progress is not None:
        latest = activity.updates.filter(indicator__isnull=True).order_by("-on", "-pk").first()
        assert latest is not None  # noqa: S101 - the update just made
        status = ActivityStatus.DONE if latest.progress == 100 else ActivityStatus.IN_PROGRESS
        Activity.objects.filter(pk=activity.pk).update(
            progress=latest.progress, status=status, version=F("version") + 1
        )
        activity.progress, activity.status = latest.progress or 0, status
    audit(
        AuditAction.CREATE,
        update,
        user=user,
        details={"activity": activity.pk, "indicator": indicator.pk if indicator else None},
    )
    return update


YEAR_REPORT_JOB = "planning.year_report"


def year_report_start(
    *, user: User, municipality: Municipality, year: int, file_format: str
) -> Job:
    """The plan's year-end report for the assembly (PDF or XLSX), made by the worker in the
    user's language and script."""
    require(user, PLAN_READ, municipality)
    if file_format not in {"pdf", "xlsx"}:
        raise ValidationError({"format": _("Choose PDF or XLSX.")})
    payload = {
        "municipality": municipality.pk,
        "year": year,
        "format": file_format,
        "language": translation.get_language() or "sr",
    }
    return job_start(kind=YEAR_REPORT_JOB, owner=user, payload=payload)
