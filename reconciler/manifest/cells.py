"""CSV cells to manifest values: how a text cell is read for each property type.

A CSV file has only text, so the header's property types decide what a cell means before the
codec sees it (the codec then checks it exactly as it checks a YAML value):

- an empty cell leaves the property unset (its empty value);
- number: ``3``, ``-2.5``, ``1e3`` are numbers; other text goes to the codec, which refuses it;
- checkbox: ``true``/``false``, ``yes``/``no``, ``1``/``0``, ``x`` (any case);
- multi_select, people, relation, files: items separated by ``;`` (``\\;`` for a literal
  semicolon, ``\\\\`` for a backslash before one or at the end of an item), each trimmed:
  ``design; docs``;
- date: ``2026-12-01``, ``2026-12-01T09:00+02:00``, or a range ``start/end``;
- files: URLs separated by ``;``, or a JSON list when files have names of their own:
  ``[{"name": "Wireframes", "url": "https://example.com/w.png"}]``;
- place, verification: a JSON object, e.g. ``{"lat": 52.52, "lon": 13.40}``; verification
  also takes ``verified`` or ``unverified``;
- every other type (title, rich_text, select, status, url, email, phone_number): the text.

A cell of any type but number that starts with ``'`` followed by ``=``, ``+``, ``-``, ``@``, a
tab, a carriage return or another ``'`` stands for the text without that first ``'``: export
writes cells that a spreadsheet would run as a formula that way (``'=HYPERLINK(...)``), as
spreadsheets themselves do, and reading them gives back the text exactly (``formula_safe`` and
``cell_text`` are each other's inverse). Called by the rows_from reader and by export.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Final

from reconciler.manifest.scalars import decimal_integer

__all__ = ["LIST_SEPARATOR", "cell_reader", "cell_text", "cell_value", "formula_safe"]

LIST_SEPARATOR: Final = ";"
_FORMULA_LEAD = re.compile(r"[=+\-@\t\r]|'[=+\-@\t\r']")
"""Text a spreadsheet would run as a formula (or that reads as an escaped one)."""
_ESCAPED = re.compile(r"'(?=[=+\-@\t\r'])")
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\Z")
_CHECKBOX: Final = {
    "true": True, "yes": True, "1": True, "x": True,
    "false": False, "no": False, "0": False,
}  # fmt: skip


def _number(text: str) -> object:
    if not _NUMBER.match(text):
        return text
    return float(text) if any(c in text for c in ".eE") else decimal_integer(text)


def _checkbox(text: str) -> object:
    return _CHECKBOX.get(text.lower(), text)


def _items(text: str) -> object:
    """Items split at ``;``; ``\\;`` is a semicolon and ``\\\\`` a backslash inside an item (any
    other backslash is itself, so ``C:\\dir`` needs no escaping)."""
    if "\\" not in text:  # nothing escaped: a plain split says the same, faster
        return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
    parts: list[str] = []
    current: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            if following in ("\\", LIST_SEPARATOR):
                current.append(following)
            else:
                current.append(char + following)
        elif char == LIST_SEPARATOR:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _date(text: str) -> object:
    if "/" in text:
        start, _, end = text.partition("/")
        return {"start": start.strip(), "end": end.strip() or None}
    return text


def _json_object(text: str) -> object:
    if text.startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text  # the codec refuses the text with its own message
    return text


def _verification(text: str) -> object:
    if text.lower() in ("verified", "unverified"):
        return {"state": text.lower()}
    return _json_object(text)


def _files(text: str) -> object:
    """URLs separated by ``;``, or a JSON list of files (``[{"name": ..., "url": ...}]``) when
    the files carry names of their own."""
    if text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pass  # not JSON after all: URLs
    return _items(text)


_READERS: Final[dict[str, Callable[[str], object]]] = {
    "number": _number,
    "checkbox": _checkbox,
    "multi_select": _items,
    "people": _items,
    "relation": _items,
    "files": _files,
    "date": _date,
    "place": _json_object,
    "verification": _verification,
}


def formula_safe(text: str) -> str:
    """The text as a CSV cell no spreadsheet runs as a formula: ``'`` before a leading ``=``,
    ``+``, ``-``, ``@``, tab or carriage return (and before a ``'`` that ``cell_text`` would
    otherwise take for such a mark)."""
    return "'" + text if _FORMULA_LEAD.match(text) else text


def cell_text(cell: str) -> str:
    """The text a cell written by ``formula_safe`` (or by hand) stands for."""
    return cell[1:] if _ESCAPED.match(cell) else cell


def cell_value(type_name: str, text: str) -> object:
    """The manifest value a CSV cell stands for; None for an empty cell."""
    stripped = text.strip()
    if not stripped:
        return None
    if type_name in ("title", "rich_text"):
        return cell_text(text)  # spaces inside text are the author's
    if type_name == "number":
        return _number(stripped)
    stripped = cell_text(stripped).strip()
    reader = _READERS.get(type_name)
    return reader(stripped) if reader is not None else stripped


def cell_reader(type_name: str) -> Callable[[str], object]:
    """What reads the cells of a column of this property type: for every cell, the same as
    ``cell_value(type_name, cell)``, decided once per column rather than once per cell.

    Text columns take a shortcut for the usual cell (neither blank nor starting with ``'``);
    the other columns read each distinct cell once: their cells repeat (options, people, days,
    numbers of a small range), and the values read are never changed afterwards."""
    if type_name in ("title", "rich_text"):
        return _text_cell
    read: dict[str, object] = {}

    def remembered(cell: str) -> object:
        try:
            return read[cell]
        except KeyError:
            value = read[cell] = cell_value(type_name, cell)
            return value

    return remembered


def _text_cell(cell: str) -> object:
    """A title or rich_text cell's value, as ``cell_value`` reads it."""
    if cell and cell[0] != "'" and not cell.isspace():
        return cell  # nothing to strip or unescape: spaces inside text are the author's
    return cell_value("title", cell)
