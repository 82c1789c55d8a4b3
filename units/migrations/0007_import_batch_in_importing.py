"""`import_batch` points at ImportBatch in its new app, `importing`: state only, the column and the
table it references (`partyblock_importbatch`) stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0006_tree_history'),
        ('importing', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='organisation',
                    name='import_batch',
                    field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='organisations', to='importing.importbatch', verbose_name='lần nhập dữ liệu'),
                ),
                migrations.AlterField(
                    model_name='organisationrating',
                    name='import_batch',
                    field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='organisation_ratings', to='importing.importbatch', verbose_name='lần nhập dữ liệu'),
                ),
            ],
            database_operations=[],
        ),
    ]
