"""Imports point down the layers and never close a cycle (docs/architecture.md, "Layout"): the
import-linter contracts in pyproject.toml, checked on the source as it is, imports inside functions
included. A failure prints the offending chain of imports."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_each_app_imports_only_the_apps_below_it_and_no_module_imports_in_a_cycle():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
