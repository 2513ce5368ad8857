"""The manifests already in the folder an import writes to: their handles and pinned ids.

Import must not give a new manifest a handle another manifest there already uses, nor write a
second manifest for a database one of them already manages (two manifests applying to one
database would undo each other). The files are read leniently: a file that does not parse, or
whose ``id`` is a ``${VAR}`` that is not set, simply tells nothing. Called by
``reconciler.adopt.importing``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from reconciler.manifest.envvars import VariableProblem, expand
from reconciler.properties.checks import looks_like_notion_id

__all__ = ["ExistingManifest", "existing_manifests"]


@dataclass(frozen=True)
class ExistingManifest:
    """A manifest document found in the folder: its file, handle and pinned id (if any)."""

    path: Path
    handle: str | None
    database_id: str | None


def _documents(path: Path) -> Iterator[Mapping[object, object]]:
    try:
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if isinstance(document, Mapping):
                yield document
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return


def _pinned(raw: object, environ: Mapping[str, str]) -> str | None:
    if not isinstance(raw, str):
        return None
    try:
        text = expand(raw, environ).strip()
    except VariableProblem:
        return None
    return str(uuid.UUID(text)) if looks_like_notion_id(text) else None


def existing_manifests(
    folder: Path, environ: Mapping[str, str] | None = None
) -> list[ExistingManifest]:
    """Every manifest document under ``folder`` (none when it does not exist)."""
    env = os.environ if environ is None else environ
    found: list[ExistingManifest] = []
    if not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
            continue
        for document in _documents(path):
            handle = document.get("database")
            found.append(
                ExistingManifest(
                    path=path,
                    handle=handle if isinstance(handle, str) else None,
                    database_id=_pinned(document.get("id"), env),
                )
            )
    return found
