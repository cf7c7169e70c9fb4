"""Screening pages: start, fill in (draft), complete, result with protocol, amend, catalogue."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spona.accounts.http import AuthenticatedHttpRequest
from spona.core.locking import StaleEditError
from spona.institutions.access import VIEW_DIRECTORY
from spona.policy import can, require, visible
from spona.screening import catalogue as catalogue_io
from spona.screening import selectors, services
from spona.screening.access import CATALOGUE_MANAGE, SCREENING_EDIT
from spona.screening.engine import Index
from spona.screening.forms import AmendForm, CatalogueUploadForm, ScreeningForm
from spona.screening.models import IndicatorCatalogue, ProtocolStep, ScreeningStatus
from spona.signals.models import Signal


@login_required
def screening_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    screenings = selectors.screening_list(user=request.user)
    return render(request, "screening/screening_list.html", {"screenings": screenings})


@login_required
@require_POST
def screening_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    code = request.POST.get("signal", "")
    signal = get_object_or_404(visible(request.user, Signal), code=code) if code else None
    try:
        screening = services.screening_start(user=request.user, signal=signal)
    except services.NoActiveCatalogueError:
        messages.error(
            request,
            _("No indicator catalogue is loaded. Ask the system administrator to load one."),
        )
        return redirect("screening:screening_list")
    return redirect("screening:screening_edit", pk=screening.pk)


def _form_context(form: ScreeningForm, screening: Any) -> dict[str, Any]:
    return {
        "form": form,
        "screening": screening,
        "dimension_fields": [
            form[name] for name in form.indicator_fields if name not in form.form_fields
        ],
        "form_fields": [form[name] for name in form.form_fields],
        "distinction_fields": [form[name] for name in form.distinction_fields],
        "signal_signs": selectors.warning_sign_texts(screening.signal.indicators)
        if screening.signal
        else [],
    }


def _form_for(
    form_class: type[ScreeningForm], request: AuthenticatedHttpRequest, screening: Any
) -> ScreeningForm:
    """The form on the active catalogue: a screening is completed under the catalogue in
    force, whatever it was started with."""
    catalogue = services.active_catalogue().data
    return form_class(
        request.POST or None,
        catalogue=catalogue,
        initial=form_class.initial_from(screening, catalogue),
    )


@login_required
def screening_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    screening = selectors.screening_get(user=request.user, pk=pk)
    if screening.status == ScreeningStatus.COMPLETED:
        return redirect("screening:screening_result", pk=pk)
    require(request.user, SCREENING_EDIT, screening)
    form = _form_for(ScreeningForm, request, screening)
    if request.method == "POST" and form.is_valid():
        data, version = form.data_for_service(), form.cleaned_data["version"]
        try:
            if "complete" in request.POST:
                services.screening_complete(
                    user=request.user, screening=screening, expected_version=version, data=data
                )
                return redirect("screening:screening_result", pk=pk)
            services.screening_save_draft(
                user=request.user, screening=screening, expected_version=version, data=data
            )
        except StaleEditError as error:
            form.add_error(None, error.message)
        except services.ScreeningInputError as error:
            _add_input_errors(form, error)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("screening:screening_edit", pk=pk)
    return render(request, "screening/screening_form.html", _form_context(form, screening))


@login_required
def screening_amend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    screening = selectors.screening_get(user=request.user, pk=pk)
    require(request.user, SCREENING_EDIT, screening)
    if screening.status != ScreeningStatus.COMPLETED:
        return redirect("screening:screening_edit", pk=pk)
    form = _form_for(AmendForm, request, screening)
    if request.method == "POST" and form.is_valid():
        try:
            services.screening_amend(
                user=request.user,
                screening=screening,
                expected_version=form.cleaned_data["version"],
                data=form.data_for_service(),
                reason=form.cleaned_data["reason"],
            )
        except StaleEditError as error:
            form.add_error(None, error.message)
        except services.ScreeningInputError as error:
            _add_input_errors(form, error)
        else:
            messages.success(request, _("The screening was amended; the previous version is kept."))
            return redirect("screening:screening_result", pk=pk)
    return render(
        request,
        "screening/screening_form.html",
        {**_form_context(form, screening), "amending": True},
    )


def _add_input_errors(form: ScreeningForm, error: Any) -> None:
    for problems in error.errors.values():
        for problem in problems:
            form.add_error(None, problem)


@login_required
def screening_result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    screening = selectors.screening_get(user=request.user, pk=pk)
    if screening.status != ScreeningStatus.COMPLETED:
        return redirect("screening:screening_edit", pk=pk)
    context = {
        "screening": screening,
        "may_edit": can(request.user, SCREENING_EDIT, screening),
        "cases": screening.person.cases.all(),
        "revisions": screening.revisions.all(),
        **selectors.result_view_model(screening),
    }
    return render(request, "screening/screening_result.html", context)


@login_required
def screening_rescreen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What the screening would be under the current rules and catalogue; nothing changes."""
    context = selectors.rescreen(user=request.user, pk=pk)
    if context["screening"].status != ScreeningStatus.COMPLETED:
        return redirect("screening:screening_edit", pk=pk)
    return render(request, "screening/screening_rescreen.html", context)


@login_required
@require_POST
def step_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(ProtocolStep.objects.select_related("screening"), pk=pk)
    selectors.screening_get(user=request.user, pk=step.screening_id)  # 404 unless visible
    services.protocol_step_done(user=request.user, step=step)
    return redirect("screening:screening_result", pk=step.screening_id)


@login_required
def overdue(request: AuthenticatedHttpRequest) -> HttpResponse:
    steps = selectors.overdue_steps_page(user=request.user)
    return render(request, "screening/overdue.html", {"steps": steps})


@login_required
def catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, VIEW_DIRECTORY)
    may_manage = can(request.user, CATALOGUE_MANAGE)
    form = CatalogueUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require(request.user, CATALOGUE_MANAGE)
        if form.is_valid():
            try:
                document = catalogue_io.parse(form.cleaned_data["file"].read())
                services.catalogue_load(document=document, user=request.user)
            except catalogue_io.CatalogueError as error:
                for problem in error.errors:
                    form.add_error("file", problem)
            else:
                messages.success(request, _("The new catalogue is active."))
                return redirect("screening:catalogue")
    try:
        active: IndicatorCatalogue | None = services.active_catalogue()
    except services.NoActiveCatalogueError:
        active = None
    context = {
        "active": active,
        "versions": visible(request.user, IndicatorCatalogue),
        "form": form if may_manage else None,
        "notes": catalogue_io.localized(active.data["provenance"].get("notes", {}))
        if active
        else "",
        "dimensions": _catalogue_dimensions(active.data) if active else [],
        "lists": _catalogue_lists(active.data) if active else [],
    }
    return render(request, "screening/catalogue.html", context)


def _catalogue_lists(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**entry, "title": catalogue_io.localized(entry["title"])}
        for entry in document.get("lists", [])
    ]


def _catalogue_dimensions(document: dict[str, Any]) -> list[dict[str, Any]]:
    index = Index(document)
    return [
        {
            "title": catalogue_io.localized(d["title"]),
            "indicators": [
                {
                    "code": i["code"],
                    "text": catalogue_io.localized(i["text"]),
                    "strengths": [index.strength(i["code"], code) for code in index.lists],
                    "ilo11": i.get("ilo11", []),
                    "methods": i.get("methods_of_control", []),
                }
                for i in document["indicators"]
                if i["dimension"] == d["code"]
            ],
        }
        for d in document["dimensions"]
    ]
