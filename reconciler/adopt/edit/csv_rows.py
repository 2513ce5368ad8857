"""Edits of a ``rows_from`` CSV file: cells, rows and columns, every other byte kept.

The file is split into records exactly as the rows_from reader splits it (``csv`` over the text
with its line endings), each record keeping its own text, line ending and the text of each cell
as written. A record no edit touches is written back as it was; a touched one is rebuilt from
its cells' texts, a changed cell quoted as it was (or as the file quotes: every cell, or only
where needed). New rows follow the header's order and the file's line ending; a property the
header lacks gets a column at the end. Cell texts come from ``cell_text``, the inverse of
``reconciler.manifest.cells``. Used by the engine.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from reconciler.adopt.edit.yaml_text import NotWritable
from reconciler.adopt.rows import escaped_item

__all__ = ["CsvEditor", "CsvRecord", "CsvTable", "cell_text", "parse_csv"]

_LIST_TYPES = frozenset({"multi_select", "people", "relation"})


@dataclass
class CsvRecord:
    """One record: its text (line ending apart), its cells as read and as written."""

    content: str
    ending: str
    cells: list[str]
    line: int
    """1-based line the record starts on."""

    @functools.cached_property
    def written(self) -> list[str] | None:
        """Each cell's text as written, quotes included (None: the record could not be split
        the way the csv module reads it). Worked out only for the records an edit touches."""
        split = _split(self.content)
        read = [cell for text in split for cell in (_read_cell(text) or [""])]
        return split if read == self.cells else None


@dataclass
class CsvTable:
    """A CSV file's records (blank ones too), its header, and how it writes lines and quotes."""

    records: list[CsvRecord]
    header: CsvRecord | None
    rows: list[CsvRecord] = field(default_factory=list)
    """The data records (blank lines aside), in order: the rows the reader builds."""

    @property
    def newline(self) -> str:
        first = self.header or (self.records[0] if self.records else None)
        return first.ending if first is not None and first.ending else "\n"

    @property
    def quotes_every_cell(self) -> bool:
        written = self.header.written if self.header is not None else None
        return bool(written) and all(cell.startswith('"') for cell in written or [])


def _lines(text: str) -> list[str]:
    return io.StringIO(text, newline="").readlines()


def _split(content: str) -> list[str]:
    """The cells' texts as written (the csv module's default dialect)."""
    cells: list[str] = []
    index, size = 0, len(content)
    while True:
        start = index
        if index < size and content[index] == '"':
            index += 1
            while index < size:
                if content[index] == '"':
                    if content[index + 1 : index + 2] == '"':
                        index += 2
                        continue
                    index += 1
                    break
                index += 1
        while index < size and content[index] != ",":
            index += 1
        cells.append(content[start:index])
        if index >= size:
            return cells
        index += 1


def _read_cell(written: str) -> list[str]:
    return next(csv.reader([written]), [])


def parse_csv(text: str) -> CsvTable:
    """The file's records; raises csv.Error on a file the rows_from reader refuses too."""
    lines = _lines(text)
    consumed: list[str] = []

    def feed() -> Iterator[str]:
        for line in lines:
            consumed.append(line)
            yield line

    records: list[CsvRecord] = []
    line_number = 1
    for cells in csv.reader(feed()):
        raw = "".join(consumed)
        consumed.clear()
        content = raw.rstrip("\r\n")
        records.append(CsvRecord(content, raw[len(content) :], cells, line_number))
        line_number += raw.count("\n") or 1
    data = [record for record in records if record.cells]
    return CsvTable(records, data[0] if data else None, data[1:])


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _needs_quotes(text: str) -> bool:
    return any(c in text for c in ',"\r\n') or text != text.strip(" \t")


def cell_text(type_name: str, value: object) -> str:
    """The cell a manifest value is written as; raises NotWritable for what CSV cannot hold
    (formatted text, a date with a time zone, a relation to an unmanaged page)."""
    if value is None:
        return ""
    if type_name in ("title", "rich_text"):
        return _plain_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    if type_name == "files" and isinstance(value, list):
        if any(isinstance(item, dict) for item in value):
            return json.dumps(value, ensure_ascii=False)
        return "; ".join(escaped_item(str(item)) for item in value)
    if type_name in _LIST_TYPES and isinstance(value, list):
        if not all(isinstance(item, str) for item in value):
            raise NotWritable("a CSV cell holds keys and e-mails only, not page ids")
        return "; ".join(escaped_item(item) for item in value)
    if type_name == "date" and isinstance(value, dict):
        if value.get("time_zone"):
            raise NotWritable("a CSV cell cannot hold a date's time zone")
        end = value.get("end")
        return f"{value.get('start')}/{end}" if end else str(value.get("start"))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return value
    raise NotWritable(f"a CSV cell cannot hold {value!r}")


def _plain_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(
        isinstance(run, str) or (isinstance(run, dict) and set(run) == {"text"}) for run in value
    ):
        return "".join(run if isinstance(run, str) else str(run["text"]) for run in value)
    raise NotWritable("a CSV cell holds plain text only, not formatting or links")


class CsvEditor:
    """Records edits of one CSV file; ``text()`` makes them."""

    def __init__(self, table: CsvTable) -> None:
        self.table = table
        self._cells: dict[int, dict[int, str]] = {}
        self._removed: set[int] = set()
        self._appended: list[Mapping[str, str]] = []
        self._renamed: dict[int, str] = {}
        self._columns: list[str] = []

    def column(self, name: str) -> int | None:
        """The index of the header cell naming ``name`` (as the reader matches it; a column
        renamed by an edit goes by its new name)."""
        for index, new in self._renamed.items():
            if new == name:
                return index
        header = self.table.header
        for index, cell in enumerate(header.cells if header is not None else []):
            if name in (cell, cell.strip()):
                return index
        if name in self._columns:
            return len(header.cells if header else []) + self._columns.index(name)
        return None

    def set_cell(self, row: int, name: str, text: str) -> None:
        index = self.column(name)
        if index is None:
            self._columns.append(name)
            index = self.column(name)
            assert index is not None
        if self.table.rows[row].written is None:
            raise NotWritable("this CSV record's layout could not be read cell by cell")
        self._cells.setdefault(row, {})[index] = text

    def remove_row(self, row: int) -> None:
        self._removed.add(row)

    def append_row(self, cells: Mapping[str, str]) -> None:
        for name in cells:
            if self.column(name) is None:
                self._columns.append(name)
        self._appended.append(dict(cells))

    def rename_column(self, old: str, new: str) -> None:
        index = self.column(old)
        if index is not None:
            self._renamed[index] = new

    def text(self) -> str:
        """The file with every recorded edit made."""
        rows = {id(record): index for index, record in enumerate(self.table.rows)}
        parts: list[str] = []
        for record in self.table.records:
            row = rows.get(id(record))
            if row is not None and row in self._removed:
                continue
            parts.append(self._record_text(record, row))
        if self._appended:
            if parts and not parts[-1].endswith(("\n", "\r")):
                parts.append(self.table.newline)
            width = len(self.table.header.cells if self.table.header else []) + len(self._columns)
            parts.extend(self._new_record(cells, width) for cells in self._appended)
        return "".join(parts)

    def _record_text(self, record: CsvRecord, row: int | None) -> str:
        changes = self._cells.get(row, {}) if row is not None else {}
        renames = self._renamed if record is self.table.header else {}
        if not record.cells or not (changes or renames or self._columns):
            return record.content + record.ending
        written = list(record.written or [])
        for index, text in {**changes, **renames}.items():
            while len(written) <= index:
                written.append("")
            was_quoted = written[index].startswith('"')
            written[index] = self._cell(text, quoted=was_quoted)
        if record is self.table.header:
            written.extend(self._cell(name, quoted=False) for name in self._columns)
        else:
            width = len(self.table.header.cells if self.table.header else []) + len(self._columns)
            written.extend("" for _ in range(width - len(written)))
        return ",".join(written) + record.ending

    def _new_record(self, cells: Mapping[str, str], width: int) -> str:
        written = [""] * width
        for name, text in cells.items():
            index = self.column(name)
            assert index is not None
            written[index] = self._cell(text, quoted=False)
        if self.table.quotes_every_cell:
            written = [
                w if w.startswith('"') else _quoted(_read_cell(w)[0] if w else "") for w in written
            ]
        return ",".join(written) + self.table.newline

    def _cell(self, text: str, *, quoted: bool) -> str:
        if quoted or self.table.quotes_every_cell or _needs_quotes(text):
            return _quoted(text)
        return text
