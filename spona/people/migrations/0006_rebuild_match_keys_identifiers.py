"""Store the duplicate-search keys again: their rules changed (a JMBG key; every name a
person is known by; "dj" blocked both as Đ and as D and J)."""

from importlib import import_module

from django.db import migrations

backfill = import_module("spona.people.migrations.0003_backfill_match_keys").backfill


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0005_identifiers_jmbg_parent_surnames_documents"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
