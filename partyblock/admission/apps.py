from django.apps import AppConfig


class AdmissionConfig(AppConfig):
    name = "partyblock.admission"
    label = "admission"
    verbose_name = "Phát triển đảng viên"

    def ready(self):
        from partyblock.audit.log import follow
        from partyblock.core.scoping import belongs

        from . import models

        belongs(models.Candidate, organisation="organisation")  # the chi bộ developing the candidate

        follow(models.Candidate)
