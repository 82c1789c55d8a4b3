"""`import_batch` points at ImportBatch in its new app, `importing`: state only, the column and the
table it references (`partyblock_importbatch`) stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0009_so_ly_lich'),
        ('importing', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='member',
                    name='import_batch',
                    field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='members', to='importing.importbatch', verbose_name='lần nhập dữ liệu'),
                ),
                migrations.AlterField(
                    model_name='memberevent',
                    name='import_batch',
                    field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='member_events', to='importing.importbatch', verbose_name='lần nhập dữ liệu'),
                ),
                migrations.AlterField(
                    model_name='memberrating',
                    name='import_batch',
                    field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='member_ratings', to='importing.importbatch', verbose_name='lần nhập dữ liệu'),
                ),
            ],
            database_operations=[],
        ),
    ]
