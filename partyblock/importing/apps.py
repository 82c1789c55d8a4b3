"""Spreadsheet import: readers, columns, kinds, batches, `import_sheet`."""

from django.apps import AppConfig


class ImportingConfig(AppConfig):
    name = "partyblock.importing"
    label = "importing"
    verbose_name = "Nhập dữ liệu"
