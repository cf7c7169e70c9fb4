"""Queueing jobs, running them in the worker, and reporting progress."""

from collections.abc import Callable
from typing import Any

from django.tasks import task
from django.utils import timezone

from spona.accounts.models import User
from spona.jobs.models import Job, JobStatus

#: kind -> the function that does the work; it gets the job and a ``progress(done, total)``
#: callback and returns the result (a JSON-able dict). Apps register their kinds.
RUNNERS: dict[str, Callable[[Job, Callable[[int, int], None]], dict[str, Any]]] = {}


class JobFailedError(Exception):
    """Raised by a runner to end the job with errors the user can read (nothing was saved)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def register(kind: str) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    def decorator(runner: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        RUNNERS[kind] = runner
        return runner

    return decorator


def job_start(*, kind: str, owner: User, payload: dict[str, Any]) -> Job:
    """Record the job and queue it for the worker."""
    job = Job.objects.create(kind=kind, owner=owner, payload=payload)
    run_job.enqueue(job.pk)  # the database queue keeps it until this transaction commits
    return job


def _progress(job_id: int) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        Job.objects.filter(pk=job_id).update(done=done, total=total)

    return report


@task()
def run_job(job_id: int) -> None:
    """The worker's entry point: run the job's runner and store what came of it."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING)
    try:
        result = RUNNERS[job.kind](job, _progress(job_id))
    except JobFailedError as failure:
        Job.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, errors=failure.errors, finished_at=timezone.now()
        )
        return
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.SUCCEEDED, result=result, finished_at=timezone.now()
    )
