from typing import Any

from django.core.management.base import BaseCommand

from spona.statistics.services import summary_refresh


class Command(BaseCommand):
    help = (
        "Count the cases anew for the statistics dashboards and the HTCDS export (the summary "
        "the worker refreshes every SWEEP_INTERVAL_MINUTES), now."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        snapshot = summary_refresh()
        self.stdout.write(
            f"counted {snapshot.cases} cases in {snapshot.seconds:.1f} s "
            f"(as of {snapshot.made_at:%Y-%m-%d %H:%M})"
        )
