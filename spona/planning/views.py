"""The coordinator's planning pages: readiness, the five problems, the action plan."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spona.accounts.http import AuthenticatedHttpRequest
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.core.actions import act_and_return, submit_and_return, submit_or_redisplay
from spona.institutions.models import Municipality
from spona.planning import selectors, services
from spona.planning.access import (
    ACTIVITY_REPORT,
    INTERVIEW_NOTES_VIEW,
    PLAN_MANAGE,
    PLAN_READ,
    PLAN_VIEW,
)
from spona.planning.evidence import compared, five_problems
from spona.planning.forms import (
    ActivityForm,
    AssessmentStartForm,
    BudgetForm,
    IndicatorForm,
    IndicatorValueForm,
    InterviewForm,
    OverrideForm,
    ProgressForm,
    ScoreForm,
)
from spona.planning.models import Activity, Budget, Interview
from spona.planning.pdf import plan_lines
from spona.planning.prioritise import Weights, greedy, sensitivity
from spona.planning.readiness import STAGE_GOALS, Dimension, fitting_activities
from spona.plans.pdf import render_pdf
from spona.policy import can, require


def _home(request: AuthenticatedHttpRequest) -> Municipality | None:
    institution = request.user.institution
    return institution.municipality if institution else None


def _year(request: AuthenticatedHttpRequest) -> int:
    """The year asked for, or this year (with a message if one was asked for in vain)."""
    text = request.GET.get("year", "")
    if text.isascii() and text.isdigit() and services.year_in_range(int(text)):
        return int(text)
    if text:
        messages.error(request, services.BAD_YEAR)
    return timezone.localdate().year


@login_required
def readiness_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, PLAN_VIEW)
    home = _home(request)
    may_plan = home is not None and can(request.user, PLAN_MANAGE, home)
    form = AssessmentStartForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST":
        require(request.user, PLAN_MANAGE, home)
        assert home is not None  # noqa: S101 - PLAN_MANAGE needs a home municipality
        started = submit_or_redisplay(
            request,
            form,
            lambda data: services.assessment_start(
                user=request.user, municipality=home, year=data["year"]
            ),
            to=lambda assessment: reverse("planning:assessment_detail", args=[assessment.pk]),
            done=None,
        )
        if started is not None:
            return started
    context = {
        "assessments": selectors.assessments(user=request.user),
        "form": form if may_plan else None,
    }
    return render(request, "planning/readiness_list.html", context)


@login_required
def assessment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(request.user, PLAN_VIEW)
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    result = selectors.assessment_readiness(assessment)
    may_plan = can(request.user, PLAN_MANAGE, assessment.municipality)
    stages = []
    if result is not None:
        for dimension in Dimension:
            stage = result.stage(dimension)
            stages.append((dimension, result.dimensions[dimension], stage, STAGE_GOALS[stage]))
    context = {
        "assessment": assessment,
        "scores": selectors.interview_scores(assessment),
        "dimensions": list(Dimension),
        "readiness": result,
        "stages": stages,
        "overall_stage": result.stage() if result else None,
        "weakest": result.weakest if result else None,
        "fitting": fitting_activities(result.stage(result.weakest)) if result else (),
        "problems": five_problems(assessment.municipality, assessment.year),
        "comparison": compared(assessment.municipality, assessment.year),
        "show_notes": can(request.user, INTERVIEW_NOTES_VIEW, assessment),
        "may_plan": may_plan,
        "interview_form": InterviewForm() if may_plan else None,
        "score_form": ScoreForm() if may_plan else None,
    }
    return render(request, "planning/assessment_detail.html", context)


@login_required
@require_POST
def interview_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    require(request.user, PLAN_MANAGE, assessment.municipality)
    to = reverse("planning:assessment_detail", args=[pk])
    return submit_and_return(
        request,
        InterviewForm(request.POST),
        lambda data: services.interview_add(user=request.user, assessment=assessment, **data),
        to=to,
    )


@login_required
@require_POST
def score_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    interview = get_object_or_404(Interview.objects.select_related("assessment"), pk=pk)
    assessment = selectors.assessment_get(user=request.user, pk=interview.assessment_id)
    require(request.user, PLAN_MANAGE, assessment.municipality)
    to = reverse("planning:assessment_detail", args=[assessment.pk])
    return submit_and_return(
        request,
        ScoreForm(request.POST),
        lambda data: services.score_record(
            user=request.user,
            interview=interview,
            scores=data,
            combined=request.POST.get("combined") == "1",
        ),
        to=to,
    )


def _plan_page(year: int) -> str:
    return reverse("planning:action_plan") + f"?year={year}"


@login_required
def action_plan(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, PLAN_VIEW)
    year = _year(request)
    home = _home(request)
    may_plan = home is not None and can(request.user, PLAN_MANAGE, home)
    activities = list(
        selectors.activities(user=request.user, year=year).prefetch_related("requires")
    )
    budget = selectors.budget_of(home.pk, year) if home is not None else None
    comparison = None
    if budget is not None and activities and may_plan:
        weights = services.weights_of(budget)
        candidates = services.candidates(activities, weights)
        funders = {f: float(a) for f, a in budget.by_funder.items()}
        started = {str(a.pk) for a in activities if a.status in services.COMMITTED}
        forced_in = [str(a.pk) for a in activities if a.override == "in"] + sorted(started)
        forced_out = [str(a.pk) for a in activities if a.override == "out"]
        forced_out = [key for key in forced_out if key not in started]
        chosen = {str(a.pk) for a in activities if a.status in selectors.IN_PLAN}
        comparison = {
            "greedy": greedy(candidates, float(budget.total), funders),
            "sensitivity": sensitivity(
                candidates,
                float(budget.total),
                funders,
                forced_in=forced_in,
                forced_out=forced_out,
            ),
            "benefit": sum(c.benefit for c in candidates if c.key in chosen),
        }
    context = {
        "year": year,
        "activities": activities,
        "budget": budget,
        "comparison": comparison,
        "may_plan": may_plan,
        "activity_form": ActivityForm(prefix="activity") if may_plan else None,
        "budget_form": BudgetForm(initial=_budget_initial(budget)) if may_plan else None,
        "weights": services.weights_of(budget) if budget else Weights(),
    }
    return render(request, "planning/action_plan.html", context)


def _budget_initial(budget: Budget | None) -> dict[str, object]:
    if budget is None:
        return {}
    return {
        "total": budget.total,
        "by_funder": "\n".join(f"{f}: {a}" for f, a in budget.by_funder.items()),
        "weight_need": budget.weight_need,
        "weight_evidence": budget.weight_evidence,
        "weight_reach": budget.weight_reach,
    }


def _home_or_403(request: AuthenticatedHttpRequest) -> Municipality:
    home = _home(request)
    require(request.user, PLAN_MANAGE, home)
    assert home is not None  # noqa: S101 - PLAN_MANAGE needs a home municipality
    return home


@login_required
@require_POST
def activity_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    home = _home_or_403(request)
    year = _year(request)
    form = ActivityForm(request.POST, prefix="activity")
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form[field].label if field in form.fields else ''} {error}"
                )
        return redirect(_plan_page(year))
    activity = form.save(commit=False)
    activity.municipality, activity.year = home, year
    return act_and_return(
        request,
        lambda: services.activity_save(
            user=request.user, activity=activity, requires=form.cleaned_data["requires"]
        ),
        to=_plan_page(year),
    )


@login_required
@require_POST
def budget_set(request: AuthenticatedHttpRequest) -> HttpResponse:
    home = _home_or_403(request)
    year = _year(request)
    form = BudgetForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(_plan_page(year))
    data = form.cleaned_data
    return act_and_return(
        request,
        lambda: services.budget_set(
            user=request.user,
            municipality=home,
            year=year,
            total=data["total"],
            by_funder=data["by_funder"],
            weights=Weights(data["weight_need"], data["weight_evidence"], data["weight_reach"]),
        ),
        to=_plan_page(year),
    )


@login_required
@require_POST
def prioritise(request: AuthenticatedHttpRequest) -> HttpResponse:
    home = _home_or_403(request)
    year = _year(request)
    return act_and_return(
        request,
        lambda: services.prioritise(user=request.user, municipality=home, year=year),
        to=_plan_page(year),
        done=_("The activities were prioritised within the budget."),
    )


@login_required
@require_POST
def activity_override(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity: Activity = get_object_or_404(selectors.activities(user=request.user), pk=pk)
    require(request.user, PLAN_MANAGE, activity.municipality)
    return submit_and_return(
        request,
        OverrideForm(request.POST),
        lambda data: services.activity_override(
            user=request.user,
            activity=activity,
            expected_version=data["version"],
            override=data["override"],
            reason=data["reason"],
        ),
        to=_plan_page(activity.year),
    )


def _plan_municipality(request: AuthenticatedHttpRequest) -> Municipality:
    """The coordinator's own municipality, or the one whose code ``?municipality=`` names;
    404 unless the user may read its plan."""
    require(request.user, PLAN_VIEW)
    asked = request.GET.get("municipality", "")
    municipality = Municipality.objects.filter(code=asked).first() if asked else _home(request)
    if municipality is None or not can(request.user, PLAN_READ, municipality):
        raise Http404
    return municipality


@login_required
def plan_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The year's plan as PDF in the page's language and script: the coordinator's own
    municipality, or (national readers) the one named by ``?municipality=<code>``."""
    municipality = _plan_municipality(request)
    year = _year(request)
    activities = list(
        selectors.activities(user=request.user, year=year).filter(municipality=municipality)
    )
    language = translation.get_language() or "sr"
    budget = selectors.budget_of(municipality.pk, year)
    lines = plan_lines(municipality, year, activities, budget, language)
    name = f"spona-plan-{municipality.code}-{year}"
    body = render_pdf(lines, language, name)
    audit(
        AuditAction.EXPORT,
        municipality,
        user=request.user,
        details={"pdf": name, "language": language},
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
def activity_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An activity through the year: its progress and its indicators (baseline, target, the
    current value), with the forms to record progress for those who carry it out."""
    activity = selectors.activity_get(user=request.user, pk=pk)
    may_report = can(request.user, ACTIVITY_REPORT, activity)
    may_plan = can(request.user, PLAN_MANAGE, activity.municipality)
    today = timezone.localdate()
    context = {
        "activity": activity,
        "history": selectors.progress_history(activity),
        "indicators": selectors.indicator_rows(user=request.user, activity=activity),
        "progress_form": ProgressForm(initial={"on": today}) if may_report else None,
        "value_form": IndicatorValueForm(activity=activity, initial={"on": today}, prefix="value")
        if may_report and activity.indicators.filter(metric="").exists()
        else None,
        "indicator_form": IndicatorForm() if may_plan else None,
        "may_plan_page": can(request.user, PLAN_VIEW),
    }
    return render(request, "planning/activity_detail.html", context)


@login_required
@require_POST
def progress_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get(user=request.user, pk=pk)
    require(request.user, ACTIVITY_REPORT, activity)
    to = reverse("planning:activity_detail", args=[pk])
    if "value-indicator" in request.POST:
        return submit_and_return(
            request,
            IndicatorValueForm(request.POST, activity=activity, prefix="value"),
            lambda data: services.progress_record(
                user=request.user,
                activity=activity,
                on=data["on"],
                indicator=data["indicator"],
                value=data["value"],
                note=data["note"],
            ),
            to=to,
        )
    return submit_and_return(
        request,
        ProgressForm(request.POST),
        lambda data: services.progress_record(user=request.user, activity=activity, **data),
        to=to,
    )


@login_required
@require_POST
def indicator_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get(user=request.user, pk=pk)
    require(request.user, PLAN_MANAGE, activity.municipality)
    to = reverse("planning:activity_detail", args=[pk])
    return submit_and_return(
        request,
        IndicatorForm(request.POST),
        lambda data: services.indicator_add(user=request.user, activity=activity, **data),
        to=to,
    )


@login_required
@require_POST
def year_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start the year-end report (PDF or XLSX); the job's page shows its progress."""
    municipality = _plan_municipality(request)
    year = _year(request)
    try:
        job = services.year_report_start(
            user=request.user,
            municipality=municipality,
            year=year,
            file_format=request.POST.get("format", "pdf"),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_plan_page(year))
    return redirect("jobs:job_detail", pk=job.pk)
