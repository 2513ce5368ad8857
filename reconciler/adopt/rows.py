"""Live rows as data: records in manifest form, and their YAML, JSON and CSV texts.

A record maps each declared, managed property of a row to its value as a manifest writes it
(people by e-mail, relations by the target row's key when that database is exported too, dates
as ISO text), so a YAML or JSON export is a valid ``rows_from`` file. CSV cells follow the
``rows_from`` CSV conventions (``reconciler.manifest.cells``):

- lists (multi_select, people, relation, files) are joined with ``"; "``, a ``;`` inside an item
  written ``\\;``; files as their URLs, or as a JSON list when a file has a name of its own
  (or is hosted by Notion);
- a date range is ``start/end``; place and verification are JSON objects, an expired
  verification included; checkboxes are ``true``/``false``;
- title and rich text are their plain text (formatting is not kept in CSV);
- an empty value is an empty cell;
- a cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab or carriage
  return first) starts with ``'``, which ``rows_from`` takes off again; numbers stay numbers;
- a cell holding a line break or a carriage return is quoted, so no record is ever split.

``naming_of`` and ``tables_of`` pick what an export of a live state writes. Called by the
``export`` command.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from reconciler.adopt.values import Naming, manifest_form
from reconciler.manifest.cells import formula_safe
from reconciler.manifest.yaml_writer import dump_yaml
from reconciler.model import (
    JSON,
    DesiredDatabase,
    DesiredState,
    LiveDatabase,
    LiveProperty,
    LiveRow,
    LiveState,
)
from reconciler.properties import codec_for
from reconciler.properties.text import plain_text

__all__ = [
    "FORMATS",
    "Table",
    "csv_text",
    "escaped_item",
    "json_text",
    "naming_of",
    "table_of",
    "tables_of",
    "yaml_text",
]

FORMATS = ("yaml", "json", "csv")


@dataclass(frozen=True)
class Table:
    """One database's exported rows: its columns (key first) and the live rows in order."""

    handle: str
    columns: tuple[LiveProperty, ...]
    rows: tuple[LiveRow, ...]


def table_of(desired: DesiredDatabase, live: LiveDatabase) -> Table:
    """The managed writable properties that exist live, key first, and the rows not in trash."""
    present = {p.name: p for p in live.properties}
    columns: list[LiveProperty] = []
    for spec in desired.managed_properties:
        prop = present.get(spec.name) or present.get(spec.renamed_from or "")
        if prop is not None and spec.writable and prop not in columns:
            columns.append(prop)
    columns.sort(key=lambda p: 0 if p.name == desired.key else 1)
    # Oldest first; Notion's creation times are whole minutes, so ties go by key.
    rows = tuple(
        sorted(
            (row for row in live.rows if not row.in_trash),
            key=lambda row: (row.created_time, row.key or "", row.page_id),
        )
    )
    return Table(desired.handle, tuple(columns), rows)


def naming_of(live: LiveState) -> Naming:
    """Users by e-mail, and every exported database's rows by their key."""
    keys = {
        handle: {row.page_id: row.key for row in db.rows if row.key and not row.in_trash}
        for handle, db in live.databases.items()
    }
    sources = {h: db.data_source_id for h, db in live.databases.items() if db.data_source_id}
    return Naming(users=live.users, keys=keys, data_sources=sources)


def tables_of(
    desired: DesiredState, live: LiveState, selected: Sequence[str]
) -> tuple[list[Table], list[str]]:
    """The tables of the selected databases, and the handles of those not created yet."""
    tables: list[Table] = []
    missing: list[str] = []
    for database in desired.databases:
        if database.handle not in selected:
            continue
        found = live.databases.get(database.handle)
        if found is None or found.database_id is None:
            missing.append(database.handle)
        else:
            tables.append(table_of(database, found))
    return tables, missing


def records(table: Table, naming: Naming, rows: Iterable[LiveRow]) -> list[dict[str, object]]:
    """Each row as ``{property: manifest value}``, empty values left out."""
    out: list[dict[str, object]] = []
    for row in rows:
        record: dict[str, object] = {}
        for prop in table.columns:
            value = row.values.get(prop.name, codec_for(prop.type).empty)
            if value != codec_for(prop.type).empty:
                record[prop.name] = manifest_form(prop, value, naming, strict=False)
        out.append(record)
    return out


def yaml_text(records: Sequence[Mapping[str, object]]) -> str:
    """A YAML list of rows (a ``rows_from`` file)."""
    return dump_yaml(list(records), manifest=False, block_depth=2) if records else "[]\n"


def json_text(records: Sequence[Mapping[str, object]]) -> str:
    """A JSON list of rows (a ``rows_from`` file)."""
    return json.dumps(list(records), indent=2, ensure_ascii=False) + "\n"


class _Records:
    """CSV records ending in LF, with every cell holding a CR or an LF quoted.

    The csv module quotes a cell holding any character of the line terminator, so a "\r\n"
    terminator makes it quote both; each record then ends with LF alone, as the repository's
    files do. (With "\n" it would leave a CR unquoted, and readers end the record there.)
    """

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")
        self.lines: list[str] = []

    def add(self, cells: Sequence[str]) -> None:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(cells)
        self.lines.append(self._buffer.getvalue()[:-2] + "\n")


def csv_text(table: Table, naming: Naming, rows: Iterable[LiveRow]) -> str:
    """A header of property names, then one line per row (cells as ``rows_from`` reads them)."""
    records = _Records()
    records.add([formula_safe(prop.name) for prop in table.columns])
    for row in rows:
        records.add([_cell(prop, row.values.get(prop.name), naming) for prop in table.columns])
    return "".join(records.lines)


def _item(item: object) -> str:
    text = str(item)
    if isinstance(item, dict):
        text = next((str(item[f]) for f in ("url", "page_id", "name") if f in item), text)
    return escaped_item(text)


def escaped_item(text: str) -> str:
    """An item as the CSV reader splits lists: ``;`` as ``\\;``, and a backslash that comes
    before another, before a ``;`` or at the end as ``\\\\`` (any other stays as it is)."""
    out: list[str] = []
    for index, char in enumerate(text):
        following = text[index + 1 : index + 2]
        if char == ";":
            out.append("\\;")
        elif char == "\\" and following in ("", "\\", ";"):
            out.append("\\\\")
        else:
            out.append(char)
    return "".join(out)


def _cell(prop: LiveProperty, value: JSON, naming: Naming) -> str:
    text = _cell_text(prop, value, naming)
    return text if prop.type == "number" else formula_safe(text)


def _cell_text(prop: LiveProperty, value: JSON, naming: Naming) -> str:
    if value is None or (value == codec_for(prop.type).empty and prop.type != "checkbox"):
        return ""
    if prop.type in ("title", "rich_text"):
        return plain_text(value)
    written = manifest_form(prop, value, naming, strict=False)
    if isinstance(written, bool):
        return "true" if written else "false"
    if isinstance(written, int | float):
        return json.dumps(written)
    if (
        prop.type == "files"
        and isinstance(written, list)
        and any(isinstance(item, dict) for item in written)
    ):
        return json.dumps(written, ensure_ascii=False)  # names of their own: kept as JSON
    if isinstance(written, list):
        return "; ".join(_item(item) for item in written)
    if prop.type == "date" and isinstance(written, dict):
        return f"{written.get('start')}/{written.get('end')}"
    if isinstance(written, dict):
        return json.dumps(written, ensure_ascii=False, sort_keys=True)
    return str(written)
