"""The directory, its upkeep, HSDS export and import, service requests, services delivered
and the unmet-needs page: thin views over the selectors and services."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spona.accounts.http import AuthenticatedHttpRequest
from spona.cases import selectors as case_selectors
from spona.core.actions import submit_or_redisplay
from spona.core.locking import StaleEditError
from spona.institutions.access import home_municipality
from spona.institutions.models import Municipality
from spona.policy import can, require, visible
from spona.providers import exchange, selectors, services
from spona.providers.access import (
    DELIVERY_RECORD,
    HSDS_IMPORT,
    PROVIDER_EDIT,
    SERVICE_REQUEST,
)
from spona.providers.forms import (
    DeliveryForm,
    ImportForm,
    OfferForm,
    ProviderAddForm,
    ProviderForm,
    ServiceForm,
    ServiceRequestForm,
)
from spona.providers.models import Delivery, Domain, Offer, Provider, Service
from spona.providers.needs import unmet_needs


def _home(request: AuthenticatedHttpRequest) -> Municipality | None:
    pk = home_municipality(request.user)
    return Municipality.objects.get(pk=pk) if pk else None


def _chosen_municipality(request: AuthenticatedHttpRequest) -> Municipality | None:
    code = request.GET.get("municipality")
    if code is None:
        return None
    return Municipality.objects.filter(code=code).first() if code else None


@login_required
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    municipality = _chosen_municipality(request)
    domain = request.GET.get("domain", "")
    domain = domain if domain in Domain.values else ""
    home = _home(request)
    context = {
        "providers": selectors.provider_directory(
            user=request.user, municipality=municipality, domain=domain
        ),
        "municipalities": Municipality.objects.filter(
            institutions__provider__isnull=False
        ).distinct(),
        "selected": municipality,
        "domains": Domain.choices,
        "domain": domain,
        "may_add": can(request.user, PROVIDER_EDIT, home) if home else False,
        "may_import": can(request.user, HSDS_IMPORT),
    }
    return render(request, "providers/directory.html", context)


@login_required
def provider_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        provider = selectors.provider_get(user=request.user, pk=pk)
    except Provider.DoesNotExist as error:
        raise Http404 from error
    context = {
        "provider": provider,
        "services": provider.services.select_related("municipality"),
        "offers": provider.offers.all(),
        "may_edit": can(request.user, PROVIDER_EDIT, provider),
    }
    return render(request, "providers/provider_detail.html", context)


@login_required
def provider_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    home = _home(request)
    require(request.user, PROVIDER_EDIT, home)
    form = ProviderAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        provider = services.provider_add(user=request.user, municipality=home, **form.cleaned_data)
        messages.success(request, _("The provider is in the directory."))
        return redirect(_detail(provider.pk))
    return render(
        request,
        "providers/form.html",
        {"form": form, "title": _("Add a provider"), "place": home},
    )


def _detail(provider_pk: int) -> str:
    return reverse("providers:provider_detail", args=[provider_pk])


def _without_version(data: dict[str, Any]) -> dict[str, Any]:
    """A new record starts at version 1: the form's version field is not the service's to take."""
    return {name: value for name, value in data.items() if name != "version"}


def _editable(request: AuthenticatedHttpRequest, pk: int) -> Provider:
    provider = get_object_or_404(
        visible(request.user, Provider).select_related("institution"), pk=pk
    )
    require(request.user, PROVIDER_EDIT, provider)
    return provider


@login_required
def provider_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    provider = _editable(request, pk)
    form = ProviderForm(
        request.POST or None, instance=provider, initial={"version": provider.version}
    )
    saved = submit_or_redisplay(
        request,
        form,
        lambda data: services.provider_update(
            user=request.user,
            provider=form.instance,
            expected_version=data["version"],
            changed=form.changed_data,
        ),
        to=_detail(provider.pk),
    )
    if saved is not None:
        return saved
    return render(
        request, "providers/form.html", {"form": form, "title": provider, "provider": provider}
    )


@login_required
def service_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    provider = _editable(request, pk)
    form = ServiceForm(request.POST or None, initial={"version": 1})
    saved = submit_or_redisplay(
        request,
        form,
        lambda data: services.service_add(
            user=request.user, provider=provider, **_without_version(data)
        ),
        to=_detail(provider.pk),
        done=_("The service is in the directory."),
    )
    if saved is not None:
        return saved
    return render(
        request,
        "providers/form.html",
        {"form": form, "title": _("Add a service"), "provider": provider},
    )


@login_required
def service_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(visible(request.user, Service).select_related("provider"), pk=pk)
    require(request.user, PROVIDER_EDIT, service.provider)
    form = ServiceForm(request.POST or None, instance=service, initial={"version": service.version})
    saved = submit_or_redisplay(
        request,
        form,
        lambda data: services.service_update(
            user=request.user,
            service=form.instance,
            expected_version=data["version"],
            changed=form.changed_data,
        ),
        to=_detail(service.provider_id),
    )
    if saved is not None:
        return saved
    return render(
        request,
        "providers/form.html",
        {"form": form, "title": service.name, "provider": service.provider},
    )


@login_required
def offer_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    home = _home(request)
    require(request.user, PROVIDER_EDIT, home)
    form = OfferForm(request.POST or None, municipality=home)
    saved = submit_or_redisplay(
        request,
        form,
        lambda data: services.offer_add(user=request.user, municipality=home, **data),
        to=lambda offer: _detail(offer.provider_id),
        done=_("The offer is in the directory."),
    )
    if saved is not None:
        return saved
    return render(
        request,
        "providers/form.html",
        {"form": form, "title": _("Add an employer's offer"), "place": home},
    )


@login_required
@require_POST
def offer_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(visible(request.user, Offer).select_related("provider"), pk=pk)
    require(request.user, PROVIDER_EDIT, offer.provider)
    version = request.POST.get("version", "")
    try:
        services.offer_close(
            user=request.user,
            offer=offer,
            expected_version=int(version) if version.isdigit() else 0,
        )
    except StaleEditError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The offer is closed."))
    return redirect(_detail(offer.provider_id))


@login_required
def export_hsds(request: AuthenticatedHttpRequest) -> HttpResponse:
    document = exchange.export_document(user=request.user)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="spona-hsds-{stamp}.json"'
    return response


@login_required
def import_hsds(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, HSDS_IMPORT)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]  # checked: within the upload limit, UTF-8 text
        try:
            document = exchange.read_upload(upload.content)
            providers, added = exchange.import_document(user=request.user, document=document)
        except exchange.HsdsError as error:
            errors = error.errors
        else:
            messages.success(
                request,
                _("Imported %(providers)s providers and %(services)s services.")
                % {"providers": providers, "services": added},
            )
            return redirect("providers:directory")
    return render(request, "providers/import.html", {"form": form, "errors": errors[:200]})


@login_required
def needs(request: AuthenticatedHttpRequest) -> HttpResponse:
    chosen = _chosen_municipality(request)
    municipality = chosen if "municipality" in request.GET else _home(request)
    year = timezone.localdate().year
    report = unmet_needs(user=request.user, municipality=municipality, year=year)
    return render(
        request,
        "providers/needs.html",
        {
            "needs": report,
            "municipalities": Municipality.objects.filter(institutions__isnull=False).distinct(),
        },
    )


@login_required
def service_request(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    case = case_selectors.case_get(user=request.user, code=code)
    require(request.user, SERVICE_REQUEST, case)
    service_options = list(selectors.services_for_case(user=request.user, case=case))
    offer_options = list(selectors.offer_suggestions(user=request.user, case=case))
    initial = {"target": request.GET.get("target", "")}
    form = ServiceRequestForm(
        request.POST or None, initial=initial, services=service_options, offers=offer_options
    )

    def send(data: dict[str, Any]) -> object:
        kind, _sep, pk = data["target"].partition(":")
        target: dict[str, Any] = (
            {"service": next(s for s in service_options if str(s.pk) == pk)}
            if kind == "service"
            else {"offer": next(o for o in offer_options if str(o.pk) == pk)}
        )
        return services.service_request_send(
            user=request.user, case=case, urgency=data["urgency"], reason=data["reason"], **target
        )

    saved = submit_or_redisplay(
        request,
        form,
        send,
        to=reverse("cases:case_detail", args=[case.code]),
        done=_("The request was sent as a referral."),
    )
    if saved is not None:
        return saved
    return render(
        request,
        "providers/form.html",
        {"form": form, "title": _("Request a service"), "case": case},
    )


@login_required
def delivery_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    case = case_selectors.case_get(user=request.user, code=code)
    require(request.user, DELIVERY_RECORD, case)
    form = DeliveryForm(request.POST or None, initial={"version": 1}, case=case)
    saved = submit_or_redisplay(
        request,
        form,
        lambda data: services.delivery_record(
            user=request.user, case=case, **_without_version(data)
        ),
        to=reverse("cases:case_detail", args=[case.code]),
        done=_("The service delivered was recorded."),
    )
    if saved is not None:
        return saved
    return render(
        request,
        "providers/form.html",
        {"form": form, "title": _("Record a service delivered"), "case": case},
    )


@login_required
def delivery_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(visible(request.user, Delivery).select_related("case"), pk=pk)
    require(request.user, DELIVERY_RECORD, delivery.case)
    form = DeliveryForm(
        request.POST or None,
        instance=delivery,
        initial={"version": delivery.version},
        case=delivery.case,
    )
    saved = submit_or_redisplay(
        request,
        form,
        lambda data: services.delivery_update(
            user=request.user,
            delivery=form.instance,
            expected_version=data["version"],
            changed=form.changed_data,
        ),
        to=reverse("cases:case_detail", args=[delivery.case.code]),
    )
    if saved is not None:
        return saved
    return render(
        request,
        "providers/form.html",
        {"form": form, "title": _("Service delivered"), "case": delivery.case},
    )
