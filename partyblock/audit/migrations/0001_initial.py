"""ActivityLog moves from `partyblock` to `audit`.

State only: the table `partyblock_activitylog` stays as it is (the model lived in the `partyblock` app until
issue 16; `partyblock.0004_models_to_their_apps` removes it from that app's state and renames its
content type, so permissions and roles keep working)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('importing', '0001_initial'),
        ('partyblock', '0003_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ActivityLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='thời điểm')),
                        ('username', models.CharField(blank=True, max_length=150, verbose_name='tên đăng nhập')),
                        ('action', models.CharField(choices=[('create', 'Thêm'), ('change', 'Sửa'), ('delete', 'Xóa'), ('login', 'Đăng nhập'), ('login_failed', 'Đăng nhập không thành công'), ('logout', 'Đăng xuất'), ('denied', 'Bị từ chối truy cập')], max_length=16, verbose_name='hành động')),
                        ('model', models.CharField(blank=True, db_index=True, max_length=60, verbose_name='loại hồ sơ')),
                        ('object_id', models.CharField(blank=True, max_length=40, verbose_name='mã hồ sơ')),
                        ('object_repr', models.CharField(blank=True, max_length=255, verbose_name='hồ sơ')),
                        ('changes', models.JSONField(blank=True, default=dict, verbose_name='thay đổi (trước → sau)')),
                        ('source', models.CharField(blank=True, help_text='quản trị, nhập dữ liệu, nhập xếp loại…', max_length=40, verbose_name='nguồn')),
                        ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='địa chỉ IP')),
                        ('import_batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='activity', to='importing.importbatch', verbose_name='lần nhập dữ liệu')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người thực hiện')),
                    ],
                    options={
                        'db_table': 'partyblock_activitylog',
                        'verbose_name': 'nhật ký thay đổi',
                        'verbose_name_plural': 'nhật ký thay đổi',
                        'ordering': ['-at', '-pk'],
                        'indexes': [models.Index(fields=['model', 'object_id'], name='activity_object')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
