from typing import Any

from django.core.management.base import BaseCommand, CommandError

from spona.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Check the audit log's hash chain; fails if any event was edited or deleted."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if not report.ok:
            raise CommandError(
                f"audit log broken at event {report.broken_at}: {report.reason} "
                f"({report.checked} events verified before it)"
            )
        self.stdout.write(f"audit log intact: {report.checked} events, head {report.head_hash}")
