"""Manifests to ``DesiredState``: find, read, check and build everything, then report it all.

``load_desired_state`` is the package's entry point (the CLI's validate, plan and apply call it).
It never contacts Notion. Every problem of the run is collected (YAML, schema, values, keys,
cross-references, settings) and raised together as one ``ManifestError``, sorted by file and
line; with none, the frozen desired state comes back, databases in dependency order.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from reconciler.errors import ManifestError, Problem
from reconciler.manifest import schema
from reconciler.manifest.database import BuiltDatabase, build_database
from reconciler.manifest.envvars import Variables
from reconciler.manifest.located import YamlDocument
from reconciler.manifest.references import check_references, dependency_order
from reconciler.manifest.repository import (
    ManifestFile,
    find_manifest_files,
    find_repository_root,
)
from reconciler.manifest.rows_from import data_file_paths
from reconciler.manifest.settings import load_settings
from reconciler.manifest.source import FileProblem, read_source
from reconciler.manifest.yaml_reader import ReadResult, read_documents
from reconciler.model import DesiredState

__all__ = ["load_desired_state"]


def load_desired_state(
    paths: Sequence[str] = (),
    *,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    root: Path | None = None,
) -> DesiredState:
    """The desired state of the manifests under ``paths`` (default: the settings' folder).

    ``environ`` (default: the process environment) feeds ``${VAR}``, as far as reconciler.yaml's
    ``env:`` allows (``reconciler.manifest.envvars``); ``cwd`` (default: the
    current directory) anchors relative paths; ``root`` overrides the repository root's
    discovery. Raises ManifestError with every problem found.
    """
    with _collector_paused():
        return _load(paths, environ=environ, cwd=cwd, root=root)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading.

    Loading builds hundreds of thousands of small containers and no reference cycles; the
    collector's repeated passes over them cost a fifth of the run. Reference counting still
    frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load(
    paths: Sequence[str],
    *,
    environ: Mapping[str, str] | None,
    cwd: Path | None,
    root: Path | None,
) -> DesiredState:
    here = cwd if cwd is not None else Path.cwd()
    env = os.environ if environ is None else environ
    problems: list[Problem] = []
    repository = root.resolve() if root is not None else _root(paths, here)
    settings = load_settings(repository, here, env, problems)
    if not paths:
        paths = [os.path.relpath(repository / settings.manifests, here)]
    files, found = find_manifest_files(paths, repository, here)
    problems.extend(found)
    variables = Variables(env, settings.env)
    documents, every_file_read = _read_manifests(files, repository, variables, problems)
    built = _build_all(documents, repository, problems, every_file_read)
    if problems:
        raise ManifestError(problems)
    databases = dependency_order(b.database for b in built.values())
    return DesiredState(databases=databases, settings=settings, root=repository)


def _root(paths: Sequence[str], cwd: Path) -> Path:
    return find_repository_root(Path(paths[0]) if paths else Path(), cwd)


def _read_manifests(
    files: list[ManifestFile], root: Path, environ: Mapping[str, str], problems: list[Problem]
) -> tuple[list[YamlDocument], bool]:
    """The documents of every manifest file (data files named by rows_from left out)."""
    results: dict[Path, ReadResult] = {}
    for file in files:
        try:
            source = read_source(file.path, file.display, root)
        except FileProblem as failure:
            problems.append(failure.problem)
            results[file.path] = ReadResult((), (), complete=False)
            continue
        results[file.path] = read_documents(source, environ)
    data_files = {
        path
        for result in results.values()
        for document in result.documents
        for path in data_file_paths(document)
    }
    documents: list[YamlDocument] = []
    every_file_read = True
    for path, result in results.items():
        if path in data_files:
            continue  # read as rows by the manifest naming it
        problems.extend(result.problems)
        documents.extend(result.documents)
        every_file_read = every_file_read and result.complete
    return documents, every_file_read


def _build_all(
    documents: list[YamlDocument],
    root: Path,
    problems: list[Problem],
    every_file_read: bool,
) -> dict[str, BuiltDatabase]:
    """Every valid, uniquely named database, after the checks across databases."""
    built: dict[str, BuiltDatabase] = {}
    declared: dict[str, YamlDocument] = {}
    for document in documents:
        data = document.data
        handle = data.get("database") if isinstance(data, dict) else None
        if isinstance(handle, str):
            first = declared.get(handle)
            if first is not None:
                problems.append(
                    document.problem(
                        ("database",),
                        f"database handle {handle!r} is already declared at "
                        f"{first.source.display}:{first.marks.value_mark(('database',))[0]}",
                        "each manifest needs its own handle: relations find databases by it",
                    )
                )
                continue
            declared[handle] = document
        found = schema.check(document, "manifest")
        problems.extend(found)
        if found or document.tainted:
            continue  # built from placeholders, it would only report consequences
        database = build_database(document, root, problems)
        if database is not None:
            built[database.database.handle] = database
    check_references(built, declared, problems, every_file_read=every_file_read)
    return built
