"""Candidate lists (danh sách quần chúng ưu tú, người vào Đảng) as TCCS keep them (issue 20): one row
per candidate, the profile, the developing chi bộ, and each step's date and documents as columns.

Each row goes through the admission app's step services (`partyblock.admission.services`), the
ones the candidate screens use: a new candidate is identified, then every step the row dates is
recorded in order; a known candidate (matched by CCCD, else by name and birth date within the
TCCS) gets the steps whose values differ from the stored ones, and profile changes through
`candidate_update`. Empty cells never clear stored values. The preview runs the very calls of each
row and rolls them back (`services.dry_run`), so the messages are the services' own; confirm runs
them again in the batch's one transaction, so a row refused then refuses the whole file.
"""

import datetime

from django.core.exceptions import ValidationError

from members.models import Gender, Member
from partyblock.admission import services
from partyblock.admission.models import Candidate, Status, Step, UnionBody
from partyblock.core.text import search_key
from units.models import Organisation

from ..columns import CellError, ChoiceColumn, Column, DateColumn, TextColumn, clean_text, stt_column
from ..plan import day, iso
from ..scope import OUTSIDE_ORGANISATION, locked_field_reason
from .base import Kind, organisations_by_id
from .members import birth_date_column, chi_bo_column, full_name_column, national_id_column

PROFILE = (
    "full_name",
    "gender",
    "birth_date",
    "national_id",
    "hometown",
    "ethnicity",
    "religion",
    "occupation",
)
# Each step's keyword arguments (the service's) and the column (the model field) that holds each.
STEP_ARGUMENTS = {
    Step.COURSE: {
        "certificate_on": "course_certificate_on",
        "certificate_number": "course_certificate_number",
        "issuer": "course_issuer",
    },
    Step.RESUME: {"verified_on": "resume_verified_on", "document": "resume_document"},
    Step.SPONSORED: {
        "sponsored_on": "sponsored_on",
        "sponsor_1": "sponsor_1",
        "sponsor_1_since": "sponsor_1_since",
        "sponsor_2": "sponsor_2",
        "sponsor_2_since": "sponsor_2_since",
        "union_body": "union_body",
        "union_document": "union_document",
    },
    Step.CHI_BO_VOTE: {
        "voted_on": "vote_on",
        "votes_for": "vote_for",
        "votes_against": "vote_against",
        "present": "vote_present",
        "total": "vote_total",
    },
    Step.RESOLUTION: {
        "resolved_on": "resolution_on",
        "number": "resolution_number",
        "votes_for": "resolution_for",
        "members_total": "resolution_total",
    },
    Step.DECISION: {"decided_on": "decision_on", "number": "decision_number", "body": "decision_body"},
    Step.ADMITTED: {"ceremony_on": "ceremony_on"},
}
STEP_DAY = {step: next(iter(arguments.values())) for step, arguments in STEP_ARGUMENTS.items()}
SPONSORS = ("sponsor_1", "sponsor_2")
OUTSIDE_CANDIDATE = "số CCCD này thuộc một hồ sơ quần chúng ngoài phạm vi quản lý của bạn."


class CountColumn(Column):
    """A number of people (votes, members present): a whole number from 0 to 999."""

    def clean(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = clean_text(value)
            if text is None:
                return None
            if not (text.isascii() and text.isdigit()):
                raise CellError("phải là một số nguyên.")
            number = int(text)
        if not 0 <= number <= 999:
            raise CellError("phải từ 0 đến 999.")
        return number


def _day(key, header, aliases=()):
    return DateColumn(key, header, aliases)


def _text(key, header, aliases=(), **options):
    return TextColumn(key, header, aliases, max_length=Candidate._meta.get_field(key).max_length, **options)


class CandidatesKind(Kind):
    key = "candidates"
    label = "Quần chúng ưu tú (người vào Đảng)"
    needs_organisation = True
    example = {
        "full_name": "Nguyễn Thị Hoa",
        "gender": "Nữ",
        "birth_date": "20/06/1998",
        "hometown": "Xã An Bình, huyện Nam Sách",
        "ethnicity": "Kinh",
        "religion": "Không",
        "occupation": "Chuyên viên",
        "chi_bo": "Chi bộ Văn phòng",
        "identified_on": "10/01/2023",
        "course_certificate_on": "15/03/2023",
        "course_certificate_number": "125-CN/TTCT",
        "course_issuer": "Trung tâm Chính trị tỉnh",
    }

    def columns(self):
        return [
            stt_column(),
            full_name_column(),
            ChoiceColumn(
                "gender",
                "Giới tính",
                ("Nam/Nữ", "Phái"),
                required=True,
                choices=[(Gender.MALE, "Nam", ()), (Gender.FEMALE, "Nữ", ())],
            ),
            birth_date_column(),
            national_id_column(),
            _text("hometown", "Quê quán", ("Nguyên quán",)),
            _text("ethnicity", "Dân tộc"),
            _text("religion", "Tôn giáo"),
            _text("occupation", "Nghề nghiệp", ("Chức vụ, nghề nghiệp", "Nghề nghiệp, chức vụ")),
            chi_bo_column(),
            _day(
                "identified_on",
                "Ngày xác định quần chúng ưu tú",
                ("Ngày được xác định", "Ngày vào danh sách quần chúng ưu tú", "Ngày xác định"),
            ),
            _day(
                "course_certificate_on",
                "Ngày cấp giấy chứng nhận bồi dưỡng",
                ("Ngày cấp GCN", "Ngày cấp giấy chứng nhận", "Ngày học lớp bồi dưỡng nhận thức về Đảng"),
            ),
            _text(
                "course_certificate_number", "Số giấy chứng nhận", ("Số GCN", "Số giấy chứng nhận bồi dưỡng")
            ),
            _text("course_issuer", "Nơi cấp giấy chứng nhận", ("Nơi cấp GCN", "Nơi cấp")),
            _day("resume_verified_on", "Ngày kết luận thẩm tra lý lịch", ("Ngày thẩm tra lý lịch",)),
            _text("resume_document", "Văn bản kết luận thẩm tra", ("Văn bản thẩm tra lý lịch",)),
            _day("sponsored_on", "Ngày giới thiệu", ("Ngày người giới thiệu",)),
            TextColumn("sponsor_1", "Người giới thiệu thứ nhất", ("Người giới thiệu 1",), name=True),
            _day(
                "sponsor_1_since", "Cùng công tác với người thứ nhất từ ngày", ("Cùng công tác từ ngày (1)",)
            ),
            TextColumn("sponsor_2", "Người giới thiệu thứ hai", ("Người giới thiệu 2",), name=True),
            _day(
                "sponsor_2_since", "Cùng công tác với người thứ hai từ ngày", ("Cùng công tác từ ngày (2)",)
            ),
            ChoiceColumn(
                "union_body",
                "Tổ chức giới thiệu",
                ("Đoàn thể giới thiệu",),
                choices=[
                    (UnionBody.YOUTH_UNION, UnionBody.YOUTH_UNION.label, ("Đoàn", "Đoàn TNCS Hồ Chí Minh")),
                    (UnionBody.TRADE_UNION, UnionBody.TRADE_UNION.label, ("Công đoàn",)),
                ],
            ),
            _text("union_document", "Nghị quyết giới thiệu của tổ chức", ("Nghị quyết giới thiệu",)),
            _day("vote_on", "Ngày chi bộ xét kết nạp", ("Ngày chi bộ xét", "Ngày chi bộ họp xét")),
            CountColumn("vote_total", "Tổng số đảng viên chính thức", ("Số đảng viên chính thức",)),
            CountColumn("vote_present", "Số đảng viên chính thức có mặt", ("Số có mặt",)),
            CountColumn("vote_for", "Số tán thành", ("Số đồng ý",)),
            CountColumn("vote_against", "Số không tán thành", ("Số không đồng ý",)),
            _text("resolution_number", "Số nghị quyết của đảng ủy cơ sở", ("Số nghị quyết đảng ủy",)),
            _day("resolution_on", "Ngày nghị quyết của đảng ủy cơ sở", ("Ngày nghị quyết đảng ủy",)),
            CountColumn("resolution_for", "Số cấp ủy viên tán thành"),
            CountColumn("resolution_total", "Tổng số cấp ủy viên"),
            _text("decision_number", "Số quyết định kết nạp", ("Số QĐ kết nạp",)),
            _day("decision_on", "Ngày quyết định kết nạp", ("Ngày QĐ kết nạp",)),
            _text("decision_body", "Cấp ủy ra quyết định", ("Cơ quan ra quyết định",)),
            _day("ceremony_on", "Ngày lễ kết nạp", ("Ngày kết nạp", "Ngày tổ chức lễ kết nạp")),
        ]

    def fingerprint_models(self):
        return [Candidate, Member, Organisation]

    def process(self, rows, ctx):
        ctx.__dict__.setdefault("candidate_rows", []).extend(rows)

    def finish(self, ctx):
        rows = ctx.__dict__.get("candidate_rows", [])
        seen = {}
        for row in rows:
            if row.bad:
                continue
            national_id = row.get("national_id")
            key = national_id or (search_key(row.get("full_name") or ""), row.get("birth_date"))
            if key in seen:
                ctx.row_error(row.number, f"trùng người với dòng {seen[key]} trong tệp.")
                continue
            seen[key] = row.number
            self._row(row, ctx)

    # --- one row ----------------------------------------------------------------------------------
    def _row(self, row, ctx):
        chi_bo, reason = ctx.directory.chi_bo(row.get("chi_bo"), ctx.organisation, today=ctx.today)
        if chi_bo is None:
            ctx.error(row.number, "chi_bo", row.get("chi_bo"), reason)
            return
        if not ctx.scope.has_organisation(chi_bo):
            ctx.error(row.number, "chi_bo", row.get("chi_bo"), OUTSIDE_ORGANISATION)
            return
        known, problem = self._match(row, chi_bo, ctx)
        if problem:
            ctx.error(row.number, *problem)
            return
        sponsors = {}
        for key in SPONSORS:
            if row.get(key):
                member, problem = self._sponsor(row.get(key), chi_bo, ctx)
                if problem:
                    ctx.error(row.number, key, row.get(key), problem)
                    return
                sponsors[key] = member.pk
        if known is None and row.get("identified_on") is None:
            ctx.error(row.number, "identified_on", None, "trống: bắt buộc với người chưa có trong danh sách.")
            return
        profile = self._profile_changes(row, known)
        steps = self._step_changes(row, known, sponsors)
        locked = [key for key in profile if key in ctx.scope.locked]
        if locked:
            label = Candidate._meta.get_field(locked[0]).verbose_name
            ctx.error(row.number, locked[0], row.get(locked[0]), locked_field_reason(label))
            return
        if known is not None and chi_bo.pk != known.organisation_id:
            profile["organisation"] = chi_bo.pk
        record = [
            "q",
            row.number,
            known.pk if known else None,
            chi_bo.pk,
            iso(row.get("identified_on")),
            {k: _plain(v) for k, v in profile.items()},
            [[int(step), {k: _plain(v) for k, v in arguments.items()}] for step, arguments in steps],
        ]
        if known is not None and not profile and not steps:
            ctx.unchanged += 1
            return
        try:
            outcome = services.dry_run(lambda: apply(record))
        except ValidationError as error:
            for message in error.messages:
                ctx.row_error(row.number, ctx.scope.text(message))
            return
        for warning in outcome.warnings:
            ctx.warn(row.number, ctx.scope.text(warning))
        name = row.get("full_name") or known.full_name
        if known is None:
            ctx.create(row.number, f"{name} ({ctx.directory.placed(chi_bo)})", record)
        else:
            shown = [(Candidate._meta.get_field(k).verbose_name, "", v) for k, v in profile.items()]
            shown += [(Step(step).label, "", "ghi bước") for step, _ in steps]
            ctx.update(row.number, name, shown, record)

    def _match(self, row, chi_bo, ctx):
        """(known candidate or None, None) or (None, (column, value, reason))."""
        national_id = row.get("national_id")
        if national_id:
            found = Candidate.objects.filter(national_id=national_id).exclude(
                status__in=(Status.WITHDRAWN, Status.REJECTED)
            )
            found = found.select_related("organisation").first()
            if found is not None:
                if not ctx.scope.has_organisation(found.organisation):
                    return None, ("national_id", national_id, OUTSIDE_CANDIDATE)
                return found, None
        tccs = Organisation.objects.get(pk=chi_bo.grassroots_id)
        namesakes = list(
            Candidate.objects.within(tccs)
            .filter(search_name=search_key(row.get("full_name")), birth_date=row.get("birth_date"))
            .exclude(status__in=(Status.WITHDRAWN, Status.REJECTED))
            .select_related("organisation")[:2]
        )
        if len(namesakes) > 1:
            return None, (
                "full_name",
                row.get("full_name"),
                "có hai hồ sơ cùng họ tên và ngày sinh: hãy ghi số CCCD.",
            )
        return (namesakes[0] if namesakes else None), None

    def _sponsor(self, text, chi_bo, ctx):
        """The member of the candidate's TCCS named `text` (member, None) or (None, reason)."""
        cache = ctx.__dict__.setdefault("sponsors", {})
        tccs_id = chi_bo.grassroots_id
        if tccs_id not in cache:
            tccs = Organisation.objects.get(pk=tccs_id)
            members = Member.objects.filter(periods__organisation__path__startswith=tccs.path).distinct()
            by_name = {}
            for member in members.only("pk", "full_name", "search_name"):
                by_name.setdefault(member.search_name, []).append(member)
            cache[tccs_id] = by_name
        found = cache[tccs_id].get(search_key(text), [])
        if len(found) == 1:
            return found[0], None
        if not found:
            return None, "không có đảng viên tên này trong tổ chức cơ sở đảng của chi bộ bồi dưỡng."
        return (
            None,
            f"có {len(found)} đảng viên cùng tên trong tổ chức cơ sở đảng: hãy chọn người giới thiệu trên màn hình hồ sơ.",
        )

    def _profile_changes(self, row, known):
        changes = {}
        for key in PROFILE:
            value = row.get(key)
            if value is None:
                continue
            if known is None or getattr(known, key) != value:
                changes[key] = value
        return changes

    def _step_changes(self, row, known, sponsors):
        """[(step, service arguments)] of the steps the row dates whose values are not stored yet."""
        changes = []
        for step, arguments in STEP_ARGUMENTS.items():
            if row.get(STEP_DAY[step]) is None:
                continue
            values = {}
            for argument, key in arguments.items():
                values[argument] = sponsors.get(key) if key in SPONSORS else row.get(key)
            if known is not None and all(
                _stored(known, key) == _value(values[arg], key) for arg, key in arguments.items()
            ):
                continue
            changes.append((step, {k: _missing(arguments[k]) if v is None else v for k, v in values.items()}))
        return changes

    # --- confirm ------------------------------------------------------------------------------------
    def outside(self, records, scope):
        organisations = organisations_by_id()
        for record in records:
            if not scope.has_organisation(organisations.get(record[3])):
                return True
            if record[2] is not None:
                stored = Candidate.objects.select_related("organisation").filter(pk=record[2]).first()
                if stored is None or not scope.has_organisation(stored.organisation):
                    return True
            if any(key in scope.locked for key in record[5]):
                return True
        return False

    def write(self, records, batch):
        created = updated = 0
        for record in records:
            apply(record)
            if record[2] is None:
                created += 1
            else:
                updated += 1
        return created, updated

    def export_rows(self, queryset):
        keys = [column.key for column in self.columns()]
        rows = []
        for number, candidate in enumerate(
            queryset.select_related("organisation", "sponsor_1", "sponsor_2").order_by("sort_key", "pk"),
            start=1,
        ):
            values = {key: getattr(candidate, key, None) for key in keys}
            values.update(
                stt=number,
                gender=candidate.get_gender_display(),
                chi_bo=candidate.organisation.code,
                sponsor_1=candidate.sponsor_1.full_name if candidate.sponsor_1_id else None,
                sponsor_2=candidate.sponsor_2.full_name if candidate.sponsor_2_id else None,
                union_body=candidate.get_union_body_display() if candidate.union_body else None,
            )
            rows.append([values[key] if values[key] != "" else None for key in keys])
        return rows


def apply(record):
    """Write one plan record through the step services: identify (or update) the candidate, then
    record each step in order. Returns the last Outcome (its warnings gathered)."""
    _, _, candidate_id, chi_bo_id, identified_on, profile, steps = record
    warnings = []
    organisation = Organisation.objects.get(pk=chi_bo_id)
    values = {k: _unplain(k, v) for k, v in profile.items()}
    if candidate_id is None:
        values.pop("organisation", None)
        for name in Candidate.NOT_ASSUMED:  # an empty cell is not recorded, not the form's prefill
            values.setdefault(name, "")
        outcome = services.candidate_identify(
            organisation=organisation, identified_on=day(identified_on), **values
        )
    else:
        candidate = Candidate.objects.select_related("organisation").get(pk=candidate_id)
        if "organisation" in values:
            values["organisation"] = organisation
        outcome = services.candidate_update(candidate, **values) if values else services.Outcome(candidate)
    warnings += outcome.warnings
    candidate = outcome.candidate
    for step, arguments in steps:
        arguments = {k: _unplain(k, v) for k, v in arguments.items()}
        outcome = services.STEP_RECORDERS[Step(step)](candidate, **arguments)
        warnings += outcome.warnings
        candidate = outcome.candidate
    outcome.warnings = warnings
    return outcome


def _plain(value):
    if isinstance(value, datetime.date):
        return iso(value)
    return getattr(value, "value", value)


def _unplain(key, value):
    if value is None:
        return None
    if key in SPONSORS:
        return Member.objects.get(pk=value)
    if key.endswith("_on") or key.endswith("_since") or key == "birth_date":
        return day(value)
    return value


def _missing(key):
    """What an empty cell stands for in a service argument: "" for a text field, else None."""
    field = Candidate._meta.get_field(key)
    return "" if field.get_internal_type() == "CharField" else None


def _stored(candidate, key):
    if key in SPONSORS:
        return getattr(candidate, f"{key}_id")
    stored = getattr(candidate, key)
    return None if stored == "" else stored


def _value(value, key):
    return None if value == "" else value
