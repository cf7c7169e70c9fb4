"""Long work (imports, reports, exports, batch matching) as jobs the user can follow.

A job is queued through Django's tasks framework and run by a real worker
(``spona worker``); it reports its progress here, and its result or errors stay here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    kind = models.CharField(max_length=64)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs"
    )
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    payload = models.JSONField(default=dict, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        return (
            100
            if self.status == JobStatus.SUCCEEDED
            else int(100 * self.done / self.total)
            if self.total
            else 0
        )

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}


class Artifact(models.Model):
    """A file a job produced (a report, an export), downloaded by the job's owner."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="artifacts")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename


class WorkerProcess(models.Model):
    """A running ``spona worker``: it renews ``seen_at`` while it lives, so that a task left
    "running" by a worker that stopped beating (killed, or its machine gone) can be failed."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"


class SweepRun(models.Model):
    """The schedule of one periodic sweep (``spona.jobs.schedule``): when it is next due, and
    what its last run did. Claiming a run moves ``next_run_at`` on, so one worker runs it."""

    name = models.CharField(max_length=64, unique=True)
    next_run_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.IntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
