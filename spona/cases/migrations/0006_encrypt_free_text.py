"""Issue 14, finding 3: free text that can hold a person's story is encrypted at rest.

The columns become encrypted text; the rows already there are encrypted in place (raw SQL,
both databases; values that already decrypt are left alone). Reversible.
"""

import spona.core.fields
from spona.core.fields import decrypt_column, encrypt_column
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_alter_referral_urgency'),
    ]

    operations = [
        migrations.AlterField(
            model_name='referral',
            name='decline_reason',
            field=spona.core.fields.EncryptedTextField(blank=True, verbose_name='reason for declining'),
        ),
        migrations.AlterField(
            model_name='referral',
            name='reason',
            field=spona.core.fields.EncryptedTextField(verbose_name='reason'),
        ),
        migrations.RunPython(encrypt_column('cases_referral', 'reason'), decrypt_column('cases_referral', 'reason')),
        migrations.RunPython(encrypt_column('cases_referral', 'decline_reason'), decrypt_column('cases_referral', 'decline_reason')),
    ]
