"""Issue 14, finding 3: free text that can hold a person's story is encrypted at rest.

The columns become encrypted text; the rows already there are encrypted in place (raw SQL,
both databases; values that already decrypt are left alone). Reversible.
"""

import spona.core.fields
from spona.core.fields import decrypt_column, encrypt_column
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('signals', '0002_alter_signal_urgency'),
    ]

    operations = [
        migrations.AlterField(
            model_name='signal',
            name='dismissed_reason',
            field=spona.core.fields.EncryptedTextField(blank=True, verbose_name='reason for dismissal'),
        ),
        migrations.RunPython(encrypt_column('signals_signal', 'dismissed_reason'), decrypt_column('signals_signal', 'dismissed_reason')),
    ]
