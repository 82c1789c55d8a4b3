"""Read-side questions about candidates, for the pipeline board, the role homes and the admin.

Counts by step and the stuck list read the derived columns (`step`, `step_on`, `due_on`) the step
services keep, so each is one indexed query; every list a user sees is narrowed by the access rule
by its caller (`visible`). A candidate counts where its chi bộ is filed (`Candidate.objects.within`).
"""

from django.db.models import Count, DateField, DurationField, ExpressionWrapper, F, Value

from .models import Candidate, Status, Step


def candidates(within=None):
    """All candidates (any status) developed in the Khối, or in `within` and below it."""
    found = Candidate.objects.all()
    return found.within(within) if within is not None else found


def open_candidates(within=None):
    return candidates(within).open()


def at_step(step, within=None):
    """Open candidates whose last recorded step is `step` (waiting for the next one)."""
    return open_candidates(within).filter(step=step)


def stuck(day, within=None):
    """Open candidates whose next step was due before `day` (`due_on`: the rule's deadline for the
    decision and the ceremony, else the usual time at the step, `rules.USUAL_MONTHS`)."""
    return open_candidates(within).filter(due_on__lt=day)


def step_counts(within=None):
    """{Step: open candidates at that step}, every step present, from one grouped query."""
    counts = dict(
        open_candidates(within)
        .order_by()
        .values_list("step")
        .annotate(n=Count("pk"))
        .values_list("step", "n")
    )
    return {step: counts.get(step, 0) for step in Step if step != Step.ADMITTED}


def admitted_between(start, end, within=None):
    """Candidates admitted (ceremony) in [start, end]: each is linked to the member whose admission
    event the admission figures count."""
    return candidates(within).filter(status=Status.ADMITTED, ceremony_on__gte=start, ceremony_on__lte=end)


def with_waiting(queryset, day):
    """`queryset` annotated with `waiting`: the time from the current step's date to `day` (a
    timedelta; for closed candidates, to `day` as well), computed by the database."""
    return queryset.annotate(
        waiting=ExpressionWrapper(
            Value(day, output_field=DateField()) - F("step_on"), output_field=DurationField()
        )
    )


def step_durations(candidate, day):
    """[(step, first day, last day or None, days)] of each recorded step of `candidate`: the time
    spent at a step runs from its date to the next recorded step's (or to `day` for the current one,
    while the candidacy is open)."""
    recorded = [(step, candidate.step_date(step)) for step in candidate.steps() if candidate.step_date(step)]
    spans = []
    for index, (step, start) in enumerate(recorded):
        end = recorded[index + 1][1] if index + 1 < len(recorded) else (day if candidate.is_open else None)
        spans.append((step, start, end, (end - start).days if end else None))
    return spans
