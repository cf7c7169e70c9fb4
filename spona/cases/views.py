from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from spona.accounts.http import AuthenticatedHttpRequest
from spona.cases import selectors, services
from spona.cases.access import (
    BREAK_GLASS,
    BREAK_GLASS_REVIEW,
    CASE_REOPEN,
    CASE_VIEW,
    CONSENT_MANAGE,
    REFERRAL_ACT,
    REFERRAL_SEND,
    REFERRAL_STATISTICS,
    reviews_all_break_glass,
)
from spona.cases.forms import (
    BreakGlassForm,
    ConsentForm,
    ReferralForm,
    ReopenForm,
    TransitionForm,
)
from spona.cases.models import Case, Consent, Referral
from spona.cases.referrals import ReferralMove, ReferralStep
from spona.cases.statistics import referral_statistics
from spona.core.actions import act_and_return, incomplete_and_return, submit_and_return
from spona.core.forms import EmptyForm
from spona.disclosure import K
from spona.policy import require, visible


@login_required
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, CASE_VIEW)
    context = selectors.case_list_page(user=request.user, params=request.GET)
    return render(request, "cases/case_list.html", context)


@login_required
def case_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    case = selectors.case_get(user=request.user, code=code)
    user = request.user
    page = selectors.case_page(user, case)
    may: selectors.CasePermissions = page["may"]
    context = {
        **page,
        "consent_form": EmptyForm(ConsentForm, auto_id="consent_%s") if may.lead else None,
        "referral_form": EmptyForm(
            ReferralForm, auto_id="referral_%s", options={"sender_id": user.institution_id}
        )
        if may.refer
        else None,
        "transition_form": EmptyForm(
            TransitionForm, initial={"version": case.version}, options={"targets": may.targets}
        )
        if may.targets
        else None,
        "reopen_form": EmptyForm(ReopenForm, initial={"version": case.version})
        if may.reopen
        else None,
    }
    return render(request, "cases/case_detail.html", context)


DECISION_INCOMPLETE = gettext_lazy(
    "Fill in the decision: its date, who decided and the reasons, or the reason for closing."
)


def _case_page(code: str) -> str:
    return reverse("cases:case_detail", args=[code])


@login_required
@require_POST
def case_transition(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    case = selectors.case_get(user=request.user, code=code)
    targets = selectors.allowed_targets(request.user, case)
    if not targets:
        raise PermissionDenied
    form = TransitionForm(request.POST, targets=targets)
    return submit_and_return(
        request,
        form,
        lambda data: services.case_transition(
            user=request.user,
            case=case,
            expected_version=data["version"],
            to=data["to"],
            **form.details(),
        ),
        to=_case_page(code),
        incomplete=DECISION_INCOMPLETE,
    )


@login_required
@require_POST
def referral_act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    referral = get_object_or_404(visible(request.user, Referral).select_related("case"), pk=pk)
    if action not in ReferralStep:
        raise Http404
    require(request.user, REFERRAL_ACT, ReferralMove(referral, ReferralStep(action)))
    version = request.POST.get("version", "")
    if not version.isdigit():
        return incomplete_and_return(request, to=_case_page(referral.case.code))
    return act_and_return(
        request,
        lambda: services.referral_act(
            user=request.user,
            referral=referral,
            expected_version=int(version),
            action=action,
            reason=request.POST.get("reason", ""),
        ),
        to=_case_page(referral.case.code),
    )


@login_required
@require_POST
def case_reopen(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    case = selectors.case_get(user=request.user, code=code)
    require(request.user, CASE_REOPEN, case)
    return submit_and_return(
        request,
        ReopenForm(request.POST),
        lambda data: services.case_reopen(
            user=request.user, case=case, expected_version=data["version"], reason=data["reason"]
        ),
        to=_case_page(code),
    )


@login_required
@require_POST
def referral_send(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    case = selectors.case_get(user=request.user, code=code)
    require(request.user, REFERRAL_SEND, case)
    return submit_and_return(
        request,
        ReferralForm(request.POST, sender_id=request.user.institution_id),
        lambda data: services.referral_send(user=request.user, case=case, **data),
        to=_case_page(code),
        done=_("The referral was sent."),
        incomplete=None,
    )


@login_required
@require_POST
def consent_record(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    case = selectors.case_get(user=request.user, code=code)
    require(request.user, CONSENT_MANAGE, case)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return incomplete_and_return(request, to=_case_page(code))
    services.consent_record(user=request.user, case=case, **form.cleaned_data)
    messages.success(request, _("The consent was recorded."))
    return redirect("cases:case_detail", code=code)


@login_required
@require_POST
def consent_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(
        Consent.objects.filter(case__in=visible(request.user, Case)).select_related("case"), pk=pk
    )
    services.consent_withdraw(user=request.user, consent=consent)
    messages.success(request, _("The consent was withdrawn; it takes effect at once."))
    return redirect("cases:case_detail", code=consent.case.code)


@login_required
def break_glass(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Emergency access to a case outside one's team: a reason, a time limit, alerts."""
    require(request.user, BREAK_GLASS)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.break_glass_open(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            until = formats.date_format(
                timezone.localtime(grant.expires_at), "SHORT_DATETIME_FORMAT"
            )
            alerts = services.break_glass_alerts(request.user, grant.case)
            if alerts.own_supervisors:
                text = _(
                    "Emergency access is open until %(until)s. Your supervisors, the case's "
                    "lead institution and the Centre have been alerted."
                )
            else:
                text = _(
                    "Emergency access is open until %(until)s. Your institution has no "
                    "supervisor account: the case's lead institution and the Centre have been "
                    "alerted."
                )
            messages.warning(request, text % {"until": until})
            return redirect("cases:case_detail", code=grant.case.code)
    context = {"form": form, "daily_limit": settings.BREAK_GLASS_DAILY_LIMIT}
    return render(request, "cases/break_glass.html", context)


@login_required
def break_glass_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every break-glass use a supervisor (their institution's users) or the Centre (all)
    reviews: who, when, which case, why."""
    require(request.user, BREAK_GLASS_REVIEW)
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    grants, more = selectors.break_glass_review(user=request.user, page=page)
    context = {
        "grants": grants,
        "page": max(page, 1),
        "more": more,
        "all_institutions": reviews_all_break_glass(request.user),
        "daily_limit": settings.BREAK_GLASS_DAILY_LIMIT,
    }
    return render(request, "cases/break_glass_review.html", context)


@login_required
def referral_statistics_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who refers, how fast: exact for roles that see cases, suppressed for analysts."""
    require(request.user, REFERRAL_STATISTICS)
    stats = referral_statistics(user=request.user)
    return render(request, "cases/referral_statistics.html", {"stats": stats, "k": K})
