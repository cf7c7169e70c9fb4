"""Issue 14, finding 9: the hash of every new event covers every stored column.

Existing events keep ``hash_version`` NULL and verify with the text they were hashed with; the
column is nullable without a default, so SQLite adds it in place (the table and its append-only
trigger are not rebuilt) and PostgreSQL rewrites nothing.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_alter_auditevent_action'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='hash_version',
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
    ]
