"""Rating sheets: a year's ratings of members or of organisations.

The category is read in full or abbreviated (`rating_schemes.parse`) and must belong to that
year's scheme; only those who must be rated that year may be (`periods_to_rate`,
`organisations_to_rate`). Writing goes through `member_ratings_save` / `organisation_ratings_save`,
the services of the bulk rating screens, one call per year in the file.
"""

from decimal import Decimal

from members.models import Member, MemberCard, MemberRating, MembershipPeriod
from members.queries import periods_to_rate, rating_day
from members.services import member_ratings_save
from partyblock.core import rating_schemes
from partyblock.core.text import day_text
from units.models import Organisation, OrganisationRating
from units.queries import RATED_KINDS, organisations_to_rate
from units.services import organisation_ratings_save

from ..columns import Column, ScoreColumn, TextColumn, YearColumn, import_only, stt_column
from ..scope import OUTSIDE_ORGANISATION
from .base import Kind, organisations_by_id
from .matching import MemberIndex, keys_of
from .members import (
    birth_date_column,
    card_column,
    chi_bo_column,
    full_name_column,
    national_id_column,
    so_ly_lich_column,
    tccs_column,
)


def year_column():
    return YearColumn("year", "Năm", ("Năm xếp loại", "Năm đánh giá", "Năm đánh giá, xếp loại"))


def category_column():
    return TextColumn(
        "category",
        "Xếp loại",
        (
            "Kết quả xếp loại",
            "Xếp loại chất lượng",
            "Mức xếp loại",
            "Kết quả đánh giá, xếp loại",
            "Kết quả đánh giá xếp loại",
            "Phân loại",
            "Xếp loại đảng viên",
            "Xếp loại tổ chức đảng",
        ),
        required=True,
    )


def score_column():
    return ScoreColumn("score", "Điểm", ("Điểm xếp loại", "Điểm đánh giá", "Tổng điểm"))


class RatingsKind(Kind):
    """What member and organisation ratings share; subclasses say how a row finds its subject."""

    needs_year = True
    subject = None
    model = None

    def check(self, ctx):
        if ctx.year is None and not ctx.has("year"):
            return ["Hãy chọn năm xếp loại khi tải lên: tệp không có cột “Năm”."]
        return []

    def choices(self):
        """Every category label of every scheme, newest first (abbreviations are accepted too)."""
        labels = []
        for scheme in reversed(rating_schemes.schemes_of(self.subject)):
            labels += [c.label for c in scheme.categories if c.label not in labels]
        return {"category": labels}

    def _year_and_category(self, row, ctx):
        """(year, Category, score) of a row, or None after reporting the problem."""
        year = row.get("year") or ctx.year
        if year is None:
            ctx.error(row.number, "year", None, "thiếu năm xếp loại.")
            return None
        if row.get("category") is None:
            ctx.error(row.number, "category", None, "trống: bắt buộc.")
            return None
        try:
            category = rating_schemes.parse(self.subject, year, row.get("category"))
        except ValueError as error:
            ctx.error(row.number, "category", row.get("category"), _lower_first(str(error)))
            return None
        score = row.get("score")
        if score is not None and not rating_schemes.scheme_for(self.subject, year).scored:
            ctx.error(row.number, "score", score, f"năm {year} chưa chấm điểm khi xếp loại (từ năm 2025).")
            return None
        return year, category, score

    def _to_rate(self, ctx, year):
        cache = ctx.__dict__.setdefault("to_rate", {})
        if year not in cache:
            cache[year] = self.subjects_to_rate(year, ctx.organisation)
        return cache[year]

    def _plan(self, planned, row, year, category, score, subject_id, label, key, why, ctx):
        """Add the row's rating to `planned` unless its subject is not to be rated that year (`why`
        says what that means, after the error's subject and year) or is rated by an earlier row."""
        if subject_id not in self._to_rate(ctx, year):
            ctx.error(row.number, key, row.get(key), f"{label} không thuộc diện xếp loại năm {year}{why}")
            return
        first = ctx.__dict__.setdefault("seen", {}).setdefault((subject_id, year), row.number)
        if first != row.number:
            ctx.row_error(row.number, f"{label} đã được xếp loại năm {year} ở dòng {first}.")
            return
        planned.append((row, year, subject_id, category, score, label))

    def _compare(self, planned, ctx):
        """planned: [(row, year, subject id, Category, score, label)] -> create / update / unchanged."""
        existing = {}
        ids = {p[2] for p in planned}
        years = {p[1] for p in planned}
        if ids:
            field = f"{self.subject_field}_id"
            for subject_id, year, category, score in self.model.objects.filter(
                year__in=years, **{f"{field}__in": ids}
            ).values_list(field, "year", "category", "score"):
                existing[(subject_id, year)] = (category, score)
        for row, year, subject_id, category, score, label in planned:
            record = ["r", row.number, year, subject_id, category.code, score]
            old = existing.get((subject_id, year))
            if old is None:
                ctx.create(row.number, f"{label}: {category.label} ({year})", [*record, "c"])
            elif old != (category.code, score):
                changes = [
                    ("Xếp loại", rating_schemes.category_label(self.subject, year, old[0]), category.label)
                ]
                if old[1] != score:
                    changes.append(("Điểm", old[1], score))
                ctx.update(row.number, f"{label} ({year})", changes, [*record, "u"])
            else:
                ctx.unchanged += 1

    def write(self, records, batch):
        by_year = {}
        for _, _, year, subject_id, code, score, _ in records:
            choices = by_year.setdefault(year, {})
            choices[subject_id] = (code, Decimal(score) if score is not None else None)
        created_total = updated_total = 0
        for year, choices in sorted(by_year.items()):
            saved = self.save(year, choices, batch)
            created_total += saved.created
            updated_total += saved.updated
        return created_total, updated_total


class MemberRatingsKind(RatingsKind):
    key = "member_ratings"
    label = "Xếp loại đảng viên"
    subject = rating_schemes.MEMBER
    model = MemberRating
    subject_field = "member"
    example = {
        "year": 2024,
        "full_name": "Nguyễn Văn An",
        "birth_date": "15/05/1985",
        "card": "30.012345",
        "national_id": "030085001234",
        "chi_bo": "Chi bộ Văn phòng",
        "tccs": "Đảng bộ Sở Tài chính",
        "category": "Hoàn thành tốt nhiệm vụ",
    }

    def columns(self):
        return [
            stt_column(),
            year_column(),
            full_name_column(),
            birth_date_column(required=False),
            card_column(),
            national_id_column(),
            import_only(so_ly_lich_column()),
            chi_bo_column(),  # shown for people; the chi bộ that rates is the year-end one
            tccs_column(),
            category_column(),
            score_column(),
        ]

    def fingerprint_models(self):
        return [MemberRating, Member, MemberCard, MembershipPeriod]

    def subjects_to_rate(self, year, within):
        return set(periods_to_rate(year, within).values_list("member_id", flat=True))

    def outside(self, records, scope):
        return not all(scope.has_member(record[3]) for record in records)

    def save(self, year, choices, batch):
        return member_ratings_save(year=year, choices=choices, import_batch=batch)

    def process(self, rows, ctx):
        parsed = []
        for row in rows:
            if row.bad:
                continue
            found = self._year_and_category(row, ctx)
            if found is not None:
                parsed.append((row, *found))
        index = MemberIndex([keys_of(r) for r, *_ in parsed], ctx.directory, scope=ctx.scope)
        planned = []
        for row, year, category, score in parsed:
            known, problem = index.find_row(row, ctx.organisation)
            if problem:
                ctx.error(row.number, problem[0], row.get(problem[0]), problem[1])
                continue
            within = f" ({ctx.organisation.name})" if ctx.organisation else ""
            why = (
                f": không sinh hoạt trong Đảng bộ Khối{within} vào {day_text(rating_day(year))}, đang được "
                "miễn hoặc bị đình chỉ sinh hoạt, hoặc được kết nạp chưa đủ 6 tháng."
            )
            self._plan(planned, row, year, category, score, known.id, known.describe(), "full_name", why, ctx)
        self._compare(planned, ctx)

    def export_rows(self, queryset):
        ratings = list(queryset.select_related("member", "organisation", "tccs"))
        member_ids = list({r.member_id for r in ratings})
        cards = {}
        for start in range(0, len(member_ids), 5000):
            for member_id, number in (
                MemberCard.objects.filter(
                    member_id__in=member_ids[start : start + 5000], replaced_on__isnull=True
                )
                .order_by("issued_on", "pk")
                .values_list("member_id", "number")
            ):
                cards[member_id] = number
        for number, rating in enumerate(ratings, start=1):
            yield [
                number,
                rating.year,
                rating.member.full_name,
                rating.member.birth_date,
                cards.get(rating.member_id),
                rating.member.national_id,
                rating.organisation.name,
                rating.tccs.name,
                rating.get_category_display(),
                rating.score,
            ]


class OrganisationRatingsKind(RatingsKind):
    key = "organisation_ratings"
    label = "Xếp loại tổ chức đảng"
    subject = rating_schemes.ORGANISATION
    model = OrganisationRating
    subject_field = "organisation"
    example = {"year": 2024, "code": "SOTC", "name": "Đảng bộ Sở Tài chính", "category": "HTTNV"}

    def columns(self):
        return [
            stt_column(),
            year_column(),
            Column("code", "Mã", ("Mã tổ chức", "Mã tổ chức đảng", "Mã TCĐ", "Mã đơn vị")),
            TextColumn(
                "name", "Tên tổ chức", ("Tên", "Tổ chức đảng", "Tên tổ chức đảng", "Tên TCCS", "Đơn vị")
            ),
            category_column(),
            score_column(),
        ]

    def check(self, ctx):
        problems = super().check(ctx)
        if not (ctx.has("code") or ctx.has("name")):
            problems.append("Thiếu cột “Mã” hoặc “Tên tổ chức” cho biết tổ chức nào được xếp loại.")
        return problems

    def fingerprint_models(self):
        return [OrganisationRating, Organisation]

    def subjects_to_rate(self, year, within):
        return set(organisations_to_rate(year, within).values_list("pk", flat=True))

    def outside(self, records, scope):
        organisations = organisations_by_id()
        return not all(scope.has_organisation(organisations.get(record[3])) for record in records)

    def save(self, year, choices, batch):
        return organisation_ratings_save(year=year, choices=choices, import_batch=batch)

    def process(self, rows, ctx):
        directory = ctx.directory
        planned = []
        for row in rows:
            if row.bad:
                continue
            found = self._year_and_category(row, ctx)
            if found is None:
                continue
            year, category, score = found
            key = "code" if row.get("code") else "name"
            if not row.get(key):
                ctx.row_error(row.number, "thiếu mã hoặc tên tổ chức đảng.")
                continue
            organisation, reason = directory.find(
                row.get(key), kinds=RATED_KINDS, within=ctx.organisation, today=ctx.today
            )
            if organisation is None:
                ctx.error(row.number, key, row.get(key), reason)
                continue
            if not ctx.scope.has_organisation(organisation):
                ctx.error(row.number, key, row.get(key), OUTSIDE_ORGANISATION)
                continue
            why = f" (chưa thành lập đủ 6 tháng hoặc không còn hoạt động vào {day_text(rating_day(year))})."
            self._plan(
                planned,
                row,
                year,
                category,
                score,
                organisation.pk,
                directory.placed(organisation),
                key,
                why,
                ctx,
            )
        self._compare(planned, ctx)

    def export_rows(self, queryset):
        for number, rating in enumerate(queryset.select_related("organisation"), start=1):
            yield [
                number,
                rating.year,
                rating.organisation.code,
                rating.organisation.name,
                rating.get_category_display(),
                rating.score,
            ]


def _lower_first(message):
    return message[:1].lower() + message[1:]
