"""Conference and task pages: thin views over ``selectors`` (reads) and ``services`` (writes)."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spona.accounts.http import AuthenticatedHttpRequest
from spona.accounts.models import User
from spona.cases.access import CASE_VIEW
from spona.cases.models import Case
from spona.conferences import selectors, services
from spona.conferences.access import (
    CONFERENCE_CONTENT,
    CONFERENCE_CONVENE,
    CONFERENCE_MINUTES,
    CONFERENCE_RUN,
    CONFERENCE_VIEW,
    TASK_CANCEL,
    TASK_CHANGE,
    TASK_COMPLETE,
    TASK_VIEW,
    may_own_task,
)
from spona.conferences.forms import (
    NOT_IN_INSTITUTION,
    ConveneForm,
    ReassignForm,
    RecordForm,
    TaskForm,
    VersionForm,
)
from spona.conferences.models import Conference, ConferenceStatus, Decision, Task
from spona.core.actions import incomplete_and_return, submit_and_return
from spona.core.phases import RESPONSE_PHASE_CHOICES, Phase
from spona.institutions.models import Institution, Municipality
from spona.policy import Permission, can, require, visible


def _home(user: User) -> Municipality | None:
    return user.institution.municipality if user.institution else None


# --- conferences ------------------------------------------------------------------------


@login_required
def conference_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, CONFERENCE_VIEW)
    home = _home(request.user)
    context = {
        **selectors.conference_list_page(user=request.user, params=request.GET),
        "may_convene": home is not None and can(request.user, CONFERENCE_CONVENE, home),
    }
    return render(request, "conferences/conference_list.html", context)


def _convene_subject(request: AuthenticatedHttpRequest) -> tuple[Case | None, Municipality]:
    """The case named by ``?case=`` (one the user sees) or a local topic, and the
    municipality whose institutions may be invited."""
    case = None
    if code := request.GET.get("case", ""):
        case = visible(request.user, Case).filter(code=code).select_related("municipality").first()
        if case is None:
            raise Http404
    place = (case.municipality if case is not None else None) or _home(request.user)
    if place is None:
        raise PermissionDenied  # a national institution has no local topics
    subject: Case | Municipality = case if case is not None else place
    require(request.user, CONFERENCE_CONVENE, subject)
    return case, place


@login_required
def conference_convene(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The convening form; the matrix pre-ticks who leads or contributes in the phase."""
    case, place = _convene_subject(request)
    default = selectors.case_phase(case) if case is not None else Phase.PREVENTION
    phase = request.GET.get("phase", default)
    if phase not in dict(RESPONSE_PHASE_CHOICES):
        phase = default
    options = selectors.participant_options(municipality=place, phase=phase, case=case)
    institutions = Institution.objects.filter(pk__in=[o.institution.pk for o in options])
    form = ConveneForm(request.POST or None, initial={"phase": phase}, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        conference = services.conference_convene(user=request.user, case=case, **form.cleaned_data)
        messages.success(request, _("The conference is planned and the participants invited."))
        return redirect("conferences:conference_detail", conference.code)
    checked = (
        {int(pk) for pk in request.POST.getlist("participants") if pk.isdigit()}
        if form.is_bound
        else {o.institution.pk for o in options if o.suggested}
    )
    context = {
        "form": form,
        "case": case,
        "place": place,
        "phase": phase,
        "phases": RESPONSE_PHASE_CHOICES,
        "options": options,
        "checked": checked,
    }
    return render(request, "conferences/conference_form.html", context)


@login_required
def conference_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    conference = selectors.conference_get(user=request.user, code=code)
    runs = can(request.user, CONFERENCE_RUN, conference)
    shared = can(request.user, CONFERENCE_CONTENT, conference)
    status = conference.status
    context = {
        "conference": conference,
        "participants": conference.participants.all(),
        "content_shared": shared,
        "decisions": conference.decisions.prefetch_related("tasks__owner_institution")
        if shared
        else [],
        "may_read_minutes": can(request.user, CONFERENCE_MINUTES, conference),
        "may_open_case": conference.case is not None
        and can(request.user, CASE_VIEW, conference.case),
        "may_run": runs and status != ConferenceStatus.CANCELLED,
        "record_form": RecordForm(
            initial={"version": conference.version, "minutes": conference.minutes}
        )
        if runs and status != ConferenceStatus.CANCELLED
        else None,
        "may_cancel": runs and status == ConferenceStatus.PLANNED,
    }
    return render(request, "conferences/conference_detail.html", context)


@login_required
@require_POST
def conference_record(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    conference = selectors.conference_get(user=request.user, code=code)
    require(request.user, CONFERENCE_RUN, conference)
    form = RecordForm(request.POST)
    return submit_and_return(
        request,
        form,
        lambda data: services.conference_record(
            user=request.user,
            conference=conference,
            expected_version=data["version"],
            minutes=data["minutes"],
            decisions=form.decision_texts(),
        ),
        to=reverse("conferences:conference_detail", args=[code]),
    )


@login_required
@require_POST
def conference_cancel(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    conference = selectors.conference_get(user=request.user, code=code)
    require(request.user, CONFERENCE_RUN, conference)
    return submit_and_return(
        request,
        VersionForm(request.POST),
        lambda data: services.conference_cancel(
            user=request.user, conference=conference, expected_version=data["version"]
        ),
        to=reverse("conferences:conference_detail", args=[code]),
    )


def _owner_choices(conference: Conference) -> tuple[QuerySet[Institution], QuerySet[User]]:
    """A task goes to an invited institution or the convener that may read the case details,
    and optionally one of its people."""
    institutions = Institution.objects.filter(
        pk__in=[
            institution.pk
            for institution in [
                conference.convened_by_institution,
                *conference.participants.all(),
            ]
            if may_own_task(institution, conference.case)
        ]
    )
    return institutions, selectors.assignable_users(institutions)


@login_required
def decision_task(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The form that turns a decision into a task."""
    conferences = selectors.conference_list(user=request.user)
    decision = get_object_or_404(
        Decision.objects.select_related("conference"), pk=pk, conference__in=conferences
    )
    conference = decision.conference
    require(request.user, CONFERENCE_RUN, conference)
    if conference.status == ConferenceStatus.CANCELLED:
        raise PermissionDenied
    institutions, users = _owner_choices(conference)
    form = TaskForm(
        request.POST or None,
        initial={"title": decision.text[:300]},
        institutions=institutions,
        users=users,
    )
    if request.method == "POST" and form.is_valid():
        task = services.task_create(user=request.user, decision=decision, **form.cleaned_data)
        messages.success(request, _("The task was created and its owner told."))
        return redirect("conferences:task_detail", task.code)
    context = {"form": form, "decision": decision, "conference": conference}
    return render(request, "conferences/task_form.html", context)


# --- tasks --------------------------------------------------------------------------------


@login_required
def task_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, TASK_VIEW)
    context = {
        **selectors.task_list_page(user=request.user, params=request.GET),
    }
    return render(request, "conferences/task_list.html", context)


def _reassign_form(task: Task, data: object = None) -> ReassignForm | None:
    if task.conference is None:
        return None
    initial = {
        "version": task.version,
        "owner_institution": task.owner_institution_id,
        "owner_user": task.owner_user_id,
        "due_on": task.due_on,
    }
    institutions, users = _owner_choices(task.conference)
    return ReassignForm(data, initial=initial, institutions=institutions, users=users)


@login_required
def task_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    task = selectors.task_get(user=request.user, code=code)
    acts = {
        "complete": can(request.user, TASK_COMPLETE, task),
        "cancel": can(request.user, TASK_CANCEL, task),
        "change": can(request.user, TASK_CHANGE, task),
    }
    context = {
        "task": task,
        "may": acts,
        "reassign_form": _reassign_form(task) if acts["change"] else None,
    }
    return render(request, "conferences/task_detail.html", context)


def _task_action(
    request: AuthenticatedHttpRequest,
    code: str,
    permission: Permission[Task],
    write: Callable[..., Task],
) -> HttpResponse:
    task = selectors.task_get(user=request.user, code=code)
    require(request.user, permission, task)
    return submit_and_return(
        request,
        VersionForm(request.POST),
        lambda data: write(user=request.user, task=task, expected_version=data["version"]),
        to=reverse("conferences:task_detail", args=[code]),
    )


@login_required
@require_POST
def task_complete(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    return _task_action(request, code, TASK_COMPLETE, services.task_complete)


@login_required
@require_POST
def task_cancel(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    return _task_action(request, code, TASK_CANCEL, services.task_cancel)


@login_required
@require_POST
def task_reassign(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    task = selectors.task_get(user=request.user, code=code)
    require(request.user, TASK_CHANGE, task)
    to = reverse("conferences:task_detail", args=[code])
    form = _reassign_form(task, request.POST)
    if form is None:
        return incomplete_and_return(request, to=to)
    if "due_on" in form.errors:
        messages.error(request, " ".join(str(e) for e in form.errors["due_on"]))
        return redirect(to)
    return submit_and_return(
        request,
        form,
        lambda data: services.task_reassign(
            user=request.user,
            task=task,
            expected_version=data["version"],
            owner_institution=data["owner_institution"],
            owner_user=data["owner_user"],
            due_on=data["due_on"],
        ),
        to=to,
        incomplete=str(NOT_IN_INSTITUTION),
    )
