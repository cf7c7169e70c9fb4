from typing import Any

from django.core.management.base import BaseCommand

from spona.audit.context import AuditContext, acting
from spona.people.services import duplicate_scan


class Command(BaseCommand):
    help = (
        "Find likely duplicates among all stored persons and add them to the Centre's review "
        "queue (pairs already there, open or decided, are not added again)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(done: int, total: int) -> None:
            if total and (done == total or done % 20_000 == 0):
                self.stderr.write(f"{done} / {total}")

        with acting(AuditContext(channel="cli")):
            outcome = duplicate_scan(user=None, progress=progress)
        self.stdout.write(
            f"{outcome.scored} pairs compared; {outcome.found} likely duplicates in "
            f"{outcome.clusters} groups, {outcome.new} new in the review queue"
        )
