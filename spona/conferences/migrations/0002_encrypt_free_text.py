"""Issue 14, finding 3: free text that can hold a person's story is encrypted at rest.

The columns become encrypted text; the rows already there are encrypted in place (raw SQL,
both databases; values that already decrypt are left alone). Reversible.
"""

import spona.core.fields
from spona.core.fields import decrypt_column, encrypt_column
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('conferences', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='conference',
            name='agenda',
            field=spona.core.fields.EncryptedTextField(blank=True, verbose_name='agenda'),
        ),
        migrations.AlterField(
            model_name='conference',
            name='topic',
            field=spona.core.fields.EncryptedTextField(max_length=300, verbose_name='topic'),
        ),
        migrations.AlterField(
            model_name='decision',
            name='text',
            field=spona.core.fields.EncryptedTextField(verbose_name='decision'),
        ),
        migrations.AlterField(
            model_name='task',
            name='details',
            field=spona.core.fields.EncryptedTextField(blank=True, verbose_name='details'),
        ),
        migrations.AlterField(
            model_name='task',
            name='title',
            field=spona.core.fields.EncryptedTextField(max_length=300, verbose_name='title'),
        ),
        migrations.RunPython(encrypt_column('conferences_conference', 'topic'), decrypt_column('conferences_conference', 'topic')),
        migrations.RunPython(encrypt_column('conferences_conference', 'agenda'), decrypt_column('conferences_conference', 'agenda')),
        migrations.RunPython(encrypt_column('conferences_decision', 'text'), decrypt_column('conferences_decision', 'text')),
        migrations.RunPython(encrypt_column('conferences_task', 'title'), decrypt_column('conferences_task', 'title')),
        migrations.RunPython(encrypt_column('conferences_task', 'details'), decrypt_column('conferences_task', 'details')),
    ]
