"""Bring the catalogues up to date with the code: extract, fill English, transliterate, compile."""

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from spona.core.i18n import (
    compile_catalogues,
    fill_english,
    makemessages_options,
    pad_plural_forms,
    sync_latin,
    untranslated,
)


def _catalogue(locale_dir: Path, language: str) -> Path:
    return locale_dir / language / "LC_MESSAGES" / "django.po"


class Command(BaseCommand):
    help = (
        "Extract the translatable strings into locale/sr and locale/en (makemessages), "
        "fill new English entries with their msgid, regenerate locale/sr_Latn from sr "
        "and compile every catalogue. Use -v 2 to see makemessages' own output."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        base_dir = Path(settings.BASE_DIR)
        locale_dir = base_dir / "locale"
        previous_cwd = Path.cwd()
        os.chdir(base_dir)  # makemessages walks, and names files relative to, the cwd
        try:
            call_command(
                "makemessages",
                verbosity=max(options["verbosity"] - 1, 0),
                stdout=self.stdout,
                stderr=self.stderr,
                **makemessages_options(),
            )
        finally:
            os.chdir(previous_cwd)

        sr_po, en_po = _catalogue(locale_dir, "sr"), _catalogue(locale_dir, "en")
        for path in (sr_po, en_po):
            if not path.exists():
                raise CommandError(f"makemessages wrote no {path}: no translatable strings?")
        pad_plural_forms(sr_po)
        filled = fill_english(en_po)
        messages = sync_latin(sr_po, _catalogue(locale_dir, "sr_Latn"))
        compiled = compile_catalogues(locale_dir)
        todo_sr, todo_en = len(untranslated(sr_po)), len(untranslated(en_po))

        style = self.style.SUCCESS if not (todo_sr or todo_en) else self.style.WARNING
        self.stdout.write(
            style(
                f"i18n_sync: {messages} messages, {filled} English filled from msgid, "
                f"sr_Latn regenerated, {len(compiled)} catalogues compiled; "
                f"untranslated or fuzzy: sr {todo_sr}, en {todo_en}"
            )
        )
