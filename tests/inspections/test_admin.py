"""The inspection registers in the admin: saving through the services, fixed query counts, and the
read-only lists on member and organisation pages."""

import datetime

import pytest
from django.urls import reverse

from inspections.admin import MEMBER_INLINES
from inspections.models import (
    Body,
    DisciplineDecision,
    Inspection,
    InspectionKind,
    InspectionSubject,
    Letter,
    LetterKind,
    SupervisionKind,
)
from inspections.services import (
    discipline_decide,
    inspection_record,
    letter_receive,
    supervision_record,
)
from inspections.workdays import COMPLAINT_WORKING_DAYS, DENUNCIATION_WORKING_DAYS, working_days_after
from members.models import EventKind, MemberEvent
from members.queries import members_as_of
from tests.conftest import inline_management, make_organisation, page_queries
from units.models import OrganisationKind

D = datetime.date


def many_chi_bo(tree, count):
    return [
        make_organisation(
            f"SOA-{n:02d}", OrganisationKind.CHI_BO_TRUC_THUOC, tree["dbcs"], name=f"Chi bộ số {n}"
        )
        for n in range(count)
    ]


def test_inspection_changelist_queries_do_not_grow_with_subjects(staff, tree, people):
    url = reverse("admin:inspections_inspection_changelist")
    inspection_record(
        body=Body.COMMITTEE,
        kind=InspectionKind.THEMATIC,
        decision_date=D(2018, 3, 1),
        content="Chuyên đề",
        subjects=[tree["dbcs"]],
    )
    one = page_queries(staff, url)

    chi_bo = many_chi_bo(tree, 12)
    for year in (2019, 2020):
        inspection_record(
            body=Body.UBKT,
            kind=InspectionKind.DISCIPLINE_ENFORCEMENT,
            decision_date=D(year, 3, 1),
            content="Thi hành kỷ luật",
            subjects=[*chi_bo, people["an"], people["binh"], people["cuong"]],
        )
    assert page_queries(staff, url) == one


def test_letter_changelist_queries_do_not_grow_with_subjects(staff, tree, people):
    url = reverse("admin:inspections_letter_changelist")

    def receive(day, subjects):
        letter_receive(
            received_on=day,
            sender="Nguyễn Văn Thành",
            kind=LetterKind.COMPLAINT,
            summary="Khiếu nại",
            competence="giai_quyet",
            subjects=subjects,
        )

    receive(D(2020, 1, 2), [people["an"]])
    one = page_queries(staff, url)

    chi_bo = many_chi_bo(tree, 8)
    receive(D(2020, 2, 3), [*chi_bo, people["binh"], people["cuong"]])
    receive(D(2020, 3, 2), [tree["cbcs"], *chi_bo[:3], people["an"]])
    assert page_queries(staff, url) == one


def test_supervision_and_discipline_changelists_query_counts_do_not_grow(staff, tree, people):
    supervisions = reverse("admin:inspections_supervision_changelist")
    decisions = reverse("admin:inspections_disciplinedecision_changelist")
    supervision_record(
        body=Body.COMMITTEE, kind=SupervisionKind.THEMATIC, decision_date=D(2017, 5, 1), content="Chuyên đề"
    )
    discipline_decide(
        member=people["an"],
        form="canh_cao",
        deciding_body="ubkt_khoi",
        decision_number="01-QĐ",
        decision_date=D(2020, 6, 1),
        reason="Vi phạm",
    )
    counts = (page_queries(staff, supervisions), page_queries(staff, decisions))

    supervision_record(
        body=Body.UBKT,
        kind=SupervisionKind.ONGOING,
        decision_date=D(2018, 5, 1),
        content="Thường xuyên",
        subjects=[*many_chi_bo(tree, 5), people["binh"]],
    )
    for member, form in ((people["cuong"], "khien_trach"), (people["binh"], "canh_cao")):
        discipline_decide(
            member=member,
            form=form,
            deciding_body="chi_bo",
            decision_number="02-QĐ",
            decision_date=D(2020, 6, 2),
            reason="Vi phạm",
        )
    discipline_decide(
        organisation=tree["cbcs"],
        form="khien_trach",
        deciding_body="btv_khoi",
        decision_number="03-QĐ",
        decision_date=D(2020, 6, 3),
        reason="Buông lỏng lãnh đạo",
    )
    assert (page_queries(staff, supervisions), page_queries(staff, decisions)) == counts


def test_adding_an_inspection_saves_its_subjects(staff, tree, people):
    response = staff.post(
        reverse("admin:inspections_inspection_add"),
        {
            "body": "ubkt_khoi",
            "kind": "dau_hieu_vi_pham",
            "decision_number": "15-QĐ/UBKTĐUK",
            "decision_date": "12/06/2017",
            "content": "Dấu hiệu vi phạm trong quản lý tài chính",
            **inline_management("subjects", total=2),
            "subjects-0-organisation": tree["cb1"].pk,
            "subjects-0-violation_found": "on",
            "subjects-0-follow_up": "Kiểm điểm chi ủy",
            "subjects-1-member": people["an"].pk,
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert [(str(row.subject), row.violation_found) for row in inspection.subjects.all()] == [
        ("Chi bộ Văn phòng", True),
        ("Nguyễn Văn An", False),
    ]


def test_a_subject_listed_twice_is_refused_on_the_form(staff, tree):
    response = staff.post(
        reverse("admin:inspections_inspection_add"),
        {
            "body": "dang_uy_khoi",
            "kind": "chuyen_de",
            "decision_date": "12/06/2017",
            "content": "Chuyên đề",
            **inline_management("subjects", total=2),
            "subjects-0-organisation": tree["cb1"].pk,
            "subjects-1-organisation": tree["cb1"].pk,
        },
    )
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "Chi bộ Văn phòng có hai lần trong danh sách."
    ]
    assert Inspection.objects.count() == 0


def decision_payload(**fields):
    return {
        "form": "khai_tru",
        "deciding_body": "ubkt_khoi",
        "decision_number": "20-QĐ/UBKTĐUK",
        "decision_date": "01/06/2020",
        "effective_on": "",
        "reason": "Vi phạm nghiêm trọng",
        **fields,
    }


def test_an_expulsion_added_in_the_admin_ends_the_membership(staff, tree, people):
    response = staff.post(
        reverse("admin:inspections_disciplinedecision_add"), decision_payload(member=people["an"].pk)
    )
    assert response.status_code == 302
    decision = DisciplineDecision.objects.get()
    assert (decision.effective_on, decision.member_event.kind) == (D(2020, 6, 1), EventKind.EXPULSION)
    assert list(members_as_of(D(2020, 6, 1), within=tree["cb1"])) == []


def test_the_admin_shows_why_a_discipline_form_is_refused(staff, people):
    response = staff.post(
        reverse("admin:inspections_disciplinedecision_add"), decision_payload(member=people["binh"].pk)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "form": [
            "Trần Thị Bình là đảng viên dự bị vào ngày 01/06/2020; "
            "đảng viên dự bị chỉ bị kỷ luật bằng hình thức khiển trách hoặc cảnh cáo."
        ]
    }


def test_the_admin_shows_the_dismissal_and_time_limit_refusals(staff, people):
    url = reverse("admin:inspections_disciplinedecision_add")
    response = staff.post(url, decision_payload(member=people["an"].pk, form="cach_chuc"))
    assert response.context["adminform"].form.errors == {
        "form": [
            "Cách chức chỉ áp dụng với đảng viên đang giữ chức vụ (QĐ 69-QĐ/TW Điều 7); "
            "hồ sơ của Nguyễn Văn An không ghi chức vụ: ghi chức vụ bị cách chức."
        ]
    }
    response = staff.post(
        url,
        decision_payload(
            member=people["an"].pk,
            form="khien_trach",
            decision_date="01/03/2023",
            effective_on="",
            violation_on="28/02/2018",
        ),
    )
    assert response.context["adminform"].form.errors == {
        "violation_on": [
            "Đã hết thời hiệu kỷ luật khiển trách (5 năm kể từ ngày vi phạm 28/02/2018, đến hết ngày "
            "28/02/2023; QĐ 69-QĐ/TW Điều 4). Nếu vi phạm thuộc trường hợp không áp dụng thời hiệu, hãy "
            "đánh dấu “không áp dụng thời hiệu”."
        ]
    }
    response = staff.post(
        url, decision_payload(member=people["an"].pk, form="cach_chuc", post_held="Bí thư chi bộ")
    )
    assert response.status_code == 302
    assert DisciplineDecision.objects.get().post_held == "Bí thư chi bộ"


def test_the_admin_shows_the_lifecycle_refusal_before_writing(staff, people):
    from members.services import member_end

    member_end(member=people["an"], kind=EventKind.DEATH, on=D(2020, 6, 10))
    response = staff.post(
        reverse("admin:inspections_disciplinedecision_add"),
        decision_payload(member=people["an"].pk, effective_on="20/06/2020"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Khai trừ ngày 20/06/2020: đảng viên đã từ trần nên không thể ghi thêm sự kiện này."
    ]
    assert DisciplineDecision.objects.count() == 0
    assert MemberEvent.objects.filter(kind=EventKind.EXPULSION).count() == 0


def test_withdrawing_in_the_admin_restores_the_membership(staff, tree, people):
    decision = discipline_decide(
        member=people["an"],
        form="khai_tru",
        deciding_body="ubkt_khoi",
        decision_number="20-QĐ/UBKTĐUK",
        decision_date=D(2020, 6, 1),
        reason="Vi phạm nghiêm trọng",
    )
    response = staff.post(
        reverse("admin:inspections_disciplinedecision_change", args=[decision.pk]),
        {
            "deciding_body": "ubkt_khoi",
            "decision_number": "20-QĐ/UBKTĐUK",
            "reason": "Vi phạm nghiêm trọng",
            "withdrawn_on": "15/09/2020",
            "withdrawal_decision": "30-QĐ/UBKTTU (giải quyết khiếu nại)",
        },
    )
    assert response.status_code == 302
    assert [m.full_name for m in members_as_of(D(2020, 7, 1), within=tree["cb1"])] == ["Nguyễn Văn An"]
    assert MemberEvent.objects.filter(kind=EventKind.EXPULSION).count() == 0


def test_adding_a_letter_computes_its_deadline(staff, people):
    response = staff.post(
        reverse("admin:inspections_letter_add"),
        {
            "reference": "05/2030",
            "received_on": "04/01/2030",
            "sender": "Nguyễn Văn Thành",
            "kind": "hon_hop",
            "summary": "Khiếu nại và tố cáo",
            "competence": "giai_quyet",
            "status": "moi_nhan",
            **inline_management("subjects", total=1),
            "subjects-0-member": people["an"].pk,
        },
    )
    assert response.status_code == 302
    letter = Letter.objects.get()
    assert (letter.deadline, [str(s) for s in letter.subjects.all()]) == (D(2030, 5, 10), ["Nguyễn Văn An"])


def test_letter_list_flags_and_filters_overdue_letters(staff, people):
    old = letter_receive(
        reference="01/2024",
        received_on=D(2024, 1, 2),
        sender="Nguyễn Văn Thành",
        kind=LetterKind.COMPLAINT,
        summary="Khiếu nại",
        competence="giai_quyet",
        subjects=[people["an"]],
    )
    letter_receive(
        reference="02/2024",
        received_on=D(2024, 1, 3),
        anonymous=True,
        kind=LetterKind.DENUNCIATION,
        summary="Tố cáo",
        competence="luu_don",  # an anonymous denunciation is filed: no deadline
    )
    url = reverse("admin:inspections_letter_changelist")

    response = staff.get(url, {"han": "qua_han"})
    assert [letter.pk for letter in response.context["cl"].result_list] == [old.pk]
    assert '<span class="status-overdue">Quá hạn</span>' in response.content.decode()


def test_member_and_organisation_pages_list_what_concerns_them(staff, tree, people):
    inspection_record(
        body=Body.UBKT,
        kind=InspectionKind.VIOLATION,
        decision_number="15-QĐ/UBKTĐUK",
        decision_date=D(2017, 6, 12),
        content="Dấu hiệu vi phạm",
        subjects=[InspectionSubject(organisation=tree["cb1"], violation_found=True), people["an"]],
    )
    discipline_decide(
        member=people["an"],
        form="canh_cao",
        deciding_body="ubkt_khoi",
        decision_number="21-QĐ/UBKTĐUK",
        decision_date=D(2017, 8, 1),
        reason="Vi phạm",
    )
    member_page = staff.get(reverse("admin:members_member_change", args=[people["an"].pk])).content.decode()
    organisation_page = staff.get(
        reverse("admin:units_organisation_change", args=[tree["cb1"].pk])
    ).content.decode()

    for page in (member_page, organisation_page):
        assert "Kiểm tra (chỉ xem)" in page
        assert "Kiểm tra khi có dấu hiệu vi phạm (QĐ 15-QĐ/UBKTĐUK, 12/06/2017)" in page
    assert "21-QĐ/UBKTĐUK, 01/08/2017" in member_page
    assert "21-QĐ/UBKTĐUK" not in organisation_page


def test_read_only_lists_take_no_input(rf, people, django_user_model):
    """The member page saves whether or not the browser sends these lists' management fields."""
    from django.contrib import admin

    request = rf.post("/")
    request.user = django_user_model.objects.create_superuser("quantri", password="x")
    member_admin = admin.site._registry[type(people["an"])]
    for inline_class in MEMBER_INLINES:
        inline = inline_class(type(people["an"]), admin.site)
        formset = inline.get_formset(request, people["an"])(data={}, instance=people["an"])
        assert (formset.is_valid(), formset.save()) == (True, [])
    # Nothing concerns a member being created: the lists are not on the add page.
    on_add_page = member_admin.get_inline_instances(request, None)
    assert [i for i in on_add_page if isinstance(i, tuple(MEMBER_INLINES))] == []


@pytest.mark.parametrize("name", ["inspection", "supervision", "disciplinedecision", "letter", "holiday"])
def test_register_pages_open(staff, name, people):
    assert staff.get(reverse(f"admin:inspections_{name}_changelist")).status_code == 200
    assert staff.get(reverse(f"admin:inspections_{name}_add")).status_code == 200


def test_subjects_are_picked_by_autocomplete(staff, people):
    response = staff.get(
        reverse("admin:autocomplete"),
        {
            "term": "nguyen van",
            "app_label": "inspections",
            "model_name": "inspectionsubject",
            "field_name": "member",
        },
    )
    assert [row["text"] for row in response.json()["results"]] == [
        "Nguyễn Văn An (sinh 15/05/1990) · Chi bộ Văn phòng — Đảng bộ Sở A"
    ]


def test_the_letter_form_states_the_deadline_rule_applied_to_each_kind(staff, people):
    """Review F11: the form said only complaints get a deadline, yet denunciations get one too."""
    page = staff.get(reverse("admin:inspections_letter_add")).content.decode()
    assert "chỉ tính cho đơn khiếu nại" not in page
    denunciation = letter_receive(
        reference="03/2030",
        received_on=D(2030, 1, 4),
        sender="Nguyễn Văn Thành",
        kind=LetterKind.DENUNCIATION,
        summary="Tố cáo",
        competence="giai_quyet",
        subjects=[people["an"]],
    )
    assert denunciation.deadline == working_days_after(D(2030, 1, 4), DENUNCIATION_WORKING_DAYS)
    for text in (
        page,
        staff.get(reverse("admin:inspections_letter_change", args=[denunciation.pk])).content.decode(),
    ):
        assert f"đơn tố cáo {DENUNCIATION_WORKING_DAYS} ngày làm việc" in text
        assert f"vừa khiếu nại vừa tố cáo) {COMPLAINT_WORKING_DAYS} ngày làm việc" in text
