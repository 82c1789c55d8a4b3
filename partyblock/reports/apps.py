"""Report scope, the figures, sections, drill-downs, organisation pages and report views."""

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "partyblock.reports"
    label = "reports"
    verbose_name = "Báo cáo"
