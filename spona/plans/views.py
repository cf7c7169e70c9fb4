"""Plan pages: thin views over ``selectors`` (reads) and ``services`` (writes)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spona.accounts.http import AuthenticatedHttpRequest
from spona.accounts.models import User
from spona.accounts.selectors import with_receivers
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.cases.models import Case
from spona.core.actions import (
    act_and_return,
    submit_and_return,
    submit_or_redisplay,
)
from spona.institutions.models import Institution
from spona.plans import pdf, selectors, services
from spona.plans.access import (
    ATTACHMENT_ADD,
    GOAL_REFER,
    OUTCOME_RECORD,
    PLAN_DRAFT,
    PLAN_EDIT,
    PLAN_MOVE,
    PLAN_VIEW,
    REVIEW_MANAGE,
)
from spona.plans.forms import (
    AttachmentForm,
    GoalEditForm,
    GoalForm,
    MoveForm,
    OutcomeForm,
    PlanEditForm,
    PlanForm,
    ReferForm,
    ReviewForm,
    ReviewRequestForm,
)
from spona.plans.models import Domain, Plan, PlanStatus
from spona.plans.workflow import PlanMove
from spona.policy import can, require, visible
from spona.providers.selectors import offer_suggestions

#: the steps of the plan page's buttons: step -> (target status, service)
STEPS: dict[str, PlanStatus] = {
    "submit": PlanStatus.SUBMITTED,
    "approve": PlanStatus.APPROVED,
    "refuse": PlanStatus.DRAFT,
    "review": PlanStatus.UNDER_REVIEW,
    "close": PlanStatus.CLOSED,
}


@login_required
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, PLAN_VIEW)
    context = {
        "plans": selectors.plan_list(user=request.user)[:200],
        "due": selectors.reviews_due(request.user),
    }
    return render(request, "plans/plan_list.html", context)


def _case(request: AuthenticatedHttpRequest, code: str) -> Case:
    case = visible(request.user, Case).filter(code=code).first()
    if case is None:
        raise Http404
    return case


@login_required
def plan_create(request: AuthenticatedHttpRequest, case_code: str) -> HttpResponse:
    case = _case(request, case_code)
    require(request.user, PLAN_DRAFT, case)
    form = PlanForm(request.POST or None, coordinators=selectors.coordinator_options(case))
    drafted = submit_or_redisplay(
        request,
        form,
        lambda data: services.plan_draft(user=request.user, case=case, **data),
        to=_back,
        done=_("The plan is drafted: add its goals with the person."),
    )
    if drafted is not None:
        return drafted
    return render(request, "plans/plan_form.html", {"form": form, "case": case})


@login_required
def plan_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, code=code)
    institutions = selectors.institution_options(plan.case)
    edits = can(user, PLAN_EDIT, plan)
    goals = list(selectors.goals_of(plan))
    refers = [goal for goal in goals if can(user, GOAL_REFER, goal)]
    context = {
        "plan": plan,
        "attachments": plan.attachments.select_related("uploaded_by"),
        "attachment_form": AttachmentForm() if can(user, ATTACHMENT_ADD, plan) else None,
        "goals": [
            {
                "goal": goal,
                "edit_form": GoalEditForm(
                    instance=goal,
                    initial={"version": goal.version},
                    institutions=institutions,
                    prefix=f"g{goal.pk}",
                )
                if edits
                else None,
                "refer_form": ReferForm(
                    initial={"to": goal.responsible_institution_id},
                    institutions=_others(with_receivers(institutions), user),
                    prefix=f"r{goal.pk}",
                )
                if goal in refers
                else None,
                # an employment goal: the employers' open offers here, to refer to (the case
                # lead decides; the employer sees the person only within consent)
                "offers": list(offer_suggestions(user=user, case=plan.case)[:5])
                if goal in refers and goal.domain == Domain.EMPLOYMENT
                else [],
            }
            for goal in goals
        ],
        "steps": [
            step for step, target in STEPS.items() if can(user, PLAN_MOVE, PlanMove(plan, target))
        ],
        "edit_form": PlanEditForm(
            instance=plan,
            initial={"version": plan.version},
            coordinators=selectors.coordinator_options(plan.case),
        )
        if edits
        else None,
        "goal_form": GoalForm(institutions=institutions) if edits else None,
        "reviews": plan.reviews.all(),
        "may_review": can(user, REVIEW_MANAGE, plan),
        "review_request_form": ReviewRequestForm() if can(user, REVIEW_MANAGE, plan) else None,
        "outcomes": plan.outcomes.all(),
        "outcome_form": OutcomeForm() if can(user, OUTCOME_RECORD, plan) else None,
    }
    return render(request, "plans/plan_detail.html", context)


def _others(institutions: QuerySet[Institution], user: User) -> QuerySet[Institution]:
    """A service is requested from another institution than one's own."""
    return institutions.exclude(pk=user.institution_id) if user.institution_id else institutions


def _back(plan: Plan) -> str:
    return reverse("plans:plan_detail", args=[plan.code])


@login_required
@require_POST
def plan_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, code=code)
    require(request.user, PLAN_EDIT, plan)
    form = PlanEditForm(
        request.POST, instance=Plan(), coordinators=selectors.coordinator_options(plan.case)
    )
    return submit_and_return(
        request,
        form,
        lambda data: services.plan_edit(
            user=request.user,
            plan=plan,
            expected_version=data["version"],
            coordinator=data["coordinator"],
            summary=data["summary"],
            guardianship_decision=data["guardianship_decision"],
            with_person=data["with_person"],
        ),
        to=_back(plan),
    )


@login_required
@require_POST
def plan_move(request: AuthenticatedHttpRequest, code: str, step: str) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, code=code)
    if step not in STEPS:
        raise Http404
    require(request.user, PLAN_MOVE, PlanMove(plan, STEPS[step]))
    actions: dict[str, Callable[[dict[str, Any]], object]] = {
        "submit": lambda data: services.plan_submit(
            user=request.user, plan=plan, expected_version=data["version"]
        ),
        "approve": lambda data: services.plan_approve(
            user=request.user, plan=plan, expected_version=data["version"]
        ),
        "refuse": lambda data: services.plan_refuse(
            user=request.user, plan=plan, expected_version=data["version"], reason=data["reason"]
        ),
        "review": lambda data: services.review_start(
            user=request.user, plan=plan, expected_version=data["version"]
        ),
        "close": lambda data: services.plan_close(
            user=request.user, plan=plan, expected_version=data["version"]
        ),
    }
    return submit_and_return(
        request, MoveForm(request.POST), actions[step], to=_back(plan), incomplete=None
    )


@login_required
@require_POST
def goal_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, code=code)
    require(request.user, PLAN_EDIT, plan)
    return submit_and_return(
        request,
        GoalForm(request.POST, institutions=selectors.institution_options(plan.case)),
        lambda data: services.goal_add(user=request.user, plan=plan, **data),
        to=_back(plan),
    )


@login_required
@require_POST
def goal_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    goal = selectors.goal_get(user=request.user, pk=pk)
    plan = goal.plan
    require(request.user, PLAN_EDIT, plan)
    form = GoalEditForm(
        request.POST,
        institutions=selectors.institution_options(plan.case),
        prefix=f"g{goal.pk}",
    )
    return submit_and_return(
        request,
        form,
        lambda data: services.goal_edit(
            user=request.user,
            goal=goal,
            expected_version=data.pop("version"),
            **data,
        ),
        to=_back(plan),
    )


@login_required
@require_POST
def goal_refer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    goal = selectors.goal_get(user=request.user, pk=pk)
    require(request.user, GOAL_REFER, goal)
    plan = goal.plan
    institutions = _others(selectors.institution_options(plan.case), request.user)
    form = ReferForm(request.POST, institutions=institutions, prefix=f"r{goal.pk}")
    return submit_and_return(
        request,
        form,
        lambda data: services.goal_refer(user=request.user, goal=goal, **data),
        to=_back(plan),
        done=_("The service request was sent as a referral of the case."),
        incomplete=_("The request was not sent: this institution may already have it open."),
    )


@login_required
@require_POST
def review_request(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, code=code)
    require(request.user, REVIEW_MANAGE, plan)
    return submit_and_return(
        request,
        ReviewRequestForm(request.POST),
        lambda data: services.review_request(user=request.user, plan=plan, **data),
        to=_back(plan),
    )


@login_required
def review_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    plan = review.plan
    require(request.user, REVIEW_MANAGE, plan)
    if plan.status != PlanStatus.UNDER_REVIEW or review.held_at is not None:
        messages.error(request, _("Open the review on the plan page first."))
        return redirect(_back(plan))
    goals = list(selectors.goals_of(plan))
    form = ReviewForm(
        request.POST or None,
        goals=goals,
        initial={"review_version": review.version, "plan_version": plan.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        progress = {
            goal: services.Progress(data[f"status_{goal.pk}"], data[f"note_{goal.pk}"])
            for goal in goals
        }
        return act_and_return(
            request,
            lambda: services.review_record(
                user=request.user,
                review=review,
                expected_version=data["review_version"],
                plan_version=data["plan_version"],
                progress=progress,
                summary=data["summary"],
            ),
            to=_back(plan),
            done=_("The review is recorded; the next one is scheduled."),
        )
    return render(request, "plans/review_form.html", {"form": form, "plan": plan, "review": review})


@login_required
@require_POST
def outcome_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, code=code)
    require(request.user, OUTCOME_RECORD, plan)
    return submit_and_return(
        request,
        OutcomeForm(request.POST),
        lambda data: services.outcome_record(user=request.user, plan=plan, **data),
        to=_back(plan),
    )


def _pdf(
    request: AuthenticatedHttpRequest, plan: Plan, lines: list[pdf.Line], name: str
) -> HttpResponse:
    language = translation.get_language() or "sr"
    body = pdf.render_pdf(lines, language, name)
    audit(AuditAction.EXPORT, plan, user=request.user, details={"pdf": name, "language": language})
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
def plan_pdf(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The plan as PDF in the page's language and script (``?lang=`` prints the person's
    copy in the language they read)."""
    plan = selectors.plan_get(user=request.user, code=code)
    language = _print_language(request)
    with translation.override(language):
        return _pdf(request, plan, pdf.plan_document(plan, language), plan.code)


@login_required
def review_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    language = _print_language(request)
    with translation.override(language):
        lines = pdf.plan_document(review.plan, language, review=review)
        return _pdf(request, review.plan, lines, f"{review.plan.code}-{review.pk}")


def _print_language(request: AuthenticatedHttpRequest) -> str:
    from django.conf import settings

    asked = request.GET.get("lang", "")
    languages = dict(settings.LANGUAGES)
    return asked if asked in languages else translation.get_language() or "sr"


@login_required
@require_POST
def attachment_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, code=code)
    require(request.user, ATTACHMENT_ADD, plan)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, str(error))
        return redirect(_back(plan))
    return act_and_return(
        request,
        lambda: services.attachment_add(
            user=request.user, plan=plan, upload=form.cleaned_data["file"]
        ),
        to=_back(plan),
        done=_("The file is kept with the plan, encrypted."),
    )


@login_required
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attachment, content = selectors.attachment_open(user=request.user, pk=pk)
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="attachment-{attachment.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
