from django.apps import AppConfig


class AdmissionConfig(AppConfig):
    name = "partyblock.admission"
    label = "admission"
    verbose_name = "Phát triển đảng viên"

    def ready(self):
        from partyblock.audit.log import follow

        from . import models

        follow(models.Candidate)
