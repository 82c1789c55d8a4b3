"""Imports point down the layers and never close a cycle (docs/architecture.md, "Layout"): the
import-linter contracts in pyproject.toml, checked on the source as it is, imports inside functions
included. A failure prints the offending chain of imports."""

import ast
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_each_app_imports_only_the_apps_below_it_and_no_module_imports_in_a_cycle():
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def _private_imports_across_packages():
    """(module, imported name) for each `from X import _name` where X lives in another package than
    the importing module: a private name is its package's own business."""
    found = []
    for package in ("partyblock", "units", "members", "inspections"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            here = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ImportFrom) or node.level:  # relative: the same package
                    continue
                source_package = node.module.rsplit(".", 1)[0]
                for alias in node.names:
                    private = alias.name.startswith("_") and not alias.name.startswith("__")
                    if private and source_package != here and node.module != here:
                        found.append((module, f"{node.module}.{alias.name}"))
    return found


def test_no_module_imports_a_private_name_from_another_package():
    assert _private_imports_across_packages() == []
