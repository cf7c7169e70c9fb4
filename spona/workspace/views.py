from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from spona.accounts.http import AuthenticatedHttpRequest
from spona.accounts.models import User
from spona.core import numbers
from spona.core.phases import Phase, tools_by_phase, tools_for
from spona.core.roles import Role
from spona.core.work import Section, figures_for, sections_for
from spona.disclosure import protect_vector, shown
from spona.policy import can
from spona.signals.access import SIGNAL_RAISE


def municipality_summary(user: User) -> Section | None:
    """A coordinator's municipality in numbers: aggregates only, each published through the
    disclosure rule (a count from 1 to 10 shows as "<11")."""
    if user.role != Role.COORDINATOR or user.institution is None:
        return None
    municipality = user.institution.municipality
    if municipality is None:
        return None
    published = [
        (figure.label, protect_vector([count])[0][0])
        for figure, count in figures_for(municipality.pk)
    ]
    figures = [
        (label, shown(value) if value is None else numbers.count(value))
        for label, value in published
    ]
    return Section(
        key="municipality_summary",
        title=_("%(municipality)s in numbers") % {"municipality": municipality},
        count=0,
        items=[],
        figures=figures,
    )


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My work: what waits for this user and their institution, most urgent first."""
    user = request.user
    sections = sections_for(user)
    summary = municipality_summary(user)
    if summary is not None:  # after the sections with work waiting, before the empty ones
        sections = sorted([*sections, summary], key=Section.sort_key)
    context = {
        "sections": sections,
        "waiting": sum(section.count for section in sections),
        "overdue": sum(section.overdue_count for section in sections),
        "tools": tools_by_phase(user),
        "may_raise_signal": can(user, SIGNAL_RAISE),
    }
    return render(request, "workspace/home.html", context)


@login_required
def phase(request: AuthenticatedHttpRequest, phase: str) -> HttpResponse:
    if phase not in Phase.values:
        raise Http404
    current = Phase(phase)
    context = {"phase": current, "title": current.label, "tools": tools_for(request.user, current)}
    return render(request, "workspace/phase.html", context)
