import datetime
import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from partyblock.accounts.access import (
    default_report_organisation,
    organisation_in_scope,
    visible_organisations,
)
from partyblock.core.figures import FIGURES
from partyblock.core.text import day_text
from partyblock.reports.figures import Scope, compute_all, listed_figures
from partyblock.reports.organisation_page import organisation_counts, organisation_scope, tree_on
from units.models import Organisation, Term


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of: {text!r} is not a date in the form YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Print the report figures computed from the records, by the same functions the report pages use. "
        "With --term the period is the term and headcounts are taken on its last day (or --as-of); with "
        "--year, the calendar year. --organisation narrows every figure to that organisation and below. "
        "--user computes as that user: their scope, and only the figures their role may see (as the page). "
        "--organisation without --term or --year prints the counts of that organisation's page (members on "
        "--as-of, default today, of it and of each organisation directly below it, members rated and rated "
        "good or better per year), each with its figure key and parameters."
    )

    def add_arguments(self, parser):
        period = parser.add_mutually_exclusive_group()
        period.add_argument("--term", help="term label, e.g. 2015-2020")
        period.add_argument("--year", type=int, help="calendar year, e.g. 2018")
        parser.add_argument("--as-of", type=_date, help="headcount date YYYY-MM-DD")
        parser.add_argument("--organisation", help="organisation code (default: the whole Khối)")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--user", help="compute as this user: only what their role and scope allow")

    def handle(
        self, *args, term=None, year=None, as_of=None, organisation=None, format="table", user=None, **options
    ):
        within = None
        organisations = Organisation.objects.all()
        keys = None  # every listed figure
        if user:
            acting = get_user_model().objects.filter(username=user).first()
            if acting is None:
                raise CommandError(f"--user: no user {user!r}")
            organisations = visible_organisations(acting)
            within = default_report_organisation(acting)
            if within is None and not organisation_in_scope(acting, None):
                raise CommandError(f"--user: {user} may see no organisation's figures")
            keys = listed_figures(acting)
        if organisation:
            within = organisations.filter(code=organisation).first()
            if within is None:
                raise CommandError(f"--organisation: no organisation with code {organisation!r} visible here")
        if not term and not year:
            if within is None or not organisation:
                raise CommandError("one of --term, --year or --organisation is required")
            self._organisation_page(within, as_of or timezone.localdate(), format)
            return
        if term:
            found = Term.objects.filter(label=term).first()
            if found is None:
                labels = ", ".join(Term.objects.values_list("label", flat=True)) or "none"
                raise CommandError(f"--term: no term labelled {term!r} (known: {labels})")
            scope = Scope.for_term(found, as_of=as_of, organisation=within)
        else:
            scope = Scope.for_year(year, as_of=as_of, organisation=within)
        figures = compute_all(scope, keys)
        if format == "json":
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2, default=str))
            return
        width = max(len(key) for key in figures)
        for key, figure_value in figures.items():
            shown = "—" if figure_value is None else figure_value
            self.stdout.write(f"{key:<{width}}  {shown!s:>10}  {FIGURES[key].label}")
        self.stdout.write(
            f"{len(figures)} figures, {day_text(scope.starts_on)}–{day_text(scope.ends_on)}, "
            f"headcount on {day_text(scope.as_of)}."
        )

    def _organisation_page(self, organisation, as_of, format):
        """The counts of the organisation page (`partyblock.reports.organisation_page`), as the page shows them."""
        scope = organisation_scope(organisation, as_of)
        counts = organisation_counts(scope, tree_on(organisation, as_of)[1]).listed()
        if format == "json":
            printed = [
                {
                    "figure": cell.key,
                    "organisation": (cell.scope or scope).organisation.code,
                    "params": cell.params,
                    "value": cell.value,
                    "label": label,
                }
                for label, cell in counts
            ]
            self.stdout.write(json.dumps(printed, ensure_ascii=False, indent=2, default=str))
            return
        for label, cell in counts:
            params = {"to-chuc": (cell.scope or scope).organisation.code, **cell.params}
            params = ",".join(f"{name}={v}" for name, v in params.items())
            self.stdout.write(
                f"{cell.key + (f'[{params}]' if params else ''):<45}  {cell.value!s:>8}  {label}"
            )
        self.stdout.write(f"{len(counts)} counts of {organisation.name}, members on {day_text(as_of)}.")
