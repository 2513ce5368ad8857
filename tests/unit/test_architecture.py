"""docs/architecture.md is the map of the code: it names every package and top-level module."""

from __future__ import annotations

from pathlib import Path

import reconciler

ROOT = Path(reconciler.__file__).parent
MAP = ROOT.parent / "docs" / "architecture.md"


def _parts() -> list[str]:
    """Every package (a folder with ``__init__.py``) and top-level module, as a repository path."""
    packages = [
        f"reconciler/{p.parent.relative_to(ROOT).as_posix()}/" for p in ROOT.rglob("__init__.py")
    ]
    modules = [f"reconciler/{p.name}" for p in ROOT.glob("*.py") if p.name != "__init__.py"]
    return sorted(p.replace("reconciler/./", "reconciler/") for p in [*packages, *modules])


def test_the_architecture_map_names_every_package() -> None:
    """Each package and top-level module under reconciler/ appears in docs/architecture.md."""
    text = MAP.read_text(encoding="utf-8")
    assert [part for part in _parts() if part not in text] == []


def test_the_map_names_the_import_contracts() -> None:
    """Every import-linter contract of pyproject.toml is listed by its id."""
    config = (ROOT.parent / "pyproject.toml").read_text(encoding="utf-8")
    ids = [line.split('"')[1] for line in config.splitlines() if line.startswith("id = ")]
    text = MAP.read_text(encoding="utf-8")
    assert ids
    assert [contract for contract in ids if f"`{contract}`" not in text] == []
