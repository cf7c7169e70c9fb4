import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from spona.providers.exchange import export_document


class Command(BaseCommand):
    help = "Write the directory of providers as an HSDS 3.0 JSON document (stdout or --output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", type=Path, help="the file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        text = json.dumps(export_document(user=None), ensure_ascii=False, indent=2)
        if options["output"]:
            options["output"].write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
