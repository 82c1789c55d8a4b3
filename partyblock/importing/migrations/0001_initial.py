"""ImportBatch moves from `partyblock` to `importing`.

State only: the table `partyblock_importbatch` stays as it is (the model lived in the `partyblock` app until
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
                    name='ImportBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('organisations', 'Tổ chức đảng'), ('members', 'Đảng viên'), ('member_ratings', 'Xếp loại đảng viên'), ('organisation_ratings', 'Xếp loại tổ chức đảng'), ('events', 'Quá trình sinh hoạt (sự kiện)')], max_length=24, verbose_name='loại dữ liệu')),
                        ('file_name', models.CharField(max_length=255, verbose_name='tên tệp')),
                        ('sha256', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256')),
                        ('size', models.PositiveBigIntegerField(default=0, verbose_name='dung lượng (byte)')),
                        ('year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='năm')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='thời điểm tải lên')),
                        ('committed_at', models.DateTimeField(blank=True, null=True, verbose_name='thời điểm ghi')),
                        ('status', models.CharField(choices=[('previewed', 'Đã xem trước, chờ xác nhận'), ('invalid', 'Có lỗi, không nhập'), ('committed', 'Đã nhập'), ('unchanged', 'Không có thay đổi'), ('stale', 'Không nhập: dữ liệu đã thay đổi sau khi xem trước')], max_length=12, verbose_name='kết quả')),
                        ('row_count', models.PositiveIntegerField(default=0, verbose_name='số dòng')),
                        ('created_count', models.PositiveIntegerField(default=0, verbose_name='thêm mới')),
                        ('updated_count', models.PositiveIntegerField(default=0, verbose_name='cập nhật')),
                        ('unchanged_count', models.PositiveIntegerField(default=0, verbose_name='không đổi')),
                        ('error_count', models.PositiveIntegerField(default=0, verbose_name='số lỗi')),
                        ('report', models.JSONField(default=dict, editable=False, verbose_name='báo cáo')),
                        ('plan', models.BinaryField(null=True, verbose_name='kế hoạch ghi')),
                        ('fingerprint', models.JSONField(default=dict, editable=False, verbose_name='dấu dữ liệu')),
                        ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='units.organisation', verbose_name='tổ chức đảng')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người nhập')),
                    ],
                    options={
                        'db_table': 'partyblock_importbatch',
                        'verbose_name': 'lần nhập dữ liệu',
                        'verbose_name_plural': 'lịch sử nhập dữ liệu',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
