from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from spona.accounts.http import AuthenticatedHttpRequest
from spona.cases.selectors import overdue_referrals
from spona.conferences.selectors import overdue_tasks_shown
from spona.core.phases import Phase, tools_for


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    phases = [(phase, phase.label, tools_for(request.user, phase)) for phase in Phase]
    context = {
        "phase_tools": phases,
        "overdue_tasks": overdue_tasks_shown(user=request.user),
        "overdue_referrals": overdue_referrals(user=request.user)[:50],
    }
    return render(request, "workspace/home.html", context)


@login_required
def phase(request: AuthenticatedHttpRequest, phase: str) -> HttpResponse:
    if phase not in Phase.values:
        raise Http404
    current = Phase(phase)
    context = {"phase": current, "title": current.label, "tools": tools_for(request.user, current)}
    return render(request, "workspace/phase.html", context)
