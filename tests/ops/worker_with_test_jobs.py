"""``spona worker`` with three more job kinds, for tests/ops/test_worker.py: the real worker
process, given jobs that sleep, eat memory without end, or count how often they ran.

    python -m tests.ops.worker_with_test_jobs [worker options]
"""

import os
import sys
import time
from collections.abc import Callable
from typing import Any

import django


def _register() -> None:
    from django.db.models import F

    from spona.jobs.models import Job
    from spona.jobs.services import register

    @register("test.sleep")
    def sleep(job: Job, progress: Callable[[int, int], None]) -> dict[str, Any]:
        seconds = int(job.payload["seconds"])
        for second in range(seconds):
            progress(second, seconds)
            time.sleep(1)
        return {"slept": seconds}

    @register("test.hog")
    def hog(job: Job, progress: Callable[[int, int], None]) -> dict[str, Any]:
        progress(0, 1)
        eaten = []
        while True:  # a zip bomb's sheet XML, in effect
            eaten.append(bytearray(64 * 1024 * 1024))

    @register("test.count")
    def count(job: Job, progress: Callable[[int, int], None]) -> dict[str, Any]:
        Job.objects.filter(pk=job.pk).update(done=F("done") + 1)
        time.sleep(0.05)
        return {"worker": os.getppid()}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spona.settings")
    django.setup()
    _register()
    from spona.cli import main

    main(["worker", *sys.argv[1:]])
