from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spona.accounts.http import AuthenticatedHttpRequest
from spona.cases import selectors, services
from spona.cases.forms import ReopenForm, TransitionForm, allowed_targets
from spona.cases.models import CaseStatus, Referral
from spona.cases.referrals import ACTIONS
from spona.core.actions import act_and_return, incomplete_and_return
from spona.policy import Action, can, require, visible


@login_required
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, Action.CASE_VIEW)
    context = {
        "cases": selectors.case_list(user=request.user),
        "referrals": selectors.incoming_referrals(user=request.user),
    }
    return render(request, "cases/case_list.html", context)


@login_required
def case_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    case = selectors.case_get(user=request.user, code=code)
    targets = allowed_targets(request.user, case)
    context = {
        "case": case,
        "referrals": [
            (
                referral,
                [a for a in ACTIONS if can(request.user, Action.REFERRAL_ACT, (referral, a))],
            )
            for referral in case.referrals.select_related("from_institution", "to_institution")
        ],
        "events": case.events.all(),
        "transition_form": TransitionForm(initial={"version": case.version}, targets=targets)
        if targets
        else None,
        "reopen_form": ReopenForm(initial={"version": case.version})
        if case.status == CaseStatus.CLOSED and can(request.user, Action.CASE_REOPEN, case)
        else None,
    }
    return render(request, "cases/case_detail.html", context)


def _done(
    request: AuthenticatedHttpRequest, code: str, action: Callable[[], object]
) -> HttpResponse:
    return act_and_return(
        request,
        action,
        to=reverse("cases:case_detail", args=[code]),
        done=_("Saved."),
        incomplete=_(
            "Fill in the decision: its date, who decided and the reasons, or the reason for closing."
        ),
    )


@login_required
@require_POST
def case_transition(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    case = selectors.case_get(user=request.user, code=code)
    targets = allowed_targets(request.user, case)
    if not targets:
        raise PermissionDenied
    form = TransitionForm(request.POST, targets=targets)
    if not form.is_valid():
        return incomplete_and_return(request, to=reverse("cases:case_detail", args=[code]))
    return _done(
        request,
        code,
        lambda: services.case_transition(
            by=request.user,
            case=case,
            expected_version=form.cleaned_data["version"],
            to=form.cleaned_data["to"],
            **form.details(),
        ),
    )


@login_required
@require_POST
def referral_act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    referral = get_object_or_404(visible(request.user, Referral).select_related("case"), pk=pk)
    require(request.user, Action.REFERRAL_ACT, (referral, action))
    version = request.POST.get("version", "")
    if not version.isdigit():
        return incomplete_and_return(
            request, to=reverse("cases:case_detail", args=[referral.case.code])
        )
    return _done(
        request,
        referral.case.code,
        lambda: services.referral_act(
            by=request.user,
            referral=referral,
            expected_version=int(version),
            action=action,
            reason=request.POST.get("reason", ""),
        ),
    )


@login_required
@require_POST
def case_reopen(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    case = selectors.case_get(user=request.user, code=code)
    require(request.user, Action.CASE_REOPEN, case)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return incomplete_and_return(request, to=reverse("cases:case_detail", args=[code]))
    return _done(
        request,
        code,
        lambda: services.case_reopen(
            by=request.user,
            case=case,
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        ),
    )
