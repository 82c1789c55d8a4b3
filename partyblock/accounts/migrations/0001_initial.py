"""UserScope moves from `partyblock` to `accounts`.

State only: the table `partyblock_userscope` stays as it is (the model lived in the `partyblock` app until
issue 16; `partyblock.0004_models_to_their_apps` removes it from that app's state and renames its
content type, so permissions and roles keep working)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('partyblock', '0003_roles'),
        ('units', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='UserScope',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('tccs', models.ForeignKey(blank=True, help_text='Chỉ dùng cho cán bộ TCCS: người dùng chỉ xem và sửa hồ sơ của tổ chức này.', limit_choices_to={'kind__in': ['dbcs', 'cbcs']}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.organisation', verbose_name='tổ chức cơ sở đảng phụ trách')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='scope', to=settings.AUTH_USER_MODEL, verbose_name='người dùng')),
                    ],
                    options={
                        'db_table': 'partyblock_userscope',
                        'verbose_name': 'phạm vi phụ trách',
                        'verbose_name_plural': 'phạm vi phụ trách',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
