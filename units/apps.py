from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "Tổ chức đảng"

    def ready(self):
        from partyblock.audit.log import follow

        from . import models

        follow(
            models.Organisation,
            models.Term,
            models.TermTarget,
            models.OrganisationRating,
            models.Meeting,
            models.BreakthroughTask,
            models.Document,
        )
