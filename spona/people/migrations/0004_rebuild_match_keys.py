"""Store the duplicate-search keys again: their rules changed (lj, nj, dž are one letter;
no date keys for a person without a name). Whenever ``matching.blocking_keys`` changes, a
migration like this one (or ``spona people reindex``) brings the stored keys up to date."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from spona.people.duplicates import rebuild_match_keys

    rebuild_match_keys(apps.get_model("people", "Person"), apps.get_model("people", "PersonMatchKey"))


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0003_backfill_match_keys"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
