"""The import history: one ImportBatch per spreadsheet uploaded (partyblock.importing).

A batch is written when a file is previewed, with its validated plan; confirming it writes the
records (each carrying `import_batch`) and keeps the counts. Batches are never deleted.
"""

from django.conf import settings
from django.db import models


class ImportKind(models.TextChoices):
    ORGANISATIONS = "organisations", "Tổ chức đảng"
    MEMBERS = "members", "Đảng viên"
    MEMBER_RATINGS = "member_ratings", "Xếp loại đảng viên"
    ORGANISATION_RATINGS = "organisation_ratings", "Xếp loại tổ chức đảng"
    EVENTS = "events", "Quá trình sinh hoạt (sự kiện)"


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

    def __str__(self):
        from django.utils import timezone

        uploaded = timezone.localtime(self.created_at) if self.created_at else None
        return f"{self.get_kind_display()}: {self.file_name} ({uploaded:%d/%m/%Y %H:%M})"


class UserScope(models.Model):
    """Where a user's grassroots role applies: the one TCCS whose records they keep."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="người dùng", on_delete=models.CASCADE, related_name="scope"
    )
    tccs = models.ForeignKey(
        "units.Organisation",
        verbose_name="tổ chức cơ sở đảng phụ trách",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind__in": ["dbcs", "cbcs"]},
        help_text="Chỉ dùng cho cán bộ TCCS: người dùng chỉ xem và sửa hồ sơ của tổ chức này.",
    )

    class Meta:
        verbose_name = "phạm vi phụ trách"
        verbose_name_plural = "phạm vi phụ trách"

    def __str__(self):
        return str(self.tccs or "—")


class ActivityAction(models.TextChoices):
    CREATE = "create", "Thêm"
    CHANGE = "change", "Sửa"
    DELETE = "delete", "Xóa"
    LOGIN = "login", "Đăng nhập"
    LOGIN_FAILED = "login_failed", "Đăng nhập không thành công"
    LOGOUT = "logout", "Đăng xuất"
    DENIED = "denied", "Bị từ chối truy cập"


class ActivityLog(models.Model):
    """The audit trail: append-only, written only through `partyblock.audit.log_action` (and its
    bulk form). Nobody can change or delete it from the app."""

    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField("tên đăng nhập", max_length=150, blank=True)
    action = models.CharField("hành động", max_length=16, choices=ActivityAction.choices)
    model = models.CharField("loại hồ sơ", max_length=60, blank=True, db_index=True)
    object_id = models.CharField("mã hồ sơ", max_length=40, blank=True)
    object_repr = models.CharField("hồ sơ", max_length=255, blank=True)
    changes = models.JSONField("thay đổi (trước → sau)", default=dict, blank=True)
    import_batch = models.ForeignKey(
        ImportBatch,
        verbose_name="lần nhập dữ liệu",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activity",
    )
    source = models.CharField(
        "nguồn", max_length=40, blank=True, help_text="quản trị, nhập dữ liệu, nhập xếp loại…"
    )
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)

    class Meta:
        verbose_name = "nhật ký thay đổi"
        verbose_name_plural = "nhật ký thay đổi"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["model", "object_id"], name="activity_object")]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}".strip()
