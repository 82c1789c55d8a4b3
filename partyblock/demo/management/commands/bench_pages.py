from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse

from partyblock.accounts.access import default_report_organisation
from partyblock.demo.bench import time_page
from partyblock.home import todos_for
from units.models import Organisation, Term

ROLES = ("quantri", "vanphong", "lanhdao", "ubkt", "coso")
LIMIT_MS = 300
SEARCH_TERM = "nguyen van an"


class Command(BaseCommand):
    help = (
        "Time every page each demo role opens, on the data in the configured database (run seed_demo "
        "first): the home page and its to-do lists, the header search, the admin index, every admin "
        "list the role may view, the custom admin pages (checks, badges due, bulk rating, import) and "
        "the report pages. Prints the median server time over --runs requests (after one warm-up) and "
        "the SQL query count of each, marking pages above 300 ms; ends with a one-line summary."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=3, help="timed requests per page (median)")
        parser.add_argument("--role", action="append", choices=ROLES, help="only these demo logins")

    def handle(self, *args, runs, role, **options):
        users = {u.username: u for u in get_user_model().objects.filter(username__in=role or ROLES)}
        missing = [name for name in role or ROLES if name not in users]
        if missing:
            raise CommandError(f"demo logins missing ({', '.join(missing)}): run manage.py seed_demo first")
        slow, total = [], 0
        for name in role or ROLES:
            client = Client(HTTP_HOST="localhost")
            client.force_login(users[name])
            for page, url in self.pages(users[name]):
                median, queries, status = time_page(client, url, runs)
                total += 1
                mark = " !" if median * 1000 > LIMIT_MS else ""
                if mark:
                    slow.append(f"{name} {page}")
                self.stdout.write(
                    f"{name:<9} {page:<48} {median * 1000:>8.1f} ms {queries:>4} q  {status}{mark}"
                )
        self.stdout.write(
            f"{total} pages on {connection.vendor}, median of {runs} runs each; "
            f"{len(slow)} above {LIMIT_MS} ms" + (f": {', '.join(slow)}" if slow else ".")
        )

    def pages(self, user):
        """(name, url) of every page `user` opens, in the order a day's work meets them."""
        yield "home", reverse("home")
        for todo in todos_for(user):
            yield f"to-do: {todo.key}", reverse("todo", args=[todo.key])
        yield "search", reverse("search") + f"?q={SEARCH_TERM.replace(' ', '+')}"
        yield "admin index", reverse("admin:index")
        request = _Request(user)
        for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
            if model_admin.has_view_or_change_permission(request):
                info = f"{model._meta.app_label}_{model._meta.model_name}"
                yield f"list: {model._meta.label_lower}", reverse(f"admin:{info}_changelist")
        for name, permission in (
            ("members_memberrating_checks", "members.view_memberrating"),
            ("members_memberrating_bulk", "members.change_memberrating"),
            ("members_partybadge_due", "members.view_partybadge"),
            ("units_organisationrating_bulk", "units.change_organisationrating"),
            ("importing_importbatch_upload", "importing.add_importbatch"),
        ):
            if user.has_perm(permission):
                try:
                    yield f"admin: {name}", reverse(f"admin:{name}")
                except NoReverseMatch:
                    continue
        yield "reports: index", reverse("reports:index")
        if user.has_perm("admission.view_candidate"):
            yield (
                "reports: admission board",
                reverse("reports:admission_board")
                + (
                    f"?to-chuc={default_report_organisation(user).code}"
                    if default_report_organisation(user)
                    else ""
                ),
            )
        organisation = default_report_organisation(user)
        query = f"?to-chuc={organisation.code}" if organisation else ""
        term = Term.objects.order_by("-starts_on").first()
        if term is not None:
            yield "reports: term", reverse("reports:term", args=[term.label]) + query
            yield (
                "reports: drill-down members",
                reverse("reports:drilldown", args=["members"])
                + f"?nhiem-ky={term.label}"
                + (f"&to-chuc={organisation.code}" if organisation else ""),
            )
            year = term.ends_on.year - 1
            yield f"reports: year {year}", reverse("reports:year", args=[year]) + query
        page_of = organisation or Organisation.objects.filter(depth=1).order_by("path").first()
        if page_of is not None:
            yield "reports: organisation page", reverse("organisation", args=[page_of.code])


class _Request:
    """Just enough of a request for ModelAdmin permission checks."""

    def __init__(self, user):
        self.user = user
