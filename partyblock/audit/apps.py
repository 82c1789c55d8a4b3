"""The audit trail and the one function that writes it."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "partyblock.audit"
    label = "audit"
    verbose_name = "Nhật ký thay đổi"

    def ready(self):
        from partyblock.audit import log

        log.connect()
