"""Admin of the partyblock app itself: the import screens and history (partyblock.importing)."""

from .importing import admin as importing_admin  # noqa: F401  (registers ImportBatch)
