"""The audit trail and the one function that writes it."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "partyblock.audit"
    label = "audit"
    verbose_name = "Nhật ký thay đổi"

    def ready(self):
        from partyblock.audit import log
        from partyblock.audit.models import ActivityLog
        from partyblock.core.scoping import belongs

        log.connect()
        belongs(ActivityLog, hidden=True)  # the log is read by the administrators only
