"""The SVG charts' y axis: round bounds and exact tick labels, whatever the data."""

import re

import pytest

from partyblock.charts import bars_against_pace, line_chart


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
