"""Who a user is beyond Django's own user: the TCCS a grassroots user keeps (roles are Django groups,
`partyblock.accounts.roles`)."""

from django.conf import settings
from django.db import models


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
        db_table = "partyblock_userscope"  # the table kept from when the model lived in `partyblock`

    def __str__(self):
        return str(self.tccs or "—")
