"""Party members, their cards and the lifecycle events that are the record of their membership.

A member's organisation and status on any day are never typed in: they are derived from the events
by `members.lifecycle.replay`, which `members.services` runs on every change and stores as
`MembershipPeriod` rows (spans of days with one organisation and status). All counts query those.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from partyblock.core import limits, rating_schemes
from partyblock.core.fields import import_batch_key
from partyblock.core.text import day_text, name_sort_key, normalize_text, search_key, validate_name
from units.models import RatingFields

from . import period_profile


class Gender(models.TextChoices):
    MALE = "nam", "Nam"
    FEMALE = "nu", "Nữ"


class TheoryLevel(models.TextChoices):
    NONE = "", "Chưa qua đào tạo"
    ELEMENTARY = "so_cap", "Sơ cấp"
    INTERMEDIATE = "trung_cap", "Trung cấp"
    ADVANCED = "cao_cap", "Cao cấp"
    BACHELOR = "cu_nhan", "Cử nhân"


class WorkSector(models.TextChoices):
    """Where a member works, as the Party's statistics count new admissions (kết nạp đảng viên
    "ngoài khu vực nhà nước": private enterprises, foreign-invested firms, non-public units)."""

    UNKNOWN = "", "Chưa ghi"
    STATE = "nha_nuoc", "Khu vực nhà nước"
    NON_STATE = "ngoai_nha_nuoc", "Ngoài khu vực nhà nước"


NATIONAL_ID_RE = re.compile(r"^\d{12}$")


class PersonProfile(models.Model):
    """The profile fields a person has before and after admission (lý lịch người xin vào Đảng, then
    lý lịch đảng viên): defined once here, so a candidate (`admission.Candidate`) becomes a member
    with the same values, validated by the same rules. `PROFILE_FIELDS` names them."""

    full_name = models.CharField("họ và tên", max_length=120, validators=[validate_name])
    gender = models.CharField("giới tính", max_length=3, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh", validators=[limits.past_day])
    birthplace = models.CharField("nơi sinh", max_length=255, blank=True)
    hometown = models.CharField("quê quán", max_length=255, blank=True)
    # The forms prefill "Kinh" / "Không" for a person to see and keep; empty is "not recorded" (an
    # import's empty cell, a cleared field), counted as "Chưa ghi", never as an assumed value.
    ethnicity = models.CharField("dân tộc", max_length=50, default="Kinh", blank=True)
    religion = models.CharField("tôn giáo", max_length=50, default="Không", blank=True)
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

    class Meta:
        abstract = True

    # Fields whose default only prefills a form: what nobody gave is stored empty, not the default.
    NOT_ASSUMED = ("ethnicity", "religion")
    TEXT_FIELDS = ("birthplace", "hometown", "ethnicity", "religion", "residence", "occupation", "position")

    def normalize_profile(self):
        """Tidy the profile's texts (NFC, spacing); an empty CCCD is None."""
        self.full_name = normalize_text(self.full_name)
        for name in self.TEXT_FIELDS:
            setattr(self, name, normalize_text(getattr(self, name)) or "")
        self.national_id = normalize_text(self.national_id) or None

    def check_national_id_form(self):
        if self.national_id and not NATIONAL_ID_RE.match(self.national_id):
            raise ValidationError({"national_id": "Số CCCD phải gồm đúng 12 chữ số."})

    def profile(self):
        """{field: value} of the shared profile, e.g. to create the member a candidate becomes."""
        return {name: getattr(self, name) for name in PROFILE_FIELDS}


def describe_member(full_name, birth_date, card, so_ly_lich):
    """How a member is named in messages: name, birth date, then what staff can look them up by."""
    if card:
        known_by = f"thẻ {card}"
    elif so_ly_lich:
        known_by = f"số lý lịch {so_ly_lich}"
    else:
        known_by = "chưa có thẻ đảng viên"
    return f"{full_name} (sinh {day_text(birth_date)}, {known_by})"


class Member(PersonProfile):
    """A party member's profile (lý lịch đảng viên). Never deleted: membership ends through an event."""

    # On the member only for now (the admission app's candidates share the rest of the profile).
    work_sector = models.CharField(
        "khu vực công tác",
        max_length=20,
        choices=WorkSector.choices,
        blank=True,
        help_text="Cơ quan, đơn vị, doanh nghiệp nhà nước hay ngoài khu vực nhà nước (doanh nghiệp tư nhân, "
        "có vốn đầu tư nước ngoài, đơn vị ngoài công lập).",
    )
    # The national member database's key (CSDL đảng viên), printed on the phiếu đảng viên.
    so_ly_lich = models.CharField(
        "số lý lịch đảng viên",
        max_length=30,
        null=True,
        blank=True,
        unique=True,
        help_text="Số lý lịch in trên phiếu đảng viên (khóa của cơ sở dữ liệu đảng viên toàn quốc).",
    )
    note = models.TextField("ghi chú", blank=True)

    # Indexed in Meta.indexes: a field's db_index would add a second (LIKE) index on PostgreSQL, which
    # no query uses (the name search is `contains`, which no B-tree serves).
    search_name = models.CharField("tên không dấu", max_length=120, editable=False)
    sort_key = models.CharField("khóa sắp xếp", max_length=400, editable=False)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    import_batch = import_batch_key(related_name="members", db_index=False)

    class Meta:
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        ordering = ["sort_key", "birth_date", "pk"]
        indexes = [
            # Covering: the composition's grouped passes (the admissions of a period by the member's
            # groups; the Party's statistics) read each member's groups from this index, not the whole
            # row (100×: 1.2 s → 0.5 s for the admission breakdowns; docs/benchmarks.md).
            models.Index(
                fields=["id"],
                include=[
                    "gender",
                    "ethnicity",
                    "religion",
                    "birth_date",
                    "education",
                    "theory_level",
                    "work_sector",
                ],
                name="member_composition",
            ),
            models.Index(fields=["search_name"], name="member_search_name"),
            models.Index(fields=["sort_key"], name="member_sort_key"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_name_keys()
        if self.national_id == "":
            self.national_id = None
        if self.so_ly_lich == "":
            self.so_ly_lich = None
        adding = self._state.adding
        super().save(*args, **kwargs)
        if not adding:  # its periods carry the profile fields the composition counts
            period_profile.sync([self.pk])

    def validate_unique(self, exclude=None):
        # Replace Django's generic "already exists" with a message that names the other member.
        exclude = set(exclude or ()) | {"national_id", "so_ly_lich"}
        super().validate_unique(exclude=exclude)

    def clean(self):
        self.normalize_profile()
        self._clean_so_ly_lich()
        self.check_national_id_form()
        if self.national_id:
            other = Member.objects.filter(national_id=self.national_id).exclude(pk=self.pk).first()
            if other:
                raise ValidationError(
                    {"national_id": f"Số CCCD {self.national_id} đã thuộc về đảng viên {other.describe()}."}
                )

    def _clean_so_ly_lich(self):
        self.so_ly_lich = normalize_text(self.so_ly_lich) or None
        if self.so_ly_lich:
            other = Member.objects.filter(so_ly_lich=self.so_ly_lich).exclude(pk=self.pk).first()
            if other:
                # Names no one: grassroots staff write số lý lịch and cards, and the holder may be
                # outside their scope (DOMAIN.md §8). The CCCD, written only by the roles that see
                # the whole Khối, names its holder.
                raise ValidationError(
                    {"so_ly_lich": f"Số lý lịch {self.so_ly_lich} đã thuộc về một đảng viên khác."}
                )

    def describe(self):
        """Name, birth date and the current card (else the số lý lịch): enough for staff to tell two
        namesakes apart, and nothing staff do not see elsewhere (never the database id)."""
        cards = self.cards.filter(replaced_on__isnull=True).order_by("issued_on", "pk")
        card = cards.values_list("number", flat=True).last() if self.pk else None
        return describe_member(self.full_name, self.birth_date, card, self.so_ly_lich)

    def refresh_name_keys(self):
        self.full_name = normalize_text(self.full_name)
        self.search_name = search_key(self.full_name)
        self.sort_key = name_sort_key(self.full_name)


# The shared profile, in the order forms show it.
PROFILE_FIELDS = tuple(field.name for field in PersonProfile._meta.fields)


class MemberCard(models.Model):
    """A party card (thẻ đảng viên). Cards were re-issued nationwide in 2025, so history is kept."""

    member = models.ForeignKey(
        Member, verbose_name="đảng viên", on_delete=models.PROTECT, related_name="cards"
    )
    number = models.CharField("số thẻ", max_length=30, unique=True)
    issued_on = models.DateField("ngày cấp", null=True, blank=True, validators=[limits.past_day])
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
        if self.number and MemberCard.objects.filter(number=self.number).exclude(pk=self.pk).exists():
            # Names no one, as for the số lý lịch: the holder may be outside the user's scope.
            raise ValidationError({"number": f"Số thẻ {self.number} đã cấp cho một đảng viên khác."})
        if self.issued_on and self.replaced_on and self.replaced_on < self.issued_on:
            raise ValidationError({"replaced_on": "Ngày thay thế không thể trước ngày cấp thẻ."})
        if self.pk is None and self.member_id:
            # Only official members get a card (DOMAIN.md §2; docs/rules.md).
            day = self.issued_on or timezone.localdate()
            period = MembershipPeriod.objects.filter(member_id=self.member_id).filter(covering(day)).first()
            problem = card_status_problem(self.member.full_name, period.status if period else None, day)
            if problem:
                raise ValidationError({"issued_on": problem})


def card_status_problem(full_name, status, day):
    """Why a party card cannot be issued on `day` to `full_name`, whose membership status is then
    `status` (None: not a member that day), or None: only official members get a card (DOMAIN.md §2;
    docs/rules.md). The card form and the import both ask this."""
    if status == MembershipStatus.PROBATIONARY:
        return f"Thẻ đảng viên chỉ cấp cho đảng viên chính thức; ngày {day_text(day)} {full_name} còn là đảng viên dự bị."
    return None


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


class EndingGround(models.TextChoices):
    """Why a membership ended by removal, resignation or expulsion: the grounds the regulations name
    (Điều lệ Đảng Điều 5, 8; QĐ 24-QĐ/TW 2021 and QĐ 294-QĐ/TW 2025 on removal and readmission).
    Which kind takes which grounds: `members.lifecycle.ENDING_GROUNDS`."""

    NOT_RECOGNISED = "khong_cong_nhan", "Không được công nhận đảng viên chính thức"
    LEFT_ACTIVITY = "bo_sinh_hoat", "Tự bỏ sinh hoạt đảng"
    UNPAID_DUES = "khong_dong_dang_phi", "Không đóng đảng phí 3 tháng trong năm không có lý do chính đáng"
    WANING = "giam_sut_y_chi", "Giảm sút ý chí phấn đấu, không làm nhiệm vụ đảng viên, giáo dục không tiến bộ"
    TWO_YEARS_FAILING = "hai_nam_khtnv", "Hai năm liền không hoàn thành nhiệm vụ"
    RESIGNED = "xin_ra", "Tự nguyện xin ra khỏi Đảng"
    FAMILY_HARDSHIP = "gia_dinh_kho_khan", "Xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn"
    DISUNITY = "mat_doan_ket", "Gây mất đoàn kết nội bộ nghiêm trọng"
    CORRUPTION = "an_tham_nhung", "Bị kết án hình sự về tội tham nhũng"
    SERIOUS_CRIME = "an_nghiem_trong", "Bị kết án hình sự về tội phạm nghiêm trọng trở lên"
    LESS_SERIOUS_CRIME = "an_it_nghiem_trong", "Bị kết án hình sự về tội phạm ít nghiêm trọng"
    OTHER = "khac", "Lý do khác (ghi rõ ở ghi chú)"


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
        validators=[limits.past_day],
        help_text="Kết nạp: ngày lễ kết nạp. Công nhận chính thức: để trống, tự tính đủ 12 tháng dự bị.",
    )
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True, validators=[limits.past_day])
    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name="chi bộ",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member_events",
        help_text="Chi bộ sinh hoạt từ ngày này (kết nạp, chuyển đến) hoặc nơi sinh hoạt tạm thời trong Khối.",
        # `event_org_date` (organisation, date) serves look-ups by organisation; an index on the
        # column alone made PostgreSQL read the Khối's admissions through it ("organisation_id IS
        # NOT NULL", 480,000 buffers at 100×) instead of through `admission_in_bloc_date`.
        db_index=False,
    )
    other_party = models.CharField(
        "tổ chức ngoài Khối",
        max_length=255,
        blank=True,
        help_text="Nơi chuyển đến / chuyển đi / kết nạp khi ở ngoài Đảng bộ Khối.",
    )
    end_date = models.DateField(
        "đến hết ngày",
        null=True,
        blank=True,
        validators=[limits.day_ahead],
        help_text="Chuyển tạm thời, miễn sinh hoạt, đình chỉ.",
    )
    exemption_ground = models.CharField(
        "lý do miễn", max_length=10, choices=ExemptionGround.choices, blank=True
    )
    ending_ground = models.CharField(
        "lý do ra khỏi Đảng",
        max_length=24,
        choices=EndingGround.choices,
        blank=True,
        help_text="Xóa tên, xin ra khỏi Đảng (bắt buộc); khai trừ (theo quyết định kỷ luật).",
    )
    readmission_consent = models.CharField(
        "văn bản đồng ý kết nạp lại",
        max_length=120,
        blank=True,
        help_text="Kết nạp lại: số, ngày văn bản đồng ý của Ban Thường vụ Tỉnh ủy (hoặc tương đương).",
    )
    conviction_cleared_on = models.DateField(
        "ngày được xóa án tích",
        null=True,
        blank=True,
        validators=[limits.past_day],
        help_text="Kết nạp lại người đã ra khỏi Đảng vì bị kết án về tội phạm ít nghiêm trọng: "
        "chỉ xét sau 60 tháng kể từ ngày này.",
    )
    vote_date = models.DateField(
        "ngày chi bộ xét kết nạp",
        null=True,
        blank=True,
        help_text="Kết nạp: ngày chi bộ họp xét, đề nghị kết nạp (tuổi người vào Đảng tính theo ngày này).",
    )
    sponsors = models.CharField("người giới thiệu", max_length=255, blank=True)
    note = models.TextField("ghi chú", blank=True)
    created_at = models.DateTimeField("ngày nhập", auto_now_add=True)
    import_batch = import_batch_key(related_name="member_events", db_index=False)

    class Meta:
        verbose_name = "sự kiện đảng viên"
        verbose_name_plural = "quá trình sinh hoạt đảng"
        ordering = ["member", "date", "pk"]
        indexes = [
            models.Index(fields=["kind", "date"], include=["organisation"], name="event_kind_date"),
            # Admissions into the Khối by date: the report's admission counts read only this.
            # Covering: the admission figures (by year, by TCCS, composition) read the chi bộ and
            # the member from the index.
            models.Index(
                fields=["date"],
                include=["organisation", "member"],
                condition=Q(kind="ket_nap", organisation__isnull=False),
                name="admission_in_bloc_date",
            ),
            models.Index(fields=["organisation", "date"], name="event_org_date"),
        ]

    def __str__(self):
        when = day_text(self.date, "?")
        return f"{self.get_kind_display()} ({when})"


class MembershipStatus(models.TextChoices):
    PROBATIONARY = "du_bi", "Dự bị"
    OFFICIAL = "chinh_thuc", "Chính thức"


def covering(day):
    """Periods in force on `day`: started on or before it and not yet ended (the end is exclusive)."""
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gt=day))


class MembershipPeriodQuerySet(models.QuerySet):
    def covering(self, day):
        return self.filter(covering(day))

    def in_bloc(self):
        return self.filter(organisation__isnull=False)


class MembershipPeriod(models.Model):
    """A span of days in which a member's registration and status stayed the same.

    Derived data: written only by `members.services` from the member's events, never edited.
    `organisation` is NULL while the member belongs to a party organisation outside the Khối.
    """

    # `period_member` (member, …) serves every look-up by member: no index of its own.
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="periods", db_index=False)
    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name="chi bộ",
        on_delete=models.PROTECT,
        null=True,
        related_name="periods",
        # `period_org_start` (organisation, starts_on) serves every look-up by organisation. A
        # separate index on the column alone made PostgreSQL read the in-bloc periods through it
        # ("organisation_id IS NOT NULL": one heap visit per row, 475,000 buffers at 100×) instead
        # of scanning the table.
        db_index=False,
    )
    status = models.CharField("tư cách", max_length=10, choices=MembershipStatus.choices)
    temporary_host = models.ForeignKey(
        "units.Organisation",
        verbose_name="nơi sinh hoạt tạm thời",
        on_delete=models.PROTECT,
        null=True,
        related_name="temporary_periods",
        db_index=False,  # `period_temporary_host` indexes the few periods that have one
    )
    on_temporary_transfer = models.BooleanField("đang chuyển sinh hoạt tạm thời", default=False)
    is_exempt = models.BooleanField("được miễn sinh hoạt", default=False)
    is_suspended = models.BooleanField("bị đình chỉ sinh hoạt", default=False)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến trước ngày", null=True)
    # Party age, derived with the period (`members.party_age`): read off the one period covering a
    # day, so no report walks a member's events.
    party_age_from = models.DateField(
        "tuổi đảng tính từ",
        null=True,
        help_text="Ngày bắt đầu tính tuổi đảng như thể không gián đoạn (ngày quyết định kết nạp lần đầu "
        "cộng số ngày không tính); trống khi giai đoạn nằm trong thời gian gián đoạn sinh hoạt đảng.",
    )
    party_days_before = models.PositiveIntegerField("số ngày tuổi đảng trước giai đoạn", default=0)
    # The member's profile fields the composition groups by (`period_profile.FIELDS`), copied onto
    # each period by `members.period_profile` (every writer of periods or of a profile calls it), so
    # the breakdowns of the members of a day are one scan of the periods covering it, not a join.
    gender = models.CharField("giới tính", max_length=3, blank=True, editable=False)
    birth_date = models.DateField("ngày sinh", null=True, editable=False)
    ethnicity = models.CharField("dân tộc", max_length=50, blank=True, editable=False)
    religion = models.CharField("tôn giáo", max_length=50, blank=True, editable=False)
    education = models.CharField("giáo dục phổ thông", max_length=20, blank=True, editable=False)
    theory_level = models.CharField("lý luận chính trị", max_length=10, blank=True, editable=False)

    objects = MembershipPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "giai đoạn sinh hoạt"
        verbose_name_plural = "giai đoạn sinh hoạt"
        ordering = ["member", "starts_on"]
        indexes = [
            # Covering: headcounts on given days read only this index (PostgreSQL).
            models.Index(
                fields=["starts_on", "ends_on"], include=["status", "organisation"], name="period_span"
            ),
            models.Index(fields=["organisation", "starts_on"], name="period_org_start"),
            # A member's registrations, whole: "was the member registered in the Khối on the day of
            # this event / badge" (the flows) is one index-only probe per record; also every other
            # look-up by member (a member's periods), so the foreign key has no index of its own.
            models.Index(
                fields=["member"],
                include=["starts_on", "ends_on", "organisation", "status"],
                name="period_member",
            ),
            models.Index(
                fields=["temporary_host"],
                condition=Q(temporary_host__isnull=False),
                name="period_temporary_host",
            ),
        ]

    def __str__(self):
        until = f" đến {day_text(self.ends_on)}" if self.ends_on else ""
        return f"Từ {day_text(self.starts_on)}{until}"


class MemberRating(RatingFields):
    """A member's rating for a year, by the chi bộ where the member was registered at year end."""

    member = models.ForeignKey(
        Member, verbose_name="đảng viên", on_delete=models.PROTECT, related_name="ratings"
    )
    # Stored, not looked up through periods: reports group ratings by these (DOMAIN.md §3).
    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name="chi bộ",
        on_delete=models.PROTECT,
        related_name="member_ratings",
        editable=False,
    )
    tccs = models.ForeignKey(
        "units.Organisation",
        verbose_name="tổ chức cơ sở đảng",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    subject = rating_schemes.MEMBER

    import_batch = import_batch_key(related_name="member_ratings", db_index=False)

    class Meta:
        verbose_name = "xếp loại đảng viên"
        verbose_name_plural = "xếp loại đảng viên"
        ordering = ["-year", "member__sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                name="one_rating_per_member_year",
                violation_error_message="Đảng viên này đã được xếp loại trong năm đó.",
            )
        ]
        indexes = [
            models.Index(fields=["year", "level"], name="member_rating_year_level"),
            models.Index(fields=["tccs", "year"], name="member_rating_tccs_year"),
        ]

    def __str__(self):
        return f"{self.member} — {self.year}: {self.get_category_display()}"

    # Who must be rated in a year is a query over the members' periods, which reads these models
    # (`members.queries.periods_to_rate`): `MembersConfig.ready` names it here.
    periods_to_rate = None

    def clean(self):
        self.clean_rating()
        if not (self.member_id and self.year):
            return
        to_rate = MemberRating.periods_to_rate(self.year)
        period = to_rate.filter(member_id=self.member_id).select_related("organisation").first()
        if period is None:
            raise ValidationError(
                {
                    "member": f"{self.member} không thuộc diện xếp loại năm {self.year}: không sinh hoạt trong "
                    f"Đảng bộ Khối vào {day_text(datetime.date(self.year, 12, 31))}, đang được miễn hoặc bị "
                    "đình chỉ sinh hoạt, hoặc được kết nạp chưa đủ 6 tháng."
                }
            )
        self.organisation = period.organisation
        self.tccs_id = period.organisation.grassroots_id


class GapGround(models.TextChoices):
    """Time out of party life that does not end membership, which party age does not count (QĐ
    24-QĐ/TW 2021 §4.5.1; docs/rules.md). The time between memberships (expelled, removed, resigned,
    then readmitted) is not recorded here: it follows from the events."""

    LOST_CONTACT = "mat_lien_lac", "Mất liên lạc với tổ chức đảng"
    TRANSFER_GAP = "chuyen_sinh_hoat", "Gián đoạn do chuyển sinh hoạt đảng (không đăng ký sinh hoạt đúng hạn)"
    FIXED_TERM_EXPULSION = "khai_tru_co_thoi_han", "Khai trừ có thời hạn (Điều lệ Đảng khóa II)"


class PartyLifeGap(models.Model):
    """A dated interruption of a member's party life that does not end the membership (lost contact,
    a transfer not registered in time): the member still counts, party age does not run. Written
    only through `members.services.party_life_gaps_apply`, which checks it with the member's
    history and rewrites the periods (their party age)."""

    member = models.ForeignKey(
        Member, verbose_name="đảng viên", on_delete=models.PROTECT, related_name="party_life_gaps"
    )
    ground = models.CharField("lý do", max_length=24, choices=GapGround.choices)
    starts_on = models.DateField("từ ngày", validators=[limits.past_day])
    ends_on = models.DateField(
        "đến hết ngày",
        null=True,
        blank=True,
        validators=[limits.past_day],
        help_text="Ngày cuối cùng không sinh hoạt; để trống nếu vẫn đang gián đoạn.",
    )
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "thời gian gián đoạn sinh hoạt đảng"
        verbose_name_plural = "thời gian gián đoạn sinh hoạt đảng (không tính tuổi đảng)"
        ordering = ["member", "starts_on"]

    def __str__(self):
        until = f" đến hết {day_text(self.ends_on)}" if self.ends_on else " (đang gián đoạn)"
        return f"{self.get_ground_display()}: từ {day_text(self.starts_on)}{until}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {
                    "ends_on": f"Ngày kết thúc ({day_text(self.ends_on)}) không thể trước ngày bắt đầu "
                    f"({day_text(self.starts_on)})."
                }
            )


class SickLeave(models.Model):
    """Sick leave taken by a member: 3 months or more in a year caps the rating at level 3 (a warning)."""

    member = models.ForeignKey(
        Member, verbose_name="đảng viên", on_delete=models.PROTECT, related_name="sick_leaves"
    )
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến hết ngày")
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "nghỉ ốm"
        verbose_name_plural = "nghỉ ốm"
        ordering = ["member", "starts_on"]

    def __str__(self):
        return f"Nghỉ ốm {day_text(self.starts_on)}–{day_text(self.ends_on)}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "Ngày kết thúc không thể trước ngày bắt đầu."})


class AwardForm(models.Model):
    """A form of award (cờ thi đua, bằng khen, giấy khen, …); staff may add more."""

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("hình thức khen thưởng", max_length=120, unique=True)

    class Meta:
        verbose_name = "hình thức khen thưởng"
        verbose_name_plural = "hình thức khen thưởng"
        ordering = ["name"]

    def __str__(self):
        return self.name


class IssuingBody(models.Model):
    """Who gives awards (Tỉnh ủy, Ban Thường vụ Đảng ủy Khối, …); staff may add more."""

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("cơ quan khen thưởng", max_length=120, unique=True)

    class Meta:
        verbose_name = "cơ quan khen thưởng"
        verbose_name_plural = "cơ quan khen thưởng"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Award(models.Model):
    """One award (one "lượt") to an organisation or a member."""

    form = models.ForeignKey(
        AwardForm, verbose_name="hình thức", on_delete=models.PROTECT, related_name="awards"
    )
    body = models.ForeignKey(
        IssuingBody, verbose_name="cơ quan khen thưởng", on_delete=models.PROTECT, related_name="awards"
    )
    decision_number = models.CharField("số quyết định", max_length=60)
    decision_date = models.DateField("ngày quyết định")
    year = models.PositiveSmallIntegerField("năm thành tích")
    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name="tổ chức được khen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
    )
    member = models.ForeignKey(
        Member,
        verbose_name="đảng viên được khen",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
    )
    note = models.CharField("ghi chú", max_length=255, blank=True)

    class Meta:
        verbose_name = "khen thưởng"
        verbose_name_plural = "khen thưởng"
        ordering = ["-decision_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, member__isnull=False)
                | Q(organisation__isnull=False, member__isnull=True),
                name="award_has_one_recipient",
                violation_error_message="Chọn một người nhận: hoặc tổ chức đảng, hoặc đảng viên.",
            )
        ]
        indexes = [models.Index(fields=["decision_date"], name="award_decision_date")]

    def __str__(self):
        return f"{self.form} — {self.recipient}"

    @property
    def recipient(self):
        return self.organisation or self.member

    def clean(self):
        if bool(self.organisation_id) == bool(self.member_id):
            raise ValidationError("Chọn một người nhận: hoặc tổ chức đảng, hoặc đảng viên.")
        if self.decision_date and self.year and self.year > self.decision_date.year:
            raise ValidationError({"year": "Năm thành tích không thể sau năm ra quyết định khen thưởng."})


BADGE_MILESTONES = (30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)


class PartyBadge(models.Model):
    """A Huy hiệu Đảng given to a member (30, 40, 45, … 90 years of party age)."""

    member = models.ForeignKey(
        Member, verbose_name="đảng viên", on_delete=models.PROTECT, related_name="badges"
    )
    years = models.PositiveSmallIntegerField(
        "huy hiệu (năm tuổi đảng)", choices=[(y, f"Huy hiệu {y} năm tuổi Đảng") for y in BADGE_MILESTONES]
    )
    # Empty: a badge received before the member's records came here, its day not known (an import
    # may carry the milestone alone, review F13); the forms still require the day.
    awarded_on = models.DateField("ngày trao", null=True, blank=False)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    early = models.BooleanField("trao sớm (ốm nặng)", default=False)
    posthumous = models.BooleanField("truy tặng (đảng viên đã từ trần)", default=False)
    revoked_on = models.DateField(
        "ngày thu hồi", null=True, blank=True, editable=False, help_text="Thu hồi khi đảng viên bị khai trừ."
    )

    class Meta:
        verbose_name = "Huy hiệu Đảng"
        verbose_name_plural = "Huy hiệu Đảng đã trao"
        ordering = ["-awarded_on", "member__sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "years"],
                name="one_badge_per_milestone",
                violation_error_message="Đảng viên này đã được trao huy hiệu mốc đó.",
            )
        ]

    def __str__(self):
        return self.get_years_display()

    def clean(self):
        """A badge goes to a living member, or posthumously to one who died (HD 01-HD/TW 2021 §18);
        never to someone expelled."""
        if not (self.member_id and self.awarded_on):
            return
        endings = dict(
            self.member.events.filter(
                kind__in=(EventKind.DEATH, EventKind.EXPULSION), date__lte=self.awarded_on
            ).values_list("kind", "date")
        )
        died = endings.get(EventKind.DEATH)
        if self.posthumous and not died:
            raise ValidationError(
                {
                    "posthumous": f"Chỉ truy tặng khi đảng viên đã từ trần (hồ sơ {self.member.full_name} không ghi)."
                }
            )
        if died and not self.posthumous:
            raise ValidationError(
                {
                    "posthumous": f"{self.member.full_name} đã từ trần ngày {day_text(died)}: đánh dấu truy tặng."
                }
            )
        expelled = endings.get(EventKind.EXPULSION)
        if expelled:
            raise ValidationError(
                {
                    "member": f"{self.member.full_name} đã bị khai trừ ngày {day_text(expelled)}: không trao Huy hiệu Đảng."
                }
            )
