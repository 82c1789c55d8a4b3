"""How the records behind a count are listed on the drill-down page and in its xlsx: columns per
model, registered by the app that knows the model (`register_columns`; `partyblock.reports.drilldown`
for units and members, inspections from its `AppConfig.ready()`)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Columns:
    headers: tuple
    row: object  # record -> tuple of values
    select_related: tuple = ()
    ordering: tuple = ("pk",)
    search: tuple = ()  # fields searched by the filter box
    link: object = None  # record -> admin URL name and args, for a link on the first cell


COLUMNS = {}  # model -> Columns
FALLBACK = Columns(("Bản ghi",), lambda r: (str(r),))


def register_columns(model, columns):
    """List `model`'s records in a drill-down with `columns`."""
    COLUMNS[model] = columns
