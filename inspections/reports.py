"""The inspections app's part of the report pages: its sections of the term and year reports, its
blocks on the organisation page, and how its records are listed in drill-downs, registered in
`partyblock.core` when `InspectionsConfig.ready` imports this module."""

from django.db.models import Q

from partyblock.core.drilldown import Columns, register_columns
from partyblock.core.sections import (
    Row,
    Section,
    Table,
    count,
    register_organisation_blocks,
    register_sections,
)
from partyblock.core.text import day_text

from .models import (
    RECORDS_PERMISSION,
    DisciplineDecision,
    DisciplineForm,
    Inspection,
    InspectionSubject,
    Letter,
    LetterKind,
    LetterStatus,
    Supervision,
)

INSPECTION_FIGURES = [
    ("Cuộc kiểm tra của Đảng ủy Khối", "committee_inspections", 0),
    ("Tổ chức đảng được kiểm tra", "committee_inspected_orgs", 1),
    ("Cuộc giám sát chuyên đề", "thematic_supervisions", 0),
    ("Tổ chức đảng được giám sát", "supervised_orgs", 1),
    ("Đảng viên được giám sát", "supervised_members", 1),
    ("UBKT kiểm tra tổ chức đảng khi có dấu hiệu vi phạm", "violation_inspected_orgs", 0),
    ("UBKT kiểm tra đảng viên khi có dấu hiệu vi phạm", "violation_inspected_members", 0),
    ("UBKT kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát (tổ chức đảng)", "duty_inspected_orgs", 0),
    ("UBKT kiểm tra việc thi hành kỷ luật: đảng viên", "discipline_enforcement_members", 0),
    ("UBKT kiểm tra việc thi hành kỷ luật: cấp ủy", "discipline_enforcement_committees", 0),
]


def report_sections(scope):
    """The report's "inspection and supervision" section: inspections and supervisions, then
    discipline and letters, in the order of the Khối's term report."""
    section = Section("kiem_tra", "Kiểm tra, giám sát, thi hành kỷ luật đảng", short="Kiểm tra, giám sát")
    section.rows = [
        *(Row(label, count(scope, key), level=level) for label, key, level in INSPECTION_FIGURES),
        Row("Đối tượng kiểm tra có vi phạm (lượt)", count(scope, "inspection_violations_found")),
        Row("Cuộc kiểm tra do cấp ủy cơ sở tiến hành", count(scope, "tccs_own_inspections")),
        Row("Quyết định kỷ luật", count(scope, "discipline_decisions")),
        Row("Trong đó: kỷ luật sau kiểm tra", count(scope, "discipline_after_inspection"), level=1),
        Row("Kỷ luật đảng viên", count(scope, "discipline_decisions", subject="member"), level=1),
        Row("Kỷ luật tổ chức đảng", count(scope, "discipline_decisions", subject="organisation"), level=1),
        Row("Đơn thư tiếp nhận", count(scope, "letters")),
        Row(
            f"Đơn quá hạn giải quyết (đến {day_text(scope.activity_end)})",
            count(scope, "letters", overdue="1"),
            level=1,
        ),
    ]
    section.tables = [
        Table(
            "Kỷ luật theo hình thức",
            ["Hình thức", "Số quyết định"],
            [
                (label, [count(scope, "discipline_decisions", form=form)])
                for form, label in DisciplineForm.choices
            ],
        ),
        Table(
            "Đơn thư theo loại và tình trạng",
            ["Loại đơn", *[label for _, label in LetterStatus.choices]],
            [
                (
                    kind_label,
                    [count(scope, "letters", kind=kind, status=status) for status, _ in LetterStatus.choices],
                )
                for kind, kind_label in LetterKind.choices
            ],
        ),
    ]
    return [section]


def organisation_blocks(organisation):
    """Inspections, supervisions, discipline and letters concerning `organisation` or anything below it."""
    below = Q(organisations__path__startswith=organisation.path)
    inspections = (
        Inspection.objects.filter(below)
        .distinct()
        .select_related("conducting_organisation")
        .order_by("-decision_date")[:50]
    )
    supervisions = (
        Supervision.objects.filter(below)
        .distinct()
        .select_related("conducting_organisation")
        .order_by("-decision_date")[:50]
    )
    decisions = (
        DisciplineDecision.objects.filter(organisation__path__startswith=organisation.path)
        .select_related("organisation")
        .order_by("-decision_date")[:50]
    )
    letters = Letter.objects.filter(below).distinct().order_by("-received_on")[:50]
    return [
        {
            "title": "Kiểm tra",
            "headers": ["Quyết định", "Ngày", "Nội dung kiểm tra", "Cơ quan"],
            "rows": [
                (i.decision_number, i.decision_date, i.get_kind_display(), i.body_display())
                for i in inspections
            ],
        },
        {
            "title": "Giám sát",
            "headers": ["Quyết định", "Ngày", "Hình thức", "Cơ quan"],
            "rows": [
                (s.decision_number, s.decision_date, s.get_kind_display(), s.body_display())
                for s in supervisions
            ],
        },
        {
            "title": "Kỷ luật tổ chức",
            "headers": ["Quyết định", "Ngày", "Hình thức", "Tổ chức"],
            "rows": [
                (d.decision_number, d.decision_date, d.get_form_display(), str(d.organisation))
                for d in decisions
            ],
        },
        {
            "title": "Đơn thư liên quan",
            "headers": ["Ngày nhận", "Loại", "Tình trạng", "Hạn giải quyết"],
            "rows": [
                (x.received_on, x.get_kind_display(), x.get_status_display(), x.deadline) for x in letters
            ],
        },
    ]


register_sections(report_sections)
register_organisation_blocks(organisation_blocks, permission=RECORDS_PERMISSION)


register_columns(
    InspectionSubject,
    Columns(
        (
            "Đối tượng",
            "Số quyết định kiểm tra",
            "Ngày quyết định",
            "Loại kiểm tra",
            "Yêu cầu khắc phục, xử lý",
        ),
        lambda r: (
            str(r.subject),
            r.inspection.decision_number,
            r.inspection.decision_date,
            r.inspection.get_kind_display(),
            r.follow_up,
        ),
        ("inspection", "member", "organisation"),
        ("inspection__decision_date", "pk"),
        ("inspection__decision_number", "member__search_name", "organisation__name"),
        lambda r: ("admin:inspections_inspection_change", r.inspection_id),
    ),
)
register_columns(
    Inspection,
    Columns(
        ("Số quyết định", "Ngày quyết định", "Loại kiểm tra", "Cơ quan tiến hành"),
        lambda i: (i.decision_number, i.decision_date, i.get_kind_display(), i.body_display()),
        ("conducting_organisation",),
        ("decision_date", "pk"),
        ("decision_number",),
        lambda i: ("admin:inspections_inspection_change", i.pk),
    ),
)
register_columns(
    Supervision,
    Columns(
        ("Số quyết định", "Ngày quyết định", "Hình thức", "Cơ quan tiến hành"),
        lambda s: (s.decision_number, s.decision_date, s.get_kind_display(), s.body_display()),
        ("conducting_organisation",),
        ("decision_date", "pk"),
        ("decision_number",),
        lambda s: ("admin:inspections_supervision_change", s.pk),
    ),
)
register_columns(
    DisciplineDecision,
    Columns(
        ("Đối tượng", "Hình thức", "Cấp quyết định", "Số quyết định", "Ngày quyết định", "Hủy bỏ ngày"),
        lambda d: (
            str(d.subject),
            d.get_form_display(),
            d.get_deciding_body_display(),
            d.decision_number,
            d.decision_date,
            d.withdrawn_on,
        ),
        ("member", "organisation"),
        ("decision_date", "pk"),
        ("decision_number", "member__search_name", "organisation__name"),
        lambda d: ("admin:inspections_disciplinedecision_change", d.pk),
    ),
)
register_columns(
    Letter,
    Columns(
        ("Số vào sổ", "Ngày nhận", "Loại đơn", "Người gửi", "Tình trạng", "Hạn giải quyết"),
        lambda x: (
            x.reference,
            x.received_on,
            x.get_kind_display(),
            x.sender_display(),
            x.get_status_display(),
            x.deadline,
        ),
        (),
        ("received_on", "pk"),
        ("reference", "sender"),
        lambda x: ("admin:inspections_letter_change", x.pk),
    ),
)
