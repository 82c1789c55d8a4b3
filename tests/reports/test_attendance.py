"""Meeting attendance is computed once (`units.models.attendance_pct`) and rounded once
(`partyblock.core.text.rounded`, half-up): 49 of 400 members is 12,3% in the meeting list's column and
total, on the term and year reports and in their xlsx exports."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.reports.helpers import shown_values
from units.models import Meeting

D = datetime.date
TERM_URL = reverse("reports:term", args=["2015-2020"])
YEAR_URL = reverse("reports:year", args=[2016])
LABEL = "Tỷ lệ cấp ủy viên, đảng viên dự sinh hoạt (%)"


@pytest.fixture
def meeting(tree):
    return Meeting.objects.create(organisation=tree["cb1"], held_on=D(2016, 5, 5), expected=400, present=49)


def _sheet_value(export, sheet, label):
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    return next(row[1] for row in book[sheet].iter_rows(values_only=True) if row[0] == label)


def test_49_of_400_is_12_3_in_the_meeting_list(staff, meeting):
    listing = staff.get(reverse("admin:units_meeting_changelist"))
    html = listing.content.decode()
    assert meeting.attendance_pct == 12.3
    assert '<td class="field-attendance_column">12,3</td>' in html
    assert listing.context["attendance"] == {"present": 49, "expected": 400, "pct": 12.3}
    assert "Tỷ lệ dự sinh hoạt của các buổi đang lọc: 12,3%" in html


def test_49_of_400_is_12_3_on_the_reports_and_in_their_xlsx(staff, meeting, term):
    for url in (TERM_URL, YEAR_URL):
        page = staff.get(url).content.decode()
        assert shown_values(page)["meeting_attendance_pct"] == "12.3"
        assert ">12,3%<" in page
    term_export = staff.get(TERM_URL, {"xuat": "xlsx"})
    assert _sheet_value(term_export, "3. Sinh hoạt chi bộ", LABEL) == 12.3
    year_export = staff.get(YEAR_URL, {"xuat": "xlsx"})
    assert _sheet_value(year_export, "So sánh", "Tỷ lệ đảng viên dự sinh hoạt chi bộ (%)") == 12.3
