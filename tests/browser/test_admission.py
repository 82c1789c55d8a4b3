"""A TCCS's staff take a candidate of their own through the last steps to the ceremony (issue 20), and
see the new probationary member and the pipeline board's counts change."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import MembershipStatus
from members.queries import members_with_status
from partyblock.admission.models import Candidate, Status, Step
from tests.browser.helpers import GRASSROOTS, assert_vietnamese, login, shot
from tests.browser.test_roles import own_tccs

pytestmark = pytest.mark.browser

# What staff type on each step's form (all dated today; "#sponsor_1": a member chosen from the list).
STEP_FIELDS = {
    Step.COURSE: {
        "certificate_on": "{day}",
        "certificate_number": "58-CN/TTCT",
        "issuer": "Trung tâm Chính trị",
    },
    Step.RESUME: {"verified_on": "{day}", "document": "12-KL/ĐU"},
    Step.SPONSORED: {
        "sponsored_on": "{day}",
        "#sponsor_1": "{sponsor_1}",
        "sponsor_1_since": "01/01/2020",
        "#sponsor_2": "{sponsor_2}",
        "sponsor_2_since": "01/01/2020",
    },
    Step.CHI_BO_VOTE: {
        "voted_on": "{day}",
        "total": "3",
        "present": "3",
        "votes_for": "3",
        "votes_against": "0",
    },
    Step.RESOLUTION: {"resolved_on": "{day}", "number": "31-NQ/ĐU", "members_total": "7", "votes_for": "6"},
    Step.DECISION: {"decided_on": "{day}", "number": "215-QĐ/ĐUK"},
    Step.ADMITTED: {"ceremony_on": "{day}"},
}
SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def board_counts(page, day):
    """(candidates in the pipeline, admitted this year) as the board shows them on `day`."""
    page.goto(f"/bao-cao/ket-nap/?ngay={day:%d/%m/%Y}")
    waiting = page.locator('.figure-line a.count[data-figure="candidates"]')
    admitted = page.locator('table.projections a.count[data-figure="admissions"]').first
    return int(waiting.get_attribute("data-value")), int(admitted.get_attribute("data-value"))


def shots(page, name):
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        shot(page, f"admission-{name}-{size}")
    page.set_viewport_size(SIZES["desktop"])


def record(page, step, fields):
    """Open the candidate's form for `step` from its page, fill `fields` ({field id: value}), save."""
    page.locator("table.candidate-steps tr", has_text=step.label).get_by_role("link").click()
    for field, text in fields.items():
        if field.startswith("#"):
            page.select_option(f"#id_{field[1:]}", value=text)
        else:
            page.fill(f"#id_{field}", text)
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("ul.messagelist li.success")).to_contain_text(f"Đã ghi bước “{step.label}”")


def test_grassroots_staff_take_a_candidate_to_the_ceremony(page):
    tccs = own_tccs(GRASSROOTS)
    candidate = (
        Candidate.objects.within(tccs).filter(status=Status.OPEN).order_by("-step", "sort_key", "pk").first()
    )
    assert candidate is not None, "the demo should have an open candidate in the TCCS"
    today = timezone.localdate()
    remaining = [step for step in candidate.steps() if step > candidate.step]
    # Two official members of the candidate's chi bộ since before 2019 (worked with them 12 months).
    official = members_with_status(
        datetime.date(2019, 1, 1), MembershipStatus.OFFICIAL, within=candidate.organisation
    )
    official = official.filter(pk__in=members_with_status(today, MembershipStatus.OFFICIAL).values("pk"))
    sponsors = list(official.order_by("pk").values_list("pk", flat=True)[:2])
    values = {"day": f"{today:%d/%m/%Y}", "sponsor_1": sponsors[0], "sponsor_2": sponsors[1]}

    login(page, GRASSROOTS)
    waiting, admitted = board_counts(page, today)
    assert_vietnamese(page)
    shots(page, "1-board")

    page.goto(f"/quan-tri/admission/candidate/{candidate.pk}/change/")
    expect(page.locator("table.candidate-steps")).to_contain_text("Tiếp theo")
    shots(page, "2-candidate")
    for step in remaining:
        record(page, step, {field: value.format(**values) for field, value in STEP_FIELDS[step].items()})
    shots(page, "3-candidate-admitted")

    # The member record the ceremony made: probationary from today, in the candidate's chi bộ.
    page.get_by_role("link", name="Hồ sơ đảng viên").click()
    expect(page.locator("h1")).to_have_text("Thay đổi đảng viên")
    expect(page.locator("#periods-group")).to_contain_text("Dự bị")
    shot(page, "admission-4-member")
    candidate.refresh_from_db()
    period = candidate.member.periods.get()
    assert (period.organisation_id, period.status, period.starts_on) == (
        candidate.organisation_id,
        MembershipStatus.PROBATIONARY,
        today,
    )

    # The board: one candidate fewer in the pipeline, one more admitted this year.
    assert board_counts(page, today) == (waiting - 1, admitted + 1)
    shots(page, "5-board-after")
