from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partyblock.core.params import command_day
from partyblock.core.text import day_text
from units.models import Organisation
from units.services import superior_change


class Command(BaseCommand):
    help = (
        "Record the committee a root of the tree (the Khối, a provincial committee) answers to, outside "
        "the tree, from a given day (units.services.superior_change), e.g. "
        '`set_superior KHOI "Thành ủy Hải Phòng" --place "Hải Phòng" --on 01/07/2025`. Printed reports '
        "read it for their own day; the record in force that day ends the day before."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="code of the root organisation")
        parser.add_argument("name", help="the superior committee as printed, e.g. “Tỉnh ủy Hải Dương”")
        parser.add_argument("--place", required=True, help="place in the date line, e.g. “Hải Dương”")
        parser.add_argument(
            "--on", type=command_day("--on"), help="first day, dd/mm/yyyy (omit for the first record)"
        )
        parser.add_argument("--decision", default="", help="number of the decision")

    def handle(self, *args, code, name, place, on, decision, **options):
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None:
            raise CommandError(f"Không có tổ chức đảng mã “{code}”.")
        try:
            superior_change(
                organisation=organisation, name=name, place=place, on=on, decision_number=decision
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        since = f"từ ngày {day_text(on)}" if on else "từ khi thành lập"
        self.stdout.write(f"Đã ghi cấp trên của {organisation.name}: {name} {since}.")
