"""Inspection, supervision, discipline and letters (DOMAIN.md §5): the registers kept by the Đảng ủy
Khối, its inspection committee (Ủy ban Kiểm tra, UBKT) and the grassroots committees.

Inspections, supervisions and letters name their subjects in rows of an explicit model, one
organisation or one member per row, so a record may concern many of each and an inspection can say
per subject whether a violation was found. Records are never deleted with their subjects: an
organisation or member that was inspected stays protected.

Writes go through `inspections.services`; a discipline decision that expels a member or dissolves an
organisation takes effect through the foundation's services (`members.services`), and its withdrawal
undoes that effect the same way.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from members.lifecycle import ENDING_GROUNDS, add_months
from members.models import EventKind, MembershipPeriod, MembershipStatus
from partyblock.core.text import day_text
from units.models import GRASSROOTS_KINDS

EXPULSION_GROUNDS = ENDING_GROUNDS[EventKind.EXPULSION]
# The permission that opens inspection, supervision, discipline and letter records (and the figures,
# report sections and organisation-page blocks counting them) to a user.
RECORDS_PERMISSION = "inspections.view_inspection"


class Body(models.TextChoices):
    """Who conducts an inspection or a supervision."""

    COMMITTEE = "dang_uy_khoi", "Đảng ủy Khối"
    UBKT = "ubkt_khoi", "Ủy ban Kiểm tra Đảng ủy Khối"
    GRASSROOTS = "cap_uy_co_so", "Cấp ủy cơ sở (và ủy ban kiểm tra của cấp ủy đó)"


class InspectionKind(models.TextChoices):
    THEMATIC = "chuyen_de", "Kiểm tra chuyên đề của cấp ủy"
    VIOLATION = "dau_hieu_vi_pham", "Kiểm tra khi có dấu hiệu vi phạm"
    DUTIES = "nhiem_vu_kiem_tra", "Kiểm tra thực hiện nhiệm vụ kiểm tra, giám sát"
    DISCIPLINE_ENFORCEMENT = "thi_hanh_ky_luat", "Kiểm tra việc thi hành kỷ luật trong Đảng"
    FINANCES = "tai_chinh", "Kiểm tra tài chính đảng"


UBKT_KINDS = (
    InspectionKind.VIOLATION,
    InspectionKind.DUTIES,
    InspectionKind.DISCIPLINE_ENFORCEMENT,
    InspectionKind.FINANCES,
)


class SupervisionKind(models.TextChoices):
    ONGOING = "thuong_xuyen", "Giám sát thường xuyên"
    THEMATIC = "chuyen_de", "Giám sát chuyên đề"


class ConductedRecord(models.Model):
    """What inspections and supervisions share: who conducted it, the decision, the period looked
    at, the content and the conclusion."""

    body = models.CharField("chủ thể", max_length=20, choices=Body.choices)
    conducting_organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name="cấp ủy cơ sở thực hiện",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind__in": GRASSROOTS_KINDS},
        help_text="Chỉ chọn khi chủ thể là cấp ủy cơ sở.",
    )
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định")
    period_from = models.DateField("thời kỳ từ ngày", null=True, blank=True)
    period_to = models.DateField("đến ngày", null=True, blank=True)
    content = models.TextField("nội dung")
    conclusion = models.TextField("kết luận", blank=True)
    concluded_on = models.DateField("ngày kết luận", null=True, blank=True)
    created_at = models.DateTimeField("ngày nhập", auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):  # each subclass has its own `kind`
        number = f"QĐ {self.decision_number}, " if self.decision_number else ""
        return f"{self.get_kind_display()} ({number}{day_text(self.decision_date, '?')})"

    def clean(self):
        errors = {}
        if self.body == Body.GRASSROOTS and not self.conducting_organisation_id:
            errors["conducting_organisation"] = "Chọn cấp ủy cơ sở thực hiện."
        elif self.body != Body.GRASSROOTS and self.conducting_organisation_id:
            errors["conducting_organisation"] = "Chỉ chọn cấp ủy cơ sở khi chủ thể là cấp ủy cơ sở."
        if self.period_from and self.period_to and self.period_to < self.period_from:
            errors["period_to"] = "Ngày cuối của thời kỳ không thể trước ngày đầu."
        if self.concluded_on and self.decision_date and self.concluded_on < self.decision_date:
            errors["concluded_on"] = "Ngày kết luận không thể trước ngày quyết định."
        if errors:
            raise ValidationError(errors)

    def body_display(self):
        if self.body == Body.GRASSROOTS and self.conducting_organisation_id:
            return f"Cấp ủy {self.conducting_organisation.name}"
        return self.get_body_display()


def subject_relations(through, parent, *, related_name, verb):
    """The organisations and the members a record concerns, through its subject rows."""
    return (
        models.ManyToManyField(
            "units.Organisation",
            through=through,
            through_fields=(parent, "organisation"),
            related_name=related_name,
            verbose_name=f"tổ chức đảng được {verb}",
        ),
        models.ManyToManyField(
            "members.Member",
            through=through,
            through_fields=(parent, "member"),
            related_name=related_name,
            verbose_name=f"đảng viên được {verb}",
        ),
    )


class Inspection(ConductedRecord):
    """An inspection (cuộc kiểm tra) by the Đảng ủy Khối (thematic), by its UBKT (the UBKT kinds of
    DOMAIN.md §5), or by a grassroots committee and its UBKT (any kind)."""

    kind = models.CharField("loại kiểm tra", max_length=20, choices=InspectionKind.choices)
    organisations, members = subject_relations(
        "InspectionSubject", "inspection", related_name="inspections", verb="kiểm tra"
    )

    class Meta:
        verbose_name = "cuộc kiểm tra"
        verbose_name_plural = "kiểm tra"
        ordering = ["-decision_date", "-pk"]
        indexes = [models.Index(fields=["body", "kind", "decision_date"], name="inspection_body_kind_date")]

    def clean(self):
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors.update(error.message_dict)
        if self.body == Body.COMMITTEE and self.kind in UBKT_KINDS:
            errors["kind"] = (
                f"{self.get_kind_display()} là nhiệm vụ của Ủy ban Kiểm tra: hãy chọn chủ thể "
                "“Ủy ban Kiểm tra Đảng ủy Khối”. Đảng ủy Khối kiểm tra theo chuyên đề."
            )
        elif self.body == Body.UBKT and self.kind == InspectionKind.THEMATIC:
            errors["kind"] = (
                "Kiểm tra chuyên đề của cấp ủy do Đảng ủy Khối hoặc cấp ủy cơ sở thực hiện, "
                "không phải Ủy ban Kiểm tra."
            )
        if errors:
            raise ValidationError(errors)


class Supervision(ConductedRecord):
    """A supervision (giám sát), ongoing or thematic."""

    kind = models.CharField("loại giám sát", max_length=20, choices=SupervisionKind.choices)
    organisations, members = subject_relations(
        "SupervisionSubject", "supervision", related_name="supervisions", verb="giám sát"
    )

    class Meta:
        verbose_name = "cuộc giám sát"
        verbose_name_plural = "giám sát"
        ordering = ["-decision_date", "-pk"]
        indexes = [models.Index(fields=["body", "kind", "decision_date"], name="supervision_body_kind_date")]


def _subject_constraints(prefix, parent):
    return [
        models.CheckConstraint(
            condition=Q(organisation__isnull=False, member__isnull=True)
            | Q(organisation__isnull=True, member__isnull=False),
            name=f"{prefix}_one_subject",
            violation_error_message="Chọn một tổ chức đảng hoặc một đảng viên (không chọn cả hai).",
        ),
        models.UniqueConstraint(
            fields=[parent, "organisation"],
            condition=Q(organisation__isnull=False),
            name=f"{prefix}_organisation_once",
            violation_error_message="Tổ chức đảng này đã có trong danh sách.",
        ),
        models.UniqueConstraint(
            fields=[parent, "member"],
            condition=Q(member__isnull=False),
            name=f"{prefix}_member_once",
            violation_error_message="Đảng viên này đã có trong danh sách.",
        ),
    ]


def subject_keys(related_name):
    """The organisation and member foreign keys of a subject row (exactly one is set, see
    `_subject_constraints`), reached from either side as `related_name`."""
    return (
        models.ForeignKey(
            "units.Organisation",
            verbose_name="tổ chức đảng",
            on_delete=models.PROTECT,
            null=True,
            blank=True,
            related_name=related_name,
        ),
        models.ForeignKey(
            "members.Member",
            verbose_name="đảng viên",
            on_delete=models.PROTECT,
            null=True,
            blank=True,
            related_name=related_name,
        ),
    )


class Subject(models.Model):
    """One organisation or one member that a record concerns."""

    parent_field = None  # the foreign key to the record the row belongs to

    class Meta:
        abstract = True

    def __str__(self):
        return str(self.subject) if self.subject else "—"

    @property
    def subject(self):
        return self.organisation if self.organisation_id else self.member if self.member_id else None


class InspectionSubject(Subject):
    parent_field = "inspection"

    inspection = models.ForeignKey(
        Inspection, verbose_name="cuộc kiểm tra", on_delete=models.CASCADE, related_name="subjects"
    )
    organisation, member = subject_keys(related_name="inspection_subjects")
    violation_found = models.BooleanField("có vi phạm", default=False)
    follow_up = models.TextField(
        "yêu cầu khắc phục, xử lý", blank=True, help_text="Để trống nếu không có yêu cầu."
    )

    class Meta:
        verbose_name = "đối tượng kiểm tra"
        verbose_name_plural = "đối tượng kiểm tra"
        ordering = ["inspection", "pk"]
        constraints = _subject_constraints("inspection_subject", "inspection")


class SupervisionSubject(Subject):
    parent_field = "supervision"

    supervision = models.ForeignKey(
        Supervision, verbose_name="cuộc giám sát", on_delete=models.CASCADE, related_name="subjects"
    )
    organisation, member = subject_keys(related_name="supervision_subjects")
    note = models.TextField("ghi chú, kiến nghị", blank=True)

    class Meta:
        verbose_name = "đối tượng giám sát"
        verbose_name_plural = "đối tượng giám sát"
        ordering = ["supervision", "pk"]
        constraints = _subject_constraints("supervision_subject", "supervision")


# --- discipline ------------------------------------------------------------------------------------


class DisciplineForm(models.TextChoices):
    REPRIMAND = "khien_trach", "Khiển trách"
    WARNING = "canh_cao", "Cảnh cáo"
    DISMISSAL = "cach_chuc", "Cách chức"
    EXPULSION = "khai_tru", "Khai trừ"
    DISSOLUTION = "giai_tan", "Giải tán"


ORGANISATION_FORMS = (DisciplineForm.REPRIMAND, DisciplineForm.WARNING, DisciplineForm.DISSOLUTION)
OFFICIAL_MEMBER_FORMS = (
    DisciplineForm.REPRIMAND,
    DisciplineForm.WARNING,
    DisciplineForm.DISMISSAL,
    DisciplineForm.EXPULSION,
)
PROBATIONARY_MEMBER_FORMS = (DisciplineForm.REPRIMAND, DisciplineForm.WARNING)
# Forms that change the foundation's records (membership, organisation tree) when they take effect.
FORMS_WITH_EFFECT = (DisciplineForm.EXPULSION, DisciplineForm.DISSOLUTION)
# Time limit of discipline (thời hiệu), in months from the violation to the decision: QĐ 69-QĐ/TW
# (06/7/2022) Art. 4: 5 years for a violation calling for khiển trách, 10 for cảnh cáo or cách chức
# (organisations: khiển trách 5, cảnh cáo 10); none for khai trừ and giải tán, nor for the violations
# the article lists (`time_limit_waived`). Checked for decisions from QĐ 69's date, when the violation
# date is recorded; the earlier regulations (QĐ 102-QĐ/TW 2017, QĐ 07-QĐi/TW 2018) not looked up.
TIME_LIMIT_MONTHS = {DisciplineForm.REPRIMAND: 60, DisciplineForm.WARNING: 120, DisciplineForm.DISMISSAL: 120}
TIME_LIMIT_FROM = datetime.date(2022, 7, 6)


class DecidingBody(models.TextChoices):
    CHI_BO = "chi_bo", "Chi bộ"
    GRASSROOTS_COMMITTEE = "cap_uy_co_so", "Cấp ủy cơ sở"
    GRASSROOTS_UBKT = "ubkt_co_so", "Ủy ban Kiểm tra đảng ủy cơ sở"
    STANDING_COMMITTEE = "btv_khoi", "Ban Thường vụ Đảng ủy Khối"
    UBKT = "ubkt_khoi", "Ủy ban Kiểm tra Đảng ủy Khối"
    HIGHER = "cap_tren", "Cấp ủy, ủy ban kiểm tra cấp trên"


def membership_status_on(member, day):
    """The member's status (dự bị / chính thức) on `day` from the stored periods; None if not a member."""
    period = MembershipPeriod.objects.filter(member=member).covering(day).only("status").first()
    return period.status if period else None


class DisciplineDecisionQuerySet(models.QuerySet):
    def in_force(self, day):
        """Effective on `day` and not withdrawn by then."""
        return self.filter(effective_on__lte=day).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
        )


class DisciplineDecision(models.Model):
    """A discipline decision (quyết định kỷ luật) on one member or one organisation.

    Written through `inspections.services.discipline_decide`: an expulsion ends the membership on
    the effective date by a lifecycle event (`member_event`), a dissolution closes the organisation.
    A withdrawn decision (`withdrawn_on`) keeps its record; its effect is undone by
    `discipline_withdraw`.
    """

    member = models.ForeignKey(
        "members.Member",
        verbose_name="đảng viên bị kỷ luật",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discipline_decisions",
    )
    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name="tổ chức đảng bị kỷ luật",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discipline_decisions",
    )
    form = models.CharField("hình thức kỷ luật", max_length=12, choices=DisciplineForm.choices)
    deciding_body = models.CharField("cấp quyết định", max_length=20, choices=DecidingBody.choices)
    decision_number = models.CharField("số quyết định", max_length=60)
    decision_date = models.DateField("ngày quyết định")
    effective_on = models.DateField(
        "ngày có hiệu lực", blank=True, help_text="Để trống: có hiệu lực từ ngày quyết định."
    )
    reason = models.TextField("nội dung vi phạm, lý do")
    violation_on = models.DateField(
        "ngày vi phạm",
        null=True,
        blank=True,
        help_text="Ngày xảy ra hành vi vi phạm (hành vi cuối cùng): tính thời hiệu kỷ luật (QĐ 69-QĐ/TW Điều 4).",
    )
    time_limit_waived = models.BooleanField(
        "không áp dụng thời hiệu",
        default=False,
        help_text="Vi phạm thuộc các trường hợp không áp dụng thời hiệu kỷ luật (QĐ 69-QĐ/TW Điều 4).",
    )
    expulsion_ground = models.CharField(
        "lý do khai trừ (xét kết nạp lại)",
        max_length=24,
        choices=[(g.value, g.label) for g in EXPULSION_GROUNDS],
        blank=True,
        help_text="Khai trừ: trường hợp (nếu có) khiến người này không được xem xét kết nạp lại.",
    )
    post_held = models.CharField(
        "chức vụ bị cách chức",
        max_length=160,
        blank=True,
        help_text="Cách chức: chức vụ đảng viên đang giữ (để trống: lấy chức vụ trong hồ sơ đảng viên).",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name="từ cuộc kiểm tra",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discipline_decisions",
    )
    member_event = models.ForeignKey(
        "members.MemberEvent",
        verbose_name="sự kiện khai trừ",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="discipline_decisions",
    )
    withdrawn_on = models.DateField("ngày hủy bỏ quyết định", null=True, blank=True)
    withdrawal_decision = models.CharField(
        "quyết định hủy bỏ",
        max_length=120,
        blank=True,
        help_text="Số quyết định và cấp hủy bỏ, ví dụ: 12-QĐ/UBKTĐUK (giải quyết khiếu nại).",
    )
    created_at = models.DateTimeField("ngày nhập", auto_now_add=True)

    objects = DisciplineDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "quyết định kỷ luật"
        verbose_name_plural = "kỷ luật"
        ordering = ["-decision_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, member__isnull=True)
                | Q(organisation__isnull=True, member__isnull=False),
                name="discipline_one_subject",
                violation_error_message="Chọn đảng viên hoặc tổ chức đảng bị kỷ luật (chỉ một).",
            ),
        ]

    def __str__(self):
        return f"{self.get_form_display()} {self.subject} (QĐ {self.decision_number}, {day_text(self.decision_date, '?')})"

    @property
    def subject(self):
        return self.member if self.member_id else self.organisation

    @property
    def is_withdrawn(self):
        return self.withdrawn_on is not None

    def clean(self):
        if self.effective_on is None:
            self.effective_on = self.decision_date
        errors = {}
        if self.decision_date and self.effective_on < self.decision_date:
            errors["effective_on"] = "Ngày có hiệu lực không thể trước ngày quyết định."
        if self.withdrawn_on and self.decision_date and self.withdrawn_on < self.decision_date:
            errors["withdrawn_on"] = "Ngày hủy bỏ không thể trước ngày quyết định."
        if self.withdrawn_on and not self.withdrawal_decision:
            errors["withdrawal_decision"] = "Ghi số quyết định hủy bỏ."
        if self.expulsion_ground and self.form != DisciplineForm.EXPULSION:
            errors["expulsion_ground"] = "Chỉ ghi lý do khai trừ cho quyết định khai trừ."
        if self.violation_on and self.decision_date and self.violation_on > self.decision_date:
            errors["violation_on"] = "Ngày vi phạm không thể sau ngày quyết định kỷ luật."
        one_subject = bool(self.member_id) != bool(self.organisation_id)  # else the constraint says so
        if self.pk is None and one_subject and self.decision_date and "effective_on" not in errors:
            # The subject and the form are fixed once recorded; only a new decision is checked.
            message = self.form_problem()
            if message:
                errors["form"] = message
            elif "violation_on" not in errors:
                message = self.time_limit_problem()
                if message:
                    errors["violation_on"] = message
        if errors:
            raise ValidationError(errors)

    def form_problem(self):
        """Why the form does not fit the subject (DOMAIN.md §5), or None."""
        if self.organisation_id:
            organisation = self.organisation
            if self.form not in ORGANISATION_FORMS:
                return "Tổ chức đảng chỉ bị kỷ luật bằng hình thức khiển trách, cảnh cáo hoặc giải tán."
            if self.form == DisciplineForm.DISSOLUTION and not organisation.is_active_on(self.effective_on):
                return f"{organisation.name} không còn hoạt động vào ngày {day_text(self.effective_on, '?')}."
            return None
        member = self.member
        status = membership_status_on(member, self.decision_date)
        if status is None:
            return f"{member.full_name} không phải là đảng viên vào ngày {day_text(self.decision_date, '?')}."
        if status == MembershipStatus.PROBATIONARY and self.form not in PROBATIONARY_MEMBER_FORMS:
            return (
                f"{member.full_name} là đảng viên dự bị vào ngày {day_text(self.decision_date, '?')}; "
                "đảng viên dự bị chỉ bị kỷ luật bằng hình thức khiển trách hoặc cảnh cáo."
            )
        if self.form not in OFFICIAL_MEMBER_FORMS:
            return "Đảng viên chỉ bị kỷ luật bằng hình thức khiển trách, cảnh cáo, cách chức hoặc khai trừ."
        if self.form == DisciplineForm.DISMISSAL:
            self.post_held = self.post_held.strip() or member.position
            if not self.post_held:
                return (
                    f"Cách chức chỉ áp dụng với đảng viên đang giữ chức vụ (QĐ 69-QĐ/TW Điều 7); "
                    f"hồ sơ của {member.full_name} không ghi chức vụ: ghi chức vụ bị cách chức."
                )
        return None

    def time_limit_problem(self):
        """Why the decision comes after the time limit of discipline (QĐ 69-QĐ/TW Art. 4), or None."""
        months = TIME_LIMIT_MONTHS.get(self.form)
        if not (months and self.violation_on and self.decision_date >= TIME_LIMIT_FROM):
            return None
        if self.time_limit_waived:
            return None
        if self.organisation_id and self.form == DisciplineForm.DISMISSAL:
            return None
        last_day = add_months(self.violation_on, months)
        if self.decision_date <= last_day:
            return None
        return (
            f"Đã hết thời hiệu kỷ luật {self.get_form_display().lower()} ({months // 12} năm kể từ ngày vi phạm "
            f"{day_text(self.violation_on, '?')}, đến hết ngày {day_text(last_day, '?')}; QĐ 69-QĐ/TW Điều 4). Nếu vi phạm thuộc "
            "trường hợp không áp dụng thời hiệu, hãy đánh dấu “không áp dụng thời hiệu”."
        )


# --- letters ---------------------------------------------------------------------------------------


class LetterKind(models.TextChoices):
    COMPLAINT = "khieu_nai", "Khiếu nại"
    DENUNCIATION = "to_cao", "Tố cáo"
    MIXED = "hon_hop", "Vừa khiếu nại vừa tố cáo"


class Competence(models.TextChoices):
    HANDLED = "giai_quyet", "Thuộc thẩm quyền: giải quyết tại Đảng ủy Khối"
    FORWARDED = "chuyen_don", "Không thuộc thẩm quyền: chuyển đơn"
    FILED = "luu_don", "Lưu đơn (không đủ điều kiện xem xét)"


class LetterStatus(models.TextChoices):
    RECEIVED = "moi_nhan", "Mới tiếp nhận"
    IN_PROGRESS = "dang_giai_quyet", "Đang giải quyết"
    CLOSED = "da_ket_thuc", "Đã kết thúc"


class LetterQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=LetterStatus.CLOSED)

    def overdue(self, day):
        """Open on `day` with the deadline already past (the deadline day itself is still in time)."""
        return self.open().filter(deadline__lt=day)


class Letter(models.Model):
    """A letter (đơn thư): a complaint, a denunciation, or both (handled as a complaint).

    `deadline` is computed by `inspections.services` for a letter handled here (a complaint or mixed
    letter and a denunciation alike, `inspections.workdays`; docs/rules.md); a letter is overdue
    while open after its deadline.
    """

    reference = models.CharField("số vào sổ", max_length=30, blank=True)
    received_on = models.DateField("ngày nhận")
    anonymous = models.BooleanField("đơn nặc danh", default=False)
    sender = models.CharField("người gửi", max_length=255, blank=True, help_text="Họ tên, địa chỉ.")
    kind = models.CharField("loại đơn", max_length=12, choices=LetterKind.choices)
    summary = models.TextField("nội dung đơn")
    discipline_decision = models.ForeignKey(
        DisciplineDecision,
        verbose_name="quyết định kỷ luật bị khiếu nại",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
    )
    competence = models.CharField("thẩm quyền", max_length=12, choices=Competence.choices)
    forwarded_to = models.CharField("chuyển đến", max_length=255, blank=True)
    deadline = models.DateField("hạn giải quyết", null=True, blank=True, editable=False)
    status = models.CharField(
        "tình trạng", max_length=16, choices=LetterStatus.choices, default=LetterStatus.RECEIVED
    )
    result = models.TextField("kết quả giải quyết", blank=True)
    closed_on = models.DateField("ngày kết thúc", null=True, blank=True)
    organisations = models.ManyToManyField(
        "units.Organisation",
        through="LetterSubject",
        through_fields=("letter", "organisation"),
        related_name="letters",
        verbose_name="tổ chức đảng liên quan",
    )
    members = models.ManyToManyField(
        "members.Member",
        through="LetterSubject",
        through_fields=("letter", "member"),
        related_name="letters",
        verbose_name="đảng viên liên quan",
    )
    created_at = models.DateTimeField("ngày nhập", auto_now_add=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = "đơn thư"
        verbose_name_plural = "đơn thư khiếu nại, tố cáo"
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["status", "deadline"], name="letter_status_deadline")]

    def __str__(self):
        number = f"số {self.reference}, " if self.reference else ""
        return f"Đơn {self.get_kind_display().lower()} ({number}nhận {day_text(self.received_on, '?')})"

    @property
    def handled_as(self):
        """A mixed letter is handled as a complaint (DOMAIN.md §5)."""
        return LetterKind.DENUNCIATION if self.kind == LetterKind.DENUNCIATION else LetterKind.COMPLAINT

    @property
    def is_open(self):
        return self.status != LetterStatus.CLOSED

    def is_overdue(self, day):
        return self.is_open and self.deadline is not None and self.deadline < day

    def sender_display(self):
        return "Nặc danh" if self.anonymous else self.sender

    def clean(self):
        errors = {}
        if not self.anonymous and not self.sender.strip():
            errors["sender"] = "Ghi người gửi, hoặc đánh dấu đơn nặc danh."
        if self.competence == Competence.FORWARDED and not self.forwarded_to.strip():
            errors["forwarded_to"] = "Ghi cơ quan, tổ chức nhận đơn chuyển đến."
        if self.status == LetterStatus.CLOSED:
            if not self.closed_on:
                errors["closed_on"] = "Đơn đã kết thúc cần có ngày kết thúc."
            if not self.result.strip():
                errors["result"] = "Đơn đã kết thúc cần ghi kết quả giải quyết."
        elif self.closed_on:
            errors["closed_on"] = "Chỉ ghi ngày kết thúc khi đơn đã kết thúc."
        if self.closed_on and self.received_on and self.closed_on < self.received_on:
            errors["closed_on"] = "Ngày kết thúc không thể trước ngày nhận đơn."
        if self.anonymous and self.kind == LetterKind.DENUNCIATION and self.competence != Competence.FILED:
            errors["competence"] = (
                "Đơn tố cáo nặc danh (giấu tên, mạo tên, không rõ địa chỉ) không được xem xét, giải quyết: "
                f"chọn “{Competence.FILED.label}”."
            )
        if self.discipline_decision_id and self.kind == LetterKind.DENUNCIATION:
            errors["discipline_decision"] = "Chỉ đơn khiếu nại mới gắn với quyết định kỷ luật bị khiếu nại."
        if errors:
            raise ValidationError(errors)


class LetterSubject(Subject):
    parent_field = "letter"

    letter = models.ForeignKey(
        Letter, verbose_name="đơn thư", on_delete=models.CASCADE, related_name="subjects"
    )
    organisation, member = subject_keys(related_name="letter_subjects")

    class Meta:
        verbose_name = "đảng viên, tổ chức đảng liên quan"
        verbose_name_plural = (
            "đảng viên, tổ chức đảng liên quan (bị tố cáo, hoặc bị kỷ luật trong quyết định bị khiếu nại)"
        )
        ordering = ["letter", "pk"]
        constraints = _subject_constraints("letter_subject", "letter")


class Holiday(models.Model):
    """A public holiday or an official day off in lieu (nghỉ bù, hoán đổi): not a working day.

    Kept as data because the government announces the days off each year; deadlines counted in
    working days skip these and weekends."""

    date = models.DateField("ngày", unique=True)
    name = models.CharField("tên ngày nghỉ", max_length=120)

    class Meta:
        verbose_name = "ngày nghỉ lễ, Tết"
        verbose_name_plural = "ngày nghỉ lễ, Tết"
        ordering = ["date"]

    def __str__(self):
        return f"{self.name} ({day_text(self.date, '?')})"
