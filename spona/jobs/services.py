"""Queueing jobs, running them in the worker, and reporting progress."""

import logging
from collections.abc import Callable
from typing import Any

from django.tasks import task
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from spona.accounts.models import User
from spona.core.uploads import without_content
from spona.jobs.models import Artifact, Job, JobStatus

logger = logging.getLogger(__name__)
UNEXPECTED = _(
    "Something went wrong, and nothing was saved. The error has been recorded; try again later."
)
TOO_MUCH_MEMORY = _(
    "The job needed more memory than a job may use, and was stopped; nothing was saved. "
    "If it was an import, split the file into smaller ones."
)
TOO_LONG = _(
    "The job took longer than a job may take, and was stopped; nothing was saved. "
    "If it was an import, split the file into smaller ones."
)
STOPPED = _(
    "The job stopped before it finished: the background worker stopped, or the job needed "
    "more memory than a job may use. Nothing was saved; start it again, with a smaller file "
    "if it was an import."
)

#: kind -> the function that does the work; it gets the job and a ``progress(done, total)``
#: callback and returns the result (a JSON-able dict). Apps register their kinds.
RUNNERS: dict[str, Callable[[Job, Callable[[int, int], None]], dict[str, Any]]] = {}
#: kind -> what the job page calls it ("Survey report (PDF)"), translated when shown.
TITLES: dict[str, Promise] = {}
UNNAMED = _("Background job")


class JobFailedError(Exception):
    """Raised by a runner to end the job with errors the user can read (nothing was saved)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def register(
    kind: str, title: Promise | None = None
) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    """Register the runner of ``kind``; ``title`` (a lazy translation) names it on its page."""

    def decorator(runner: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        RUNNERS[kind] = runner
        if title is not None:
            TITLES[kind] = title
        return runner

    return decorator


def job_title(job: Job) -> str:
    """What the job is, in the reader's language: its kind's title."""
    return str(TITLES.get(job.kind, UNNAMED))


def job_start(*, kind: str, owner: User, payload: dict[str, Any]) -> Job:
    """Record the job and queue it for the worker."""
    job = Job.objects.create(kind=kind, owner=owner, payload=payload)
    run_job.enqueue(job.pk)  # the database queue keeps it until this transaction commits
    return job


def _fail(job: Job, errors: list[str]) -> None:
    _end(job, status=JobStatus.FAILED, errors=errors)


def _end(job: Job, **outcome: Any) -> None:
    """Record how the job ended; the uploaded file it carried goes (whatever the outcome:
    it was read, or it never will be)."""
    Job.objects.filter(pk=job.pk).update(
        payload=without_content(job.payload), finished_at=timezone.now(), **outcome
    )


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
        _fail(job, failure.errors)
        return
    except MemoryError:
        # The worker runs each job under a memory limit (spona.jobs.worker); this job hit it.
        logger.warning("job %s (%s) ran out of memory", job_id, job.kind)
        job_interrupted(job_id, TOO_MUCH_MEMORY)
        return
    except Exception:
        # A bug, not bad input: the job must not look "running" forever. The log names the
        # job only (its payload may hold personal data); the user gets a plain message.
        logger.exception("job %s (%s) crashed", job_id, job.kind)
        with translation.override(job.payload.get("language", "sr")):
            _fail(job, [str(UNEXPECTED)])
        return
    _end(job, status=JobStatus.SUCCEEDED, result=result)


def job_interrupted(job_id: int, reason: Promise) -> None:
    """End a job that did not finish by itself (killed at its limit, or its worker died) with
    ``reason`` in its owner's language; a job that already ended keeps its outcome."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.is_finished:
        return
    with translation.override(job.payload.get("language", "sr")):
        _fail(job, [str(reason)])


def artifact_save(*, job: Job, filename: str, content_type: str, data: bytes) -> Artifact:
    """A file the job produced, for its owner to download."""
    return Artifact.objects.create(job=job, filename=filename, content_type=content_type, data=data)
