"""The pieces a report section is made of, and the registry of sections other apps add.

A section is rows and tables of cells; a count cell carries its figure key and parameters
(`partyblock.core.figures`), so the page links it to the drill-down of exactly the records it
counts. `partyblock.reports.sections.build_report` puts the sections in the term report's order,
with those registered here (`register_sections`, from an app's `AppConfig.ready()`) in the middle;
the organisation page adds the blocks registered with `register_organisation_blocks`.
"""

from dataclasses import dataclass, field

from partyblock.core.figures import value

# Functions scope -> [Section], the sections other apps add to the term and year reports.
SECTION_SOURCES = []
# (permission, function organisation -> [block]): what other apps show on an organisation's page.
ORGANISATION_BLOCK_SOURCES = []


def register_sections(source):
    """Add `source(scope)`'s sections to the reports (after the study section, before admissions)."""
    if source not in SECTION_SOURCES:
        SECTION_SOURCES.append(source)


def register_organisation_blocks(source, *, permission):
    """Show `source(organisation)`'s blocks ({title, headers, rows}) on the organisation page to
    users holding `permission`."""
    if (permission, source) not in ORGANISATION_BLOCK_SOURCES:
        ORGANISATION_BLOCK_SOURCES.append((permission, source))


@dataclass
class Cell:
    value: object
    key: str | None = None  # figure key: the cell links to its drill-down
    params: dict = field(default_factory=dict)
    unit: str = ""
    source: str = ""  # for a derived value, the figure (and year) it shows
    scope: object = None  # the scope the count is of, when not the page's (the year before, …)


@dataclass
class Row:
    label: str
    actual: Cell
    target: Cell | None = None
    met: bool | None = None
    level: int = 0  # indentation under the row above


# A table with more columns than this does not fit a 390-pixel phone: there each row shows as a
# card, its values under their column's header (`table.stacked` in reports.css; print keeps columns).
PHONE_COLUMNS = 5


@dataclass
class Table:
    caption: str
    headers: list
    rows: list  # [(label, [Cell, …])]

    @property
    def stacked(self):
        return len(self.headers) > PHONE_COLUMNS

    @property
    def labelled_rows(self):
        """[(label, [(header, cell), …])]: each value with its column's header (a phone's card)."""
        return [(label, list(zip(self.headers[1:], cells, strict=False))) for label, cells in self.rows]


@dataclass
class Section:
    key: str
    title: str
    rows: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    charts: list = field(default_factory=list)  # SVG markup
    note: str = ""  # a sentence shown under the title
    link: tuple | None = None  # (URL name, argument) of a related report
    short: str = ""  # the xlsx sheet's name (31 characters at most)


def count(scope, key, **params):
    return Cell(value(key, scope, **params), key, params)


def count_of(other, key, **params):
    """A count of another scope than the page's (the year before, the term so far)."""
    return Cell(value(key, other, **params), key, params, scope=other)


def plain(scope, key, unit=""):
    return Cell(value(key, scope), unit=unit, source=key)
