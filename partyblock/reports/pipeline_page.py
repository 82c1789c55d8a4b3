"""The admission pipeline board (`/bao-cao/ket-nap/`): per TCCS (`?to-chuc=`, a grassroots user's own
by default) or for the whole Khối. Every count links to the drill-down of exactly its records;
`?xuat=xlsx` exports the same rows."""

from urllib.parse import urlencode

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from partyblock.accounts.access import (
    may_see_figure,
    organisation_in_scope,
    requested_organisation,
    visible_organisations,
)
from partyblock.audit.log import log_denied
from partyblock.core import params
from partyblock.core.text import day_text
from partyblock.core.xlsx import xlsx_response
from partyblock.reports import pipeline, targets
from partyblock.reports.figures import FIGURES
from partyblock.reports.views import drilldown_url
from units.models import GRASSROOTS_KINDS, Term


@staff_member_required
def admission_board(request):
    organisation = requested_organisation(request)
    if organisation is None and not organisation_in_scope(request.user, None):
        raise Http404("Tài khoản chưa được giao phạm vi báo cáo.")
    if not may_see_figure(request.user, FIGURES["candidates"]):
        log_denied(request, "bảng theo dõi phát triển đảng viên")
        raise Http404("Không có số liệu này.")
    day, error = params.as_of_day(request.GET.get("ngay"), params.PARTY_FOUNDED, pipeline.today())
    board = pipeline.build_board(organisation, day)
    for cell in pipeline.board_cells(board):
        cell.url = drilldown_url(None, cell)
    if request.GET.get("xuat") == "xlsx":
        return xlsx_response(
            board_sheets(board),
            "phát triển đảng viên",
            code=organisation.code if organisation else None,
            day=board["day"],
        )
    title = "Phát triển đảng viên: quần chúng theo từng bước"
    context = {
        **board,
        "title": title,
        "error": error,
        "asked_day": day,
        "organisation": organisation,
        "terms": Term.objects.all(),
        "pace_rule": targets.PACE_RULE,
        "export_query": urlencode(
            {
                **({"to-chuc": organisation.code} if organisation else {}),
                **({"ngay": day_text(day)} if day else {}),
                "xuat": "xlsx",
            }
        ),
        "list_query": urlencode(
            {**({"to-chuc": organisation.code} if organisation else {}), "xuat": "danh-sach"}
        ),
        "organisations": visible_organisations(request.user)
        .filter(kind__in=GRASSROOTS_KINDS)
        .order_by("path"),
        "board_url": reverse("reports:admission_board"),
    }
    return render(request, "reports/admission_board.html", context)


def _days(value):
    return "" if value is None else value


def board_sheets(board):
    """The board's tables as xlsx sheets: the same rows and values as the page."""
    yield (
        "Theo bước",
        [
            "Bước đã đến",
            "Số quần chúng",
            "Quá thời gian thường lệ",
            "Thời gian thường lệ",
            "Số hồ sơ đã qua bước (trong kỳ)",
            "Trung vị số ngày ở bước",
            "Bình quân số ngày ở bước",
        ],
        [
            [
                r.step.label,
                r.count.value,
                r.stuck.value,
                r.usual,
                r.moved_on,
                _days(r.median_days),
                _days(r.mean_days),
            ]
            for r in board["rows"]
        ]
        + [["Cộng", board["total"].value, board["stuck"].value]],
    )
    yield (
        "Tiến độ kết nạp",
        [
            "Kỳ",
            "Đã kết nạp",
            "Chờ quyết định, lễ kết nạp",
            "Dự kiến",
            "Chỉ tiêu",
            "Chỉ tiêu theo tiến độ",
            "Đánh giá",
        ],
        [
            [
                p.label,
                p.admitted.value,
                p.likely.value if p.likely is not None else None,
                p.projected,
                p.target,
                p.expected,
                "" if p.met is None else ("Đúng tiến độ" if p.met else "Chậm tiến độ"),
            ]
            for p in board["projections"]
        ]
        + [[], [targets.PACE_RULE]],
    )
    if board["tccs_rows"]:
        yield (
            "Theo TCCS",
            ["Tổ chức cơ sở đảng", "Đang xem xét", "Quá thời gian thường lệ", "Chờ quyết định, lễ kết nạp"],
            [[row.organisation.name, *[c.value for c in row.cells]] for row in board["tccs_rows"]],
        )
