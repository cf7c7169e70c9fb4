"""``spona worker``: the background worker (see spona.jobs.worker for what it adds to
django-tasks-db's ``db_worker``, whose options it takes)."""

import os
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from spona.jobs.worker import IsolatingWorker, Limits


class Command(db_worker.Command):
    help = "Run the background worker: each task in its own process, under a memory and time limit"

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = IsolatingWorker(
            limits=Limits(
                memory_bytes=settings.JOB_MEMORY_LIMIT_MB * 1024 * 1024,
                seconds=settings.JOB_TIME_LIMIT_SECONDS,
            ),
            heartbeat=settings.WORKER_HEARTBEAT_SECONDS,
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if options["reload"] and not options["batch"]:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
