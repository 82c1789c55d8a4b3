"""The SVG charts' y axis: round bounds and exact tick labels, whatever the data."""

import re

import pytest

from partyblock.core.charts import bars_against_pace, line_chart


def tick_labels(svg):
    return re.findall(r'text-anchor="end" font-size="11">([^<]*)</text>', svg)


@pytest.mark.parametrize(
    ("maximum", "labels"),
    [
        (0, ["0", "1", "2", "3", "4"]),
        (5, ["0", "1", "2", "3", "4", "5"]),
        (94, ["0", "25", "50", "75", "100"]),
        (233, ["0", "50", "100", "150", "200", "250"]),
        (4925, ["0", "1.000", "2.000", "3.000", "4.000", "5.000"]),
    ],
)
def test_tick_labels_are_round_and_exact(maximum, labels):
    assert tick_labels(line_chart("Số đảng viên", [("2019", maximum // 2), ("2020", maximum)])) == labels


def test_the_pace_line_counts_towards_the_axis():
    assert tick_labels(bars_against_pace("Kết nạp", [("2016", 3)], 12.5, "bình quân")) == [
        "0",
        "5",
        "10",
        "15",
        "20",
    ]


def test_every_chart_shows_its_title():
    from partyblock.core.charts import stacked_shares

    for svg, title in [
        (
            line_chart("Số đảng viên theo thời gian", [("15/07/2015", 3), ("31/12/2015", 4)]),
            "Số đảng viên theo thời gian",
        ),
        (bars_against_pace("Kết nạp mỗi năm", [("2016", 3)], 2, "bình quân"), "Kết nạp mỗi năm"),
        (
            stacked_shares("Đảng viên theo mức (%)", [("2016", [1, 2, 0, 0])], ["a", "b", "c", "d"]),
            "Đảng viên theo mức (%)",
        ),
    ]:
        assert re.findall(r'class="chart-title">([^<]*)</text>', svg) == [title]


def test_time_axis_labels_are_all_days():
    import datetime

    from partyblock.core.text import day_text as date_label

    days = [datetime.date(2015, 7, 15), datetime.date(2015, 12, 31), datetime.date(2020, 7, 31)]
    assert [date_label(d) for d in days] == ["15/07/2015", "31/12/2015", "31/07/2020"]


def test_dates_too_wide_for_their_room_are_slanted_and_short_labels_are_not():
    """Ten year-end dates (the organisation page's members over time) would run into each other
    side by side: they are slanted; a few short labels stay level."""
    days = [(f"31/12/{year}", 100 + year - 2017) for year in range(2017, 2027)]
    assert line_chart("Số đảng viên theo thời gian", days).count('transform="rotate(-30') == 10
    assert 'transform="rotate(-30' not in line_chart("Số đảng viên", [("2019", 5), ("2020", 7)])


def test_legend_labels_leave_room_before_the_next_item():
    from partyblock.core.charts import LEGEND_CHAR_WIDTH, WIDTH, stacked_shares
    from partyblock.reports.sections import _short_legend

    legend = _short_legend()
    svg = stacked_shares("Đảng viên theo mức (%)", [("2016", [1, 2, 3, 4])], legend)
    swatches = [float(x) for x in re.findall(r'<rect x="([\d.]+)" y="\d+" width="14"', svg)]
    labels = {
        name: float(x) for x, name in re.findall(r'<text x="([\d.]+)" y="\d+" font-size="11">([^<]*)<', svg)
    }
    ends = [labels[name] + len(name) * LEGEND_CHAR_WIDTH for name in legend]
    assert len(swatches) == len(legend)
    assert all(swatches[i + 1] - ends[i] >= 16 for i in range(len(legend) - 1))
    assert ends[-1] <= WIDTH
