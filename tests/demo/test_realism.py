"""The demo as staff would keep it (issue 17): no member disciplined in a year is rated above what
that year allows, and that changes no figure of the term (tests/demo/test_figures.py)."""

from members.quality import disciplined_rated_above_allowed
from partyblock.demo.recognition import RATED_YEARS


def test_no_disciplined_member_is_rated_above_level_four(demo, db):
    assert {year: disciplined_rated_above_allowed(year) for year in RATED_YEARS} == {
        year: [] for year in RATED_YEARS
    }
