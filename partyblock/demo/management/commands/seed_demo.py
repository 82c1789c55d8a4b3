import os
import secrets

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import ProtectedError

from members.models import Member
from partyblock.accounts.access import ROLE_ADMIN, ROLE_GRASSROOTS, ROLE_INSPECTION, ROLE_LEADER, ROLE_OFFICE
from partyblock.accounts.models import UserScope
from partyblock.audit.log import suspended
from partyblock.demo.seed import build_demo
from units.models import Organisation

RECORD_APPS = ("admission", "inspections", "members", "units")
REFERENCE_DATA = {"members.awardform", "members.issuingbody", "inspections.holiday"}
# (login, full name, role, bound to the TCCS with this code)
DEMO_USERS = [
    ("quantri", "Quản trị hệ thống", ROLE_ADMIN, None),
    ("vanphong", "Văn phòng Đảng ủy Khối", ROLE_OFFICE, None),
    ("lanhdao", "Lãnh đạo Đảng ủy Khối", ROLE_LEADER, None),
    ("ubkt", "Ủy ban Kiểm tra Đảng ủy Khối", ROLE_INSPECTION, None),
    ("coso", "Cán bộ Đảng bộ Sở Kế hoạch và Đầu tư", ROLE_GRASSROOTS, "DB05"),
]


class Command(BaseCommand):
    help = (
        "Build the deterministic demo Khối at the end of the 2015–2020 term (68 TCCS, 393 chi bộ trực "
        "thuộc, 4,925 members, 977 admissions — all derived from lifecycle records), then the 2020–2025 "
        "term of Congress IX (admissions, flows, ratings, awards, badges, meetings, inspections to the end "
        "of 2025) without changing any 2015–2020 record. Refuses when records "
        "exist; --reset deletes all organisations, members and terms first. Creates the demo logins with "
        "the password from DEMO_PASSWORD, or a random one printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="delete existing records first")

    def handle(self, *args, reset=False, **options):
        if Organisation.objects.exists() or Member.objects.exists():
            if not reset:
                raise CommandError(
                    "The database already holds records; nothing was changed. "
                    "Use --reset to delete them and build the demo data again."
                )
            self._reset()
            self.stdout.write("Existing records deleted (--reset).")
        with suspended():  # demo data is not anybody's activity
            summary = build_demo()
        if connection.vendor == "postgresql":
            # Fresh tables have no planner statistics until autovacuum gets to them: the first pages
            # (and benchmarks run right after seeding) would be planned blind, about 3x slower.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        password = self._users()
        events = summary["events"]
        logins = ", ".join(username for username, *_ in DEMO_USERS)
        self.stdout.write(
            f"Demo data built: {summary['organisations']} organisations, {summary['members']} members, "
            f"{sum(events.values())} lifecycle events, {summary['candidates']} candidates for admission "
            f"(2020-2025); term {summary['term'].label}."
        )
        if password:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Logins: {logins} / {password}  (shown once; set DEMO_PASSWORD to choose)"
                )
            )
        else:
            self.stdout.write(f"Logins: {logins} with the password from DEMO_PASSWORD.")

    @transaction.atomic
    def _reset(self):
        """Demo reset only (the app itself never deletes members or organisations): empty every
        table of the record apps, keeping reference data staff extend (award forms, bodies, …)."""
        records = [
            model
            for label in RECORD_APPS
            if apps.is_installed(label)
            for model in apps.get_app_config(label).get_models()
            if model._meta.label_lower not in REFERENCE_DATA
        ]
        Organisation.objects.update(parent=None, merged_into=None)
        UserScope.objects.update(tccs=None)
        while records:
            blocked = []
            for model in records:
                try:
                    with transaction.atomic():
                        model.objects.all().delete()
                except ProtectedError:
                    blocked.append(model)  # still referenced: try again once its referrers are gone
            if len(blocked) == len(records):
                raise CommandError(f"Could not empty: {', '.join(m._meta.label for m in blocked)}")
            records = blocked

    def _users(self):
        """Create or update one login per role; return the generated password (None if from the env)."""
        chosen = os.environ.get("DEMO_PASSWORD")
        password = chosen or secrets.token_urlsafe(9)
        User = get_user_model()
        for username, full_name, role, tccs_code in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = full_name
            user.is_staff = True
            user.is_superuser = role == ROLE_ADMIN
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
            UserScope.objects.update_or_create(
                user=user, defaults={"tccs": Organisation.objects.get(code=tccs_code) if tccs_code else None}
            )
        return None if chosen else password
