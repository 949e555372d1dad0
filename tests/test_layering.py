"""The floors of the house (docs/architecture.md) beyond what `lint-imports` checks itself:
no import cycle, the portal's wing imports in plain sight, and every package and
engine of ours under the contracts in pyproject.toml."""

from __future__ import annotations

import ast
import tomllib
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import grimp

ROOT = Path(__file__).resolve().parents[1]
WINGS = ("donations", "jobs_bases", "volunteers")
# The pure engines of every wing, whether or not their wing has landed yet.
ENGINES = ("donations.allocation", "jobs_bases.seats", "volunteers.pairing")


def import_linter_config() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        config: dict[str, Any] = tomllib.load(file)["tool"]["importlinter"]
    return config


def our_packages() -> list[str]:
    return sorted(
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "migrations"}
    )


def test_no_module_of_ours_imports_itself_through_a_cycle():
    # Imports inside functions count: deferring one hides a cycle, it does not remove it.
    graph = grimp.build_graph(*our_packages(), exclude_type_checking_imports=True)

    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycles.append(" -> ".join((importer, *back)))

    assert cycles == []


def test_the_portal_imports_wings_at_module_level_only():
    # A wing imported inside a function is a dependency nobody sees at the top of the file.
    hidden = []
    for path in sorted((ROOT / "portal").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        top_level = set(tree.body)
        for node in ast.walk(tree):
            if node in top_level:
                continue
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            if any(name.split(".")[0] in WINGS for name in names):
                hidden.append(f"{path.relative_to(ROOT)}:{node.lineno}")

    assert hidden == []


def test_every_package_of_ours_is_a_root_of_the_import_contracts():
    assert sorted(import_linter_config()["root_packages"]) == our_packages()


def test_every_engine_that_exists_is_held_to_the_engine_contracts():
    contracts = import_linter_config()["contracts"]
    engine_contracts = [c for c in contracts if c["name"].startswith("The engines ")]
    existing = [engine for engine in ENGINES if find_spec(engine) is not None]

    assert "donations.allocation" in existing
    assert len(engine_contracts) == 2
    for contract in engine_contracts:
        assert set(existing) <= set(contract["source_modules"])
