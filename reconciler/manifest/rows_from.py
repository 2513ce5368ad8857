"""``rows_from``: rows kept in CSV, YAML or JSON files next to a manifest.

Paths are relative to the manifest's folder and must stay inside the repository once symbolic
links are resolved. A CSV file's header names properties and each cell is read for its property's
type (``reconciler.manifest.cells``); a YAML or JSON file holds a list of row mappings. Every row
comes back with the document and path it came from, so value problems point at the data file's
line. ``${VAR}`` is not expanded in data files. Called by the database builder.
"""

from __future__ import annotations

import csv
import json
import os
import re
from array import array
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePath

from reconciler.errors import Problem
from reconciler.manifest.cells import cell_reader, cell_text
from reconciler.manifest.declarations import RESERVED_KEYS, Declarations, did_you_mean
from reconciler.manifest.located import DataPath, Marks, YamlDocument
from reconciler.manifest.rows import RowSource
from reconciler.manifest.scalars import decimal_integer
from reconciler.manifest.source import FileProblem, SourceFile, read_source
from reconciler.manifest.yaml_reader import read_documents

__all__ = ["data_file_paths", "read_rows_from"]

_SUFFIXES = (".csv", ".yaml", ".yml", ".json")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_WITH_BREAK = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")

_CellReader = Callable[[str], object]
"""Reads one cell of a column to its manifest value (None: the cell sets nothing)."""
_Column = tuple[str, "_CellReader | None"]
"""A column's property name and what reads its cells (None: a column to skip)."""


def _entries(manifest: YamlDocument) -> list[tuple[DataPath, str]]:
    data = manifest.data
    raw = data.get("rows_from") if isinstance(data, Mapping) else None
    if isinstance(raw, str):
        return [(("rows_from",), raw)]
    if isinstance(raw, list):
        return [(("rows_from", i), item) for i, item in enumerate(raw) if isinstance(item, str)]
    return []


def data_file_paths(manifest: YamlDocument) -> list[Path]:
    """The resolved paths of the data files a manifest names (to skip them as manifests)."""
    base = manifest.source.path.parent
    return [(base / entry).resolve() for _, entry in _entries(manifest)]


def read_rows_from(
    manifest: YamlDocument, declarations: Declarations, root: Path, problems: list[Problem]
) -> list[RowSource]:
    """The rows of every file named by the manifest's ``rows_from``, in order."""
    rows: list[RowSource] = []
    for path, entry in _entries(manifest):
        source = _open(manifest, path, entry, root, problems)
        if source is None:
            continue
        if source.path.suffix.lower() == ".csv":
            document = _csv_document(source, declarations, problems)
            rows.extend(RowSource(document, (i,)) for i in range(len(document.data)))  # type: ignore[arg-type]
        else:
            rows.extend(_structured_rows(source, problems))
    return rows


def _open(
    manifest: YamlDocument, path: DataPath, entry: str, root: Path, problems: list[Problem]
) -> SourceFile | None:
    display = os.path.normpath(PurePath(manifest.source.display).parent / entry)
    target = (manifest.source.path.parent / entry).resolve()
    if not target.is_relative_to(root.resolve()):
        problems.append(
            manifest.problem(
                path,
                f"rows_from {entry!r} is outside the repository ({root})",
                "keep data files inside the repository; links that lead outside are refused",
            )
        )
        return None
    if target.suffix.lower() not in _SUFFIXES:
        problems.append(
            manifest.problem(
                path,
                f"rows_from {entry!r} is not a .csv, .yaml, .yml or .json file",
                "keep rows in a CSV file (header = property names), or a YAML or JSON list",
            )
        )
        return None
    try:
        return read_source(target, display, root)
    except FileProblem as failure:
        problem = failure.problem
        if problem.line:
            problems.append(problem)
        else:
            problems.append(
                manifest.problem(path, f"rows_from {entry!r}: {problem.message}", problem.hint)
            )
        return None


def _field_columns(line: str) -> list[int]:
    """1-based columns where the fields of a one-line CSV record start."""
    columns, quoted = [1], False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            columns.append(index + 2)
    return columns


class _Lines:
    """A text's lines as the csv module reads them (ended by CR, LF or CRLF), each kept as where
    it starts rather than as a copy: a CSV of 50,000 rows would otherwise be held twice more
    while it loads (as a list of lines, and as the four bytes a character of ``io.StringIO``)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts = array("q")

    def read(self) -> Iterator[str]:
        """Each line with its line break, remembered as it is read."""
        for line in _LINE_WITH_BREAK.finditer(self._text):
            self._starts.append(line.start())
            yield line.group()

    def __getitem__(self, index: int) -> str:
        """The ``index``-th line read (from 0), without its line break."""
        start = self._starts[index]
        found = _LINE_BREAK.search(self._text, start)
        return self._text[start : found.start() if found is not None else len(self._text)]


class _CsvMarks(Marks):
    """Where the rows and cells of a CSV document are: each row's line, cells found on demand.

    One mark per cell (10,000 rows of 8 cells: 80,000 entries, some 20 MB while loading) would
    be kept for the rare problem; a row's line and the header's order are enough to find a
    cell's column again when a problem needs it.
    """

    def __init__(self, lines: _Lines) -> None:
        super().__init__()
        self._lines = lines
        self._starts: list[int] = []  # each row's first line; negative when it spans several
        self.columns_of: dict[str, int] = {}  # header name -> its position

    def add_row(self, line: int, *, single_line: bool) -> None:
        self._starts.append(line if single_line else -line)

    def value_mark(self, path: DataPath) -> tuple[int, int]:
        index = path[0] if path else None
        if not isinstance(index, int) or not 0 <= index < len(self._starts):
            return super().value_mark(path)
        start = self._starts[index]
        name = path[1] if len(path) > 1 else None
        position_of = self.columns_of.get(name) if isinstance(name, str) else None
        if start < 0 or position_of is None:
            return (abs(start), 1)
        columns = _field_columns(self._lines[start - 1])
        return (start, columns[position_of] if position_of < len(columns) else 1)

    def key_mark(self, path: DataPath) -> tuple[int, int]:
        return self.value_mark(path)


def _csv_document(
    source: SourceFile, declarations: Declarations, problems: list[Problem]
) -> YamlDocument:
    """The CSV's rows as a document of row mappings (cells read for their property types)."""
    # The csv module ends a line at CR, LF or CRLF, inside quoted cells too; so do these lines,
    # so that its line numbers find them.
    lines = _Lines(source.text)
    reader = csv.reader(lines.read())
    rows: list[object] = []
    marks = _CsvMarks(lines)
    header: list[tuple[str, int]] | None = None
    columns_readers: list[_Column] = []
    end = 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not cells:
                continue
            if header is None:
                # Only the header's columns are found now; a row's are found again from its
                # line when one of its cells has a problem (``_CsvMarks.value_mark``).
                columns = _field_columns(lines[start - 1]) if start == end else []
                header = _header(
                    source, cells, columns, start, declarations=declarations, problems=problems
                )
                marks.columns_of = {name: index for index, (name, _) in enumerate(header) if name}
                columns_readers = _column_readers(header, declarations)
                continue
            row = _csv_row(source, cells, start, columns_readers, problems)
            if row is not None:
                marks.add_row(start, single_line=start == end)
                rows.append(row)
    except csv.Error as error:
        problems.append(
            Problem(
                source.display,
                reader.line_num,
                1,
                f"malformed CSV: {error}",
                'quote cells holding commas, quotes or line breaks: "a, b"',
            )
        )
    return YamlDocument(source, rows, marks)


def _header(
    source: SourceFile,
    cells: list[str],
    columns: list[int],
    line: int,
    *,
    declarations: Declarations,
    problems: list[Problem],
) -> list[tuple[str, int]]:
    """(property name, column) of each header cell; '' for a column to skip."""
    declared = [spec.name for spec in declarations.specs]
    header: list[tuple[str, int]] = []
    for index, written in enumerate(cells):
        # Exactly as written when that is declared (" Spaced "), else without the spaces.
        cell = cell_text(written)
        known = declarations.spec(cell) is not None or cell in RESERVED_KEYS
        name = cell if known else cell.strip()
        column = columns[index] if index < len(columns) else 1
        message = ""
        if not name:
            message = f"column {index + 1} of the header has no name"
        elif name in (seen[0] for seen in header):
            message = f"the header names {name!r} twice"
        elif declarations.spec(name) is None and name not in RESERVED_KEYS:
            message = f"the header names {name!r}, which is not declared" + did_you_mean(
                name, declared
            )
        if message:
            problems.append(
                Problem(
                    source.display,
                    line,
                    column,
                    message,
                    "the header names declared properties, one per column",
                )
            )
            name = ""
        header.append((name, column))
    return header


def _page_cell(cell: str) -> object:
    """A cell of a page part's column (``_icon``, ``_body``...): its text; empty sets none."""
    return cell_text(cell) if cell else None


def _column_readers(header: list[tuple[str, int]], declarations: Declarations) -> list[_Column]:
    """Each column's name and what reads its cells (None: a column to skip)."""
    readers: list[_Column] = []
    for name, _ in header:
        spec = declarations.spec(name) if name else None
        if name in RESERVED_KEYS:
            readers.append((name, _page_cell))
        else:
            readers.append((name, cell_reader(spec.type) if spec is not None else None))
    return readers


def _csv_row(
    source: SourceFile,
    cells: list[str],
    line: int,
    columns: list[_Column],
    problems: list[Problem],
) -> dict[str, object] | None:
    """The row's manifest values by property name, each cell read by its column's reader."""
    if len(cells) != len(columns):
        problems.append(
            Problem(
                source.display,
                line,
                1,
                f"this CSV record has {len(cells)} cells; the header has {len(columns)}",
                'quote cells that contain commas: "a, b"',
            )
        )
        return None
    return {
        name: value
        for (name, read), cell in zip(columns, cells, strict=True)
        if read is not None and (value := read(cell)) is not None
    }


def _structured_rows(source: SourceFile, problems: list[Problem]) -> list[RowSource]:
    """Rows of a YAML or JSON data file: one document holding a list of row mappings."""
    document = (
        _json_document(source, problems)
        if source.path.suffix.lower() == ".json"
        else (_yaml_document(source, problems))
    )
    if document is None:
        return []
    if not isinstance(document.data, list):
        problems.append(
            document.problem((), "a rows_from file holds a list of rows", "write - {Name: ...}")
        )
        return []
    rows: list[RowSource] = []
    for index, row in enumerate(document.data):
        if isinstance(row, dict):
            rows.append(RowSource(document, (index,)))
        else:
            problems.append(
                document.problem(
                    (index,),
                    f"row {index + 1} must be a mapping of property names to values",
                    "write each row as {Name: ..., Status: ...}",
                )
            )
    return rows


def _yaml_document(source: SourceFile, problems: list[Problem]) -> YamlDocument | None:
    result = read_documents(source, None)
    problems.extend(result.problems)
    if not result.complete:
        return None
    if len(result.documents) > 1:
        problems.append(
            result.documents[1].problem(
                (), "a rows_from file holds one YAML document", "put every row in one list"
            )
        )
        return None
    return result.documents[0] if result.documents else None


def _json_document(source: SourceFile, problems: list[Problem]) -> YamlDocument | None:
    try:
        data = json.loads(source.text, object_pairs_hook=_unique_keys, parse_int=decimal_integer)
    except RecursionError:
        # json recurses once per nesting level; rows need two ([{...}]), so this is not rows
        problems.append(
            Problem(
                source.display,
                1,
                1,
                "the JSON data is nested too deeply to read",
                'a rows_from JSON file holds a list of flat row objects: [{"Name": ...}]',
            )
        )
        return None
    except json.JSONDecodeError as error:
        problems.append(
            Problem(
                source.display,
                error.lineno,
                error.colno,
                f"malformed JSON: {error.msg}",
                "JSON has no trailing commas or comments; strings take double quotes",
            )
        )
        return None
    except ValueError as error:
        problems.append(
            Problem(source.display, 1, 1, f"malformed JSON: {error}", "write each key once")
        )
        return None
    # JSON is YAML, so the YAML reader gives the lines; JSON that libyaml refuses (surrogate
    # escapes) keeps its data and points at the file's first line.
    located = read_documents(source, None)
    if located.complete and len(located.documents) == 1 and located.documents[0].data == data:
        return located.documents[0]
    return YamlDocument(source, data, Marks())


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result
