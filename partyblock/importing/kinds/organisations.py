"""Organisation sheets: the tree of TCCS, đảng bộ bộ phận and chi bộ.

Rows are matched to existing organisations by code. "Trực thuộc" names the parent by code or name
(an organisation of the file or of the database); empty means directly under the Khối. Each row
is checked with `Organisation.clean` (the model's parent rules) against in-memory parents, so a
file may create a đảng bộ cơ sở and its chi bộ together. New organisations are bulk-created one
tree level at a time with their first placements (from "Ngày trực thuộc", else since founding; one
founded before its parent joins on the parent's founding day, with a warning), then the tree is
derived again (`units.services.organisations_create_bulk`); changed ones are saved one by one like
the admin form does (`organisation_update`).
"""

from django.core.exceptions import ValidationError

from units.models import GRASSROOTS_KINDS, Organisation, OrganisationKind
from units.services import NewOrganisation, organisation_update, organisations_create_bulk

from ..columns import (
    ChoiceColumn,
    CodeColumn,
    DateColumn,
    TextColumn,
    field_length,
    header_key,
    import_only,
    stt_column,
)
from ..plan import day, iso
from ..scope import OUTSIDE_ORGANISATION
from .base import Kind, organisations_by_id

FIELDS = ["name", "kind", "founded_on", "dissolved_on", "agency"]
LABELS = {
    "name": "Tên tổ chức",
    "kind": "Loại",
    "parent": "Trực thuộc",
    "founded_on": "Ngày thành lập",
    "dissolved_on": "Ngày giải thể",
    "agency": "Cơ quan, đơn vị",
}


class OrganisationsKind(Kind):
    key = "organisations"
    label = "Tổ chức đảng"
    example = {
        "code": "SOTC-VP",
        "name": "Chi bộ Văn phòng",
        "kind": "Chi bộ trực thuộc",
        "parent": "SOTC",
        "founded_on": "01/03/2010",
        "agency": "Văn phòng Sở Tài chính",
    }

    def columns(self):
        return [
            stt_column(),
            CodeColumn(
                "code",
                "Mã",
                ("Mã tổ chức", "Mã tổ chức đảng", "Mã TCĐ", "Mã đơn vị"),
                required=True,
                max_length=field_length(Organisation, "code"),
            ),
            TextColumn(
                "name",
                "Tên tổ chức",
                ("Tên", "Tên tổ chức đảng", "Tổ chức đảng"),
                required=True,
                max_length=field_length(Organisation, "name"),
                name=True,
            ),
            ChoiceColumn(
                "kind",
                "Loại",
                ("Loại tổ chức", "Loại hình", "Loại hình tổ chức"),
                required=True,
                choices=[
                    (OrganisationKind.DANG_BO_CO_SO, "Đảng bộ cơ sở", ("ĐBCS",)),
                    (OrganisationKind.CHI_BO_CO_SO, "Chi bộ cơ sở", ("CBCS",)),
                    (OrganisationKind.DANG_BO_BO_PHAN, "Đảng bộ bộ phận", ("ĐBBP",)),
                    (OrganisationKind.CHI_BO_TRUC_THUOC, "Chi bộ trực thuộc", ("CBTT", "Chi bộ")),
                ],
            ),
            TextColumn(
                "parent", "Trực thuộc", ("Cấp trên", "Tổ chức cấp trên", "Trực thuộc tổ chức", "Mã cấp trên")
            ),
            DateColumn("founded_on", "Ngày thành lập", ("Ngày thành lập tổ chức",)),
            import_only(
                DateColumn(
                    "placed_on",
                    "Ngày trực thuộc",
                    ("Ngày về Khối", "Ngày trực thuộc Khối", "Ngày về Đảng bộ Khối", "Ngày về trực thuộc"),
                )
            ),
            DateColumn(
                "dissolved_on", "Ngày giải thể", ("Ngày giải thể / sáp nhập", "Ngày giải thể, sáp nhập")
            ),
            TextColumn(
                "agency",
                "Cơ quan, đơn vị",
                ("Cơ quan", "Đơn vị", "Cơ quan đơn vị"),
                max_length=field_length(Organisation, "agency"),
            ),
        ]

    def fingerprint_models(self):
        return [Organisation]

    def process(self, rows, ctx):
        # Parents may be named further down the sheet: everything is checked once all rows are in.
        ctx.__dict__.setdefault("rows", []).extend(r for r in rows if not r.bad)

    def finish(self, ctx):
        rows = ctx.__dict__.get("rows", [])
        directory = ctx.directory
        if directory.root is None:
            ctx.errors.append("Chưa có Đảng bộ Khối (gốc của cây tổ chức): hãy tạo trước khi nhập tổ chức.")
            return
        in_file, by_name, first_row = {}, {}, {}
        for row in rows:
            code = row.get("code")
            if code is None:
                ctx.error(row.number, "code", None, "trống: bắt buộc.")
                continue
            # Codes match as the directory matches them (case and accents aside): "soa" is SOA.
            target = directory.by_code.get(header_key(code))
            if header_key(code) in first_row:
                ctx.error(row.number, "code", code, f"mã trùng với dòng {first_row[header_key(code)]}.")
                continue
            first_row[header_key(code)] = row.number
            if target is not None and target.kind == OrganisationKind.BLOC:
                ctx.error(row.number, "code", code, "đây là mã của Đảng bộ Khối, không nhập lại.")
                continue
            if target is not None and not ctx.scope.has_organisation(target):
                ctx.error(row.number, "code", code, OUTSIDE_ORGANISATION)
                continue
            if target is None:
                missing = [key for key in ("name", "kind") if row.get(key) is None]
                for key in missing:
                    ctx.error(row.number, key, None, "trống: bắt buộc với tổ chức mới.")
                if missing:
                    continue
            else:
                code = target.code
            planned = Organisation(
                pk=target.pk if target else -(len(in_file) + 1),
                code=code,
                path=target.path if target else "",
                **({f: getattr(target, f) for f in FIELDS} if target else {}),
            )
            for name in FIELDS:
                if row.get(name) is not None:
                    setattr(planned, name, row.get(name))
            if target is None:
                planned.placed_on = row.get("placed_on")
            in_file[code] = (row, planned, target)
            by_name.setdefault(header_key(planned.name), []).append(planned)
        parents = {}
        for code, (row, planned, target) in in_file.items():
            parent = self._parent(row, planned, target, in_file, by_name, ctx)
            if parent is False:
                continue
            if parent.pk > 0 and not ctx.scope.has_organisation(parent):
                ctx.error(row.number, "parent", row.get("parent"), OUTSIDE_ORGANISATION)
                continue
            parents[code] = parent
            planned.parent = parent
            self._check(row, planned, ctx)
        levels = self._levels(in_file, parents, ctx)
        if ctx.errors:
            return
        for code, (row, planned, target) in sorted(in_file.items(), key=lambda item: levels.get(item[0], 0)):
            parent = parents[code]
            parent_ref = ["id", parent.pk] if parent.pk > 0 else ["code", parent.code]
            if target is None:
                ctx.create(
                    row.number,
                    f"{planned.name} ({planned.code}) — {planned.get_kind_display()}",
                    [
                        "new",
                        row.number,
                        levels[code],
                        planned.code,
                        planned.name,
                        planned.kind,
                        parent_ref,
                        iso(planned.founded_on),
                        iso(planned.dissolved_on),
                        planned.agency or "",
                        iso(planned.placed_on),
                    ],
                )
                if planned.placement_warning:
                    ctx.warn(row.number, f"{planned.name} {planned.placement_warning}")
                namesakes = _namesakes(planned, parent, directory)
                if namesakes:
                    known = ", ".join(f"{directory.placed(o)} ({o.code})" for o in namesakes)
                    ctx.warn(
                        row.number,
                        f"{planned.name} ({planned.code}) trùng tên với tổ chức đã có: {known}. Nếu là cùng "
                        "một tổ chức, hãy ghi mã đã có để cập nhật thay vì thêm mới.",
                    )
                continue
            changes, shown, before = {}, [], {}
            for name in FIELDS:
                old, new = getattr(target, name), getattr(planned, name)
                if old != new:
                    changes[name], before[name] = (
                        iso(new) if "_on" in name else new,
                        iso(old) if "_on" in name else old,
                    )
                    shown.append((LABELS[name], _display(name, old), _display(name, new)))
            if parent.pk != target.parent_id:
                old_parent = directory.by_id.get(target.parent_id)
                changes["parent"] = parent_ref
                before["parent_id"] = target.parent_id
                shown.append((LABELS["parent"], old_parent.name if old_parent else None, parent.name))
            if not changes:
                ctx.unchanged += 1
                continue
            ctx.update(
                row.number,
                f"{target.name} ({target.code})",
                shown,
                ["upd", row.number, target.pk, before, changes],
            )

    def _parent(self, row, planned, target, in_file, by_name, ctx):
        text = row.get("parent")
        directory = ctx.directory
        if not text:
            if not ctx.has("parent") and target is not None:
                return directory.by_id.get(target.parent_id) or directory.root
            return directory.root
        if text in in_file:
            return in_file[text][1]
        found = directory.by_code.get(header_key(text))
        if found is not None:
            return in_file[found.code][1] if found.code in in_file else found
        named = by_name.get(header_key(text), [])
        named += [o for o in directory.by_name.get(header_key(text), ()) if o.code not in in_file]
        named = [o for o in named if o is not planned]
        if len(named) == 1:
            return named[0]
        if not named:
            ctx.error(row.number, "parent", text, "không có tổ chức đảng có mã hoặc tên này.")
        else:
            codes = ", ".join(o.code for o in named)
            ctx.error(
                row.number, "parent", text, f"có {len(named)} tổ chức cùng tên (mã {codes}): hãy ghi mã."
            )
        return False

    def _check(self, row, planned, ctx):
        try:
            planned.clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                key = {
                    "parent": "parent",
                    "founded_on": "founded_on",
                    "dissolved_on": "dissolved_on",
                    "placed_on": "placed_on",
                }.get(field)
                for message in messages:
                    ctx.error(row.number, key or "code", row.get(key or "code"), _lower_first(message))
            return
        if planned.founded_on and planned.dissolved_on and planned.dissolved_on <= planned.founded_on:
            ctx.error(
                row.number, "dissolved_on", planned.dissolved_on, "ngày giải thể phải sau ngày thành lập."
            )

    def _levels(self, in_file, parents, ctx):
        """Depth of each new or moved organisation below the nearest stored one; cycles are errors."""
        levels = {}

        def level(code, trail):
            if code in levels:
                return levels[code]
            parent = parents.get(code)
            if parent is None or parent.pk > 0 and parent.code not in in_file:
                levels[code] = 0
                return 0
            if parent.code in trail:
                raise ValueError(code)
            levels[code] = level(parent.code, trail | {code}) + 1
            return levels[code]

        for code in parents:
            try:
                level(code, {code})
            except ValueError:
                row = in_file[code][0]
                ctx.error(
                    row.number, "parent", row.get("parent"), "các tổ chức trực thuộc lẫn nhau thành vòng."
                )
                levels[code] = 0
        return levels

    def outside(self, records, scope):
        organisations = organisations_by_id()
        for record in records:
            if record[0] == "new":
                parent_ref = record[6]
            else:
                if not scope.has_organisation(organisations.get(record[2])):
                    return True
                parent_ref = record[4].get("parent")
            if (
                parent_ref
                and parent_ref[0] == "id"
                and not scope.has_organisation(organisations.get(parent_ref[1]))
            ):
                return True
        return False

    def write(self, records, batch):
        records = list(records)  # a few hundred organisations at most
        created = organisations_create_bulk(
            [
                NewOrganisation(
                    code=code,
                    name=name,
                    kind=kind,
                    parent=parent_ref[1],
                    level=level,
                    founded_on=day(founded),
                    dissolved_on=day(dissolved),
                    agency=agency,
                    placed_on=day(placed),
                )
                for _, _, level, code, name, kind, parent_ref, founded, dissolved, agency, placed in (
                    r for r in records if r[0] == "new"
                )
            ],
            import_batch=batch,
        )
        upd = [r for r in records if r[0] == "upd"]
        targets = Organisation.objects.in_bulk([r[2] for r in upd])
        parents = Organisation.objects.in_bulk(
            [r[4]["parent"][1] for r in upd if "parent" in r[4] and r[4]["parent"][0] == "id"]
        )
        by_code = {organisation.code: organisation for organisation in created}
        for _, row, pk, before, changes in upd:
            organisation = targets[pk]
            for name, old in before.items():
                now = getattr(organisation, name)
                if (iso(now) if name.endswith("_on") else now) != old:
                    raise ValidationError(f"Dòng {row}: tổ chức đã được sửa sau khi xem trước.")
            values = {}
            for name, value in changes.items():
                if name == "parent":
                    ref_kind, ref = value
                    values["parent"] = parents[ref] if ref_kind == "id" else by_code[ref]
                else:
                    values[name] = day(value) if name.endswith("_on") else value
            organisation_update(organisation, **values)
        return len(created), len(upd)

    def export_rows(self, queryset):
        organisations = [o for o in queryset.select_related("parent") if o.kind != OrganisationKind.BLOC]
        labels = dict(OrganisationKind.choices)
        for number, organisation in enumerate(organisations, start=1):
            parent = organisation.parent
            yield [
                number,
                organisation.code,
                organisation.name,
                labels[organisation.kind],
                parent.code if parent is not None and parent.kind != OrganisationKind.BLOC else None,
                organisation.founded_on,
                organisation.dissolved_on,
                organisation.agency or None,
            ]


def _namesakes(planned, parent, directory):
    """Stored organisations a new one may be a second copy of: of its kind and name, anywhere in
    the Khối for a TCCS (their names are the agencies'), under the same parent for a chi bộ (the
    Khối has dozens of "Chi bộ Văn phòng", one per TCCS)."""
    return [
        organisation
        for organisation in directory.by_name.get(header_key(planned.name), [])
        if organisation.kind == planned.kind
        and (planned.kind in GRASSROOTS_KINDS or organisation.parent_id == parent.pk)
    ]


def _display(name, value):
    if name == "kind":
        return dict(OrganisationKind.choices).get(value, value)
    return value


def _lower_first(message):
    return message[:1].lower() + message[1:]
