"""The Party's document form (thể thức văn bản của Đảng) for printed reports, after Hướng dẫn
36-HD/VPTW (03/4/2018) of the Central Party Office: the issuing body under its superior with an
asterisk, the number line ("Số …-BC/ĐU"), "ĐẢNG CỘNG SẢN VIỆT NAM" underlined at the top right with
place and date below it, the document kind and summary centred, the signature block and "Nơi nhận".
See docs/printing.md for what was followed and what was not.

Who issues and who is above it come from the records of the report's day, never from constants:
the issuing committee from the organisation's name, its superior from its parent that day (for a
root of the tree, the Khối, from its `units.Superior` record that day), the place from the root's
superior (so a report dated before the provinces merged on 01/07/2025 reads "Tỉnh ủy Hải Dương",
"Hải Dương", and one dated from that day "Thành ủy Hải Phòng", "Hải Phòng")."""

from dataclasses import dataclass, field

from django.utils import timezone

from units.models import Organisation, OrganisationKind
from units.queries import root_on, superior_on

# "Đảng bộ tỉnh X" is led by the "Tỉnh ủy X", "Đảng bộ thành phố X" (a city under the centre) by the
# "Thành ủy X", any other "Đảng bộ X" by the "Đảng ủy X"; a chi bộ signs in its own name.
PROVINCE_COMMITTEES = (("Đảng bộ tỉnh ", "Tỉnh ủy "), ("Đảng bộ thành phố ", "Thành ủy "))


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


def committee_name(organisation):
    """The committee that acts for `organisation`, as written in a sentence ("Đảng ủy Sở A")."""
    name = organisation.name
    if organisation.kind == OrganisationKind.PROVINCE:
        for prefix, committee in PROVINCE_COMMITTEES:
            if name.startswith(prefix):
                return committee + name[len(prefix) :]
    if name.startswith("Đảng bộ "):
        return "Đảng ủy " + name[len("Đảng bộ ") :]
    return name


def _place_of(root, day):
    """The place in the date line: that of the root's superior committee on `day`; for a
    provincial committee, its own province."""
    if root is None:
        return ""
    if root.kind == OrganisationKind.PROVINCE:
        for prefix, _ in PROVINCE_COMMITTEES:
            if root.name.startswith(prefix):
                return root.name[len(prefix) :]
    _, record = superior_on(root, day)
    return record.place if record is not None else ""


def place_and_date(place, day):
    """ "Hải Dương, ngày 05 tháng 8 năm 2020": day with two digits, month as written (HD 36)."""
    date = f"ngày {day:%d} tháng {day.month} năm {day.year}"
    return f"{place}, {date}" if place else date[:1].upper() + date[1:]


def _bloc():
    return Organisation.objects.filter(kind=OrganisationKind.BLOC).order_by("path").first()


def document_form(organisation, summary, day=None):
    """The form of a report of `organisation` (None: the whole Khối) dated `day` (default today)."""
    day = day or timezone.localdate()
    issuing = organisation or _bloc()
    parent, record = superior_on(issuing, day) if issuing is not None else (None, None)
    superior = committee_name(parent) if parent is not None else (record.name if record else "")
    if issuing is None or issuing.kind == OrganisationKind.BLOC:
        suffix, on_behalf_of = "-BC/ĐU", "T/M BAN THƯỜNG VỤ"
        recipients = [
            *([f"Ban Thường vụ {superior} (để báo cáo),"] if superior else []),
            "Các đồng chí Ủy viên Ban Chấp hành Đảng bộ Khối,",
            "Các tổ chức cơ sở đảng trực thuộc,",
            "Lưu Văn phòng Đảng ủy Khối.",
        ]
    else:
        committee = committee_name(issuing)
        suffix, on_behalf_of = (
            ("-BC/CB", "T/M CHI BỘ") if committee == issuing.name else ("-BC/ĐU", "T/M ĐẢNG ỦY")
        )
        recipients = [
            *([f"Ban Thường vụ {superior} (để báo cáo),"] if superior else []),
            "Các chi bộ trực thuộc," if suffix == "-BC/ĐU" else "Các đảng viên trong chi bộ,",
            "Lưu.",
        ]
    return DocumentForm(
        superior=superior.upper(),
        issuer=committee_name(issuing).upper() if issuing is not None else "",
        number_line=f"Số      {suffix}",
        place_and_date=place_and_date(_place_of(root_on(issuing, day) if issuing else None, day), day),
        kind="BÁO CÁO",
        summary=summary,
        on_behalf_of=on_behalf_of,
        signer="BÍ THƯ",
        recipients=recipients,
    )
