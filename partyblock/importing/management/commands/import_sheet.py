import sys
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from partyblock.importing.batches import ImportDenied, ImportRefused, commit, prepare
from partyblock.importing.kinds import KINDS
from units.models import Organisation


class Command(BaseCommand):
    help = (
        "Import a spreadsheet (xlsx or csv) the way the admin's “Nhập dữ liệu” page does: every row is "
        "validated first, and the file is written in one transaction only when it has no error (all "
        "errors are printed). KIND is one of: " + ", ".join(KINDS) + ". Exits 1 when the file has errors. "
        "With --user, the import runs as that user does on the page: their permissions, their scope (a "
        "row matching a member or organisation outside it is an error naming no one), the fields they "
        "may write, national IDs shown as they see them; exits 1 when they may not import the sheet. "
        "Without it, the import runs for the whole Khối."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("file")
        parser.add_argument("--organisation", help="code of the TCCS the sheet belongs to")
        parser.add_argument("--year", type=int, help="rating year, for rating sheets without a Năm column")
        parser.add_argument("--sheet", help="sheet name (default: the first sheet)")
        parser.add_argument("--dry-run", action="store_true", help="validate and report only; write nothing")
        parser.add_argument("--user", help="username to import as (their permissions and scope)")

    def handle(
        self, *args, kind, file, organisation=None, year=None, sheet=None, dry_run=False, user=None, **options
    ):
        started = time.perf_counter()
        if user is not None:
            username = user
            user = get_user_model().objects.filter(username=username).first()
            if user is None or not user.is_active:
                raise CommandError(f"No active user {username!r}.")
        scope = None
        if organisation:
            scope = Organisation.objects.filter(code=organisation).first()
            if scope is None:
                raise CommandError(f"No organisation with code {organisation!r}.")
        try:
            preview = prepare(
                kind, file, organisation=scope, year=year, sheet=sheet, user=user, progress=self._progress
            )
        except ImportDenied as denied:
            raise CommandError(f"Permission denied: {denied}") from None
        if self._shown:
            self.stderr.write("")
        batch = preview.batch
        for error in preview.errors:
            self.stderr.write(error)
        for warning in preview.warnings[:20]:
            self.stderr.write(f"Lưu ý — {warning}")
        if len(preview.warnings) > 20:
            self.stderr.write(
                f"Lưu ý — … và {len(preview.warnings) - 20} lưu ý khác (xem ở Lịch sử nhập dữ liệu)."
            )
        summary = (
            f"{kind} {batch.file_name}: {batch.row_count} rows — {batch.created_count} to create, "
            f"{batch.updated_count} to update, {batch.unchanged_count} unchanged, {batch.error_count} errors"
        )
        if preview.errors:
            raise CommandError(f"{summary}; nothing written (batch #{batch.pk}).")
        if dry_run or not preview.can_commit:
            what = "dry run, nothing written" if dry_run else "nothing to change"
            self.stdout.write(
                f"{summary}; {what} (batch #{batch.pk}, {time.perf_counter() - started:.1f} s)."
            )
            return
        try:
            batch = commit(preview, user=user)
        except ImportRefused as refusal:
            raise CommandError(f"{summary}; not written: {refusal}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{kind} {batch.file_name}: {batch.row_count} rows — {batch.created_count} created, "
                f"{batch.updated_count} updated, {batch.unchanged_count} unchanged; batch #{batch.pk} written "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )

    _shown = False

    def _progress(self, done, expected):
        """A progress bar on stderr for files of more than a few thousand rows."""
        if expected <= 2000:
            return
        self._shown = True
        width = 30
        filled = min(width, int(width * done / max(expected, 1)))
        end = "" if sys.stderr.isatty() else "\n"
        self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{expected} rows", ending=end)
        self.stderr.flush()
