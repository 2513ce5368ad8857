"""reconciler.yaml at the repository root: read, schema-checked, turned into ``Settings``.

The file is optional (defaults for everything). It is read like a manifest (safe YAML, limits,
``${VAR}``) and checked against ``schemas/config.schema.json``; problems carry its line. Called by
the loader.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from reconciler.config import Settings
from reconciler.errors import ConfigError, Problem
from reconciler.manifest import schema
from reconciler.manifest.repository import CONFIG_FILE
from reconciler.manifest.source import FileProblem, read_source
from reconciler.manifest.yaml_reader import read_documents

__all__ = ["load_settings"]


def _display(path: Path, cwd: Path) -> str:
    try:
        return os.path.relpath(path, cwd)
    except ValueError:  # another drive (Windows)
        return str(path)


def load_settings(
    root: Path, cwd: Path, environ: Mapping[str, str], problems: list[Problem]
) -> Settings:
    """The settings of the repository at ``root``; defaults when it has no reconciler.yaml."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return Settings()
    try:
        source = read_source(path, _display(path, cwd), root)
    except FileProblem as failure:
        problems.append(failure.problem)
        return Settings()
    result = read_documents(source, environ)
    problems.extend(result.problems)
    if not result.complete or result.problems:
        return Settings()
    if len(result.documents) > 1:
        problems.append(
            result.documents[1].problem(
                (), "reconciler.yaml holds one document", "remove the --- and what follows"
            )
        )
        return Settings()
    if not result.documents:
        return Settings()
    document = result.documents[0]
    found = schema.check(document, "config")
    if found:
        problems.extend(found)
        return Settings()
    assert isinstance(document.data, dict)
    try:
        return Settings.from_mapping(document.data)
    except ConfigError as error:
        problems.append(
            document.problem((), error.message, error.hint or "see schemas/config.schema.json")
        )
        return Settings()
