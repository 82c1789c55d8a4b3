"""The Party's document form (thể thức văn bản của Đảng) for printed reports, after Hướng dẫn
36-HD/VPTW (03/4/2018) of the Central Party Office: the issuing body under its superior with an
asterisk, the number line ("Số …-BC/ĐU"), "ĐẢNG CỘNG SẢN VIỆT NAM" underlined at the top right with
place and date below it, the document kind and summary centred, the signature block and "Nơi nhận".
See docs/printing.md for what was followed and what was not."""

from dataclasses import dataclass, field

from django.utils import timezone

from units.models import OrganisationKind

PROVINCE_COMMITTEE = "TỈNH ỦY HẢI DƯƠNG"
BLOC_COMMITTEE = "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH"
PLACE = "Hải Dương"


@dataclass
class DocumentForm:
    superior: str
    issuer: str
    number_line: str
    place_and_date: str
    kind: str
    summary: str
    on_behalf_of: str
    signer: str
    recipients: list = field(default_factory=list)


def _issuer_of(organisation):
    """The committee that signs an organisation's report and the body above it."""
    if organisation is None or organisation.kind == OrganisationKind.BLOC:
        return PROVINCE_COMMITTEE, BLOC_COMMITTEE, "-BC/ĐU", "T/M BAN THƯỜNG VỤ"
    name = organisation.name
    if name.startswith("Đảng bộ "):
        return BLOC_COMMITTEE, ("Đảng ủy " + name[len("Đảng bộ ") :]).upper(), "-BC/ĐU", "T/M ĐẢNG ỦY"
    return BLOC_COMMITTEE, name.upper(), "-BC/CB", "T/M CHI BỘ"


def place_and_date(day):
    """ "Hải Dương, ngày 05 tháng 8 năm 2020": day with two digits, month as written (HD 36)."""
    return f"{PLACE}, ngày {day:%d} tháng {day.month} năm {day.year}"


def document_form(organisation, summary, day=None):
    superior, issuer, suffix, on_behalf_of = _issuer_of(organisation)
    if organisation is None or organisation.kind == OrganisationKind.BLOC:
        recipients = [
            "Ban Thường vụ Tỉnh ủy (để báo cáo),",
            "Các đồng chí Ủy viên Ban Chấp hành Đảng bộ Khối,",
            "Các tổ chức cơ sở đảng trực thuộc,",
            "Lưu Văn phòng Đảng ủy Khối.",
        ]
    else:
        recipients = ["Ban Thường vụ Đảng ủy Khối (để báo cáo),", "Các chi bộ trực thuộc,", "Lưu."]
    return DocumentForm(
        superior=superior,
        issuer=issuer,
        number_line=f"Số      {suffix}",
        place_and_date=place_and_date(day or timezone.localdate()),
        kind="BÁO CÁO",
        summary=summary,
        on_behalf_of=on_behalf_of,
        signer="BÍ THƯ",
        recipients=recipients,
    )
