import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext

from spona.accounts.http import AuthenticatedHttpRequest
from spona.cases.selectors import overdue_referrals
from spona.conferences.selectors import overdue_tasks
from spona.core.phases import TOOLS, Tool
from spona.ops.faults import temporary_failure
from spona.policy import can


def _tools_for(request: HttpRequest, phase: str) -> list[Tool]:
    return [tool for tool in TOOLS[phase] if can(request.user, tool.action)]


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    phases = [(key, title, _tools_for(request, key)) for key, title in settings.PHASES]
    context = {
        "phase_tools": phases,
        "overdue_tasks": overdue_tasks(user=request.user)[:50],
        "overdue_referrals": overdue_referrals(user=request.user)[:50],
    }
    return render(request, "core/home.html", context)


@login_required
def phase(request: AuthenticatedHttpRequest, phase: str) -> HttpResponse:
    titles = dict(settings.PHASES)
    if phase not in titles:
        raise Http404
    context = {"phase": phase, "title": titles[phase], "tools": _tools_for(request, phase)}
    return render(request, "core/phase.html", context)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Pages get the translated 404 page; API clients get JSON, as the schema says."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """A translated error page that needs nothing from the database or the session; while
    the database cannot be reached or the upload disk is full, a "try again" page (JSON for
    the API) with its own status."""
    failure = temporary_failure(sys.exception())
    if failure is None:
        return HttpResponse(loader.render_to_string("500.html"), status=500)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": str(failure.message)}, status=failure.status
        )
    else:
        context = {"heading": failure.heading, "message": failure.message}
        response = HttpResponse(
            loader.render_to_string("unavailable.html", context), status=failure.status
        )
    response["Retry-After"] = "30"
    return response
