"""What a report figure is, and the registry every app adds its figures to.

A figure either counts the records of a drill-down queryset (`records`) or derives a value from
other figures (`compute`). The apps register theirs from their `AppConfig.ready()` (inspections) or
their figures module (`partyblock.reports.figures`, for the structure and membership figures of
units and members); the reports, the drill-downs, `manage.py figures` and the home page read
`FIGURES`. Nothing here knows a model: a scope is anything with a `cache` dict the figures read
their period from (`partyblock.reports.figures.Scope`).
"""

from dataclasses import dataclass

from django.db.models import Count


def cache_key(key, params):
    return (key, tuple(sorted((name, str(value)) for name, value in params.items())))


@dataclass(frozen=True)
class Figure:
    """A report figure. `records(scope, **params)` is the queryset it counts (and its drill-down);
    `compute(scope)` derives a value from other figures. `batch(scope)`, when given, answers many
    cells of the same kind in one query ({cache_key: count}); it must count exactly what `records`
    does (the drill-down tests hold every cell to that)."""

    key: str
    label: str
    records: object = None
    compute: object = None
    params: tuple = ()  # names of the parameters `records` takes (year, level, …)
    listed: bool = True  # printed by `manage.py figures` (parametrised ones are not)
    batch: object = None
    permission: str | None = None  # needed to see it (`partyblock.accounts.access.may_see_figure`)
    group_labels: dict | None = None  # a breakdown's groups as people read them ({group: text})

    def group_label(self, group):
        """How a breakdown's `group` is shown (its key stays the figure's, in `manage.py figures`
        and in links)."""
        return (self.group_labels or {}).get(group, group)

    def value(self, scope, **params):
        wanted = cache_key(self.key, params)
        if wanted not in scope.cache and self.batch is not None and ("batch", self.key) not in scope.cache:
            scope.cache[("batch", self.key)] = True
            scope.cache.update(self.batch(scope))
        if wanted not in scope.cache:
            if self.records is not None:
                scope.cache[wanted] = self.records(scope, **params).count()
            else:
                scope.cache[wanted] = self.compute(scope)
        return scope.cache[wanted]

    @property
    def countable(self):
        return self.records is not None


FIGURES = {}


def register(key, label, *, records=None, compute=None, params=(), listed=None, batch=None, permission=None):
    if key in FIGURES:
        raise ValueError(f"figure {key!r} registered twice")
    FIGURES[key] = Figure(
        key,
        label,
        records,
        compute,
        tuple(params),
        not params if listed is None else listed,
        batch,
        permission,
    )


def register_breakdown(
    key,
    label,
    grouped=None,
    fixed_groups=None,
    *,
    group_records=None,
    group_counts=None,
    permission=None,
    group_labels=None,
):
    """A figure counted by group (`group_labels`: how the groups are shown, when not as their keys). `grouped(scope)` is the queryset annotated with `group`; the
    figure's value is {group: count} (the `fixed_groups` always, in their order, then any other
    group found, largest first), one grouped query for every cell, and `records(scope, group=g)`
    is the drill-down of one cell. A breakdown that cannot be a plain GROUP BY gives
    `group_records(scope, group)` and `group_counts(scope)` ({group: count}, one query) instead."""
    fixed = list(fixed_groups or [])

    def records(scope, group):
        if group_records is not None:
            return group_records(scope, group)
        return grouped(scope).filter(group=group)

    def batch(scope):
        if group_counts is not None:
            found = group_counts(scope)
        else:
            rows = grouped(scope).values("group").annotate(n=Count("pk")).order_by()
            found = {row["group"]: row["n"] for row in rows}
        groups = fixed + sorted((g for g in found if g not in fixed), key=lambda g: (-found[g], g))
        counts = {group: found.get(group, 0) for group in groups}
        cells = {cache_key(key, {"group": group}): n for group, n in counts.items()}
        cells[cache_key(key, {})] = counts
        return cells

    if key in FIGURES:
        raise ValueError(f"figure {key!r} registered twice")
    FIGURES[key] = Figure(key, label, records, None, ("group",), True, batch, permission, group_labels)


def value(key, scope, **params):
    return FIGURES[key].value(scope, **params)
