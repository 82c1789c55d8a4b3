"""Composition figures on hand-made members whose genders, ethnicities, religions, birth dates and
party histories are known: each count by its exact key, each cell equal to its drill-down."""

import datetime
import io
import json

from django.core.management import call_command
from django.urls import reverse

from members.models import GapGround, covering
from members.party_age import party_age_on
from members.services import member_admit, member_recognise, party_life_gap_record
from partyblock.core.figures import FIGURES, value
from partyblock.reports.figures import Scope
from tests.members.conftest import make_member
from tests.reports.helpers import count_links, drilldown_mismatches, drilldown_total

D = datetime.date
TERM_END = D(2020, 7, 31)


def figure_records(key, scope, **params):
    return FIGURES[key].records(scope, **params)


def test_members_composition_on_the_as_of_day(people, term):
    scope = Scope.for_term(term)
    assert value("members", scope) == 6
    assert value("members_by_gender", scope) == {"Nam": 3, "Nữ": 3}
    assert value("members_by_ethnicity", scope) == {"Kinh": 4, "Mường": 1, "Tày": 1}
    assert value("members_by_religion", scope) == {"Không": 4, "Công giáo": 1, "Phật giáo": 1}
    # whole years on 31/07/2020: Bình turns 30 that day, Chi is 30 until the next, Dũng turns 40
    assert value("members_by_age_band", scope) == {"<=30": 3, "31-40": 1, "41-50": 1, "51-60": 0, ">60": 1}
    assert value("members_by_education", scope) == {"12/12": 4, "10/10": 1, "Chưa ghi": 1}
    assert value("members_by_theory_level", scope) == {
        "Chưa qua đào tạo": 3,
        "Sơ cấp": 1,
        "Trung cấp": 1,
        "Cao cấp": 1,
        "Cử nhân": 0,
    }
    # Dũng: 5 years before his removal and 10 since readmission (not 20); Cả: admitted in 1965
    assert value("members_by_party_age_band", scope) == {
        "Dự bị": 1,
        "<10": 2,
        "10-19": 2,
        "20-29": 0,
        "30-39": 0,
        "40-49": 0,
        ">=50": 1,
    }


def test_party_age_bands_count_from_the_admission_decision_as_badges_do(tree, term):
    """Party age is the members app's one definition (members.party_age, carried by the periods,
    which the badges read): from the decision's day, not the ceremony's, so a member whose decision
    was signed ten years before the day is in 10-19."""
    member = make_member(full_name="Ngô Văn Mười", birth_date=D(1980, 1, 1))
    member_admit(
        member=member, organisation=tree["cb1"], ceremony_date=D(2010, 9, 2), decision_date=D(2010, 7, 1)
    )
    member_recognise(member=member, decision_date=D(2011, 9, 10))
    assert party_age_on(member.periods.filter(covering(TERM_END)).get(), TERM_END)[0] == 10
    scope = Scope.for_term(term)
    assert value("members_by_party_age_band", scope)["10-19"] == 1
    assert list(figure_records("members_by_party_age_band", scope, group="10-19")) == [member]
    assert value("members_by_party_age_band", scope)["<10"] == 0


def test_a_recorded_interruption_moves_a_member_down_a_band_on_its_boundary(tree, term):
    """Ten years from the decision on 01/07/2020, but 2 years of lost contact are not counted: the
    member is in <10 on 31/07/2020 and reaches 10 years 730 days later than without the gap."""
    member = make_member(full_name="Ngô Văn Mất", birth_date=D(1980, 1, 1))
    member_admit(
        member=member, organisation=tree["cb1"], ceremony_date=D(2010, 9, 2), decision_date=D(2010, 7, 1)
    )
    member_recognise(member=member, decision_date=D(2011, 9, 10))
    party_life_gap_record(
        member=member, ground=GapGround.LOST_CONTACT, starts_on=D(2014, 1, 1), ends_on=D(2015, 12, 31)
    )
    scope = Scope.for_term(term)
    assert value("members_by_party_age_band", scope)["<10"] == 1
    assert list(figure_records("members_by_party_age_band", scope, group="<10")) == [member]
    # 730 days not counted: as if from 30/06/2012 (29/02/2012 lies between), 10 years on 30/06/2022.
    assert D(2010, 7, 1) + datetime.timedelta(days=730) == D(2012, 6, 30)
    assert party_age_on(member.periods.filter(covering(TERM_END)).get(), TERM_END) == (8, D(2012, 6, 30))
    on, before = D(2022, 6, 30), D(2022, 6, 29)
    assert value("members_by_party_age_band", Scope.for_term(term, as_of=on))["10-19"] == 1
    assert value("members_by_party_age_band", Scope.for_term(term, as_of=before))["10-19"] == 0


def test_members_composition_of_one_organisation_and_another_day(people, term, tree):
    scope = Scope.for_term(term, organisation=tree["dbcs"])
    assert value("members_by_gender", scope) == {"Nam": 2, "Nữ": 3}
    earlier = Scope.for_term(term, as_of=D(2019, 1, 1))  # Em still here, Giang not yet, Hải alive
    assert value("members_by_gender", earlier) == {"Nam": 5, "Nữ": 1}
    assert value("members_by_age_band", earlier) == {"<=30": 1, "31-40": 2, "41-50": 1, "51-60": 1, ">60": 1}


def test_admissions_composition_in_the_period(people, term):
    scope = Scope.for_term(term)
    assert value("admissions", scope) == 3
    assert value("admissions_by_gender", scope) == {"Nam": 1, "Nữ": 2}
    # age on the ceremony day: Giang 18 (29/2 not reached on 28/2/2019), Hải 31, Chi 30
    assert value("admissions_by_age_band", scope) == {"<=30": 2, "31-40": 1, "41-50": 0, "51-60": 0, ">60": 0}
    assert value("admissions_by_ethnicity", scope) == {"Kinh": 3}
    assert value("admissions_by_religion", scope) == {"Không": 2, "Phật giáo": 1}
    assert value("admissions_by_theory_level", scope)["Chưa qua đào tạo"] == 3


def test_each_composition_cell_lists_exactly_its_records(staff, people, term):
    page = staff.get(reverse("reports:term", args=["2015-2020"])).content.decode()
    cells = [
        (key, params, shown, href)
        for key, params, shown, href in count_links(page)
        if "_by_" in key and key.startswith(("members_", "admissions_"))  # not the pipeline's by step
    ]
    assert len(cells) == (2 + 5 + 3 + 3 + 3 + 5 + 7) + (2 + 5 + 1 + 2 + 1 + 5)
    assert drilldown_mismatches(staff, cells) == []


def test_drilldown_of_a_group_names_its_members(staff, people, term):
    url = reverse("reports:drilldown", args=["members_by_age_band"])
    response = staff.get(url, {"nhiem-ky": "2015-2020", "group": "<=30"})
    names = sorted(row[1][0] for row in response.context["rows"])
    assert names == ["Hoàng Thị Giang", "Lò Thị Bình", "Nguyễn Thị Chi"]


def test_figures_command_prints_the_composition(people, term):
    out = io.StringIO()
    call_command("figures", "--term", "2015-2020", "--format", "json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["members_by_gender"] == {"Nam": 3, "Nữ": 3}
    assert printed["admissions_by_age_band"] == {"<=30": 2, "31-40": 1, "41-50": 0, "51-60": 0, ">60": 0}


COMPOSITION_URL = reverse("reports:composition")


def test_composition_page_counts_link_to_their_records(staff, people, term):
    response = staff.get(
        COMPOSITION_URL, {"ngay": "31/07/2020", "tu-ngay": "2015-07-15", "den-ngay": "31/07/2020"}
    )
    assert response.status_code == 200
    assert response.context["members"] == 6
    assert response.context["admissions"] == 3
    links = count_links(response.content.decode())
    assert len(links) == 28 + 16
    assert drilldown_mismatches(staff, links) == []


def test_composition_page_accepts_iso_and_day_first_dates(staff, people, term):
    iso = staff.get(COMPOSITION_URL, {"ngay": "2019-01-01"})
    day_first = staff.get(COMPOSITION_URL, {"ngay": "01/01/2019"})
    assert iso.context["error"] is None
    assert iso.context["scope"].as_of == day_first.context["scope"].as_of == D(2019, 1, 1)
    bad = staff.get(COMPOSITION_URL, {"ngay": "31/02/2019"})
    assert bad.status_code == 200
    assert "Ngày “31/02/2019” không hợp lệ" in bad.context["error"]


def test_composition_chooser_offers_the_tccs_and_marks_the_chosen_one(staff, people, term):
    page = staff.get(COMPOSITION_URL, {"ngay": "31/07/2020", "to-chuc": "SOB"}).content.decode()
    chooser = page[page.index('<select id="to-chuc"') : page.index("</select>")]
    assert '<option value="">Toàn Đảng bộ Khối</option>' in chooser
    assert '<option value="SOA">Đảng bộ Sở A</option>' in chooser
    assert '<option value="SOB" selected>Chi bộ Sở B</option>' in chooser
    whole = staff.get(COMPOSITION_URL, {"ngay": "31/07/2020"}).content.decode()
    assert " selected>" not in whole[whole.index('<select id="to-chuc"') : whole.index("</select>")]


def test_composition_of_grassroots_staff_leaks_nothing_of_another_tccs(client, personas, people, term):
    client.force_login(personas["coso_b"])
    response = client.get(COMPOSITION_URL, {"ngay": "31/07/2020"})
    assert response.status_code == 200
    assert response.context["scope"].organisation.code == "SOB"
    assert response.context["members"] == 1  # Phúc; Em left in 2019
    drill = client.get(
        reverse("reports:drilldown", args=["members_by_gender"]),
        {"tu-ngay": "2020-01-01", "den-ngay": "2020-07-31", "ngay": "31/07/2020", "group": "Nam"},
    )
    assert [row[1][0] for row in drill.context["rows"]] == ["Trần Văn Phúc"]
    assert "Phạm Văn Cả" not in drill.content.decode()
    assert client.get(COMPOSITION_URL, {"to-chuc": "SOA"}).status_code == 404


def test_composition_xlsx_follows_the_analysis_form(staff, people, term):
    import openpyxl

    response = staff.get(COMPOSITION_URL, {"ngay": "31/07/2020", "tu-ngay": "15/07/2015", "xuat": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Phân tích đảng viên", "Dân tộc, tôn giáo", "Kết nạp đảng viên"]
    sheet = book["Phân tích đảng viên"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH"
    assert rows[3][0] == "BÁO CÁO PHÂN TÍCH ĐẢNG VIÊN"
    assert rows[4][0] == "(Có đến ngày 31/07/2020)"
    assert rows[6][:6] == ("Đơn vị", "Tổng số", "Trong đó", None, None, None)
    assert rows[7][2:6] == ("Nữ", "Dân tộc thiểu số", "Có tôn giáo", "Dự bị")
    assert rows[8][:4] == ("A", "1", "2", "3")
    # one line per TCCS (the form's lines per subordinate organisation), then the Khối's total
    assert [row[0] for row in rows[9:]] == [
        "1. Đảng bộ Sở A",
        "2. Chi bộ Sở B",
        "Tổng cộng toàn Đảng bộ Khối",
    ]
    assert rows[10] == ("2. Chi bộ Sở B", 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0)
    assert [a + b for a, b in zip(rows[9][1:], rows[10][1:], strict=True)] == list(rows[11][1:])
    assert rows[11] == (
        "Tổng cộng toàn Đảng bộ Khối",
        6,
        3,
        2,
        2,
        1,  # nữ, dân tộc thiểu số, có tôn giáo, dự bị
        3,
        1,
        1,
        0,
        1,  # tuổi đời
        2,
        2,
        0,
        0,
        0,
        1,  # tuổi đảng
        1,
        1,
        1,
        0,  # sơ cấp, trung cấp, cao cấp, cử nhân
    )
    admissions = list(book["Kết nạp đảng viên"].iter_rows(values_only=True))
    assert admissions[4][0] == "(Từ ngày 15/07/2015 đến ngày 31/07/2020)"
    assert admissions[7][2:6] == ("Nữ", "Dân tộc thiểu số", "Có tôn giáo", "Ngoài khu vực nhà nước")
    assert admissions[9] == ("1. Đảng bộ Sở A", 3, 2, 0, 1, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0)
    assert admissions[10] == ("2. Chi bộ Sở B", *[0] * 14)
    assert admissions[11] == ("Tổng cộng toàn Đảng bộ Khối", 3, 2, 0, 1, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0)
    lists = [row for row in book["Dân tộc, tôn giáo"].iter_rows(values_only=True) if row[0] is not None]
    assert lists[-8:] == [
        ("STT", "Dân tộc", "Số đảng viên"),
        (1, "Kinh", 4),
        (2, "Mường", 1),
        (3, "Tày", 1),
        ("STT", "Tôn giáo", "Số đảng viên"),
        (1, "Không", 4),
        (2, "Công giáo", 1),
        (3, "Phật giáo", 1),
    ]


def test_composition_xlsx_of_a_tccs_has_a_line_per_chi_bo(staff, people, term):
    import openpyxl

    response = staff.get(
        COMPOSITION_URL, {"ngay": "31/07/2020", "tu-ngay": "15/07/2015", "to-chuc": "SOA", "xuat": "xlsx"}
    )
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content))["Phân tích đảng viên"].iter_rows(
            values_only=True
        )
    )
    assert [(row[0], row[1]) for row in rows[9:]] == [
        ("1. Chi bộ Văn phòng", 3),
        ("2. Chi bộ Kế toán", 2),
        ("Tổng cộng Đảng bộ Sở A", 5),
    ]


def test_composition_page_queries_do_not_grow_with_the_data(staff, people, term, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("reports:composition")
    with CaptureQueriesContext(connection) as small:
        staff.get(url, {"ngay": "31/07/2020", "tu-ngay": "15/07/2015"})
    for n in range(12):
        member = make_member(
            full_name=f"Trịnh Văn Tăng {n}",
            birth_date=D(1960 + 3 * n, 1 + n % 12, 1),
            ethnicity=f"Dân tộc {n % 4}",
        )
        member_admit(
            member=member, organisation=tree["cb1" if n % 2 else "cbcs"], ceremony_date=D(2016 + n % 4, 3, 1)
        )
    with CaptureQueriesContext(connection) as large:
        staff.get(url, {"ngay": "31/07/2020", "tu-ngay": "15/07/2015"})
    assert len(large) == len(small)


def test_admissions_outside_the_state_sector_count_and_drill_down(staff, people, term):
    from members.models import Member, WorkSector

    Member.objects.filter(pk=people["g"].pk).update(work_sector=WorkSector.NON_STATE)
    # Phúc was admitted before the term: not counted
    Member.objects.filter(pk=people["f"].pk).update(work_sector=WorkSector.NON_STATE)
    scope = Scope.for_term(term)
    assert value("admissions_outside_state_sector", scope) == 1
    assert [e.member for e in figure_records("admissions_outside_state_sector", scope)] == [people["g"]]
    page = staff.get(reverse("reports:term", args=["2015-2020"])).content.decode()
    cell = [c for c in count_links(page) if c[0] == "admissions_outside_state_sector"]
    assert [(shown, drilldown_total(staff, href)) for _, _, shown, href in cell] == [(1, (1, 1))]


def test_bands_are_shown_in_words_their_keys_kept(staff, people, term):
    """Review F2: the age and party-age bands read as the Party's statistics word them, from the
    bands' own bounds, on the page, in its xlsx and on a cell's drill-down; `manage.py figures`
    keeps the keys (above)."""
    import openpyxl

    from partyblock.reports.composition import AGE_BANDS, PARTY_AGE_BANDS

    ages = [
        "Từ 30 tuổi trở xuống",
        "Từ 31 đến 40 tuổi",
        "Từ 41 đến 50 tuổi",
        "Từ 51 đến 60 tuổi",
        "Trên 60 tuổi",
    ]
    party_ages = [
        "Dưới 10 năm",
        "Từ 10 đến dưới 20 năm",
        "Từ 20 đến dưới 30 năm",
        "Từ 30 đến dưới 40 năm",
        "Từ 40 đến dưới 50 năm",
        "Từ 50 năm trở lên",
    ]
    assert [(low, high) for _, low, high in AGE_BANDS] == [
        (None, 30),
        (31, 40),
        (41, 50),
        (51, 60),
        (61, None),
    ]
    assert [(low, high) for _, low, high in PARTY_AGE_BANDS] == [
        (None, 9),
        (10, 19),
        (20, 29),
        (30, 39),
        (40, 49),
        (50, None),
    ]
    response = staff.get(COMPOSITION_URL, {"ngay": "31/07/2020", "tu-ngay": "15/07/2015"})
    tables = {table.caption: table for table in response.context["members_tables"]}
    assert [row[0] for row in tables["Đảng viên theo độ tuổi"].rows] == ages
    assert [row[0] for row in tables["Đảng viên theo tuổi đảng"].rows] == ["Dự bị", *party_ages]
    admissions = {table.caption: table for table in response.context["admissions_tables"]}
    assert [row[0] for row in admissions["Kết nạp theo độ tuổi (khi kết nạp)"].rows] == ages
    text = response.content.decode()
    assert "&lt;=30" not in text and "&gt;=50" not in text

    book = openpyxl.load_workbook(
        io.BytesIO(staff.get(COMPOSITION_URL, {"ngay": "31/07/2020", "xuat": "xlsx"}).content)
    )
    header = list(book["Phân tích đảng viên"].iter_rows(values_only=True))[7]
    assert list(header[6:11]) == ages and list(header[11:17]) == party_ages

    url = reverse("reports:drilldown", args=["members_by_age_band"])
    drill = staff.get(url, {"nhiem-ky": "2015-2020", "group": "<=30"})
    assert "nhóm Từ 30 tuổi trở xuống" in drill.context["param_labels"]


def test_composition_page_names_each_bad_period_day_and_refuses_a_start_after_the_end(staff, people, term):
    both = staff.get(COMPOSITION_URL, {"tu": "abc", "ngay": "xyz"})
    assert both.status_code == 200
    assert "Kết nạp từ ngày (tham số “tu”): Ngày “abc” không hợp lệ" in both.context["error"]
    assert "Đảng viên có đến ngày (tham số “ngay”): Ngày “xyz” không hợp lệ" in both.context["error"]
    reversed_period = staff.get(COMPOSITION_URL, {"tu-ngay": "31/12/2020", "den-ngay": "01/01/2019"})
    assert reversed_period.status_code == 200
    assert (
        "Ngày bắt đầu kỳ kết nạp (31/12/2020) sau ngày kết thúc (01/01/2019)"
        in reversed_period.context["error"]
    )
    assert "sau ngày kết thúc" in reversed_period.content.decode()
    alias = staff.get(COMPOSITION_URL, {"tu": "15/07/2015", "den": "31/07/2020", "ngay": "31/07/2020"})
    assert alias.context["error"] is None
    assert (alias.context["scope"].starts_on, alias.context["scope"].ends_on) == (D(2015, 7, 15), TERM_END)
