"""Report scope, the figures, sections, drill-downs, organisation pages and report views."""

from importlib import import_module

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "partyblock.reports"
    label = "reports"
    verbose_name = "Báo cáo"

    def ready(self):
        # The figures of units and members, then the composition breakdowns, register themselves in
        # `partyblock.core.figures` when their modules load, in the order `manage.py figures` lists
        # them (after those of inspections, whose app is readied first); then the admission pipeline's.
        for module in ("figures", "composition", "pipeline"):
            import_module(f"{self.name}.{module}")
