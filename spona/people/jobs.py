"""The duplicate scan as a background job (``services.duplicate_scan_start`` queues it)."""

from collections.abc import Callable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy

from spona.jobs.models import Job
from spona.jobs.services import register
from spona.people.services import SCAN_JOB, duplicate_scan, scan_result


@register(SCAN_JOB, gettext_lazy("Duplicate scan of all persons"))
def run_duplicate_scan(job: Job, progress: Callable[[int, int], None]) -> dict[str, Any]:
    with translation.override(job.payload.get("language", "sr")):
        return scan_result(duplicate_scan(user=job.owner, progress=progress))
