from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Kiểm tra, giám sát, kỷ luật"

    def ready(self):
        from partyblock.core.auditing import audited
        from partyblock.core.scoping import belongs
        from partyblock.core.workdays import register_days_off

        # Its report figures, sections, drill-down columns and organisation-page blocks register
        # themselves in `partyblock.core` when these modules load.
        from . import figures, models, reports  # noqa: F401

        register_days_off(
            lambda after, until: models.Holiday.objects.filter(date__gt=after, date__lte=until).values_list(
                "date", flat=True
            )
        )
        records = (
            models.Inspection,
            models.InspectionSubject,
            models.Supervision,
            models.SupervisionSubject,
            models.DisciplineDecision,
            models.Letter,
            models.LetterSubject,
        )
        # Inspection, supervision, discipline and letters are the UBKT's: grassroots staff see none.
        belongs(*records, hidden=True)
        audited(*records, models.Holiday)
