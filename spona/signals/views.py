"""Signals: raising one (staff or citizen), one's own, the triage queue and triage actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from spona.accounts.http import AuthenticatedHttpRequest
from spona.core.actions import act_and_return, incomplete_and_return, submit_and_return
from spona.core.links import code_urls
from spona.policy import can, require, visible
from spona.signals import ratelimit, selectors, services
from spona.signals.access import SIGNAL_RAISE, SIGNAL_TRIAGE, SIGNAL_VIEW
from spona.signals.forms import (
    SIGNAL_FIELDS,
    AssignForm,
    CitizenSignalForm,
    DismissForm,
    FollowUpForm,
    MergeForm,
    SignalForm,
    empty_fields,
    triage_fields,
)
from spona.signals.models import Signal
from spona.signals.warning_signs import texts_of

CITIZEN_LIMIT, CITIZEN_WINDOW = 5, 60 * 60


@login_required
def signal_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, SIGNAL_RAISE)
    institution = request.user.institution
    initial = {"municipality": institution.municipality_id if institution else None}
    institution_type = institution.type if institution else ""
    if not request.POST:  # the empty form, its fields kept (``empty_fields``)
        fields = empty_fields(initial=initial, institution_type=institution_type)
        return render(request, "signals/signal_form.html", {"fields": fields})
    form = SignalForm(request.POST, initial=initial, institution_type=institution_type)
    if form.is_valid():
        signal = services.signal_raise(user=request.user, **form.cleaned_data)
        messages.success(
            request,
            _(
                "Thank you. The signal %(code)s was sent to the social welfare centre and the police."
            )
            % {"code": signal.code},
        )
        return HttpResponseRedirect(code_urls(signal.code, ["signals:signal_detail"])[0])
    return render(request, "signals/signal_form.html", {"fields": form.fields_html()})


@login_required
def signal_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, SIGNAL_VIEW)
    context = {
        **selectors.signal_list_page(user=request.user, params=request.GET),
        "may_triage": can(request.user, SIGNAL_TRIAGE),
        "may_raise": can(request.user, SIGNAL_RAISE),
    }
    return render(request, "signals/signal_list.html", context)


@login_required
def signal_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    signal = selectors.signal_get(user=request.user, code=code)
    may_triage = can(request.user, SIGNAL_TRIAGE, signal)
    context = {
        "signal": signal,
        "may_triage": may_triage,
        "notes": selectors.signal_notes(signal),
        "signs": texts_of(signal.indicators),
    }
    if may_triage:
        context["triage"] = triage_fields(signal)
        context["triage_to"] = triage_actions(signal.code)
    return render(request, "signals/signal_detail.html", context)


def triage_actions(code: str) -> dict[str, str]:
    """Where the signal page's triage forms are sent: a signal just raised has a code no
    page has reversed yet (``code_urls``)."""
    return dict(zip(TRIAGE_ACTIONS, code_urls(code, TRIAGE_VIEWS), strict=True))


TRIAGE_ACTIONS = ("assign", "merge", "dismiss")
TRIAGE_VIEWS = [f"signals:signal_{action}" for action in TRIAGE_ACTIONS]


def _triage_target(request: AuthenticatedHttpRequest, code: str) -> Signal:
    signal = get_object_or_404(visible(request.user, Signal), code=code)
    require(request.user, SIGNAL_TRIAGE, signal)
    return signal


@login_required
@require_POST
def signal_assign(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    signal = _triage_target(request, code)
    return submit_and_return(
        request,
        AssignForm(request.POST, municipality=signal.municipality_id),
        lambda data: services.signal_assign(
            user=request.user,
            signal=signal,
            expected_version=data["version"],
            institution=data["institution"],
            urgency=data["urgency"],
        ),
        to=_signal_page(signal),
        done=SIGNAL_UPDATED,
    )


@login_required
@require_POST
def signal_dismiss(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    signal = _triage_target(request, code)
    return submit_and_return(
        request,
        DismissForm(request.POST),
        lambda data: services.signal_dismiss(
            user=request.user,
            signal=signal,
            expected_version=data["version"],
            reason=data["reason"],
        ),
        to=_signal_page(signal),
        done=SIGNAL_UPDATED,
    )


@login_required
@require_POST
def signal_merge(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    signal = _triage_target(request, code)
    form = MergeForm(request.POST)
    if form.is_valid():
        into = (
            visible(request.user, Signal)
            .filter(code=form.cleaned_data["into"].strip().upper())
            .first()
        )
        if into is not None and into.pk != signal.pk:
            return act_and_return(
                request,
                lambda: services.signal_merge(
                    user=request.user,
                    signal=signal,
                    expected_version=form.cleaned_data["version"],
                    into=into,
                ),
                to=_signal_page(signal),
                done=SIGNAL_UPDATED,
            )
        messages.error(request, _("No other signal you may see has that code."))
        return redirect("signals:signal_detail", code=code)
    return incomplete_and_return(request, to=_signal_page(signal))


SIGNAL_UPDATED = gettext_lazy("The signal was updated.")


def _signal_page(signal: Signal) -> str:
    return reverse("signals:signal_detail", args=[signal.code])


def citizen_report(request: HttpRequest) -> HttpResponse:
    """The public form: no sign-in, limited per client, nothing identifying required."""
    form = CitizenSignalForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.allow(
            request, scope="citizen", limit=CITIZEN_LIMIT, window_seconds=CITIZEN_WINDOW
        ):
            return render(request, "signals/too_many.html", status=429)
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in SIGNAL_FIELDS}
            _signal, receipt = services.citizen_signal_submit(**fields)
            return render(request, "signals/citizen_thanks.html", {"receipt": receipt})
    return render(request, "signals/citizen_form.html", {"form": form})


def citizen_follow_up(request: HttpRequest) -> HttpResponse:
    form = FollowUpForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.allow(
            request, scope="follow-up", limit=CITIZEN_LIMIT, window_seconds=CITIZEN_WINDOW
        ):
            return render(request, "signals/too_many.html", status=429)
        if form.is_valid():
            if services.citizen_signal_add(
                receipt=form.cleaned_data["receipt"], text=form.cleaned_data["text"]
            ):
                return render(request, "signals/citizen_thanks.html", {"added": True})
            form.add_error("receipt", _("No signal has this receipt code. Check it and try again."))
    return render(request, "signals/citizen_follow_up.html", {"form": form})
