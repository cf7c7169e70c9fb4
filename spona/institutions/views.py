"""The directory of institutions (everyone signed in) and its management (system admins)."""

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from spona.core.locking import StaleEditError
from spona.institutions import selectors, services
from spona.institutions.access import MANAGE_INSTITUTIONS
from spona.institutions.forms import InstitutionForm
from spona.institutions.models import Institution, Municipality
from spona.policy import require, visible

if TYPE_CHECKING:
    from spona.accounts.http import AuthenticatedHttpRequest


@login_required
def directory(request: "AuthenticatedHttpRequest") -> HttpResponse:
    code = request.GET.get("municipality", "")
    municipalities = selectors.municipality_list(user=request.user)
    municipality = municipalities.filter(code=code).first() if code else None
    context = {
        "institutions": selectors.institution_directory(
            user=request.user, municipality=municipality
        ),
        "municipalities": Municipality.objects.filter(institutions__isnull=False).distinct(),
        "selected": municipality,
    }
    return render(request, "institutions/directory.html", context)


@login_required
def municipality_list(request: "AuthenticatedHttpRequest") -> HttpResponse:
    municipalities = selectors.municipality_list(user=request.user)
    return render(
        request, "institutions/municipality_list.html", {"municipalities": municipalities}
    )


@login_required
def institution_list(request: "AuthenticatedHttpRequest") -> HttpResponse:
    require(request.user, MANAGE_INSTITUTIONS)
    institutions = visible(request.user, Institution).select_related("municipality")
    return render(
        request, "institutions/manage/institution_list.html", {"institutions": institutions}
    )


@login_required
def institution_create(request: "AuthenticatedHttpRequest") -> HttpResponse:
    require(request.user, MANAGE_INSTITUTIONS)
    form = InstitutionForm(request.POST or None, initial={"version": 1})
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        services.institution_create(**fields)
        messages.success(request, _("The institution was saved."))
        return redirect("institutions_manage:institution_list")
    return render(request, "institutions/manage/institution_form.html", {"form": form})


@login_required
def institution_edit(request: "AuthenticatedHttpRequest", pk: int) -> HttpResponse:
    require(request.user, MANAGE_INSTITUTIONS)
    institution = get_object_or_404(visible(request.user, Institution), pk=pk)
    form = InstitutionForm(
        request.POST or None, instance=institution, initial={"version": institution.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.institution_update(
                form.instance,
                expected_version=form.cleaned_data["version"],
                changed=form.changed_data,
            )
        except StaleEditError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The institution was saved."))
            return redirect("institutions_manage:institution_list")
    return render(
        request,
        "institutions/manage/institution_form.html",
        {"form": form, "institution": institution},
    )
