"""The admission pipeline as the reports read it (issue 20): the figures of the pipeline board, its
rows, and the projection of the term's admissions against the congress target.

A candidate's record keeps the date of every step (`admission.models.STEP_DATE_FIELDS`), so the
pipeline on any day D is read from the dates: in it are those identified by D and neither admitted
nor closed by D, each at the last step dated on or before D. The figures read it on the report's
as-of day (today at the latest), within the report's organisation:

- `candidates`: candidates in the pipeline; `candidates_by_step`: the same by step reached;
- `candidates_stuck` (optionally `step=`): those whose next step was due before D
  (`Candidate.due_on`, kept by the step services: the rule's deadline for the đảng ủy, the decision
  and the ceremony, else the usual time at the step, `admission.rules.USUAL_MONTHS`; `USUAL_TIME`
  says it in words). `due_on` is the due day of the step a candidate is at now, so on a past day
  only those still at the step they were at then are counted (on any day after the last record,
  today included, the count is exact);
- `candidates_likely`: candidates waiting only for the admission decision or the ceremony (the chi
  bộ, and the đảng ủy cơ sở where there is one, have proposed them);
- `admissions_projected`: admissions in the period up to D, plus the likely candidates while the
  period runs; `admissions_target_to_date`: the term's target pro rata to the days gone to D
  (`targets.pro_rata`), the pace the projection is compared with (`targets.PACE_RULE`).

Every count is a figure of `partyblock.figures` (printed by `manage.py figures`, listed by the
drill-down page and its xlsx), so the board, its drill-downs and its export cannot disagree.
"""

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Q, Value, When
from django.utils import timezone

from partyblock.admission import queries
from partyblock.admission.models import STEP_DATE_FIELDS, Candidate, Status, Step
from partyblock.admission.rules import (
    CEREMONY_WORKING_DAYS,
    DECISION_WORKING_DAYS,
    RESOLUTION_WORKING_DAYS,
    USUAL_MONTHS,
)
from partyblock.core.drilldown import Columns, register_columns
from partyblock.core.figures import register, register_breakdown, value
from partyblock.core.sections import count_of as count
from partyblock.core.text import rounded
from partyblock.reports import targets
from partyblock.reports.figures import Scope, _tccs_path
from units.models import GRASSROOTS_KINDS, Organisation, OrganisationKind, Term
from units.tree import placed_within

PIPELINE_STEPS = [step for step in Step if step != Step.ADMITTED]
LIKELY_STEPS = (Step.RESOLUTION, Step.DECISION)  # and a chi bộ cơ sở's candidate after the vote

# How long a candidate usually waits at a step before the next one (the day it is stuck after):
# the numbers are `admission.rules`' (USUAL_MONTHS and the rules' deadlines); this is their wording.
USUAL_TIME = {
    Step.IDENTIFIED: f"{USUAL_MONTHS[Step.IDENTIFIED]} tháng",
    Step.COURSE: f"{USUAL_MONTHS[Step.COURSE]} tháng",
    Step.RESUME: f"{USUAL_MONTHS[Step.RESUME]} tháng",
    Step.SPONSORED: f"{USUAL_MONTHS[Step.SPONSORED]} tháng",
    Step.CHI_BO_VOTE: (
        f"{RESOLUTION_WORKING_DAYS} ngày làm việc (đảng ủy cơ sở xét); chi bộ cơ sở: "
        f"{DECISION_WORKING_DAYS} ngày làm việc (quyết định)"
    ),
    Step.RESOLUTION: f"{DECISION_WORKING_DAYS} ngày làm việc kể từ ngày chi bộ xét (quyết định kết nạp)",
    Step.DECISION: f"{CEREMONY_WORKING_DAYS} ngày làm việc kể từ ngày quyết định (lễ kết nạp)",
}


def today():
    """The day the pipeline is read on at the latest (the local date)."""
    return timezone.localdate()


def pipeline_day(scope):
    """The day a scope's pipeline is read on: its as-of day, today at the latest."""
    return min(scope.as_of, today())


# --- reads ------------------------------------------------------------------------------------------
def _latest(day, then, default):
    """A CASE picking, for the last step dated on or before `day`, `then(step)`."""
    whens = [
        When(**{f"{STEP_DATE_FIELDS[step]}__lte": day}, then=then(step))
        for step in reversed(PIPELINE_STEPS)
        if step != Step.IDENTIFIED
    ]
    return Case(*whens, default=default)


def candidates_on(day, within=None):
    """Candidates in the pipeline on `day` (identified by then, not admitted nor closed by then),
    within `within` as the tree stood that day (a chi bộ moved since counts where it was), with
    `step_then` (the step reached by `day`) and `step_since` (its day)."""
    found = queries.candidates()
    if within is not None:
        found = found.filter(placed_within(within, day))
    found = found.filter(
        Q(identified_on__lte=day),
        Q(ceremony_on__isnull=True) | Q(ceremony_on__gt=day),
        Q(status__in=(Status.OPEN, Status.ADMITTED)) | Q(closed_on__gt=day),
    )
    return found.annotate(
        step_then=_latest(day, lambda step: Value(int(step)), Value(int(Step.IDENTIFIED))),
        step_since=_latest(day, lambda step: F(STEP_DATE_FIELDS[step]), F("identified_on")),
    )


def in_pipeline(scope):
    return candidates_on(pipeline_day(scope), scope.within)


def by_step(scope):
    day = pipeline_day(scope)
    group = _latest(day, lambda step: Value(step.label), Value(Step.IDENTIFIED.label))
    return candidates_on(day, scope.within).annotate(group=group)


def stuck_q(day):
    """Still at the step they are at now, whose next step was due before `day`."""
    return Q(step_then=F("step"), due_on__lt=day)


def stuck_on(day, within=None):
    """Candidates in the pipeline on `day` whose next step was due before it."""
    return candidates_on(day, within).filter(stuck_q(day))


def stuck(scope, step=None):
    found = stuck_on(pipeline_day(scope), scope.within)
    return found.filter(step_then=int(step)) if step not in (None, "") else found


def _likely_q():
    return Q(step_then__in=[int(s) for s in LIKELY_STEPS]) | Q(
        step_then=int(Step.CHI_BO_VOTE), organisation__kind=OrganisationKind.CHI_BO_CO_SO
    )


def likely(scope):
    """Candidates the chi bộ (and the đảng ủy cơ sở, where there is one) proposed: only the
    admission decision or the ceremony is still to come."""
    return in_pipeline(scope).filter(_likely_q())


def running(scope):
    """Whether the scope's period is running on its pipeline day: likely candidates count towards
    its projection only then."""
    return scope.starts_on <= pipeline_day(scope) <= scope.ends_on


def _projected(scope):
    admitted = value("admissions", scope)
    return admitted + (value("candidates_likely", scope) if running(scope) else 0)


def _stuck_batch(scope):
    """Stuck candidates in all and per step, one grouped query."""
    rows = stuck(scope).values("step_then").annotate(n=Count("pk")).order_by()
    found = {row["step_then"]: row["n"] for row in rows}
    cells = {("candidates_stuck", (("step", str(int(s))),)): found.get(int(s), 0) for s in PIPELINE_STEPS}
    cells[("candidates_stuck", ())] = sum(found.values())
    return cells


def target_to_date(scope):
    """The term's admission target pro rata to the days gone (to the pipeline day); None without a
    term or a target (an organisation's report has none)."""
    target = value("admissions_target", scope)
    if scope.term is None or target is None:
        return None
    return whole_number(targets.pro_rata(target, scope.term, scope.term.starts_on, pipeline_day(scope)))


def whole_number(amount):
    """A pro-rata target in people: rounded half up to a whole number."""
    return int(rounded(amount, 0))


# Counts of candidates list them by name: they need the right to read candidate records.
CANDIDATE_RECORDS = "admission.view_candidate"

register(
    "candidates", "Quần chúng đang được xem xét kết nạp", records=in_pipeline, permission=CANDIDATE_RECORDS
)
register_breakdown(
    "candidates_by_step",
    "Quần chúng đang được xem xét theo bước đã đến",
    by_step,
    [step.label for step in PIPELINE_STEPS],
    permission=CANDIDATE_RECORDS,
)
register(
    "candidates_stuck",
    "Quần chúng quá thời gian thường lệ ở một bước",
    records=stuck,
    params=["step"],
    listed=True,
    batch=_stuck_batch,
    permission=CANDIDATE_RECORDS,
)
register(
    "candidates_likely",
    "Quần chúng chờ quyết định hoặc lễ kết nạp",
    records=likely,
    permission=CANDIDATE_RECORDS,
)
register(
    "admissions_projected",
    "Kết nạp dự kiến (đã kết nạp và đang chờ quyết định, lễ kết nạp)",
    compute=_projected,
    permission=CANDIDATE_RECORDS,
)
register("admissions_target_to_date", "Chỉ tiêu kết nạp tính theo thời gian đã qua", compute=target_to_date)

register_columns(
    Candidate,
    Columns(
        ("Họ và tên", "Ngày sinh", "Chi bộ", "Bước đã đến", "Từ ngày", "Hạn bước tiếp theo"),
        lambda c: (
            c.full_name,
            c.birth_date,
            c.organisation.name,
            Step(getattr(c, "step_then", c.step)).label,
            getattr(c, "step_since", c.step_on),
            c.due_on if getattr(c, "step_then", c.step) == c.step else None,  # due of a later step
        ),
        ("organisation",),
        ("sort_key", "birth_date", "pk"),
        ("search_name",),
        lambda c: ("admin:admission_candidate_change", c.pk),
    ),
)


# --- time at each step -------------------------------------------------------------------------------
def days_at_steps(scope):
    """{step: [days spent there]} of the candidates of the scope's organisation who moved on from a
    step during the period (up to the as-of day): from the step's day to the next recorded step's."""
    end = pipeline_day(scope)
    fields = [STEP_DATE_FIELDS[step] for step in Step]
    rows = queries.candidates(scope.within).filter(identified_on__lte=end).values_list(*fields)
    spent = {step: [] for step in PIPELINE_STEPS}
    for days in rows:
        recorded = [(step, day) for step, day in zip(Step, days, strict=True) if day is not None]
        for (step, day), (_, following) in zip(recorded, recorded[1:], strict=False):
            if scope.starts_on <= following <= end:
                spent[step].append((following - day).days)
    return spent


# --- the board ----------------------------------------------------------------------------------------
@dataclass
class StepRow:
    step: Step
    count: object  # reports.Cell
    stuck: object
    usual: str
    moved_on: int  # candidates who moved on from the step in the period
    median_days: float | None
    mean_days: float | None


@dataclass
class Projection:
    label: str
    scope: object
    ends_on: datetime.date  # the period's last day (the scope counts up to its pipeline day)
    admitted: object  # Cell
    likely: object | None  # Cell, None once the period is over
    projected: int
    target: object  # the period's share of the term's target (None: no target)
    expected: object  # the target pro rata to today (None: no target)
    met: bool | None
    pace: str = ""


@dataclass
class TccsRow:
    organisation: Organisation
    cells: list = field(default_factory=list)


def board_term(day=None):
    """The term the board projects: the one running on `day` (today), else the last one begun."""
    day = day or today()
    running_term = Term.objects.filter(starts_on__lte=day, ends_on__gte=day).order_by("-starts_on").first()
    return running_term or Term.objects.filter(starts_on__lte=day).order_by("-starts_on").first()


def default_day():
    """The board's day when none is asked for: today, or the last day of the last term when it is
    over (the pipeline as that term ended, judged against its target)."""
    day = today()
    term = board_term(day)
    return min(day, term.ends_on) if term is not None else day


def year_span(term, day):
    """(first, last day) of the year of `day`, inside `term` when it runs on `day` (so the year's
    admissions and its share of the target cover the same days)."""
    start, end = datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    if term is not None and term.starts_on <= day <= term.ends_on:
        start, end = max(start, term.starts_on), min(end, term.ends_on)
    return start, end


def pipeline_scope(term, organisation, day):
    """The scope the board's pipeline and its year are counted in: the year of `day` up to it."""
    return Scope(year_span(term, day)[0], day, day, organisation)


def term_scope(term, organisation, day):
    return Scope.for_term(term, as_of=min(day, term.ends_on), organisation=organisation)


def build_board(organisation, day=None):
    """What the board shows for `organisation` (None: the whole Khối): rows per step, projections,
    and for the Khối one row per TCCS."""
    day = day or default_day()
    term = board_term(day)
    year = pipeline_scope(term, organisation, day)
    whole = term_scope(term, organisation, day) if term is not None else None
    spent = days_at_steps(whole or year)
    rows = []
    for step in PIPELINE_STEPS:
        days = spent[step]
        rows.append(
            StepRow(
                step,
                count(year, "candidates_by_step", group=step.label),
                count(year, "candidates_stuck", step=str(int(step))),
                USUAL_TIME[step],
                len(days),
                # float: the median of an odd count is a whole day, of an even one maybe a half; one format
                rounded(float(statistics.median(days)), 1) if days else None,
                rounded(statistics.fmean(days), 1) if days else None,
            )
        )
    projections = [_projection(f"Năm {day.year}", year, year_span(term, day)[1], term, count)]
    if whole is not None:
        projections.append(_projection(f"Nhiệm kỳ {term.label}", whole, term.ends_on, term, count))
    return {
        "day": day,
        "term": term,
        "scope": year,
        "term_scope": whole,
        "rows": rows,
        "total": count(year, "candidates"),
        "stuck": count(year, "candidates_stuck"),
        "likely": count(year, "candidates_likely"),
        "projections": projections,
        "tccs_rows": tccs_rows(year, count) if organisation is None else [],
        "days_period": whole or year,
    }


def board_cells(board):
    """Every count cell of a board (each carries its own scope), for links, tests and the export."""
    for row in board["rows"]:
        yield row.count
        yield row.stuck
    yield from (board["total"], board["stuck"], board["likely"])
    for projection in board["projections"]:
        yield projection.admitted
        if projection.likely is not None:
            yield projection.likely
    for row in board["tccs_rows"]:
        yield from row.cells


def _projection(label, scope, last_day, term, count):
    """The row of a period (`scope`, counted to its pipeline day; `last_day` ends the period)."""
    day = pipeline_day(scope)
    admitted = count(scope, "admissions")
    likely_cell = count(scope, "candidates_likely") if running(scope) else None
    projected = value("admissions_projected", scope)
    term_target = (
        value("admissions_target", Scope.for_term(term, organisation=scope.organisation)) if term else None
    )
    if term_target is None or scope.organisation is not None:
        return Projection(label, scope, last_day, admitted, likely_cell, projected, None, None, None)
    share = whole_number(targets.pro_rata(term_target, term, scope.starts_on, last_day))
    expected = whole_number(targets.pro_rata(term_target, term, scope.starts_on, day))
    met = targets.on_pace(projected, expected)
    pace = targets.pace_text(projected, expected, share)
    return Projection(label, scope, last_day, admitted, likely_cell, projected, share, expected, met, pace)


def tccs_rows(scope, count):
    """One row per TCCS with open candidates: open, stuck, likely (each its own figure on the
    TCCS's scope, so a cell links to exactly its records); counted in one grouped query each."""
    counts = _grouped_counts(scope)
    organisations = Organisation.objects.filter(path__in=list(counts), kind__in=GRASSROOTS_KINDS)
    rows = []
    for organisation in organisations.order_by("path"):
        own = Scope(scope.starts_on, scope.ends_on, scope.as_of, organisation)
        own.cache.update(counts[organisation.path])
        rows.append(
            TccsRow(
                organisation,
                [count(own, "candidates"), count(own, "candidates_stuck"), count(own, "candidates_likely")],
            )
        )
    return rows


def _grouped_counts(scope):
    """{TCCS path: {cache key: count}} of open, stuck and likely candidates (one query, kept)."""
    key = ("pipeline_by_tccs",)
    if key not in scope.cache:
        rows = (
            candidates_on(pipeline_day(scope))
            .annotate(tccs_path=_tccs_path("organisation__path"))
            .values("tccs_path")
            .annotate(
                n=Count("pk"),
                stuck=Count("pk", filter=stuck_q(pipeline_day(scope))),
                likely=Count("pk", filter=_likely_q()),
            )
            .order_by()
        )
        scope.cache[key] = {
            row["tccs_path"]: {
                ("candidates", ()): row["n"],
                ("candidates_stuck", ()): row["stuck"],
                ("candidates_likely", ()): row["likely"],
            }
            for row in rows
        }
    return scope.cache[key]


def usual_times():
    """[(step label, usual time)] for the page and the docs."""
    return [(step.label, USUAL_TIME[step]) for step in PIPELINE_STEPS]
