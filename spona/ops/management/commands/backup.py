from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from spona.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write one encrypted archive (BACKUP_KEY) of the database, the uploaded files and the "
        "schema version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=Path("."),
            help="a new file, or a folder for spona-YYYYMMDD-HHMMSS.backup (default: here)",
        )

    def handle(self, *args: Any, output: Path, **options: Any) -> None:
        if output.is_dir():
            output = output / timezone.now().strftime("spona-%Y%m%d-%H%M%S.backup")
        try:
            manifest = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest.row_counts.values())
        self.stdout.write(
            f"backup written: {output} ({manifest.vendor}, {len(manifest.row_counts)} tables, "
            f"{rows} rows, {manifest.files} files, content {manifest.content_sha256[:16]})"
        )
