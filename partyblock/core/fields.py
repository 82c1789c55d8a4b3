"""Model fields that several apps declare alike."""

from django.db import models


def import_batch_key(related_name, *, db_index=True):
    """The import that created a record (None when it was entered by hand): every imported record
    is traceable to its ImportBatch, which is why a batch can never be deleted. `db_index=False`
    where nothing looks the records up by their batch (the index would only cost every import's
    write: the members app's records, docs/benchmarks.md)."""
    return models.ForeignKey(
        "importing.ImportBatch",
        verbose_name="lần nhập dữ liệu",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name=related_name,
        db_index=db_index,
    )
