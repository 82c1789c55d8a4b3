"""Spreadsheet import: readers, columns, kinds, batches, `import_sheet`."""

from django.apps import AppConfig


class ImportingConfig(AppConfig):
    name = "partyblock.importing"
    label = "importing"
    verbose_name = "Nhập dữ liệu"

    def ready(self):
        from partyblock.accounts.access import register_scope

        from .models import ImportBatch

        # Grassroots staff see the batches they imported for their TCCS (or below it).
        register_scope(
            ImportBatch,
            lambda queryset, root, user: queryset.filter(organisation__path__startswith=root.path),
        )
