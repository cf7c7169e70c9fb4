from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spona.ops.backup import BackupError, pending_migrations, restore


class Command(BaseCommand):
    help = (
        "Restore a `spona backup` archive into an empty database (DATABASE_URL) and upload "
        "folder; checks every table's row count and the decrypted content against the backup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args: Any, archive: Path, **options: Any) -> None:
        try:
            manifest = restore(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"restored {archive} of {manifest.created_at}: {len(manifest.row_counts)} tables "
            f"and {manifest.files} files, row counts and decrypted content as backed up"
        )
        if pending := pending_migrations(manifest):
            self.stdout.write(f"{len(pending)} newer migrations to apply: run `spona migrate`")
