"""The printed report's issuing body and its superior come from the records of the report's day
(docs/printing.md, DOMAIN.md §1): the Khối's superior outside the tree (`units.Superior`: Tỉnh ủy
Hải Dương until the provinces merged on 01/07/2025, Thành ủy Hải Phòng from that day), a TCCS's
its parent on the day (the Khối, or the provincial committee it moved to)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from partyblock.reports.document_form import document_form
from units.models import Organisation, OrganisationKind
from units.services import organisation_move, superior_change

D = datetime.date
MERGED_ON = D(2025, 7, 1)


@pytest.fixture
def superiors(tree):
    superior_change(organisation=tree["bloc"], name="Tỉnh ủy Hải Dương", place="Hải Dương")
    superior_change(organisation=tree["bloc"], name="Thành ủy Hải Phòng", place="Hải Phòng", on=MERGED_ON)
    return tree


def test_the_khois_report_names_the_province_of_its_own_day(superiors):
    before = document_form(None, "báo cáo", MERGED_ON - datetime.timedelta(days=1))
    after = document_form(None, "báo cáo", MERGED_ON)

    assert (before.superior, before.issuer) == ("TỈNH ỦY HẢI DƯƠNG", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH")
    assert before.place_and_date == "Hải Dương, ngày 30 tháng 6 năm 2025"
    assert before.recipients[0] == "Ban Thường vụ Tỉnh ủy Hải Dương (để báo cáo),"
    assert (after.superior, after.issuer) == ("THÀNH ỦY HẢI PHÒNG", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH")
    assert after.place_and_date == "Hải Phòng, ngày 01 tháng 7 năm 2025"
    assert after.recipients[0] == "Ban Thường vụ Thành ủy Hải Phòng (để báo cáo),"
    assert before.number_line == after.number_line == "Số      -BC/ĐU"  # the number is written by hand


def test_a_tccs_report_names_its_parent_of_the_day_and_the_place_of_its_root(superiors):
    tree = superiors
    city = Organisation(
        code="HP", name="Đảng bộ thành phố Hải Phòng", kind=OrganisationKind.PROVINCE, founded_on=MERGED_ON
    )
    city.full_clean()
    city.save()
    organisation_move(organisation=tree["dbcs"], parent=city, on=D(2025, 8, 1))

    in_2019 = document_form(tree["dbcs"], "báo cáo", D(2019, 12, 31))
    moved = document_form(tree["dbcs"], "báo cáo", D(2025, 8, 1))
    chi_bo = document_form(tree["cbcs"], "báo cáo", D(2025, 8, 1))

    assert (in_2019.superior, in_2019.issuer, in_2019.number_line) == (
        "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH",
        "ĐẢNG ỦY SỞ A",
        "Số      -BC/ĐU",
    )
    assert in_2019.place_and_date.startswith("Hải Dương, ")
    assert (moved.superior, moved.place_and_date) == (
        "THÀNH ỦY HẢI PHÒNG",
        "Hải Phòng, ngày 01 tháng 8 năm 2025",
    )
    assert (chi_bo.superior, chi_bo.issuer, chi_bo.number_line, chi_bo.on_behalf_of) == (
        "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH",
        "CHI BỘ SỞ B",
        "Số      -BC/CB",
        "T/M CHI BỘ",
    )
    assert chi_bo.place_and_date.startswith("Hải Phòng, ")  # the Khối's superior that day


def test_without_a_record_no_superior_is_invented(tree):
    form = document_form(None, "báo cáo", D(2020, 7, 31))
    assert (form.superior, form.recipients[0]) == ("", "Các đồng chí Ủy viên Ban Chấp hành Đảng bộ Khối,")
    assert form.place_and_date == "Ngày 31 tháng 7 năm 2020"


def test_superior_changes_are_refused_with_reasons_and_nothing_written(superiors):
    tree = superiors
    with pytest.raises(ValidationError, match="không phải cấp cao nhất"):
        superior_change(organisation=tree["dbcs"], name="Tỉnh ủy X", place="X", on=D(2020, 1, 1))
    with pytest.raises(ValidationError, match="sau ngày"):
        superior_change(organisation=tree["bloc"], name="Tỉnh ủy X", place="X", on=D(2020, 1, 1))
    with pytest.raises(ValidationError, match="Cần ghi ngày"):
        superior_change(organisation=tree["bloc"], name="Tỉnh ủy X", place="X")
    assert tree["bloc"].superiors.count() == 2


def test_the_command_records_a_change_of_superior(tree):
    call_command("set_superior", "KHOI", "Tỉnh ủy Hải Dương", "--place", "Hải Dương")
    call_command("set_superior", "KHOI", "Thành ủy Hải Phòng", "--place", "Hải Phòng", "--on", "01/07/2025")
    assert list(tree["bloc"].superiors.values_list("name", "starts_on", "ends_on")) == [
        ("Tỉnh ủy Hải Dương", None, MERGED_ON),
        ("Thành ủy Hải Phòng", MERGED_ON, None),
    ]
    with pytest.raises(CommandError, match="Không có tổ chức"):
        call_command("set_superior", "NOPE", "Tỉnh ủy X", "--place", "X")
