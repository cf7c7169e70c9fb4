"""Compile the translation catalogues (.po → .mo) with polib: no gettext tools needed."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from spona.core.i18n import compile_catalogues


class Command(BaseCommand):
    help = "Compile every locale/*/LC_MESSAGES/*.po to the .mo beside it (fuzzy entries left out)."

    def handle(self, *args: Any, **options: Any) -> None:
        locale_dir = Path(settings.BASE_DIR) / "locale"
        compiled = compile_catalogues(locale_dir)
        style = self.style.SUCCESS if compiled else self.style.WARNING
        self.stdout.write(
            style(f"i18n_compile: {len(compiled)} catalogues compiled in {locale_dir}")
        )
