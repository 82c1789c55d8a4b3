from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "Tổ chức đảng"

    def ready(self):
        from partyblock.core.auditing import audited
        from partyblock.core.scoping import belongs

        from . import models

        # Grassroots staff see their TCCS and what is below it, and the records kept there.
        belongs(models.Organisation, tree=True)
        belongs(
            models.Placement,
            models.Superior,
            models.TreeSpan,
            models.OrganisationRating,
            models.Meeting,
            models.BreakthroughTask,
            organisation="organisation",
        )

        audited(
            models.Organisation,
            models.Superior,
            models.Term,
            models.TermTarget,
            models.OrganisationRating,
            models.Meeting,
            models.BreakthroughTask,
            models.Document,
        )
