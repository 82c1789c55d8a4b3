"""Party members, their cards and the lifecycle events that are the record of their membership.

A member's organisation and status on any day are never typed in: they are derived from the events
by `members.lifecycle.replay`, which `members.services` runs on every change and stores as
`MembershipPeriod` rows (spans of days with one organisation and status). All counts query those.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from partyblock.text import name_sort_key, normalize_text, search_key


class Gender(models.TextChoices):
    MALE = "nam", "Nam"
    FEMALE = "nu", "Nữ"


class TheoryLevel(models.TextChoices):
    NONE = "", "Chưa qua đào tạo"
    ELEMENTARY = "so_cap", "Sơ cấp"
    INTERMEDIATE = "trung_cap", "Trung cấp"
    ADVANCED = "cao_cap", "Cao cấp"
    BACHELOR = "cu_nhan", "Cử nhân"


NATIONAL_ID_RE = re.compile(r"^\d{12}$")


class Member(models.Model):
    """A party member's profile (lý lịch đảng viên). Never deleted: membership ends through an event."""

    full_name = models.CharField("họ và tên", max_length=120)
    gender = models.CharField("giới tính", max_length=3, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh")
    birthplace = models.CharField("nơi sinh", max_length=255, blank=True)
    hometown = models.CharField("quê quán", max_length=255, blank=True)
    ethnicity = models.CharField("dân tộc", max_length=50, default="Kinh")
    religion = models.CharField("tôn giáo", max_length=50, default="Không")
    residence = models.CharField("nơi cư trú", max_length=255, blank=True)
    occupation = models.CharField("nghề nghiệp", max_length=120, blank=True)
    position = models.CharField("chức vụ", max_length=120, blank=True)
    education = models.CharField("giáo dục phổ thông", max_length=20, blank=True, help_text="Ví dụ: 12/12")
    professional_level = models.CharField(
        "trình độ chuyên môn", max_length=120, blank=True, help_text="Ví dụ: Đại học Luật"
    )
    theory_level = models.CharField(
        "lý luận chính trị", max_length=10, choices=TheoryLevel.choices, blank=True, default=TheoryLevel.NONE
    )
    national_id = models.CharField(
        "số CCCD", max_length=12, null=True, blank=True, unique=True, help_text="12 chữ số"
    )
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    note = models.TextField("ghi chú", blank=True)

    search_name = models.CharField("tên không dấu", max_length=120, editable=False, db_index=True)
    sort_key = models.CharField("khóa sắp xếp", max_length=400, editable=False, db_index=True)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    class Meta:
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        ordering = ["sort_key", "birth_date", "pk"]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_name_keys()
        if self.national_id == "":
            self.national_id = None
        super().save(*args, **kwargs)

    def validate_unique(self, exclude=None):
        # Replace Django's generic "already exists" with a message that names the other member.
        exclude = set(exclude or ()) | {"national_id"}
        super().validate_unique(exclude=exclude)

    def clean(self):
        self.full_name = normalize_text(self.full_name)
        for field in (
            "birthplace",
            "hometown",
            "ethnicity",
            "religion",
            "residence",
            "occupation",
            "position",
        ):
            setattr(self, field, normalize_text(getattr(self, field)) or "")
        self.national_id = normalize_text(self.national_id) or None
        if self.national_id:
            if not NATIONAL_ID_RE.match(self.national_id):
                raise ValidationError({"national_id": "Số CCCD phải gồm đúng 12 chữ số."})
            other = Member.objects.filter(national_id=self.national_id).exclude(pk=self.pk).first()
            if other:
                raise ValidationError(
                    {"national_id": f"Số CCCD {self.national_id} đã thuộc về đảng viên {other.describe()}."}
                )

    def describe(self):
        """Name, birth date and id: enough for staff to tell two namesakes apart."""
        return f"{self.full_name} (sinh {self.birth_date:%d/%m/%Y}, mã {self.pk})"

    def refresh_name_keys(self):
        self.full_name = normalize_text(self.full_name)
        self.search_name = search_key(self.full_name)
        self.sort_key = name_sort_key(self.full_name)


class MemberCard(models.Model):
    """A party card (thẻ đảng viên). Cards were re-issued nationwide in 2025, so history is kept."""

    member = models.ForeignKey(
        Member, verbose_name="đảng viên", on_delete=models.PROTECT, related_name="cards"
    )
    number = models.CharField("số thẻ", max_length=30, unique=True)
    issued_on = models.DateField("ngày cấp", null=True, blank=True)
    replaced_on = models.DateField("ngày thay thế / thu hồi", null=True, blank=True)

    class Meta:
        verbose_name = "thẻ đảng viên"
        verbose_name_plural = "thẻ đảng viên"
        ordering = ["member", "issued_on", "pk"]

    def __str__(self):
        return self.number

    def validate_unique(self, exclude=None):
        exclude = set(exclude or ()) | {"number"}
        super().validate_unique(exclude=exclude)

    def clean(self):
        self.number = normalize_text(self.number)
        if self.number:
            other = (
                MemberCard.objects.filter(number=self.number)
                .exclude(pk=self.pk)
                .select_related("member")
                .first()
            )
            if other:
                raise ValidationError(
                    {"number": f"Số thẻ {self.number} đã cấp cho đảng viên {other.member.describe()}."}
                )
        if self.issued_on and self.replaced_on and self.replaced_on < self.issued_on:
            raise ValidationError({"replaced_on": "Ngày thay thế không thể trước ngày cấp thẻ."})


class EventKind(models.TextChoices):
    ADMISSION = "ket_nap", "Kết nạp"
    RECOGNITION = "chinh_thuc", "Công nhận đảng viên chính thức"
    TRANSFER = "chuyen_trong_khoi", "Chuyển sinh hoạt chính thức trong Khối"
    TRANSFER_OUT = "chuyen_di", "Chuyển sinh hoạt chính thức ra ngoài Khối"
    TRANSFER_IN = "chuyen_den", "Chuyển sinh hoạt chính thức đến từ ngoài Khối"
    TEMPORARY_TRANSFER = "chuyen_tam_thoi", "Chuyển sinh hoạt tạm thời"
    EXEMPTION = "mien_sinh_hoat", "Miễn công tác và sinh hoạt đảng"
    SUSPENSION = "dinh_chi", "Đình chỉ sinh hoạt đảng"
    REMOVAL = "xoa_ten", "Xóa tên"
    EXPULSION = "khai_tru", "Khai trừ"
    RESIGNATION = "ra_khoi_dang", "Xin ra khỏi Đảng"
    DEATH = "tu_tran", "Từ trần"
    READMISSION = "ket_nap_lai", "Kết nạp lại"


class ExemptionGround(models.TextChoices):
    AGE = "tuoi_cao", "Tuổi cao"
    HEALTH = "suc_khoe", "Sức khỏe yếu"


class MemberEvent(models.Model):
    """One event of a member's lifecycle, with the decision behind it.

    `date` is the day the event takes effect: the admission ceremony, the end of probation for a
    recognition, the transfer date, the first day of an exemption. Which other fields each kind
    needs is declared once in `members.lifecycle.EVENT_RULES`.
    """

    member = models.ForeignKey(
        Member, verbose_name="đảng viên", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("sự kiện", max_length=20, choices=EventKind.choices)
    date = models.DateField(
        "ngày hiệu lực",
        null=True,
        blank=True,
        help_text="Kết nạp: ngày lễ kết nạp. Công nhận chính thức: để trống, tự tính đủ 12 tháng dự bị.",
    )
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name="chi bộ",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member_events",
        help_text="Chi bộ sinh hoạt từ ngày này (kết nạp, chuyển đến) hoặc nơi sinh hoạt tạm thời trong Khối.",
    )
    other_party = models.CharField(
        "tổ chức ngoài Khối",
        max_length=255,
        blank=True,
        help_text="Nơi chuyển đến / chuyển đi / kết nạp khi ở ngoài Đảng bộ Khối.",
    )
    end_date = models.DateField(
        "đến hết ngày", null=True, blank=True, help_text="Chuyển tạm thời, miễn sinh hoạt, đình chỉ."
    )
    exemption_ground = models.CharField(
        "lý do miễn", max_length=10, choices=ExemptionGround.choices, blank=True
    )
    sponsors = models.CharField("người giới thiệu", max_length=255, blank=True)
    note = models.TextField("ghi chú", blank=True)
    created_at = models.DateTimeField("ngày nhập", auto_now_add=True)

    class Meta:
        verbose_name = "sự kiện đảng viên"
        verbose_name_plural = "quá trình sinh hoạt đảng"
        ordering = ["member", "date", "pk"]
        indexes = [models.Index(fields=["kind", "date"], name="event_kind_date")]

    def __str__(self):
        when = f"{self.date:%d/%m/%Y}" if self.date else "?"
        return f"{self.get_kind_display()} ({when})"


class MembershipStatus(models.TextChoices):
    PROBATIONARY = "du_bi", "Dự bị"
    OFFICIAL = "chinh_thuc", "Chính thức"


class MembershipPeriodQuerySet(models.QuerySet):
    def covering(self, day):
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day), starts_on__lte=day)

    def in_bloc(self):
        return self.filter(organisation__isnull=False)

    def within(self, organisation):
        return self.filter(organisation__path__startswith=organisation.path)


class MembershipPeriod(models.Model):
    """A span of days in which a member's registration and status stayed the same.

    Derived data: written only by `members.services` from the member's events, never edited.
    `organisation` is NULL while the member belongs to a party organisation outside the Khối.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="periods")
    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name="chi bộ",
        on_delete=models.PROTECT,
        null=True,
        related_name="periods",
    )
    status = models.CharField("tư cách", max_length=10, choices=MembershipStatus.choices)
    temporary_host = models.ForeignKey(
        "units.Organisation",
        verbose_name="nơi sinh hoạt tạm thời",
        on_delete=models.PROTECT,
        null=True,
        related_name="temporary_periods",
    )
    on_temporary_transfer = models.BooleanField("đang chuyển sinh hoạt tạm thời", default=False)
    is_exempt = models.BooleanField("được miễn sinh hoạt", default=False)
    is_suspended = models.BooleanField("bị đình chỉ sinh hoạt", default=False)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến trước ngày", null=True)

    objects = MembershipPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "giai đoạn sinh hoạt"
        verbose_name_plural = "giai đoạn sinh hoạt"
        ordering = ["member", "starts_on"]
        indexes = [
            models.Index(fields=["starts_on", "ends_on"], name="period_span"),
            models.Index(fields=["organisation", "starts_on"], name="period_org_start"),
        ]

    def __str__(self):
        until = f" đến {self.ends_on:%d/%m/%Y}" if self.ends_on else ""
        return f"Từ {self.starts_on:%d/%m/%Y}{until}"
