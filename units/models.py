"""The organisation tree of the Khối and its congress terms."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from partyblock.core import limits, rating_schemes
from partyblock.core.fields import import_batch_key
from partyblock.core.text import day_text, normalize_text, percent, validate_name

from .paths import PATH_STEP, check_overlaps, covering, derive, segment


class OrganisationKind(models.TextChoices):
    BLOC = "khoi", "Đảng bộ Khối"
    # A party committee above grassroots that is not the Khối: e.g. the provincial committees the
    # Khối's TCCS moved to in 2025 (KL 121-KL/TW). A root of the tree, like the Khối.
    PROVINCE = "tinh", "Đảng bộ tỉnh, thành phố"
    DANG_BO_CO_SO = "dbcs", "Đảng bộ cơ sở"
    CHI_BO_CO_SO = "cbcs", "Chi bộ cơ sở"
    DANG_BO_BO_PHAN = "dbbp", "Đảng bộ bộ phận"
    CHI_BO_TRUC_THUOC = "cbtt", "Chi bộ trực thuộc"


GRASSROOTS_KINDS = (OrganisationKind.DANG_BO_CO_SO, OrganisationKind.CHI_BO_CO_SO)
# Where members keep their official registration: only chi bộ hold members.
MEMBER_HOLDING_KINDS = (OrganisationKind.CHI_BO_CO_SO, OrganisationKind.CHI_BO_TRUC_THUOC)
# Organisations rated each year: TCCS, đảng bộ bộ phận and chi bộ trực thuộc (HD 21-HD/BTCTW 2019:
# every party organisation is rated; docs/rules.md), never the Khối nor a provincial committee.
RATED_KINDS = (*GRASSROOTS_KINDS, OrganisationKind.DANG_BO_BO_PHAN, OrganisationKind.CHI_BO_TRUC_THUOC)
RATED_KINDS_TEXT = "tổ chức cơ sở đảng, đảng bộ bộ phận và chi bộ trực thuộc"
# Which kinds may sit directly under which (None: the root has no parent).
ALLOWED_PARENT_KINDS = {
    OrganisationKind.BLOC: (),
    OrganisationKind.PROVINCE: (),
    OrganisationKind.DANG_BO_CO_SO: (OrganisationKind.BLOC, OrganisationKind.PROVINCE),
    OrganisationKind.CHI_BO_CO_SO: (OrganisationKind.BLOC, OrganisationKind.PROVINCE),
    OrganisationKind.DANG_BO_BO_PHAN: (OrganisationKind.DANG_BO_CO_SO,),
    OrganisationKind.CHI_BO_TRUC_THUOC: (OrganisationKind.DANG_BO_CO_SO, OrganisationKind.DANG_BO_BO_PHAN),
}

ROOT_KINDS = (OrganisationKind.BLOC, OrganisationKind.PROVINCE)


def _in_sentence(label):
    """A kind's label inside a sentence: only its first letter lowered ("đảng bộ Khối" stays a name)."""
    return label[:1].lower() + label[1:]


class OrganisationQuerySet(models.QuerySet):
    def active_on(self, day):
        """Founded on or before `day` and not yet dissolved on it (dissolution takes effect that day)."""
        return self.filter(Q(founded_on__isnull=True) | Q(founded_on__lte=day)).filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day)
        )

    def in_tree_on(self, day, within=None):
        """Those in the tree on `day` (below `within` and itself, as the tree was that day)."""
        return self.filter(pk__in=ids_in_tree_on(day, within))

    def within(self, organisation, include_self=True):
        """`organisation` and everything filed below it today (its filing path: organisations that
        ended under it stay there); `in_tree_on` reads the tree of a given day."""
        qs = self.filter(path__startswith=organisation.path)
        return qs if include_self else qs.exclude(pk=organisation.pk)

    def of_kind(self, *kinds):
        return self.filter(kind__in=kinds)

    def grassroots(self):
        return self.of_kind(*GRASSROOTS_KINDS)

    def in_tree_order(self):
        return self.order_by("path")


class Organisation(models.Model):
    """A party organisation. Never deleted: it is dissolved or merged, and its records stay."""

    code = models.CharField("mã", max_length=30, unique=True)
    name = models.CharField("tên tổ chức", max_length=255, validators=[validate_name])
    kind = models.CharField("loại", max_length=4, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="trực thuộc",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    agency = models.CharField("cơ quan, đơn vị", max_length=255, blank=True)
    founded_on = models.DateField("ngày thành lập", null=True, blank=True, validators=[limits.past_day])
    dissolved_on = models.DateField(
        "ngày giải thể / sáp nhập",
        null=True,
        blank=True,
        validators=[limits.past_day],
        help_text="Từ ngày này tổ chức không còn hoạt động; hồ sơ vẫn được lưu.",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name="sáp nhập vào",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
    )
    # Materialised path "000001/000012/…/": "under X" is one indexed prefix match.
    path = models.CharField("đường dẫn", max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField("cấp", editable=False, default=0)
    import_batch = import_batch_key(related_name="organisations")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="khoi"),
                name="one_bloc_root",
                violation_error_message="Chỉ có một Đảng bộ Khối (gốc của cây tổ chức).",
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(founded_on__isnull=True)
                | Q(dissolved_on__gt=models.F("founded_on")),
                name="dissolved_after_founded",
                violation_error_message="Ngày giải thể phải sau ngày thành lập.",
            ),
        ]

    def __str__(self):
        return self.name

    # The day a new organisation starts under its parent (None: since it was founded); set by the
    # admin form or the import before save(), defaulted by clean() for one older than its parent.
    placed_on = None
    placement_warning = ""

    def save(self, *args, **kwargs):
        """A new organisation gets its first placement (under `parent` from `placed_on`) and tree
        spans; a changed `parent` corrects the latest placement (a dated move is
        `units.services.organisation_move`) and the tree is derived again."""
        if self.pk is None:
            super().save(*args, **kwargs)
            self._place_new()
            return
        stored_parent = Organisation.objects.filter(pk=self.pk).values_list("parent_id", flat=True).first()
        super().save(*args, **kwargs)
        if stored_parent != self.parent_id:
            latest = self.placements.order_by(models.F("starts_on").desc(nulls_last=True)).first()
            if latest is None:
                Placement.objects.create(
                    organisation=self, parent_id=self.parent_id, starts_on=self.placed_on
                )
            else:
                latest.parent_id = self.parent_id
                latest.save(update_fields=["parent"])
            tree_rebuild()
            self.refresh_from_db(fields=["parent", "path", "depth"])

    def _place_new(self):
        """First placement and spans of a just-inserted organisation: its parent's spans from
        `placed_on` on, with its own segment (no other organisation changes)."""
        Placement.objects.create(organisation=self, parent_id=self.parent_id, starts_on=self.placed_on)
        own = f"{self.pk:06d}/"
        if self.parent_id is None:
            spans = [(self.placed_on, None, own)]
            self.path = own
        else:
            parent_spans = TreeSpan.objects.filter(organisation_id=self.parent_id).values_list(
                "starts_on", "ends_on", "path"
            )
            spans = []
            for starts_on, ends_on, path in parent_spans:
                start = (
                    starts_on if self.placed_on is None else max(starts_on or self.placed_on, self.placed_on)
                )
                if ends_on is None or start is None or start < ends_on:
                    spans.append((start, ends_on, path + own))
            self.path = Organisation.objects.get(pk=self.parent_id).path + own
        TreeSpan.objects.bulk_create(
            TreeSpan(organisation=self, starts_on=s, ends_on=e, path=p, depth=len(p) // PATH_STEP - 1)
            for s, e, p in spans
        )
        self.depth = len(self.path) // PATH_STEP - 1
        Organisation.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)

    @property
    def is_grassroots(self):
        return self.kind in GRASSROOTS_KINDS

    @property
    def holds_members(self):
        return self.kind in MEMBER_HOLDING_KINDS

    def is_active_on(self, day):
        return (self.founded_on is None or self.founded_on <= day) and (
            self.dissolved_on is None or self.dissolved_on > day
        )

    @property
    def grassroots_id(self):
        """Id of the TCCS this organisation belongs to (itself for a TCCS), read off the path;
        None for the root."""
        return int(self.path[PATH_STEP : 2 * PATH_STEP - 1]) if self.depth >= 1 else None

    def ancestors(self):
        """The organisations above this one, root first, in one query (read off the path)."""
        prefixes = [self.path[:end] for end in range(PATH_STEP, len(self.path), PATH_STEP)]
        return Organisation.objects.filter(path__in=prefixes).order_by("depth")

    def grassroots_ancestor(self):
        """The TCCS this organisation belongs to (itself if it is one); None for the root."""
        node = self
        while node is not None and not node.is_grassroots:
            node = node.parent
        return node

    def clean(self):
        self.name = normalize_text(self.name)
        self.code = normalize_text(self.code)
        self.agency = normalize_text(self.agency) or ""
        errors = {}
        allowed = ALLOWED_PARENT_KINDS.get(self.kind, ())
        parent = self.parent if self.parent_id else None
        if self.kind == OrganisationKind.BLOC:
            if parent is not None:
                errors["parent"] = "Đảng bộ Khối là gốc của cây tổ chức, không trực thuộc tổ chức nào."
        elif self.kind == OrganisationKind.PROVINCE:
            if parent is not None:
                errors["parent"] = (
                    f"{self.get_kind_display()} là gốc của cây tổ chức, không trực thuộc tổ chức nào."
                )
        elif parent is None:
            errors["parent"] = f"{self.get_kind_display()} phải trực thuộc một tổ chức."
        elif parent.kind not in allowed:
            if parent.kind in MEMBER_HOLDING_KINDS:
                errors["parent"] = f"{parent.get_kind_display()} không có tổ chức trực thuộc."
            else:
                # The usual parents: a provincial committee as parent is the 2025 restructuring's
                # exception, made by a dated move (units.services.organisation_move).
                usual = [k for k in allowed if k != OrganisationKind.PROVINCE]
                names = " hoặc ".join(_in_sentence(OrganisationKind(k).label) for k in usual)
                errors["parent"] = (
                    f"{self.get_kind_display()} chỉ trực thuộc {names}, "
                    f"không trực thuộc {_in_sentence(parent.get_kind_display())}."
                )
        elif self.pk and parent.path.startswith(self.path or "\0"):
            errors["parent"] = "Không thể đặt tổ chức trực thuộc chính nó hoặc tổ chức cấp dưới của nó."
        parent_checked = parent is not None and "parent" not in errors and self.founded_on
        if parent_checked and parent.dissolved_on and self.founded_on >= parent.dissolved_on:
            errors["founded_on"] = (
                f"{parent.name} đã giải thể ngày {day_text(parent.dissolved_on)}: "
                "không thể thành lập tổ chức trực thuộc từ ngày đó."
            )
        # New ones only (the import checks unsaved rows numbered below zero): a stored organisation
        # changes its place through dated moves.
        if parent is not None and "parent" not in errors and (self.pk is None or self.pk < 0):
            self._check_placed_on(parent, errors)
        if self.merged_into_id and not self.dissolved_on:
            errors["dissolved_on"] = "Tổ chức đã sáp nhập phải có ngày sáp nhập."
        if self.merged_into_id and self.merged_into_id == self.pk:
            errors["merged_into"] = "Tổ chức không thể sáp nhập vào chính nó."
        if errors:
            raise ValidationError(errors)

    def _check_placed_on(self, parent, errors):
        """A new organisation older than its parent (a TCCS founded before the Khối) joins the tree
        on the day it came under the parent: `placed_on`, or else the parent's founding date (with
        a warning). DOMAIN.md §1 "The tree has a history"."""
        placed_on, today = self.placed_on, timezone.localdate()
        if placed_on is not None:
            if placed_on > today:
                errors["placed_on"] = f"Ngày trực thuộc {day_text(placed_on)} sau ngày hôm nay."
            elif self.founded_on and placed_on < self.founded_on:
                errors["placed_on"] = (
                    f"Ngày trực thuộc {day_text(placed_on)} trước ngày thành lập ({day_text(self.founded_on)})."
                )
            elif parent.founded_on and placed_on < parent.founded_on:
                errors["placed_on"] = (
                    f"Ngày trực thuộc {day_text(placed_on)} trước ngày thành lập của {parent.name} "
                    f"({day_text(parent.founded_on)})."
                )
            elif parent.dissolved_on and placed_on >= parent.dissolved_on:
                errors["placed_on"] = (
                    f"{parent.name} đã giải thể ngày {day_text(parent.dissolved_on)}: "
                    f"không thể trực thuộc từ ngày {day_text(placed_on)}."
                )
        elif self.founded_on and parent.founded_on and self.founded_on < parent.founded_on:
            self.placed_on = parent.founded_on
            self.placement_warning = (
                f"thành lập ngày {day_text(self.founded_on)}, trước {parent.name} "
                f"({day_text(parent.founded_on)}): tính là trực thuộc từ ngày {day_text(parent.founded_on)}."
            )

    def place_in_tree(self, on):
        """Where this organisation sat on `on`: (path, depth), or None when it was not in the tree."""
        span = self.tree_spans.filter(covering(on)).values_list("path", "depth").first()
        return span


class Placement(models.Model):
    """The record of an organisation's place in the tree: under `parent` (None: a root) from
    `starts_on` (None: since it was founded) until the day before `ends_on` (None: still).
    Written by `Organisation.save` (the first one) and `units.services.organisation_move`."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="tổ chức đảng", on_delete=models.CASCADE, related_name="placements"
    )
    parent = models.ForeignKey(
        Organisation,
        verbose_name="trực thuộc",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placed_below",
    )
    starts_on = models.DateField("từ ngày", null=True, blank=True, help_text="Để trống: từ khi thành lập.")
    ends_on = models.DateField("đến trước ngày", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)

    class Meta:
        verbose_name = "giai đoạn trực thuộc"
        verbose_name_plural = "quá trình trực thuộc"
        ordering = ["organisation", models.F("starts_on").asc(nulls_first=True)]

    def __str__(self):
        start = day_text(self.starts_on, "khi thành lập")
        end = f" đến trước {day_text(self.ends_on)}" if self.ends_on else ""
        parent = self.parent.name if self.parent_id else "(cấp cao nhất)"
        return f"Trực thuộc {parent} từ {start}{end}"


class Superior(models.Model):
    """The committee a root of the tree answers to, of which the app keeps no tree: the Khối under
    its provincial committee (Tỉnh ủy Hải Dương until the provinces merged on 01/07/2025, Thành ủy
    Hải Phòng from that day: DOMAIN.md §1). Dated like a placement: from `starts_on` (None: since
    founding) until the day before `ends_on` (None: still). Printed above the issuing body on the
    root's reports (`partyblock.reports.document_form`); below a root, an organisation's superior is
    its parent on the day. Written by `units.services.superior_change`."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="tổ chức đảng", on_delete=models.CASCADE, related_name="superiors"
    )
    name = models.CharField(
        "cấp ủy cấp trên", max_length=255, help_text="Như in trên văn bản, ví dụ: Tỉnh ủy Hải Dương."
    )
    place = models.CharField(
        "địa danh", max_length=100, help_text="Địa danh ghi trên văn bản, ví dụ: Hải Dương."
    )
    starts_on = models.DateField("từ ngày", null=True, blank=True, help_text="Để trống: từ khi thành lập.")
    ends_on = models.DateField("đến trước ngày", null=True, blank=True)
    decision_number = models.CharField("số quyết định", max_length=60, blank=True)

    class Meta:
        verbose_name = "cấp trên ngoài cây tổ chức"
        verbose_name_plural = "cấp trên ngoài cây tổ chức"
        ordering = ["organisation", models.F("starts_on").asc(nulls_first=True)]

    def __str__(self):
        start = day_text(self.starts_on, "khi thành lập")
        end = f" đến trước {day_text(self.ends_on)}" if self.ends_on else ""
        return f"{self.name} từ {start}{end}"


class TreeSpan(models.Model):
    """Derived (`units.tree.tree_rebuild`): days in which an organisation's chain of ancestors
    stayed the same, with its path for those days. Never edited."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="tree_spans")
    starts_on = models.DateField(null=True)
    ends_on = models.DateField(null=True)
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["organisation", models.F("starts_on").asc(nulls_first=True)]
        indexes = [
            models.Index(fields=["organisation", "starts_on"], name="tree_span_org"),
            models.Index(
                fields=["starts_on", "ends_on"], include=["organisation", "path"], name="tree_span_days"
            ),
        ]

    def __str__(self):
        return self.path


# The tree's spans are derived beside their model: `Organisation.save` rebuilds them, and the
# organisation querysets read them (`in_tree_on`). The other questions about the tree over time are
# in `units.tree`.


def ids_in_tree_on(day, within=None):
    """Subquery of the ids of the organisations in the tree on `day` (below `within` and itself
    when given)."""
    spans = TreeSpan.objects.filter(covering(day))
    if within is not None:
        spans = spans.filter(path__contains=segment(within.pk))
    return spans.values("organisation_id")


def tree_rebuild():
    """Derive every tree span and filing place from the placements and write what changed (nothing
    when nothing did). A fixed number of queries, plus the writes."""
    placements = list(Placement.objects.values_list("organisation_id", "parent_id", "starts_on", "ends_on"))
    names = dict(Organisation.objects.values_list("pk", "name"))
    check_overlaps(placements, names)
    spans, filing = derive(placements, names)
    wanted = {
        (organisation_id, starts_on, ends_on, path)
        for organisation_id, rows in spans.items()
        for starts_on, ends_on, path in rows
    }
    stored = {}
    for pk, *key in TreeSpan.objects.values_list("pk", "organisation_id", "starts_on", "ends_on", "path"):
        stored[tuple(key)] = pk
    stale = [pk for key, pk in stored.items() if key not in wanted]
    TreeSpan.objects.filter(pk__in=stale).delete()
    TreeSpan.objects.bulk_create(
        [
            TreeSpan(
                organisation_id=organisation_id,
                starts_on=starts_on,
                ends_on=ends_on,
                path=path,
                depth=len(path) // PATH_STEP - 1,
            )
            for organisation_id, starts_on, ends_on, path in sorted(wanted - stored.keys(), key=str)
        ],
        batch_size=2000,
    )
    changed = []
    for organisation in Organisation.objects.only("pk", "parent_id", "path", "depth"):
        parent_id, path = filing.get(organisation.pk, (None, segment(organisation.pk)))
        if (organisation.parent_id, organisation.path) != (parent_id, path):
            organisation.parent_id, organisation.path = parent_id, path
            organisation.depth = len(path) // PATH_STEP - 1
            changed.append(organisation)
    Organisation.objects.bulk_update(changed, ["parent", "path", "depth"], batch_size=2000)
    return len(stale), len(wanted - stored.keys()), len(changed)


class Term(models.Model):
    """A congress term (nhiệm kỳ) of the Khối, e.g. 2015-2020 opened by Congress VIII."""

    label = models.CharField("nhiệm kỳ", max_length=20, unique=True, help_text="Ví dụ: 2015-2020")
    congress_ordinal = models.CharField("Đại hội lần thứ", max_length=10, help_text="Ví dụ: VIII")
    starts_on = models.DateField("ngày bắt đầu")
    ends_on = models.DateField("ngày kết thúc")

    class Meta:
        verbose_name = "nhiệm kỳ"
        verbose_name_plural = "nhiệm kỳ"
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="term_ends_after_start",
                violation_error_message="Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu.",
            )
        ]

    def __str__(self):
        return f"Nhiệm kỳ {self.label} (Đại hội {self.congress_ordinal})"

    def target(self, key):
        """The value of the congress target `key`, or None when the congress set none."""
        target = self.targets.filter(key=key).first()
        return target.value if target else None

    @property
    def rated_years(self):
        """Calendar years whose year-end (31/12) rating falls inside the term."""
        return [
            year
            for year in range(self.starts_on.year, self.ends_on.year + 1)
            if self.starts_on <= datetime.date(year, 12, 31) <= self.ends_on
        ]


class TermTarget(models.Model):
    """A target the congress set for its term (chỉ tiêu Đại hội)."""

    term = models.ForeignKey(Term, verbose_name="nhiệm kỳ", on_delete=models.CASCADE, related_name="targets")
    key = models.SlugField("mã chỉ tiêu", max_length=60, help_text="Khóa của số liệu, ví dụ: admissions")
    description = models.CharField("nội dung chỉ tiêu", max_length=255)
    value = models.DecimalField("giá trị", max_digits=12, decimal_places=2)
    unit = models.CharField("đơn vị", max_length=30, help_text="Ví dụ: đảng viên, %")

    class Meta:
        verbose_name = "chỉ tiêu nhiệm kỳ"
        verbose_name_plural = "chỉ tiêu nhiệm kỳ"
        ordering = ["term", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "key"],
                name="one_target_per_key",
                violation_error_message="Nhiệm kỳ này đã có chỉ tiêu với mã này.",
            )
        ]

    def __str__(self):
        return f"{self.description}: {self.value:g} {self.unit}"


class RatingFields(models.Model):
    """What member and organisation ratings share: the year, the category of that year's scheme
    (`partyblock.core.rating_schemes`), its level 1–4 stored for reports, and the optional score (2025–)."""

    year = models.PositiveSmallIntegerField("năm", validators=[limits.rating_year])
    category = models.CharField("xếp loại", max_length=20)
    level = models.PositiveSmallIntegerField("mức", editable=False)
    score = models.DecimalField(
        "điểm", max_digits=5, decimal_places=2, null=True, blank=True, validators=[limits.score]
    )
    note = models.CharField("ghi chú", max_length=255, blank=True)

    subject = None  # MEMBER or ORGANISATION, set by subclasses

    class Meta:
        abstract = True

    def get_category_display(self):
        return rating_schemes.category_label(self.subject, self.year, self.category)

    def clean_rating(self):
        """Check the category against the year's scheme and derive the level; returns the scheme
        (None while the year or the category is missing: the form reports those fields itself)."""
        if self.year is None or not self.category:
            return None
        resolve, scheme_for = rating_schemes.resolve, rating_schemes.scheme_for
        try:
            self.level = resolve(self.subject, self.year, self.category).level
        except ValueError as error:
            raise ValidationError({"category": str(error)}) from None
        scheme = scheme_for(self.subject, self.year)
        if self.score is not None and not scheme.scored:
            raise ValidationError({"score": f"Năm {self.year} chưa chấm điểm khi xếp loại (từ năm 2025)."})
        if self.score is not None and not 0 <= self.score <= 100:
            raise ValidationError({"score": "Điểm xếp loại từ 0 đến 100."})
        return scheme


class OrganisationRating(RatingFields):
    """The year's rating of an organisation of the `RATED_KINDS` (a TCCS, a đảng bộ bộ phận or a chi
    bộ trực thuộc)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="tổ chức đảng", on_delete=models.PROTECT, related_name="ratings"
    )
    # The TCCS the rated organisation belongs to (itself for a TCCS): reports group by it.
    tccs = models.ForeignKey(
        Organisation,
        verbose_name="tổ chức cơ sở đảng",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    subject = rating_schemes.ORGANISATION

    import_batch = import_batch_key(related_name="organisation_ratings")

    class Meta:
        verbose_name = "xếp loại tổ chức đảng"
        verbose_name_plural = "xếp loại tổ chức đảng"
        ordering = ["-year", "organisation__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="one_rating_per_organisation_year",
                violation_error_message="Tổ chức này đã được xếp loại trong năm đó.",
            )
        ]
        # The reports count a year's ratings by level for the TCCS only (`rating_level_counts`):
        # carrying the organisation lets PostgreSQL join the kinds from this index alone (100×:
        # loaded, 270-304 -> 166-228 ms; docs/benchmarks.md, `reportpasses`).
        indexes = [
            models.Index(fields=["year", "level"], include=["organisation"], name="org_rating_year_level_org")
        ]

    def __str__(self):
        return f"{self.organisation} — {self.year}: {self.get_category_display()}"

    def clean(self):
        if not self.organisation_id:
            return
        organisation = self.organisation
        if organisation.kind not in RATED_KINDS:
            raise ValidationError(
                {
                    "organisation": f"{organisation.name} là {organisation.get_kind_display().lower()}: "
                    f"chỉ xếp loại {RATED_KINDS_TEXT}."
                }
            )
        self.clean_rating()
        self.tccs_id = organisation.grassroots_id


class TaskResult(models.TextChoices):
    REGISTERED = "dang_ky", "Chưa báo cáo kết quả"  # registered, no result reported yet
    COMPLETED = "hoan_thanh", "Hoàn thành"
    NOT_COMPLETED = "khong_hoan_thanh", "Không hoàn thành"


class BreakthroughTask(models.Model):
    """A breakthrough task (công việc đột phá) a committee or chi bộ registered for a year."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="cấp ủy, chi bộ",
        on_delete=models.PROTECT,
        related_name="breakthrough_tasks",
    )
    year = models.PositiveSmallIntegerField("năm")
    title = models.CharField("công việc đột phá", max_length=500)
    result = models.CharField(
        "kết quả", max_length=20, choices=TaskResult.choices, default=TaskResult.REGISTERED
    )
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "công việc đột phá"
        verbose_name_plural = "công việc đột phá"
        ordering = ["-year", "organisation__path", "pk"]
        indexes = [models.Index(fields=["year"], name="task_year")]

    def __str__(self):
        return self.title


class MeetingKind(models.TextChoices):
    REGULAR = "thuong_ky", "Sinh hoạt thường kỳ"
    THEMATIC = "chuyen_de", "Sinh hoạt chuyên đề"


class Meeting(models.Model):
    """A chi bộ meeting (sinh hoạt chi bộ) with its attendance: present / expected members."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="chi bộ", on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateField("ngày sinh hoạt", validators=[limits.past_day])
    kind = models.CharField(
        "hình thức", max_length=10, choices=MeetingKind.choices, default=MeetingKind.REGULAR
    )
    topic = models.CharField("chủ đề", max_length=255, blank=True)
    expected = models.PositiveIntegerField("số đảng viên phải dự")
    present = models.PositiveIntegerField("số đảng viên dự")

    class Meta:
        verbose_name = "buổi sinh hoạt chi bộ"
        verbose_name_plural = "sinh hoạt chi bộ"
        ordering = ["-held_on", "organisation__path"]
        indexes = [
            models.Index(fields=["held_on"], include=["kind", "present", "expected"], name="meeting_held_on")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(present__lte=models.F("expected")),
                name="present_not_above_expected",
                violation_error_message="Số đảng viên dự không thể nhiều hơn số phải dự.",
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {day_text(self.held_on)}"

    def save(self, *args, **kwargs):
        """Save, then rewrite the day totals of the day it is held on (and the day it was, if moved)."""
        with transaction.atomic():
            before = Meeting.objects.filter(pk=self.pk).values_list("held_on", flat=True).first()
            super().save(*args, **kwargs)
            meeting_totals_refresh({self.held_on, before} - {None})

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            day = self.held_on
            deleted = super().delete(*args, **kwargs)
            meeting_totals_refresh({day})
        return deleted

    def clean(self):
        if self.organisation_id and not self.organisation.holds_members:
            raise ValidationError(
                {"organisation": "Sinh hoạt chi bộ chỉ ghi cho chi bộ cơ sở hoặc chi bộ trực thuộc."}
            )

    @property
    def attendance_pct(self):
        return attendance_pct(self.present, self.expected)


class MeetingDayTotal(models.Model):
    """Derived: the Khối's chi bộ meetings of one day and kind added up (meetings, present,
    expected), so the whole Khối's meeting figures read a few rows per meeting day instead of
    every meeting. Written only by `meeting_totals_refresh` (below), which every write of meetings
    calls (`Meeting.save` / `Meeting.delete`, `units.services.meetings_delete` and
    `meetings_create_bulk`); tests hold it equal to the meetings."""

    held_on = models.DateField("ngày sinh hoạt")
    kind = models.CharField("hình thức", max_length=10, choices=MeetingKind.choices)
    meetings = models.PositiveIntegerField("số buổi")
    present = models.PositiveBigIntegerField("số lượt dự")
    expected = models.PositiveBigIntegerField("số lượt phải dự")

    class Meta:
        verbose_name = "tổng sinh hoạt chi bộ trong ngày"
        verbose_name_plural = "tổng sinh hoạt chi bộ theo ngày"
        constraints = [
            models.UniqueConstraint(fields=["held_on", "kind"], name="one_meeting_total_per_day_kind")
        ]

    def __str__(self):
        return f"{day_text(self.held_on)} — {self.get_kind_display()}: {self.meetings}"


def meeting_totals_refresh(days=None):
    """Rewrite the derived `MeetingDayTotal` rows of `days` (every day when None) from the meetings
    held on them: one grouped query, one delete, one insert."""
    meetings, totals = Meeting.objects.all(), MeetingDayTotal.objects.all()
    if days is not None:
        days = sorted(set(days))
        if not days:
            return
        meetings, totals = meetings.filter(held_on__in=days), totals.filter(held_on__in=days)
    grouped = (
        meetings.values("held_on", "kind")
        .annotate(
            n=models.Count("pk"), sum_present=models.Sum("present"), sum_expected=models.Sum("expected")
        )
        .order_by()
    )
    with transaction.atomic():
        totals.delete()
        MeetingDayTotal.objects.bulk_create(
            [
                MeetingDayTotal(
                    held_on=row["held_on"],
                    kind=row["kind"],
                    meetings=row["n"],
                    present=row["sum_present"],
                    expected=row["sum_expected"],
                )
                for row in grouped
            ],
            batch_size=2000,
        )


def attendance_pct(present, expected):
    """Attendance of chi bộ meetings: members present per member expected, in %, rounded half-up to
    one decimal (49 of 400: 12.3); None when nobody was expected. The meeting list's column and its
    total and the reports' `meeting_attendance_pct` all come from here."""
    return percent(present or 0, expected or 0)


class DocumentKind(models.TextChoices):
    RESOLUTION = "nghi_quyet", "Nghị quyết"
    CONCLUSION = "ket_luan", "Kết luận"
    DIRECTIVE = "chi_thi", "Chỉ thị"
    PLAN = "ke_hoach", "Kế hoạch"
    PROJECT = "de_an", "Đề án"


class Document(models.Model):
    """A document issued by the Đảng ủy Khối (resolution, conclusion, directive, plan, project)."""

    kind = models.CharField("loại văn bản", max_length=12, choices=DocumentKind.choices)
    number = models.CharField("số, ký hiệu", max_length=60, help_text="Ví dụ: 05-NQ/ĐUK")
    issued_on = models.DateField("ngày ban hành")
    title = models.CharField("trích yếu", max_length=500)
    issuer = models.CharField("cơ quan ban hành", max_length=120, default="Đảng ủy Khối các cơ quan tỉnh")

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản của Đảng ủy Khối"
        ordering = ["-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "issued_on"],
                name="one_document_per_number_and_date",
                violation_error_message="Đã có văn bản cùng số, ký hiệu và ngày ban hành.",
            )
        ]

    def __str__(self):
        return f"{self.number}: {self.title}"
