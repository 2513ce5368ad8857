"""The apply package's public surface and what it may build, and the gates module's surface."""

from __future__ import annotations

import ast
from pathlib import Path

import reconciler.apply
import reconciler.cli.cmd_apply
import reconciler.gates

MANIFEST_TYPES = frozenset({"DesiredState", "DesiredDatabase"})


def test_apply_names_are_sorted_and_importable() -> None:
    """__all__ lists every public name once, sorted, and each one exists."""
    names = list(reconciler.apply.__all__)
    assert sorted(set(names)) == names
    missing = [n for n in names if not hasattr(reconciler.apply, n)]
    assert not missing


def test_gates_names_are_sorted_and_importable() -> None:
    """The gates module exports a sorted, complete __all__."""
    names = list(reconciler.gates.__all__)
    assert sorted(set(names)) == names
    missing = [n for n in names if not hasattr(reconciler.gates, n)]
    assert not missing


def _names_used(path: Path) -> set[str]:
    """Every name, attribute and imported name a module's code refers to."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    imported = (
        n for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for n in node.names
    )
    return names | {alias.name for alias in imported}


def _called(path: Path) -> set[str]:
    """What a module's code calls: ``f`` for ``f(...)``, ``m.f`` for ``m.f(...)``, ``.f`` for a
    method of anything else."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    called: set[str] = set()
    for node in ast.walk(tree):
        func = node.func if isinstance(node, ast.Call) else None
        if isinstance(func, ast.Name):
            called.add(func.id)
        elif isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else ""
            called.add(f"{owner}.{func.attr}")
    return called


def test_apply_never_refers_to_manifest_types() -> None:
    """No module of reconciler/apply refers to DesiredState or DesiredDatabase: a plan carries
    what apply needs (its prior state, ``DatabasePlan.read_spec``), so apply never fakes a
    manifest."""
    package = Path(reconciler.apply.__file__).parent
    found = {
        str(path.relative_to(package)): sorted(_names_used(path) & MANIFEST_TYPES)
        for path in package.rglob("*.py")
    }
    assert {path: names for path, names in found.items() if names} == {}


def test_the_apply_command_builds_no_manifest_and_rewrites_no_plan() -> None:
    """The CLI's apply constructs no DesiredState or DesiredDatabase, and replaces nothing in
    a (checksummed) plan: protections from the manifests reach the gates as data."""
    called = _called(Path(reconciler.cli.cmd_apply.__file__))
    assert sorted(called & (MANIFEST_TYPES | {"replace", "dataclasses.replace"})) == []
