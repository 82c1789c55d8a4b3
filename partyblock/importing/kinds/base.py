"""What every kind of import shares: the per-import context that collects errors, warnings and the
plan, the rows handed to a kind, and the organisation directory used to resolve chi bộ and TCCS
named by code or by name."""

from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone

from members.models import MemberEvent, MembershipPeriod
from units.models import GRASSROOTS_KINDS, Organisation, OrganisationKind, TreeSpan
from units.placing import placed

from ..columns import header_key, show
from ..plan import PlanWriter
from ..scope import ImportScope

CHUNK_ROWS = 5000  # rows validated together: database look-ups are made once per chunk
DISPLAY_LIMIT = 500  # rows to create / update listed on the preview page (counts are exact)


class Row:
    __slots__ = ("number", "values", "bad")

    def __init__(self, number, values, bad):
        self.number = number
        self.values = values
        self.bad = bad  # a cell of this row was refused: row-level checks are skipped

    def get(self, key):
        return self.values.get(key)


class Chunk:
    """Up to CHUNK_ROWS cleaned rows, column by column: row i has the number `numbers[i]` and the
    value `columns[key][i]` (None when empty or refused) for each column found in the file; `bad`
    holds the i of rows with a refused cell. Kinds read them row by row (`rows()`)."""

    __slots__ = ("numbers", "columns", "bad")

    def __init__(self, numbers, columns, bad):
        self.numbers, self.columns, self.bad = numbers, columns, bad

    def __len__(self):
        return len(self.numbers)

    def rows(self):
        keys, bad = tuple(self.columns), self.bad
        return [
            Row(number, dict(zip(keys, values, strict=True)), i in bad)
            for i, (number, values) in enumerate(
                zip(self.numbers, zip(*self.columns.values(), strict=True), strict=True)
            )
        ]


class Context:
    """One import in progress: options, the columns found, and everything the preview reports."""

    def __init__(self, *, organisation, year, columns, today=None, directory=None, scope=None):
        self.organisation = organisation
        self.scope = scope or ImportScope()  # what the user may touch (`scope.ImportScope`)
        self.year = year
        self.columns = columns  # key -> (letter, header text in the file)
        self.today = today or timezone.localdate()
        self.errors = []
        self.warnings = []
        self.creates = []
        self.updates = []
        self.created = self.updated = self.unchanged = 0
        self.tallies = {}  # what the summary counts besides rows (TALLY_LABELS)
        self.plan = PlanWriter()
        self._directory = directory

    @property
    def directory(self):
        if self._directory is None:
            self._directory = Directory()
        return self._directory

    def has(self, key):
        return key in self.columns

    def error(self, row, key, value, reason):
        """ "Dòng N, cột X (tiêu đề), giá trị “V”: lý do" — the column as the file names it."""
        where = self.columns.get(key)
        if key == "national_id" and value is not None:
            value = self.scope.national_id(show(value))
        if where is None:
            self.errors.append(f"Dòng {row}: {reason}")
        else:
            letter, header = where
            self.errors.append(f"Dòng {row}, cột {letter} ({header}), giá trị “{show(value)}”: {reason}")

    def row_error(self, row, reason):
        self.errors.append(f"Dòng {row}: {reason}")

    def warn(self, row, message):
        self.warnings.append(f"Dòng {row}: {message}")

    def tally(self, key):
        self.tallies[key] = self.tallies.get(key, 0) + 1

    def create(self, row, label, record):
        """A row that creates a record; `record` goes to the plan (None: the kind adds its own)."""
        self.created += 1
        if len(self.creates) < DISPLAY_LIMIT:
            self.creates.append([row, label])
        if record is not None:
            self.plan.add(record)

    def update(self, row, label, changes, record):
        """`changes`: [(field label, old value, new value)] as shown to people."""
        self.updated += 1
        if len(self.updates) < DISPLAY_LIMIT:
            self.updates.append([row, label, [[name, show(old), show(new)] for name, old, new in changes]])
        if record is not None:
            self.plan.add(record)


class Kind:
    """A kind of sheet. Subclasses declare `columns()` and implement `process` / `write`."""

    key = ""
    label = ""
    needs_organisation = False  # the upload must name a TCCS (unless a column gives it per row)
    needs_year = False  # the upload must give a year (unless a "Năm" column gives it per row)
    example = {}  # key -> value of the template's example row

    def columns(self):
        raise NotImplementedError

    def check(self, ctx):
        """File-level problems once the columns are known (e.g. a missing option); messages."""
        return []

    def process(self, rows, ctx):
        raise NotImplementedError

    def process_chunk(self, chunk, ctx):
        """Check a Chunk of rows; by default row by row (`process`)."""
        self.process(chunk.rows(), ctx)

    def look_ahead(self, directory, organisation):
        """Look-ups that need no row of the sheet (`directory`, the upload's `organisation`), made
        while the sheet is being read."""

    def finish(self, ctx):
        pass

    def fingerprint_models(self):
        return []

    def write(self, records, batch):
        """Write the plan's records; returns (created, updated)."""
        raise NotImplementedError

    def outside(self, records, scope):
        """Whether any of the plan's records touches a member or an organisation outside `scope`
        (an `ImportScope`), or writes a field it locks: confirm checks this again, whoever prepared
        the plan."""
        raise NotImplementedError

    def choices(self):
        """Drop-down lists of the template: column key -> labels."""
        return {
            column.key: [label for _, label, _ in column.choices]
            for column in self.columns()
            if hasattr(column, "choices")
        }

    def export_rows(self, queryset):
        raise NotImplementedError


class Directory:
    """Every organisation (a few hundred), looked up by code or name without further queries."""

    def __init__(self):
        # `first_in_tree`: the first day of the organisation's first tree span (None: since founding).
        first_span = TreeSpan.objects.filter(organisation=OuterRef("pk")).order_by(
            F("starts_on").asc(nulls_first=True)
        )
        self.by_id = {
            o.pk: o
            for o in Organisation.objects.annotate(first_in_tree=Subquery(first_span.values("starts_on")[:1]))
        }
        self.by_code = {}
        self.by_name = {}
        for organisation in self.by_id.values():
            self.by_code[header_key(organisation.code)] = organisation
            self.by_name.setdefault(header_key(organisation.name), []).append(organisation)
        self.root = next((o for o in self.by_id.values() if o.kind == OrganisationKind.BLOC), None)
        self._member_paths = None  # paths of the organisations that have had members
        self._had_members = {}
        self._tccs_names = {o.pk: o.name for o in self.by_id.values() if o.depth == 1}

    def placed(self, organisation):
        """`organisation` named with its TCCS ("Chi bộ Văn phòng — Đảng bộ Sở A"), as every
        organisation chooser names it (`units.placing.placed`), without a query."""
        return placed(organisation, self._tccs_names)

    @staticmethod
    def joined_on(organisation):
        """The first day `organisation` existed in the tree: the later of its founding and its
        first placement (None: no known day). A member admitted before it came from elsewhere."""
        founded, placed = organisation.founded_on, getattr(organisation, "first_in_tree", None)
        if founded is None or placed is None:
            return founded or placed
        return max(founded, placed)

    def has_had_members(self, scope):
        """Whether any member ever belonged to `scope` or an organisation under it (None: anywhere,
        always True). The organisations that have had members are read once, in one query."""
        if scope is None:
            return True
        found = self._had_members.get(scope.pk)
        if found is None:
            if self._member_paths is None:
                ever = MembershipPeriod.objects.filter(organisation=OuterRef("pk"))
                self._member_paths = [
                    self.by_id[pk].path
                    for pk in Organisation.objects.filter(Exists(ever)).values_list("pk", flat=True)
                    if pk in self.by_id
                ]
            found = self._had_members[scope.pk] = any(
                path.startswith(scope.path) for path in self._member_paths
            )
        return found

    def find(self, text, *, kinds=None, within=None, today=None):
        """(organisation, None) or (None, reason): by code first, then by name within `within`;
        names that repeat are told apart by `within` and, failing that, by being active today."""
        key = header_key(text)
        found = self.by_code.get(key)
        if found is not None and _fits(found, kinds, within):
            return found, None
        candidates = [o for o in self.by_name.get(key, ()) if _fits(o, kinds, within)]
        if len(candidates) > 1 and today is not None:
            active = [o for o in candidates if o.is_active_on(today)]
            candidates = active or candidates
        if len(candidates) == 1:
            return candidates[0], None
        where = f" trong {within.name}" if within is not None else ""
        if not candidates:
            return None, f"không có tổ chức đảng có mã hoặc tên này{where}."
        codes = ", ".join(o.code for o in candidates)
        return None, f"có {len(candidates)} tổ chức cùng tên{where} (mã {codes}): hãy ghi mã."

    def tccs(self, text, within=None, today=None):
        return self.find(text, kinds=GRASSROOTS_KINDS, within=within, today=today)

    def chi_bo(self, text, within, today=None):
        """A chi bộ (cơ sở or trực thuộc) named by code or name within `within` (a TCCS); for a
        chi bộ cơ sở, its own name or code or an empty cell is the chi bộ itself."""
        if not text:
            if within is not None and within.holds_members:
                return within, None
            return None, "thiếu chi bộ: đảng bộ cơ sở gồm nhiều chi bộ, hãy ghi chi bộ sinh hoạt."
        found, reason = self.find(text, within=within, today=today)
        if found is None:
            return None, reason.replace("tổ chức đảng có mã", "chi bộ có mã")
        if not found.holds_members:
            return None, (
                f"{found.name} là {found.get_kind_display().lower()}, không phải chi bộ: "
                "hãy ghi chi bộ sinh hoạt."
            )
        return found, None


def with_edits(events, edited):
    """A member's stored `events` with the edits a file makes (`edited`: {event pk: {field:
    value}}) made on copies, the stored instances left as they are: (the history, the copies)."""
    history, copies = [], []
    for event in events:
        if event.pk in edited:
            event = MemberEvent(
                **{f.attname: getattr(event, f.attname) for f in MemberEvent._meta.concrete_fields}
            )
            for name, value in edited[event.pk].items():
                setattr(event, name, value)
            copies.append(event)
        history.append(event)
    return history, copies


def organisations_by_id():
    """{id: organisation} of every organisation (a few hundred), for checking a plan's ids."""
    return Organisation.objects.only("pk", "path").in_bulk()


def _fits(organisation, kinds, within):
    if kinds is not None and organisation.kind not in kinds:
        return False
    return within is None or organisation.path.startswith(within.path)
