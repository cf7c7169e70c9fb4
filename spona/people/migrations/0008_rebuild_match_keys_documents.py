"""Store the duplicate-search keys again: identity document numbers are keys now."""

from importlib import import_module

from django.db import migrations

backfill = import_module("spona.people.migrations.0003_backfill_match_keys").backfill


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0007_duplicate_review_queue"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
