from django.apps import AppConfig


class AdmissionConfig(AppConfig):
    name = "partyblock.admission"
    label = "admission"
    verbose_name = "Phát triển đảng viên"

    def ready(self):
        from partyblock.core.auditing import audited
        from partyblock.core.scoping import belongs

        from . import models

        belongs(models.Candidate, organisation="organisation")  # the chi bộ developing the candidate

        audited(models.Candidate)
