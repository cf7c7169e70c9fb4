from typing import Any

from django.core.management.base import BaseCommand

from spona.jobs.schedule import run_all


class Command(BaseCommand):
    help = (
        "Send every task, referral and protocol step reminder that is due and has not gone out, "
        "now (the worker runs these sweeps by itself every SWEEP_INTERVAL_MINUTES)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for name, done in run_all().items():
            self.stdout.write(f"{name} sent: {done}")
