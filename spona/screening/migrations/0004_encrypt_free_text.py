"""Issue 14, finding 3: free text that can hold a person's story is encrypted at rest.

The columns become encrypted text; the rows already there are encrypted in place (raw SQL,
both databases; values that already decrypt are left alone). Reversible.
"""

import spona.core.fields
from spona.core.fields import decrypt_column, encrypt_column
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0003_rules_version_risk_factors_offences'),
    ]

    operations = [
        migrations.AlterField(
            model_name='screeningrevision',
            name='reason',
            field=spona.core.fields.EncryptedTextField(verbose_name='reason for the amendment'),
        ),
        migrations.AlterField(
            model_name='screeningrevision',
            name='snapshot',
            field=spona.core.fields.EncryptedJSONField(),
        ),
        migrations.RunPython(encrypt_column('screening_screeningrevision', 'reason'), decrypt_column('screening_screeningrevision', 'reason')),
        migrations.RunPython(encrypt_column('screening_screeningrevision', 'snapshot'), decrypt_column('screening_screeningrevision', 'snapshot')),
    ]
