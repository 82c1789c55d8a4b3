import datetime

import pytest

from partyblock.importing.batches import commit, prepare
from partyblock.importing.models import ImportStatus
from units.models import Organisation

from .conftest import xlsx

HEADER = ["Mã", "Tên tổ chức", "Loại", "Trực thuộc", "Ngày thành lập", "Ngày giải thể"]


@pytest.mark.django_db
def test_a_tccs_and_its_chi_bo_come_in_one_sheet(tree):
    rows = [
        HEADER,
        ["SOC-VP", "Chi bộ Văn phòng", "CBTT", "Đảng bộ Sở C", "01/02/2012", None],
        ["SOC", "Đảng bộ Sở C", "Đảng bộ cơ sở", None, "01/01/2012", None],
        ["SOC-KH", "Chi bộ Kế hoạch", "chi bộ trực thuộc", "SOC", "01/02/2012", None],
    ]
    preview = prepare("organisations", xlsx(rows))
    assert preview.errors == []
    assert [row for row, _ in preview.creates] == [3, 2, 4]  # parents first
    batch = commit(preview)
    soc = Organisation.objects.get(code="SOC")
    assert (soc.parent, soc.import_batch, soc.depth) == (tree["bloc"], batch, 1)
    assert sorted(soc.children.values_list("code", "path")) == [
        ("SOC-KH", f"{soc.path}{Organisation.objects.get(code='SOC-KH').pk:06d}/"),
        ("SOC-VP", f"{soc.path}{Organisation.objects.get(code='SOC-VP').pk:06d}/"),
    ]
    assert prepare("organisations", xlsx(rows)).batch.status == ImportStatus.UNCHANGED
    rows[1][1] = "Chi bộ Văn phòng Sở C"
    changed = prepare("organisations", xlsx(rows))
    assert changed.updates == [
        [2, "Chi bộ Văn phòng (SOC-VP)", [["Tên tổ chức", "Chi bộ Văn phòng", "Chi bộ Văn phòng Sở C"]]]
    ]
    commit(changed)
    assert Organisation.objects.get(code="SOC-VP").name == "Chi bộ Văn phòng Sở C"


@pytest.mark.django_db
def test_parent_rules_and_ambiguous_names_are_row_errors(tree):
    rows = [
        HEADER,
        ["X1", "Chi bộ X", "Chi bộ trực thuộc", "Chi bộ Sở B", "01/01/2012", None],
        ["X2", "Chi bộ Y", "Chi bộ trực thuộc", "SOA", "01/01/2012", "01/01/2011"],
    ]
    assert prepare("organisations", xlsx(rows)).errors == [
        "Dòng 2, cột D (Trực thuộc), giá trị “Chi bộ Sở B”: chi bộ cơ sở không có tổ chức trực thuộc.",
        "Dòng 3, cột F (Ngày giải thể), giá trị “01/01/2011”: ngày giải thể phải sau ngày thành lập.",
    ]
    assert datetime.date(2000, 1, 1) == tree["dbcs"].founded_on


@pytest.mark.django_db
def test_empty_code_name_or_kind_are_row_errors_in_the_preview(tree):
    rows = [
        HEADER,
        [None, "Chi bộ Không Mã", "Chi bộ trực thuộc", "SOA", "01/01/2012", None],
        ["SOA-NEW", None, None, "SOA", "01/01/2012", None],
    ]
    before = Organisation.objects.count()
    preview = prepare("organisations", xlsx(rows))
    assert preview.errors == [
        "Dòng 2, cột A (Mã), giá trị “(trống)”: trống: bắt buộc.",
        "Dòng 3, cột B (Tên tổ chức), giá trị “(trống)”: trống: bắt buộc với tổ chức mới.",
        "Dòng 3, cột C (Loại), giá trị “(trống)”: trống: bắt buộc với tổ chức mới.",
    ]
    assert Organisation.objects.count() == before


@pytest.mark.django_db
def test_a_code_in_other_letter_case_is_the_stored_organisation(tree):
    rows = [HEADER, ["soa", "Đảng bộ Sở A", "Đảng bộ cơ sở", None, "01/01/2000", None]]
    before = Organisation.objects.count()
    preview = prepare("organisations", xlsx(rows))
    assert preview.errors == []
    assert (preview.creates, preview.batch.status) == ([], ImportStatus.UNCHANGED)
    assert Organisation.objects.count() == before
    assert Organisation.objects.filter(code="SOA").exists()


@pytest.mark.django_db
def test_a_chi_bo_moved_under_another_stored_tccs(tree):
    commit(
        prepare(
            "organisations",
            xlsx([HEADER, ["SOC", "Đảng bộ Sở C", "Đảng bộ cơ sở", None, "01/01/1991", None]]),
        )
    )
    soc = Organisation.objects.get(code="SOC")
    rows = [HEADER, ["SOA-VP", "Chi bộ Văn phòng", "Chi bộ trực thuộc", "SOC", None, None]]
    preview = prepare("organisations", xlsx(rows))
    assert (preview.errors, preview.updates) == (
        [],
        [[2, "Chi bộ Văn phòng (SOA-VP)", [["Trực thuộc", "Đảng bộ Sở A", "Đảng bộ Sở C"]]]],
    )
    commit(preview)
    moved = Organisation.objects.get(code="SOA-VP")
    assert (moved.parent, moved.path.startswith(soc.path)) == (soc, True)


@pytest.mark.django_db
def test_a_new_organisation_named_like_a_stored_one_is_warned_about(tree):
    """An office's sheet of a TCCS the Khối already has, under its own code: added (it may be
    another organisation), with a warning naming the stored one and its code; a chi bộ only when its
    namesake is under the same parent (every TCCS has its "Chi bộ Văn phòng")."""
    rows = [
        HEADER,
        ["SOA-2", "Đảng bộ Sở A", "Đảng bộ cơ sở", None, "01/01/2012", None],
        ["SOA-VP2", "Chi bộ Văn phòng", "CBTT", "SOA", "01/02/2012", None],
        ["SOA-2-VP", "Chi bộ Văn phòng", "CBTT", "SOA-2", "01/02/2012", None],
    ]
    preview = prepare("organisations", xlsx(rows))
    assert preview.errors == []
    assert preview.warnings == [
        "Dòng 2: Đảng bộ Sở A (SOA-2) trùng tên với tổ chức đã có: Đảng bộ Sở A (SOA). Nếu là cùng một "
        "tổ chức, hãy ghi mã đã có để cập nhật thay vì thêm mới.",
        "Dòng 3: Chi bộ Văn phòng (SOA-VP2) trùng tên với tổ chức đã có: Chi bộ Văn phòng — Đảng bộ Sở A "
        "(SOA-VP). Nếu là cùng một tổ chức, hãy ghi mã đã có để cập nhật thay vì thêm mới.",
    ]
    assert len(preview.creates) == 3
