"""Spreadsheet import: readers, columns, kinds, batches, `import_sheet`."""

from django.apps import AppConfig


class ImportingConfig(AppConfig):
    name = "partyblock.importing"
    label = "importing"
    verbose_name = "Nhập dữ liệu"

    def ready(self):
        from partyblock.core.scoping import belongs

        from .models import ImportBatch

        # Grassroots staff see the batches they imported for their TCCS (or below it).
        belongs(ImportBatch, organisation="organisation")
