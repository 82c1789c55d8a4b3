"""Candidates for admission (quần chúng ưu tú) and the steps that lead them to the ceremony.

One row per candidate, with one group of dated fields per step (docs/architecture.md, "The
admission pipeline", says why): the documents of each step have their own columns, and the row also
keeps, derived by the step services (`admission.services`) on every write, the last step reached
(`step`), the day it was reached (`step_on`) and the day the next one is due (`due_on`). So "how many
are at each step", "since when" and "who is stuck" are plain indexed queries (`admission.queries`).
Written only through `admission.services`; the member a candidate becomes is written by
`members.services.member_admit`.
"""

from django.db import models
from django.db.models import Q

from members.models import Member, PersonProfile
from partyblock.core import limits
from partyblock.core.text import name_sort_key, normalize_text, search_key
from units.models import OrganisationKind


class Step(models.IntegerChoices):
    """The steps in their order; a candidate's `step` is the last one recorded."""

    IDENTIFIED = 1, "Quần chúng ưu tú"
    COURSE = 2, "Đã học lớp bồi dưỡng nhận thức về Đảng"
    RESUME = 3, "Đã thẩm tra lý lịch"
    SPONSORED = 4, "Đã có người giới thiệu"
    CHI_BO_VOTE = 5, "Chi bộ đã xét, đề nghị kết nạp"
    RESOLUTION = 6, "Đảng ủy cơ sở đã xét, đề nghị"
    DECISION = 7, "Đã có quyết định kết nạp"
    ADMITTED = 8, "Đã kết nạp"


# The day each step is dated by (the field a step service writes first).
STEP_DATE_FIELDS = {
    Step.IDENTIFIED: "identified_on",
    Step.COURSE: "course_certificate_on",
    Step.RESUME: "resume_verified_on",
    Step.SPONSORED: "sponsored_on",
    Step.CHI_BO_VOTE: "vote_on",
    Step.RESOLUTION: "resolution_on",
    Step.DECISION: "decision_on",
    Step.ADMITTED: "ceremony_on",
}
# What the next step is called where a page says what is missing.
NEXT_STEP_TEXT = {
    Step.IDENTIFIED: "học lớp bồi dưỡng nhận thức về Đảng",
    Step.COURSE: "thẩm tra lý lịch",
    Step.RESUME: "người giới thiệu (hai đảng viên chính thức, hoặc một đảng viên và tổ chức Đoàn/Công đoàn)",
    Step.SPONSORED: "chi bộ xét, đề nghị kết nạp",
    Step.CHI_BO_VOTE: "đảng ủy cơ sở xét, đề nghị",
    Step.RESOLUTION: "quyết định kết nạp của cấp ủy có thẩm quyền",
    Step.DECISION: "lễ kết nạp",
}


class Status(models.TextChoices):
    OPEN = "dang_xem_xet", "Đang xem xét"
    ADMITTED = "da_ket_nap", "Đã kết nạp"
    WITHDRAWN = "thoi_xem_xet", "Thôi xem xét (rút khỏi danh sách)"
    REJECTED = "khong_ket_nap", "Không kết nạp"


class UnionBody(models.TextChoices):
    """A mass organisation whose committee may recommend its own member in place of one sponsor
    (Điều lệ Đảng Điều 4.2)."""

    YOUTH_UNION = "doan", "Ban Chấp hành Đoàn TNCS Hồ Chí Minh cơ sở"
    TRADE_UNION = "cong_doan", "Ban Chấp hành Công đoàn cơ sở"


class CandidateQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Status.OPEN)

    def within(self, organisation):
        """Candidates developed by `organisation` or anything filed below it (its filing path, as
        access scopes read it)."""
        return self.filter(organisation__path__startswith=organisation.path)


class Candidate(PersonProfile):
    """A person the chi bộ develops towards admission (quần chúng ưu tú, người vào Đảng)."""

    organisation = models.ForeignKey(
        "units.Organisation",
        verbose_name="chi bộ bồi dưỡng",
        on_delete=models.PROTECT,
        related_name="candidates",
        help_text="Chi bộ (cơ sở hoặc trực thuộc) phân công đảng viên giúp đỡ, xét đề nghị kết nạp.",
    )
    # Personal data is unique among open candidates only: someone refused may be proposed again.
    national_id = models.CharField("số CCCD", max_length=12, null=True, blank=True, help_text="12 chữ số")

    # 1. Identified as outstanding.
    identified_on = models.DateField("ngày được xác định là quần chúng ưu tú", validators=[limits.past_day])
    # 2. The Party awareness course.
    course_certificate_on = models.DateField(
        "ngày cấp giấy chứng nhận bồi dưỡng nhận thức về Đảng",
        null=True,
        blank=True,
        validators=[limits.past_day],
    )
    course_certificate_number = models.CharField("số giấy chứng nhận", max_length=60, blank=True)
    course_issuer = models.CharField(
        "nơi cấp giấy chứng nhận", max_length=255, blank=True, help_text="Ví dụ: Trung tâm Chính trị …"
    )
    # 3. The résumé (lý lịch người xin vào Đảng) verified.
    resume_verified_on = models.DateField(
        "ngày kết luận thẩm tra lý lịch", null=True, blank=True, validators=[limits.past_day]
    )
    resume_document = models.CharField(
        "văn bản kết luận thẩm tra", max_length=120, blank=True, help_text="Số, ký hiệu văn bản (nếu có)."
    )
    # 4. Two sponsors, or one and the Đoàn / Công đoàn committee's recommendation.
    sponsored_on = models.DateField("ngày giới thiệu", null=True, blank=True, validators=[limits.past_day])
    sponsor_1 = models.ForeignKey(
        Member,
        verbose_name="đảng viên giới thiệu thứ nhất",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sponsored_candidates",
    )
    sponsor_1_since = models.DateField(
        "cùng công tác với người thứ nhất từ ngày", null=True, blank=True, validators=[limits.past_day]
    )
    sponsor_2 = models.ForeignKey(
        Member,
        verbose_name="đảng viên giới thiệu thứ hai",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_sponsored_candidates",
    )
    sponsor_2_since = models.DateField(
        "cùng công tác với người thứ hai từ ngày", null=True, blank=True, validators=[limits.past_day]
    )
    union_body = models.CharField(
        "tổ chức giới thiệu (thay một đảng viên)", max_length=10, choices=UnionBody.choices, blank=True
    )
    union_document = models.CharField(
        "nghị quyết giới thiệu của tổ chức", max_length=120, blank=True, help_text="Số, ngày nghị quyết."
    )
    # 5. The chi bộ's vote.
    vote_on = models.DateField("ngày chi bộ xét kết nạp", null=True, blank=True, validators=[limits.past_day])
    vote_for = models.PositiveSmallIntegerField("số tán thành", null=True, blank=True)
    vote_against = models.PositiveSmallIntegerField("số không tán thành", null=True, blank=True)
    vote_present = models.PositiveSmallIntegerField("đảng viên chính thức có mặt", null=True, blank=True)
    vote_total = models.PositiveSmallIntegerField(
        "tổng số đảng viên chính thức của chi bộ", null=True, blank=True
    )
    # 6. The đảng ủy cơ sở's resolution (a chi bộ trực thuộc only).
    resolution_number = models.CharField("số nghị quyết của đảng ủy cơ sở", max_length=60, blank=True)
    resolution_on = models.DateField("ngày nghị quyết", null=True, blank=True, validators=[limits.past_day])
    resolution_for = models.PositiveSmallIntegerField("số cấp ủy viên tán thành", null=True, blank=True)
    resolution_total = models.PositiveSmallIntegerField("tổng số cấp ủy viên", null=True, blank=True)
    # 7. The admission decision.
    decision_number = models.CharField("số quyết định kết nạp", max_length=60, blank=True)
    decision_on = models.DateField("ngày quyết định", null=True, blank=True, validators=[limits.past_day])
    decision_body = models.CharField(
        "cấp ủy ra quyết định", max_length=255, blank=True, help_text="Ví dụ: Ban Thường vụ Đảng ủy Khối."
    )
    # 8. The ceremony: the member record is made by the lifecycle service.
    ceremony_on = models.DateField("ngày lễ kết nạp", null=True, blank=True, validators=[limits.past_day])
    member = models.OneToOneField(
        Member,
        verbose_name="đảng viên (sau khi kết nạp)",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidacy",
        editable=False,
    )

    status = models.CharField("tình trạng", max_length=14, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField("ngày kết thúc xem xét", null=True, blank=True, validators=[limits.past_day])
    closing_reason = models.CharField("lý do", max_length=255, blank=True)
    note = models.TextField("ghi chú", blank=True)

    # Derived by the step services on every write (never typed in).
    step = models.PositiveSmallIntegerField(
        "bước đã đến", choices=Step.choices, default=Step.IDENTIFIED, editable=False
    )
    step_on = models.DateField("từ ngày", editable=False)
    due_on = models.DateField(
        "hạn bước tiếp theo",
        null=True,
        blank=True,
        editable=False,
        help_text="Quá ngày này mà chưa ghi bước tiếp theo thì hồ sơ bị coi là chậm.",
    )

    search_name = models.CharField("tên không dấu", max_length=120, editable=False, db_index=True)
    sort_key = models.CharField("khóa sắp xếp", max_length=400, editable=False, db_index=True)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = "quần chúng ưu tú (người vào Đảng)"
        verbose_name_plural = "quần chúng ưu tú (người vào Đảng)"
        ordering = ["sort_key", "birth_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=Q(status="dang_xem_xet"),
                name="candidate_open_national_id",
                violation_error_message="Số CCCD này đã có trong một hồ sơ quần chúng đang xem xét.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "step"], include=["organisation"], name="candidate_status_step"),
            models.Index(fields=["status", "due_on"], name="candidate_status_due"),
            models.Index(fields=["ceremony_on"], name="candidate_ceremony"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.full_name = normalize_text(self.full_name)
        self.search_name = search_key(self.full_name)
        self.sort_key = name_sort_key(self.full_name)
        if self.national_id == "":
            self.national_id = None
        super().save(*args, **kwargs)

    def validate_constraints(self, exclude=None):
        # The CCCD is checked by the services with a message of their own (naming no one).
        exclude = set(exclude or ()) | {"national_id"}
        super().validate_constraints(exclude=exclude)

    def clean(self):
        self.normalize_profile()
        self.check_national_id_form()
        for name in ("course_certificate_number", "course_issuer", "resume_document", "union_document"):
            setattr(self, name, normalize_text(getattr(self, name)) or "")
        for name in ("resolution_number", "decision_number", "decision_body", "closing_reason"):
            setattr(self, name, normalize_text(getattr(self, name)) or "")

    @property
    def is_open(self):
        return self.status == Status.OPEN

    def step_date(self, step):
        return getattr(self, STEP_DATE_FIELDS[step])

    @property
    def needs_resolution(self):
        """A chi bộ trực thuộc's candidate is considered by its đảng ủy cơ sở; a chi bộ cơ sở's goes
        straight to the committee above."""
        return self.organisation.kind != OrganisationKind.CHI_BO_CO_SO

    def steps(self):
        """The steps this candidate goes through, in order (no đảng ủy step for a chi bộ cơ sở)."""
        return [s for s in Step if s != Step.RESOLUTION or self.needs_resolution]

    def next_step(self):
        """The step to record next (None once closed)."""
        if not self.is_open:
            return None
        later = [s for s in self.steps() if s > self.step]
        return later[0] if later else None

    def sponsors_text(self):
        """The sponsors as the admission event keeps them ("người giới thiệu")."""
        names = [m.full_name for m in (self.sponsor_1, self.sponsor_2) if m is not None]
        if self.union_body:
            body = UnionBody(self.union_body).label
            names.append(f"{body} ({self.union_document})" if self.union_document else body)
        return "; ".join(names)
