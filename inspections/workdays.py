"""Deadlines of letters in working days (the calculation itself: `partyblock.core.workdays`)."""

from partyblock.core.workdays import working_days_after

__all__ = ["working_days_after", "complaint_deadline", "denunciation_deadline", "DEADLINE_RULE"]

COMPLAINT_WORKING_DAYS = 90  # time to settle a complaint at the Khối's level (DOMAIN.md §5)
# Time to settle a denunciation (docs/rules.md: 90 working days from receipt, one extension of 30;
# read in a provincial handbook, the regulation's own text not confirmed).
DENUNCIATION_WORKING_DAYS = 90


def complaint_deadline(received_on):
    """90 working days after the day the letter was received."""
    return working_days_after(received_on, COMPLAINT_WORKING_DAYS)


def denunciation_deadline(received_on):
    """90 working days after the day the denunciation was received."""
    return working_days_after(received_on, DENUNCIATION_WORKING_DAYS)


# The rule above as users read it on the letter form (one place, built from the same numbers).
DEADLINE_RULE = (
    f"Hạn giải quyết chỉ tính cho đơn thuộc thẩm quyền giải quyết tại Đảng ủy Khối: đơn khiếu nại "
    f"(kể cả đơn vừa khiếu nại vừa tố cáo) {COMPLAINT_WORKING_DAYS} ngày làm việc, đơn tố cáo "
    f"{DENUNCIATION_WORKING_DAYS} ngày làm việc, kể từ ngày nhận đơn (không tính ngày nghỉ). "
    "Đơn chuyển đi hoặc lưu đơn không có hạn."
)
