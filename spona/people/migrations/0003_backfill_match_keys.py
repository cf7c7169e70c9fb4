"""Store the duplicate-search keys of the persons registered before they existed."""

from django.db import migrations


def backfill(apps, schema_editor):
    from spona.people.duplicates import rebuild_match_keys

    rebuild_match_keys(apps.get_model("people", "Person"), apps.get_model("people", "PersonMatchKey"))


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0002_person_merged_into_personmatchkey_duplicatesuspicion"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
