from typing import Any

from django.core.management.base import BaseCommand

from spona.audit.context import AuditContext, acting
from spona.core.services import keys_rotate


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest key in FIELD_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        with acting(AuditContext(channel="cli")):
            rows = keys_rotate()
        self.stdout.write(f"re-encrypted {rows} rows with the newest key")
