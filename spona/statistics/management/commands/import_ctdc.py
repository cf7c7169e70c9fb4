from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spona.audit.context import AuditContext, acting
from spona.statistics.services import ImportRefusedError, ctdc_import


class Command(BaseCommand):
    help = (
        "Load CTDC's public victim–perpetrator CSV as a separate reference dataset "
        "(all rows or none; never mixed with Spona's cases)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with acting(AuditContext(channel="cli")):
                dataset = ctdc_import(options["file"])
        except ImportRefusedError as refused:
            for error in refused.errors[:50]:
                self.stderr.write(error)
            raise CommandError(f"nothing loaded: {len(refused.errors)} error(s)") from refused
        self.stdout.write(f"loaded {dataset.rows} rows as reference dataset {dataset.pk}")
