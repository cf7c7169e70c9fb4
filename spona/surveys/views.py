"""Survey pages: waves, imports, interviews, results with charts, comparisons, reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spona.accounts.http import AuthenticatedHttpRequest
from spona.institutions.models import Municipality
from spona.policy import can, require
from spona.surveys import results, selectors, services
from spona.surveys.access import SURVEY_ENTER, SURVEY_MANAGE, SURVEY_VIEW
from spona.surveys.charts import Bar, bar_chart
from spona.surveys.forms import ImportForm, MarginsForm, ResponseForm, WaveForm
from spona.surveys.models import SurveyWave
from spona.surveys.weighting import WeightingError


@login_required
def wave_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, SURVEY_VIEW)
    waves = SurveyWave.objects.select_related("instrument").annotate(
        responses_count=Count("responses")
    )
    context = {"waves": waves, "may_create": can(request.user, SURVEY_MANAGE)}
    return render(request, "surveys/wave_list.html", context)


@login_required
def wave_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, SURVEY_MANAGE)
    home = Municipality.objects.filter(institutions__users=request.user)
    form = WaveForm(request.POST or None, municipalities=home)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        wave = services.wave_create(
            user=request.user, municipalities=fields.pop("municipalities"), **fields
        )
        return redirect("surveys:wave_detail", pk=wave.pk)
    return render(request, "surveys/form.html", {"form": form, "title": _("New survey wave")})


@login_required
def wave_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    wave, responses = selectors.wave_shown(pk)
    context = {
        "wave": wave,
        "results": results.wave_results(user=request.user, wave=wave),
        "other_waves": selectors.other_waves(wave),
        "may_manage": can(request.user, SURVEY_MANAGE, wave),
        "may_enter": can(request.user, SURVEY_ENTER, wave),
        "responses": responses,
    }
    return render(request, "surveys/wave_detail.html", context)


@login_required
def wave_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    wave = get_object_or_404(SurveyWave, pk=pk)
    require(request.user, SURVEY_MANAGE, wave)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = services.import_start(user=request.user, wave=wave, upload=form.cleaned_data["file"])
        return redirect("jobs:job_detail", pk=job.pk)
    return render(
        request,
        "surveys/form.html",
        {"form": form, "title": _("Import responses"), "multipart": True},
    )


@login_required
def wave_margins(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    wave = get_object_or_404(SurveyWave, pk=pk)
    require(request.user, SURVEY_MANAGE, wave)
    form = MarginsForm(request.POST or None, wave=wave)
    if request.method == "POST" and form.is_valid():
        try:
            services.wave_margins_set(user=request.user, wave=wave, margins=form.margins())
        except WeightingError as error:
            form.add_error(
                None,
                _("The weights cannot be raked to these margins: %(reason)s") % {"reason": error},
            )
        else:
            messages.success(request, _("The weights were raked to the new margins."))
            return redirect("surveys:wave_detail", pk=pk)
    return render(request, "surveys/form.html", {"form": form, "title": _("Population margins")})


@login_required
def response_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The interviewer's form, for a phone in the field."""
    wave = get_object_or_404(SurveyWave.objects.select_related("instrument"), pk=pk)
    require(request.user, SURVEY_ENTER, wave)
    form = ResponseForm(request.POST or None, wave=wave)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_enter(
                user=request.user,
                wave=wave,
                municipality=form.cleaned_data["municipality"],
                sex=form.cleaned_data["sex"],
                age=form.cleaned_data["age"],
                answers=form.answers(),
            )
        except WeightingError as error:  # the wave's margins have no cell for this respondent
            form.add_error(
                None,
                _("The weights cannot be raked to these margins: %(reason)s") % {"reason": error},
            )
        else:
            messages.success(request, _("The interview was saved. Thank you."))
            return redirect("surveys:response_create", pk=pk)
    return render(request, "surveys/form.html", {"form": form, "title": _("Interview")})


@login_required
@require_POST
def wave_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    wave = get_object_or_404(SurveyWave, pk=pk)
    kind = services.EXPORT_JOB if request.POST.get("format") == "xlsx" else services.REPORT_JOB
    job = services.report_start(user=request.user, wave=wave, kind=kind)
    return redirect("jobs:job_detail", pk=job.pk)


@login_required
def compare(request: AuthenticatedHttpRequest, pk: int, other: int) -> HttpResponse:
    first = get_object_or_404(SurveyWave.objects.select_related("instrument"), pk=pk)
    second = get_object_or_404(SurveyWave.objects.select_related("instrument"), pk=other)
    differences = selectors.compare(user=request.user, first=first, second=second)
    bars = [
        bar
        for d in differences
        for bar in (
            Bar(d.title, d.a.estimate, d.a.ci_low, d.a.ci_high, 0),
            Bar("", d.b.estimate, d.b.ci_low, d.b.ci_high, 1),
        )
    ]
    chart = bar_chart(bars, title=_("Wave to wave"), legend=[first.name, second.name])
    return render(
        request,
        "surveys/compare.html",
        {"first": first, "second": second, "differences": differences, "chart": chart},
    )
