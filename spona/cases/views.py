from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from spona.accounts.http import AuthenticatedHttpRequest
from spona.cases import selectors
from spona.policy import Action, require


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
    context = {
        "case": case,
        "referrals": case.referrals.select_related("from_institution", "to_institution"),
        "events": case.events.all(),
    }
    return render(request, "cases/case_detail.html", context)
