"""Issue 10 item 3, "dependencies point down": `core` imports no feature room (the demo and
other registries name rooms by dotted string), and households do not ask campaign. Scope
(`accounts.scoping`) is the one layer core reaches, and only inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR) / "vuonlen"
FEATURE_ROOMS = {"households", "indicators", "campaign", "reporting", "directives", "initiatives", "outreach",
                 "twinning", "support", "geo", "plans", "surveys", "messaging", "poverty", "api", "documents"}


def _imports(folder: Path):
    for path in folder.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                yield path, node.module
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name


def _room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "vuonlen" else None


def test_core_imports_no_feature_room():
    found = [f"{path.relative_to(ROOT)}: {module}" for path, module in _imports(ROOT / "core")
             if _room(module) in FEATURE_ROOMS]
    assert found == []


def test_households_do_not_import_campaign():
    found = [f"{path.relative_to(ROOT)}: {module}" for path, module in _imports(ROOT / "households")
             if _room(module) == "campaign"]
    assert found == []
