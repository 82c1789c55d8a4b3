"""The import history: one ImportBatch per spreadsheet uploaded (`partyblock.importing`).

A batch is written when a file is previewed, with its validated plan; confirming it writes the
records (each carrying `import_batch`) and keeps the counts. Batches are never deleted.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from partyblock.core.text import day_text


class ImportKind(models.TextChoices):
    ORGANISATIONS = "organisations", "Tổ chức đảng"
    MEMBERS = "members", "Đảng viên"
    MEMBER_RATINGS = "member_ratings", "Xếp loại đảng viên"
    ORGANISATION_RATINGS = "organisation_ratings", "Xếp loại tổ chức đảng"
    EVENTS = "events", "Quá trình sinh hoạt (sự kiện)"
    CANDIDATES = "candidates", "Quần chúng ưu tú (người vào Đảng)"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Đã xem trước, chờ xác nhận"
    INVALID = "invalid", "Có lỗi, không nhập"
    COMMITTED = "committed", "Đã nhập"
    UNCHANGED = "unchanged", "Không có thay đổi"
    STALE = "stale", "Không nhập: dữ liệu đã thay đổi sau khi xem trước"


class ImportBatch(models.Model):
    kind = models.CharField("loại dữ liệu", max_length=24, choices=ImportKind.choices)
    file_name = models.CharField("tên tệp", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField("dung lượng (byte)", default=0)
    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name="tổ chức đảng",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField("năm", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhập",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("thời điểm tải lên", auto_now_add=True)
    committed_at = models.DateTimeField("thời điểm ghi", null=True, blank=True)
    status = models.CharField("kết quả", max_length=12, choices=ImportStatus.choices)
    row_count = models.PositiveIntegerField("số dòng", default=0)
    created_count = models.PositiveIntegerField("thêm mới", default=0)
    updated_count = models.PositiveIntegerField("cập nhật", default=0)
    unchanged_count = models.PositiveIntegerField("không đổi", default=0)
    error_count = models.PositiveIntegerField("số lỗi", default=0)
    # What the preview page shows: errors, warnings, unknown columns, rows to create and update.
    report = models.JSONField("báo cáo", default=dict, editable=False)
    # The validated plan (marshal records, zlib-compressed; see importing.plan) until it is committed; then cleared.
    plan = models.BinaryField("kế hoạch ghi", null=True, editable=False)
    # Counts of the tables the plan relies on, taken at preview time (see importing.commit).
    fingerprint = models.JSONField("dấu dữ liệu", default=dict, editable=False)

    class Meta:
        verbose_name = "lần nhập dữ liệu"
        verbose_name_plural = "lịch sử nhập dữ liệu"
        ordering = ["-created_at", "-pk"]
        db_table = "partyblock_importbatch"  # the table kept from when the model lived in `partyblock`

    def __str__(self):
        uploaded = timezone.localtime(self.created_at)  # not saved yet: now
        return f"{self.get_kind_display()}: {self.file_name} ({day_text(uploaded)} {uploaded:%H:%M})"
