"""The dependency direction, enforced: ui -> services -> study -> storage | search | render ->
knowledge -> core. Only ui/ (and app.py) import PySide6; only storage/ imports SQLAlchemy and
Alembic. Read from every module's import statements, including imports inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "nexus_desktop"
# What each layer may import from the app itself (its own layer always).
ALLOWED = {
    "core": set(),
    "knowledge": {"core"},
    "render": {"core", "knowledge"},
    "search": {"core", "knowledge", "paths"},  # the seed builder finds its output folder
    "storage": {"core", "knowledge"},
    "study": {"core", "knowledge", "storage_records"},
    "services": {"core", "knowledge", "render", "search", "storage", "study", "paths"},
    "ui": {
        "core",
        "knowledge",
        "render",
        "search",
        "storage_records",
        "study",
        "services",
        "paths",
    },  # fmt: skip
}
THIRD_PARTY_ONLY_IN = {"PySide6": {"ui", "app"}, "sqlalchemy": {"storage"}, "alembic": {"storage"}}


def layer_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_layers_import_only_downwards() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = layer_of(path)
        for module in imported_modules(path):
            top = module.split(".")[0]
            for library, allowed in THIRD_PARTY_ONLY_IN.items():
                if top == library and layer not in allowed:
                    offenders.append(f"{path.relative_to(REPO)} imports {module}")
            if top != "nexus_desktop" or layer not in ALLOWED:
                continue
            parts = module.split(".")
            target = parts[1] if len(parts) > 1 else ""
            if target in ("", layer):
                continue
            if target == "storage" and parts[2:3] == ["records"]:
                target = "storage_records"  # plain records: no SQLAlchemy behind them
            if target in ("", layer) or target in ALLOWED[layer]:
                continue
            if target == "storage" and "storage" in ALLOWED[layer]:
                continue
            if target == "storage_records" and "storage" in ALLOWED[layer]:
                continue
            offenders.append(f"{path.relative_to(REPO)} ({layer}) imports {module}")
    assert offenders == []
