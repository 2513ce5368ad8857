"""reconciler.yaml at the repository root: read, schema-checked, turned into ``Settings``.

The file is optional (defaults for everything). It is read like a manifest (safe YAML, limits,
``${VAR}`` of the allowed variables) and checked against ``schemas/config.schema.json``; problems
carry its line. Its ``env:`` list, which says which variables ``${VAR}`` may read here and in
the manifests, is read first and literally (before anything is expanded). ``state_dir`` must stay
inside the repository, links followed. Called by the loader and ``find_repository``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from reconciler.config import DEFAULT_ENV, STATE_DIR_HINT, Settings, env_pattern_problem
from reconciler.errors import ConfigError, Problem
from reconciler.manifest import schema
from reconciler.manifest.envvars import Variables
from reconciler.manifest.located import YamlDocument
from reconciler.manifest.repository import CONFIG_FILE
from reconciler.manifest.source import FileProblem, SourceFile, read_source
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
    allowed = _allowed_variables(source, problems)
    if allowed is None:
        return Settings()
    document = _document(source, Variables(environ, allowed), problems)
    if document is None:
        return Settings()
    found = schema.check(document, "config")
    if found:
        problems.extend(found)
        return Settings()
    assert isinstance(document.data, dict)
    found = _state_dir_problems(document, root)
    if found:
        problems.extend(found)
        return Settings()
    try:
        return Settings.from_mapping(document.data)
    except ConfigError as error:
        problems.append(
            document.problem((), error.message, error.hint or "see schemas/config.schema.json")
        )
        return Settings()


def _document(
    source: SourceFile, environ: Mapping[str, str] | None, problems: list[Problem]
) -> YamlDocument | None:
    """The file's one document, or None (problems reported)."""
    result = read_documents(source, environ)
    problems.extend(result.problems)
    if not result.complete or result.problems:
        return None
    if len(result.documents) > 1:
        problems.append(
            result.documents[1].problem(
                (), "reconciler.yaml holds one document", "remove the --- and what follows"
            )
        )
        return None
    return result.documents[0] if result.documents else None


def _allowed_variables(source: SourceFile, problems: list[Problem]) -> Sequence[str] | None:
    """The ``env:`` list as written (nothing expanded yet); None after a problem."""
    found: list[Problem] = []
    document = _document(source, None, found)
    if document is None:
        if found:
            problems.extend(found)
            return None
        return DEFAULT_ENV
    data = document.data
    listed = data.get("env", DEFAULT_ENV) if isinstance(data, dict) else DEFAULT_ENV
    if not isinstance(listed, list | tuple):
        return DEFAULT_ENV  # the schema check reports it
    refused = [
        document.problem(
            ("env", index),
            problem,
            'list the variables ${VAR} may read, e.g. env: ["*_ID", "*_PAGE", TEAM];'
            " never a token, secret, key or password",
        )
        for index, pattern in enumerate(listed)
        if isinstance(pattern, str) and (problem := env_pattern_problem(pattern)) is not None
    ]
    if refused:
        problems.extend(refused)
        return None
    return [pattern for pattern in listed if isinstance(pattern, str)]


def _state_dir_problems(document: YamlDocument, root: Path) -> list[Problem]:
    """state_dir must name a folder inside the repository, once links are followed."""
    data = document.data
    raw = data.get("state_dir") if isinstance(data, dict) else None
    if not isinstance(raw, str):
        return []
    try:
        Settings.from_mapping({"state_dir": raw})
    except ConfigError as error:
        return [document.problem(("state_dir",), error.message, error.hint or STATE_DIR_HINT)]
    if not (root / raw).resolve().is_relative_to(root.resolve()):
        return [
            document.problem(
                ("state_dir",),
                f"reconciler.yaml: state_dir {raw!r} is a link to a folder outside the repository",
                STATE_DIR_HINT,
            )
        ]
    return []
