"""Store the duplicate-search keys again: a key's kind is in its hash's top bits now."""

from importlib import import_module

from django.db import migrations

backfill = import_module("spona.people.migrations.0003_backfill_match_keys").backfill


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0009_person_address"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
