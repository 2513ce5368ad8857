"""Where each database and row is written: its manifest document, and each row's file and node.

``Sources`` reads the files of the databases edits name: the manifest (parsed with its line and
character marks) and the ``rows_from`` files, and pairs every row of the loaded desired state with
the place it came from, in the order the loader reads them (the manifest's ``rows``, then each
``rows_from`` file); ``text_file`` reads a page body's Markdown file, edited whole. The pairing is
checked against the rows' source locations, so an edit addressed by database handle and row key
lands on that row's text and nowhere else. Used by the engine."""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from reconciler.adopt.edit.csv_rows import CsvEditor, CsvTable, parse_csv
from reconciler.adopt.edit.yaml_patch import Refused, YamlEditor
from reconciler.adopt.edit.yaml_text import Dialect
from reconciler.adopt.edit.yaml_tree import Node, YamlText, parse_yaml
from reconciler.manifest.envvars import VariableProblem, expand
from reconciler.manifest.source import FileProblem, read_source
from reconciler.model import DesiredDatabase, DesiredState, RowKey

__all__ = ["DatabaseSource", "RowPlace", "SourceFile", "Sources", "SourcesProblem"]


@dataclass
class SourceFile:
    """One file the edits may change: its text as the loader read it and its parsed form."""

    path: str
    """Relative to the repository root (POSIX)."""
    text: str
    yaml: YamlText | None = None
    csv: CsvTable | None = None
    dialect: Dialect = field(default_factory=Dialect)
    created: bool = False
    """A file the edits create (a new page body file): it does not exist yet."""

    def yaml_editor(self) -> YamlEditor:
        assert self.yaml is not None
        return YamlEditor(self.yaml, self.dialect)

    def csv_editor(self) -> CsvEditor:
        assert self.csv is not None
        return CsvEditor(self.csv)


@dataclass(frozen=True)
class RowPlace:
    """Where one row is written: a YAML list item (``sequence.items[index]``) or a CSV row."""

    file: SourceFile
    index: int
    sequence: Node | None = None
    owner: Node | None = None
    """The ``rows`` key of a manifest's inline rows (None in a data file)."""

    @property
    def node(self) -> Node | None:
        return self.sequence.items[self.index] if self.sequence is not None else None

    @property
    def line(self) -> int:
        """1-based line of the row."""
        if self.sequence is not None and self.file.yaml is not None:
            node = self.sequence.items[self.index]
            return self.file.yaml.line_of(node.start) + 1
        assert self.file.csv is not None
        return self.file.csv.rows[self.index].line


@dataclass
class DatabaseSource:
    """One database's manifest document and the places of its rows, by key."""

    database: DesiredDatabase
    manifest: SourceFile
    document: Node
    rows: dict[RowKey, RowPlace]
    data_files: list[SourceFile]
    problem: str = ""
    """Why its rows could not be placed (edits of its rows are then not applied)."""

    @property
    def properties(self) -> Node | None:
        entry = self.document.entry("properties")
        return entry.value if entry is not None and entry.value.kind == "map" else None

    def where(self, place: RowPlace | None = None) -> str:
        """file:line of a row, or of the database's document."""
        if place is not None:
            return f"{place.file.path}:{place.line}"
        tree = self.manifest.yaml
        line = tree.line_of(self.document.start) + 1 if tree is not None else 1
        return f"{self.manifest.path}:{line}"

    @property
    def last_place(self) -> RowPlace | None:
        places = list(self.rows.values())
        return places[-1] if places else None


class SourcesProblem(Exception):
    """A file the loader read cannot be read again as it was (it changed meanwhile)."""


class Sources:
    """The parsed files of the databases the edits name, read once and shared by attempts."""

    def __init__(self, state: DesiredState, environ: Mapping[str, str]) -> None:
        self.state = state
        self.root = state.root
        self.environ = environ
        self.files: dict[str, SourceFile] = {}
        self._databases: dict[str, DatabaseSource] = {}

    def database(self, handle: str) -> DatabaseSource | None:
        """The database's source; None when no manifest declares it."""
        if handle in self._databases:
            return self._databases[handle]
        desired = self.state.database(handle)
        if desired is None:
            return None
        source = self._read_database(desired)
        self._databases[handle] = source
        return source

    def file(self, path: str, *, manifest: bool) -> SourceFile:
        found = self.files.get(path)
        if found is not None:
            return found
        try:
            source = read_source(self.root / path, path, self.root)
        except FileProblem as failure:
            raise SourcesProblem(f"{path}: {failure.problem.message}") from None
        file = SourceFile(path, source.text)
        suffix = Path(path).suffix.lower()
        try:
            if suffix == ".csv":
                file.csv = parse_csv(source.text)
            else:
                file.yaml = parse_yaml(source.text)
                file.dialect = Dialect(manifest=manifest, json=suffix == ".json")
        except (yaml.YAMLError, csv.Error) as error:
            raise SourcesProblem(f"{path} cannot be read again: {error}") from None
        self.files[path] = file
        return file

    def text_file(self, path: str) -> SourceFile:
        """A file edited whole (a page body's Markdown): its text, nothing parsed."""
        found = self.files.get(path)
        if found is not None:
            return found
        try:
            source = read_source(self.root / path, path, self.root)
        except FileProblem as failure:
            raise SourcesProblem(f"{path}: {failure.problem.message}") from None
        file = SourceFile(path, source.text)
        self.files[path] = file
        return file

    def new_file(self, path: str) -> SourceFile:
        """A file the edits create; refused (SourcesProblem) when something is there already."""
        found = self.files.get(path)
        if found is not None and found.created:
            return found
        target = self.root / path
        if found is not None or os.path.lexists(target):
            raise SourcesProblem(f"{path} exists already: it is not overwritten")
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise SourcesProblem(f"{path} would be outside the repository ({self.root})")
        file = SourceFile(path, "", created=True)
        self.files[path] = file
        return file

    def _read_database(self, desired: DesiredDatabase) -> DatabaseSource:
        manifest = self.file(desired.location.file, manifest=True)
        assert manifest.yaml is not None
        document = _document(manifest.yaml, desired.handle)
        if document is None:
            raise SourcesProblem(
                f"{manifest.path} no longer declares the database {desired.handle!r}"
            )
        source = DatabaseSource(desired, manifest, document, {}, [])
        try:
            places = self._places(source)
        except (Refused, SourcesProblem) as problem:
            source.problem = str(problem)
            return source
        source.problem = _pairing_problem(desired, places)
        if not source.problem:
            source.rows = {row.key: place for row, place in zip(desired.rows, places, strict=True)}
        return source

    def _places(self, source: DatabaseSource) -> list[RowPlace]:
        places: list[RowPlace] = []
        rows = source.document.entry("rows")
        if rows is not None and rows.value.kind == "seq":
            file = source.manifest
            places.extend(
                RowPlace(file, i, rows.value, rows.key) for i in range(len(rows.value.items))
            )
        elif rows is not None and rows.value.kind == "alias":
            raise Refused("its rows are an alias of rows written elsewhere")
        for path in self._rows_from(source):
            data = self.file(path, manifest=False)
            source.data_files.append(data)
            if data.csv is not None:
                places.extend(RowPlace(data, i) for i in range(len(data.csv.rows)))
            elif data.yaml is not None and data.yaml.roots and data.yaml.roots[0].kind == "seq":
                root = data.yaml.roots[0]
                places.extend(RowPlace(data, i, root) for i in range(len(root.items)))
        return places

    def _rows_from(self, source: DatabaseSource) -> list[str]:
        entry = source.document.entry("rows_from")
        if entry is None:
            return []
        nodes = entry.value.items if entry.value.kind == "seq" else [entry.value]
        folder = (self.root / source.manifest.path).parent
        paths: list[str] = []
        for node in nodes:
            try:
                name = expand(node.text, self.environ)
            except VariableProblem as problem:
                raise SourcesProblem(problem.message) from None
            target = Path(os.path.normpath(folder / name))
            paths.append(target.resolve().relative_to(self.root.resolve()).as_posix())
        return paths


def _document(tree: YamlText, handle: str) -> Node | None:
    for root in tree.roots:
        entry = root.entry("database") if root.kind == "map" else None
        if entry is not None and entry.value.kind == "scalar" and entry.value.text == handle:
            return root
    return None


def _pairing_problem(desired: DesiredDatabase, places: list[RowPlace]) -> str:
    """Why the places found do not match the rows loaded ("" when they do, one by one)."""
    if len(places) != len(desired.rows):
        return (
            f"{len(places)} rows are written but {len(desired.rows)} were loaded: the files"
            " changed while pull ran"
        )
    for row, place in zip(desired.rows, places, strict=True):
        if (row.location.file, row.location.line) != (place.file.path, place.line):
            return (
                f"row {row.key!r} was loaded from {row.location.file}:{row.location.line} but"
                f" is written at {place.file.path}:{place.line}"
            )
    return ""
