from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from spona.accounts.http import AuthenticatedHttpRequest
from spona.jobs.models import Job


@login_required
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Progress and outcome of one's own job; the page refreshes itself until it is done."""
    job = get_object_or_404(Job, pk=pk, owner=request.user)
    return render(request, "jobs/job_detail.html", {"job": job})
