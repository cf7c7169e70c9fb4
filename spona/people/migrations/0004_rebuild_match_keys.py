"""Store the duplicate-search keys again: their rules changed (lj, nj, dž are one letter;
no date keys for a person without a name). Whenever ``matching.blocking_keys`` changes, a
migration like this one (or ``spona people reindex``) brings the stored keys up to date."""

from importlib import import_module

from django.db import migrations

# the same rebuild as the first backfill, with this migration's historical models
backfill = import_module("spona.people.migrations.0003_backfill_match_keys").backfill


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0003_backfill_match_keys"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
