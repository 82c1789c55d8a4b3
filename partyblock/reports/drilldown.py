"""How the records behind a count are listed: columns per model for the drill-down page and its
xlsx export (one row generator feeds both), with the joins each needs so a page costs a fixed
number of queries."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Substr

from members.models import Award, Member, MemberEvent, MemberRating
from members.queries import periods_as_of
from partyblock.core.drilldown import COLUMNS, FALLBACK, Columns
from partyblock.core.scoping import BELONGING
from units.models import BreakthroughTask, Document, Meeting, Organisation, OrganisationRating
from units.tree import PATH_STEP


def tccs_name(path):
    """Subquery: the name of the TCCS of the organisation whose path is `path` (an OuterRef)."""
    return Subquery(Organisation.objects.filter(path=Substr(path, 1, 2 * PATH_STEP)).values("name")[:1])


def placed(name, tccs):
    """A chi bộ's name followed by its TCCS's ("Chi bộ Văn phòng — Đảng bộ Sở A"); a TCCS alone."""
    return name if not tccs or tccs == name else f"{name} — {tccs}"


def _organisation_placed(record):
    organisation = record.organisation
    return placed(organisation.name, getattr(record, "tccs_name", None)) if organisation else ""


def hidden_records_text(model):
    """(what the records are counted as, what the hidden ones are) for the drill-down's note on
    counted records of `model` that the access rule keeps from grassroots staff, by how the model
    belongs to a TCCS (`partyblock.core.scoping`): members who moved on to another TCCS,
    organisations (or records kept in organisations) now under one."""
    belonging = BELONGING.get(model)
    elsewhere = "tổ chức cơ sở đảng khác"
    if belonging is None or belonging.hidden:
        return "bản ghi", "bản ghi ngoài phạm vi"
    if belonging.tree:
        return "tổ chức", f"tổ chức nay thuộc {elsewhere}"
    if belonging.member == "pk":
        return "đảng viên", f"đảng viên nay sinh hoạt ở {elsewhere}"
    if belonging.member and belonging.organisation:
        return "bản ghi", f"bản ghi của đảng viên và tổ chức nay thuộc {elsewhere}"
    if belonging.member:
        return "bản ghi", f"bản ghi của đảng viên nay sinh hoạt ở {elsewhere}"
    return "bản ghi", f"bản ghi của tổ chức nay thuộc {elsewhere}"


# Records listed with their organisation's TCCS (annotated `tccs_name` by `prepare`).
WITH_TCCS = {"units.meeting", "units.breakthroughtask", "members.memberevent"}


def _organisation_columns():
    return Columns(
        ("Mã", "Tên tổ chức", "Loại", "Trực thuộc", "Ngày thành lập", "Ngày giải thể"),
        lambda o: (
            o.code,
            o.name,
            o.get_kind_display(),
            o.parent.name if o.parent else "",
            o.founded_on,
            o.dissolved_on,
        ),
        ("parent",),
        ("path",),
        ("name", "code"),
        lambda o: ("admin:units_organisation_change", o.pk),
    )


COLUMNS.update(
    {
        Organisation: _organisation_columns(),
        Member: Columns(
            ("Họ và tên", "Ngày sinh", "Giới tính", "Chi bộ"),
            lambda m: (
                m.full_name,
                m.birth_date,
                m.get_gender_display(),
                placed(getattr(m, "chi_bo_name", "") or "", getattr(m, "chi_bo_tccs", None)),
            ),
            (),
            ("sort_key", "pk"),
            ("search_name",),
            lambda m: ("admin:members_member_change", m.pk),
        ),
        MemberEvent: Columns(
            ("Họ và tên", "Sự kiện", "Ngày", "Chi bộ", "Số quyết định"),
            lambda e: (
                e.member.full_name,
                e.get_kind_display(),
                e.date,
                _organisation_placed(e) if e.organisation else e.other_party,
                e.decision_number,
            ),
            ("member", "organisation"),
            ("date", "member__sort_key", "pk"),
            ("member__search_name",),
            lambda e: ("admin:members_member_change", e.member_id),
        ),
        MemberRating: Columns(
            ("Họ và tên", "Năm", "Xếp loại", "Mức", "Chi bộ"),
            lambda r: (
                r.member.full_name,
                r.year,
                r.get_category_display(),
                r.level,
                placed(r.organisation.name, r.tccs.name if r.tccs else None),
            ),
            ("member", "organisation", "tccs"),
            ("organisation__path", "member__sort_key", "pk"),
            ("member__search_name",),
            lambda r: ("admin:members_memberrating_change", r.pk),
        ),
        OrganisationRating: Columns(
            ("Tổ chức đảng", "Năm", "Xếp loại", "Mức"),
            lambda r: (
                placed(r.organisation.name, r.tccs.name if r.tccs else None),
                r.year,
                r.get_category_display(),
                r.level,
            ),
            ("organisation", "tccs"),
            ("organisation__path", "pk"),
            ("organisation__name",),
            lambda r: ("admin:units_organisationrating_change", r.pk),
        ),
        Award: Columns(
            (
                "Hình thức",
                "Cơ quan khen thưởng",
                "Tổ chức / đảng viên",
                "Số quyết định",
                "Ngày quyết định",
                "Năm",
            ),
            lambda a: (
                a.form.name,
                a.body.name,
                str(a.recipient),
                a.decision_number,
                a.decision_date,
                a.year,
            ),
            ("form", "body", "organisation", "member"),
            ("decision_date", "pk"),
            ("organisation__name", "decision_number"),
            lambda a: ("admin:members_award_change", a.pk),
        ),
        BreakthroughTask: Columns(
            ("Tổ chức", "Năm", "Công việc đột phá", "Kết quả"),
            lambda t: (_organisation_placed(t), t.year, t.title, t.get_result_display()),
            ("organisation",),
            ("year", "organisation__path", "pk"),
            ("title", "organisation__name"),
            lambda t: ("admin:units_breakthroughtask_change", t.pk),
        ),
        Meeting: Columns(
            ("Chi bộ", "Ngày", "Hình thức", "Phải dự", "Dự"),
            lambda m: (_organisation_placed(m), m.held_on, m.get_kind_display(), m.expected, m.present),
            ("organisation",),
            ("held_on", "organisation__path", "pk"),
            ("organisation__name",),
            lambda m: ("admin:units_meeting_change", m.pk),
        ),
        Document: Columns(
            ("Số, ký hiệu", "Loại", "Ngày ban hành", "Trích yếu"),
            lambda d: (d.number, d.get_kind_display(), d.issued_on, d.title),
            (),
            ("issued_on", "pk"),
            ("number", "title"),
            lambda d: ("admin:units_document_change", d.pk),
        ),
    }
)


def prepare(queryset, scope):
    """The queryset ready for listing: joins, order, for members their chi bộ on the as-of day, and
    the TCCS of each chi bộ shown (one query whatever the number of rows)."""
    columns = COLUMNS.get(queryset.model, FALLBACK)
    queryset = queryset.select_related(*columns.select_related).order_by(*columns.ordering)
    if queryset.model is Member:
        chi_bo = periods_as_of(scope.as_of).filter(member=OuterRef("pk"))
        queryset = queryset.annotate(
            chi_bo_name=Subquery(chi_bo.values("organisation__name")[:1]),
            chi_bo_tccs=Subquery(
                chi_bo.annotate(t=tccs_name(OuterRef("organisation__path"))).values("t")[:1]
            ),
        )
    elif queryset.model._meta.label_lower in WITH_TCCS:
        queryset = queryset.annotate(tccs_name=tccs_name(OuterRef("organisation__path")))
    return queryset, columns


PARAM_LABELS = {
    "year": "năm",
    "level": "mức",
    "form": "hình thức",
    "body": "cơ quan khen thưởng",
    "result": "kết quả",
    "kind": "loại",
    "subject": "đối tượng",
    "status": "tình trạng",
    "group": "nhóm",
    "step": "bước",
}
SUBJECT_LABELS = {"member": "đảng viên", "organisation": "tổ chức đảng"}


def describe_params(model, params):
    """The drill-down's parameters as people read them ("loại Đơn tố cáo", "quá hạn"): a choice
    shown by its label, a catalogue entry (award form, issuing body) by its name."""
    described = []
    for name, value in params.items():
        if name == "overdue":
            described.append("quá hạn")
            continue
        shown = SUBJECT_LABELS.get(value, value) if name == "subject" else _value_label(model, name, value)
        described.append(f"{PARAM_LABELS.get(name, name)} {shown}")
    return described


def _value_label(model, name, value):
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a parameter that is not a field (the year, the level's year)
        return value
    if field.choices:
        return {str(key): label for key, label in field.flatchoices}.get(str(value), value)
    if field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(code=value).first()
        return str(related) if related is not None else value
    return value
