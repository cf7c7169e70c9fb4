from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spona.providers.exchange import HsdsError, import_document, read_upload


class Command(BaseCommand):
    help = "Add the organizations and services of an HSDS 3.0 JSON file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = read_upload(options["file"].read_bytes())
            providers, services = import_document(user=None, document=document)
        except HsdsError as error:
            raise CommandError("\n".join(error.errors)) from error
        self.stdout.write(f"providers added: {providers}, services added: {services}")
