"""Who does what: the mandate matrix in plain language, with every institution's duty line."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from spona.accounts.http import AuthenticatedHttpRequest
from spona.coordination import selectors, services
from spona.coordination.access import MANDATE_MANAGE
from spona.coordination.forms import MandateForm
from spona.core.phases import RESPONSE_PHASE_CHOICES
from spona.institutions.access import VIEW_DIRECTORY
from spona.institutions.models import InstitutionType, Municipality
from spona.policy import can, require


def _place(request: AuthenticatedHttpRequest) -> Municipality | None:
    code = request.GET.get("municipality")
    if code:
        return Municipality.objects.filter(code=code).first()
    institution = request.user.institution
    return institution.municipality if institution else None


@login_required
def who_does_what(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(request.user, VIEW_DIRECTORY)
    place = _place(request)
    cells = selectors.matrix(place)
    contacts = selectors.duty_contacts(place)
    rows = [(InstitutionType(kind).label, cells[kind], contacts[kind]) for kind in cells]
    context = {
        "place": place,
        "phases": RESPONSE_PHASE_CHOICES,
        "rows": rows,
        "municipalities": Municipality.objects.filter(institutions__isnull=False).distinct(),
        "may_adapt": place is not None and can(request.user, MANDATE_MANAGE, place),
    }
    return render(request, "coordination/who_does_what.html", context)


@login_required
def mandate_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    institution = request.user.institution
    place = institution.municipality if institution else None
    require(request.user, MANDATE_MANAGE, place)
    assert place is not None  # noqa: S101 - required by MANDATE_MANAGE
    form = MandateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.mandate_set(user=request.user, municipality=place, **form.cleaned_data)
        messages.success(request, _("The matrix of %(place)s was changed.") % {"place": place})
        return redirect("coordination:who_does_what")
    return render(request, "coordination/mandate_form.html", {"form": form, "place": place})
