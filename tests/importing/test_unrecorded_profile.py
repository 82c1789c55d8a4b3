"""An empty "Dân tộc" / "Tôn giáo" cell is not recorded, never an assumed "Kinh" / "Không": stored
empty and counted as "Chưa ghi" by the composition, its drill-down listing exactly those members."""

import datetime

import pytest

from members.models import Member
from partyblock.core.figures import FIGURES, value
from partyblock.importing.batches import commit, prepare
from partyblock.reports.composition_report import analysis_columns
from partyblock.reports.figures import Scope

from .conftest import TITLE, xlsx

HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Tôn giáo",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Chi bộ",
]


@pytest.mark.django_db
def test_empty_ethnicity_and_religion_stay_empty_and_count_as_not_recorded(tree):
    rows = [
        [
            1,
            "Lò Văn Tày",
            "01/01/1980",
            "Nam",
            "Tày",
            "Phật giáo",
            "10/01/2015",
            "15/01/2016",
            "Chi bộ Văn phòng",
        ],
        [
            2,
            "Nguyễn Văn Kinh",
            "01/01/1981",
            "Nam",
            "Kinh",
            "Không",
            "10/01/2015",
            "15/01/2016",
            "Chi bộ Văn phòng",
        ],
        [
            3,
            "Trần Văn Trống",
            "01/01/1982",
            "Nam",
            None,
            None,
            "10/01/2015",
            "15/01/2016",
            "Chi bộ Văn phòng",
        ],
    ]
    preview = prepare("members", xlsx([HEADER, *rows], TITLE), organisation=tree["dbcs"])
    assert preview.errors == []
    commit(preview)
    trong = Member.objects.get(full_name="Trần Văn Trống")
    assert (trong.ethnicity, trong.religion) == ("", "")

    scope = Scope.for_year(2020, as_of=datetime.date(2020, 12, 31), organisation=tree["dbcs"])
    assert value("members_by_ethnicity", scope) == {"Tày": 1, "Kinh": 1, "Chưa ghi": 1}
    assert value("members_by_religion", scope) == {"Phật giáo": 1, "Không": 1, "Chưa ghi": 1}
    for key in ("members_by_ethnicity", "members_by_religion"):
        assert [m.full_name for m in FIGURES[key].records(scope, group="Chưa ghi")] == ["Trần Văn Trống"]
    among = dict(dict(analysis_columns(scope, "members"))["Trong đó"])
    assert (among["Dân tộc thiểu số"], among["Có tôn giáo"]) == (1, 1)
