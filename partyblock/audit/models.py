"""The audit trail (`partyblock.audit.log` writes it)."""

from django.conf import settings
from django.db import models


class ActivityAction(models.TextChoices):
    CREATE = "create", "Thêm"
    CHANGE = "change", "Sửa"
    DELETE = "delete", "Xóa"
    LOGIN = "login", "Đăng nhập"
    LOGIN_FAILED = "login_failed", "Đăng nhập không thành công"
    LOGOUT = "logout", "Đăng xuất"
    DENIED = "denied", "Bị từ chối truy cập"
    NOT_FOUND = "not_found", "Không tìm thấy"


class ActivityLog(models.Model):
    """The audit trail: append-only, written only through `partyblock.audit.log.log_action` (and its
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
        "importing.ImportBatch",
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
        db_table = "partyblock_activitylog"  # the table kept from when the model lived in `partyblock`

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}".strip()
