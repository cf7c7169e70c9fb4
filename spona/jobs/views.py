from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from spona.accounts.http import AuthenticatedHttpRequest
from spona.audit.models import AuditAction
from spona.audit.services import audit
from spona.jobs.models import Artifact, Job
from spona.jobs.services import job_title


@login_required
def artifact_download(request: AuthenticatedHttpRequest, pk: int, artifact: int) -> HttpResponse:
    """A file the job produced; downloading it is an export, so it is audited."""
    job = get_object_or_404(Job, pk=pk, owner=request.user)
    item = get_object_or_404(Artifact, pk=artifact, job=job)
    audit(AuditAction.EXPORT, item, user=request.user, details={"kind": job.kind})
    response = HttpResponse(bytes(item.data), content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="{item.filename}"'
    return response


@login_required
def job_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Progress and outcome of one's own job; the page refreshes itself until it is done."""
    job = get_object_or_404(Job, pk=pk, owner=request.user)
    return render(request, "jobs/job_detail.html", {"job": job, "title": job_title(job)})
