from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partyblock.core.params import command_day
from partyblock.core.text import day_text
from units.models import Organisation
from units.services import organisation_move


class Command(BaseCommand):
    help = (
        "Move an organisation and everything below it under another parent from a given day "
        "(units.services.organisation_move): its placement that day ends the day before and a new one "
        "starts; members move with their chi bộ without an event each, and counts of earlier days keep "
        "the tree as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="code of the organisation to move")
        parser.add_argument("--to", required=True, help="code of the new parent")
        parser.add_argument(
            "--on", required=True, type=command_day("--on"), help="day of the move, dd/mm/yyyy"
        )
        parser.add_argument("--decision", default="", help="number of the decision")

    def handle(self, *args, code, to, on, decision, **options):
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            raise CommandError(f"Không có tổ chức đảng mã “{code}”.")
        parent = Organisation.objects.filter(code=to).first()
        if parent is None:
            raise CommandError(f"--to: không có tổ chức đảng mã “{to}”.")
        try:
            organisation_move(organisation=organisation, parent=parent, on=on, decision_number=decision)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Đã chuyển {organisation.name} về trực thuộc {parent.name} từ ngày {day_text(on)}."
        )
