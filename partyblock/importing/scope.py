"""Who an import runs for, and what it may touch: the user's permissions, scope and writable fields,
applied by every kind in preview and again, on the stored plan, at confirm.

`refusal(user, kind, organisation)` says why a user may not import a sheet at all (the upload page
answers 403, `manage.py import_sheet --user` exits 1, `prepare` and `commit` raise). `ImportScope`
is what the kinds consult row by row: a row whose card, CCCD, or name and birth date match a
member outside the user's scope, or that names an organisation outside it, is a row error that
names no one; a row that would write a field the member form keeps read-only for the user
(`access.locked_member_fields`) is refused; national IDs in the report are shown as the user may
see them (`access.mask_national_id`).

`user=None` is the trusted operator (`manage.py import_sheet` without `--user`, the demo seeder,
benchmarks): the whole Khối, every field, full numbers.
"""

import re

from partyblock.accounts.access import (
    ALL,
    NOTHING,
    locked_member_fields,
    mask_national_id,
    member_ids_of_tccs,
    scope_root,
    sees_full_national_id,
)
from partyblock.importing.models import ImportKind

# The permission a user needs on the records a kind writes, besides adding import batches.
KIND_PERMISSIONS = {
    ImportKind.ORGANISATIONS: "units.add_organisation",
    ImportKind.MEMBERS: "members.add_member",
    ImportKind.MEMBER_RATINGS: "members.add_memberrating",
    ImportKind.ORGANISATION_RATINGS: "units.add_organisationrating",
    ImportKind.EVENTS: "members.change_member",
    ImportKind.CANDIDATES: "admission.add_candidate",
}

# Sheets grassroots staff may import: they name the TCCS on upload, so every row is inside it.
GRASSROOTS_KINDS_OF_IMPORT = (ImportKind.MEMBERS, ImportKind.MEMBER_RATINGS, ImportKind.CANDIDATES)

OUTSIDE_MEMBER = "số thẻ / số CCCD này thuộc một đảng viên ngoài phạm vi quản lý của bạn."
OUTSIDE_NAMESAKE = (
    "họ tên và ngày sinh này trùng với một đảng viên ngoài phạm vi quản lý của bạn: nếu là người "
    "khác, hãy ghi số thẻ đảng viên hoặc số CCCD."
)
OUTSIDE_ORGANISATION = "tổ chức đảng này ngoài phạm vi quản lý của bạn."
OUTSIDE_PLAN = (
    "Lần nhập này có dòng chạm tới hồ sơ ngoài phạm vi quản lý hoặc trường bạn không được sửa: "
    "không ghi gì. Hãy tải tệp lên lại để xem trước theo quyền của bạn."
)


def locked_field_reason(label):
    return (
        f"tài khoản của bạn không được ghi hay sửa {label[:1].lower()}{label[1:]} (biểu mẫu đảng viên "
        "cũng không cho sửa): "
        "hãy để trống ô này, hoặc ghi đúng số đang lưu."
    )


def can_import(user, kind=None):
    if not user.has_perm("importing.add_importbatch"):
        return False
    return kind is None or user.has_perm(KIND_PERMISSIONS[kind])


def refusal(user, kind, organisation):
    """Why `user` may not import a sheet of `kind` for `organisation` (None: the whole Khối), in
    Vietnamese; None when they may. Users bound to a TCCS import only the grassroots kinds, and
    only for their TCCS or an organisation under it."""
    if not can_import(user, kind):
        return "Tài khoản của bạn không có quyền nhập loại dữ liệu này."
    root = scope_root(user)
    if root == ALL:
        return None
    if root == NOTHING:
        return "Tài khoản của bạn chưa được giao phạm vi quản lý nên không nhập được dữ liệu."
    if kind not in GRASSROOTS_KINDS_OF_IMPORT:
        return "Tài khoản của bạn không có quyền nhập loại dữ liệu này."
    if organisation is None:
        return f"Hãy chọn tổ chức cơ sở đảng của bạn ({root.name}) khi nhập."
    if not organisation.path.startswith(root.path):
        return "Tổ chức đảng này ngoài phạm vi quản lý của bạn."
    return None


_DIGITS = re.compile(r"\d")
_NATIONAL_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")


class ImportScope:
    """What one import may touch, for `user` (None: everything)."""

    def __init__(self, user=None):
        self.user = user
        self.root = ALL if user is None else scope_root(user)
        self.everything = self.root == ALL
        self.locked = frozenset(locked_member_fields(user)) if user is not None else frozenset()
        self.masks = user is not None and not sees_full_national_id(user)
        # Whether anything at all is out of bounds (else every check passes): read once per row.
        self.restricted = not self.everything or bool(self.locked)
        self._member_ids = None

    def has_member(self, member_id):
        if self.everything:
            return True
        if self.root == NOTHING:
            return False
        if self._member_ids is None:
            self._member_ids = frozenset(member_ids_of_tccs(self.root, self.user))
        return member_id in self._member_ids

    def has_organisation(self, organisation):
        if self.everything:
            return True
        return (
            self.root != NOTHING and organisation is not None and organisation.path.startswith(self.root.path)
        )

    def national_id(self, value):
        """A national ID (or what a cell holds in its place) as the user may see it: every digit but
        the last four hidden from those who see it masked."""
        if not self.masks or not value:
            return value
        text = str(value)
        if text.isdigit():
            return mask_national_id(text, self.user)
        digits = len(_DIGITS.findall(text))
        seen = 0

        def hide(match):
            nonlocal seen
            seen += 1
            return match.group() if seen > digits - 4 else "•"

        return _DIGITS.sub(hide, text)

    def text(self, message):
        """`message` with every 12-digit number in it masked (a national ID written anywhere)."""
        if not self.masks or not message:
            return message
        return _NATIONAL_ID.sub(lambda match: mask_national_id(match.group(), self.user), message)


def masked_report(report, user):
    """A batch's stored report as `user` may read it: national IDs masked for those who see them
    masked (a report another user prepared may hold full numbers)."""
    scope = ImportScope(user)
    if not scope.masks or not report:
        return report
    text = scope.text
    shown = dict(report)
    for key in ("errors", "warnings", "notices"):
        shown[key] = [text(message) for message in report.get(key, [])]
    shown["creates"] = [[row, text(label)] for row, label in report.get("creates", [])]
    shown["updates"] = [
        [row, text(label), [[text(str(name)), text(old), text(new)] for name, old, new in changes]]
        for row, label, changes in report.get("updates", [])
    ]
    return shown


def report_readable(batch, user):
    """Whether `user` may read the rows of `batch`'s report (besides seeing it in the history): the
    report names the members its rows matched, within the scope of the user who prepared it, so a
    user bound to a TCCS reads only the reports prepared within their own scope."""
    root = scope_root(user)
    if root == ALL:
        return True
    if root == NOTHING or batch.user_id is None:
        return False
    author_root = scope_root(batch.user)
    return author_root not in (ALL, NOTHING) and author_root.path.startswith(root.path)
