"""Manifest rows to ``DesiredRow`` values: canonical values through the codecs, keys, duplicates.

``build_rows`` takes the rows of one database (inline ``rows`` and those read from ``rows_from``
files, each with the document and path it came from) and gives every row the canonical value of
every declared, writable, non-ignored property (``codec.empty`` for those the row leaves out), in
manifest order. Every value problem points inside the value (``ValueProblem.path``). Most rows
are read in one pass (``_known_row_values``: values met before in the column, and texts); any
other row is read again the general way (``_row_values``), which reports its problems. Called by
the database builder.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Final, NamedTuple

from reconciler.errors import Problem
from reconciler.manifest.declarations import Declarations, did_you_mean
from reconciler.manifest.located import DataPath, YamlDocument
from reconciler.manifest.pages import RESERVED_KEYS, PageParts, PageRules, page_parts
from reconciler.model import JSON, DesiredRow, PropertySpec, RowKey, SourceLocation
from reconciler.properties import PropertyCodec, ValueProblem, shared_value
from reconciler.properties.text import text_is_canonical

__all__ = ["BuiltRow", "RowSource", "build_rows"]

_TEXT_TYPES: Final = frozenset({"title", "rich_text", "phone_number"})
"""Properties whose values are text, where a YAML number stands for the text written."""


def _as_written(document: YamlDocument, path: DataPath, value: object) -> object:
    """``value`` with each number (alone, or an item of a list) replaced by its text as written:
    ``Phone: +4420`` and ``Name: 007`` are read as numbers, but the author meant the text."""
    texts = document.marks.number_texts
    if isinstance(value, int | float) and not isinstance(value, bool):
        return texts.get(path, value)
    if isinstance(value, list):
        return [_as_written(document, (*path, index), item) for index, item in enumerate(value)]
    return value


class RowSource(NamedTuple):
    """Where a row was written: its document and its path in it. A named tuple: one is made
    for every row, and a frozen dataclass takes several times as long to make."""

    document: YamlDocument
    path: DataPath


class BuiltRow(NamedTuple):
    """A desired row with where it came from (for cross-database checks of its values).

    ``body_unfound``: the database's ``body_from`` names a file for this row that does not
    exist, so its body is not managed. A named tuple, as ``RowSource``."""

    row: DesiredRow
    source: RowSource
    body_unfound: bool = False


def build_rows(
    handle: str,
    sources: Sequence[RowSource],
    declarations: Declarations,
    problems: list[Problem],
    pages: PageRules | None = None,
) -> list[BuiltRow]:
    """The valid rows in order, with their pages' parts (``pages``); problems for invalid
    values, missing and duplicate keys, and pages' parts that cannot be read."""
    managed = [
        (spec.name, declarations.codecs[spec.name].empty)
        for spec in declarations.specs
        if spec.writable and spec.name not in declarations.ignore
    ]
    # Every managed property with its empty value, in manifest order: a row's values start as
    # a copy of it (the order and the empties ``{name: values.get(name, empty)}`` gives).
    empties = dict(managed)
    columns = _Columns(declarations)
    untemplated = pages is None or pages.template is None
    first_seen: dict[RowKey, SourceLocation] = {}
    built: list[BuiltRow] = []
    for source in sources:
        raw = source.document.data
        for part in source.path:
            raw = raw[part]  # type: ignore[index]
        if type(raw) is not dict and not isinstance(raw, Mapping):
            continue  # reported by the schema check or the rows_from reader
        canonical = _known_row_values(source, raw, columns, empties)
        if canonical is not None:
            if untemplated and raw.keys().isdisjoint(RESERVED_KEYS):
                parts = _NO_PARTS  # ``_page``'s answer, without the call (most rows)
            else:
                # The values the row sets, for the body template (``_row_values`` gives them).
                named = {name: canonical[name] for name in raw if name not in RESERVED_KEYS}
                parts = _page(source, raw, pages, (declarations, named), problems)
            row = _keyed_row(handle, source, canonical, declarations, first_seen, problems=problems)
            if row is not None and parts.usable:
                if parts is not _NO_PARTS:
                    row = dataclasses.replace(
                        row, icon=parts.icon, cover=parts.cover, body=parts.body
                    )
                built.append(BuiltRow(row, source, parts.unfound))
            continue
        values, valid = _row_values(source, raw, columns, problems)
        if not valid:
            if declarations.key is not None and declarations.key in values:
                # The row is not built, but its key still counts: a duplicate is reported too.
                _keyed_row(handle, source, values, declarations, first_seen, problems=problems)
            continue
        canonical = {name: values.get(name, empty) for name, empty in managed}
        parts = _page(source, raw, pages, (declarations, values), problems)
        row = _keyed_row(handle, source, canonical, declarations, first_seen, problems=problems)
        if row is not None and parts.usable:
            if parts is not _NO_PARTS:
                row = dataclasses.replace(row, icon=parts.icon, cover=parts.cover, body=parts.body)
            built.append(BuiltRow(row, source, parts.unfound))
    return built


_NO_PARTS: Final = PageParts()
"""A row that names no icon, cover or body, in a database without a body template."""


def _page(
    source: RowSource,
    raw: Mapping[str, object],
    pages: PageRules | None,
    named: tuple[Declarations, Mapping[str, JSON]],
    problems: list[Problem],
) -> PageParts:
    """The row's page parts (none when the database's pages are not described)."""
    if pages is None or (pages.template is None and raw.keys().isdisjoint(RESERVED_KEYS)):
        return _NO_PARTS
    template = (pages.template, *named) if pages.template is not None else None
    return page_parts(
        source.document,
        source.path,
        raw,
        root=pages.root,
        template=template,
        problems=problems,
    )


_UNSEEN: Final = object()
"""No canonical value is known yet for this value of the column."""


class _Column:
    """One declared, non-ignored property as its rows' values are read (a read-only one refuses
    them): its spec and codec, and the canonical values already made of earlier rows' values.

    A codec's ``from_manifest`` depends only on the value and the property's configuration, so
    a value met again (``Done``, ``ada@example.com``, ``docs; data``) takes the canonical value
    made the first time, one shared copy, instead of being read again. Only values whose
    equality is exact are remembered (texts, integers, booleans, None and lists of texts: not
    ``1.0`` and ``-0.0``, which equal other values that read differently). Text properties are
    not remembered: their values rarely repeat, and a YAML number's text depends on where it is
    written. Values other than texts are also remembered by identity, as a CSV column's reader
    gives one object per distinct cell (and a YAML alias one per anchor): no key is made for
    them then. Problems are never remembered: each row's is reported where it is."""

    __slots__ = ("as_is", "codec", "known", "reads_text", "same", "spec")

    def __init__(self, spec: PropertySpec, codec: PropertyCodec) -> None:
        self.spec = spec
        self.codec = codec
        self.known: dict[object, JSON] | None = None if spec.type in _TEXT_TYPES else {}
        # What ``canonical`` comes to for a text value of a column it does not remember.
        self.reads_text = (
            codec.from_manifest if self.known is None and not codec.repeating else None
        )
        # Whether a text is its own canonical value (most titles and rich texts).
        self.as_is = text_is_canonical if spec.type in ("title", "rich_text") else None
        # Each kept with its value, so that no other object takes its identity meanwhile.
        self.same: dict[int, tuple[object, JSON]] = {}

    def remembered(self, value: object) -> object:
        """The canonical value made before of a value that reads the same (``_UNSEEN``: none),
        found by the text itself, by the object's identity, or by its exact key."""
        known = self.known
        if known is None:
            return _UNSEEN
        if type(value) is str:
            return known.get(value, _UNSEEN)
        same = self.same.get(id(value))
        if same is not None and same[0] is value:
            return same[1]
        return known.get(_exact_key(value), _UNSEEN)

    def canonical(self, document: YamlDocument, path: DataPath, value: object) -> JSON:
        """The value's canonical form; raises ValueProblem when the property cannot take it."""
        found = self.remembered(value)
        if found is not _UNSEEN:
            return found  # type: ignore[return-value]
        known = self.known
        spec, codec = self.spec, self.codec
        written = (
            _as_written(document, path, value)
            if spec.type in _TEXT_TYPES and not isinstance(value, str)
            else value
        )
        canonical = codec.from_manifest(written, spec.config)
        if codec.repeating:
            canonical = shared_value(canonical)
        if known is not None:
            key = _exact_key(value)
            if key is not _UNSEEN:
                known[key] = canonical
            if type(value) is not str:
                self.same[id(value)] = (value, canonical)
        return canonical


def _exact_key(value: object) -> object:
    """A key equal only to the keys of values that read the same (``_UNSEEN``: none)."""
    kind = type(value)
    if kind is str:
        return value
    if kind is int or kind is bool or value is None:
        return (kind, value)
    if isinstance(value, list) and kind is list and all(type(item) is str for item in value):
        return tuple(value)
    return _UNSEEN


class _Columns:
    """The columns of one database by property name, and what the row problems need."""

    def __init__(self, declarations: Declarations) -> None:
        self.declarations = declarations
        self.declared = [spec.name for spec in declarations.specs]
        self.by_name = {
            spec.name: _Column(spec, declarations.codecs[spec.name])
            for spec in declarations.specs
            if spec.name not in declarations.ignore
        }
        self.managed = {
            name: column for name, column in self.by_name.items() if column.spec.writable
        }
        """The columns a row's values are kept for (the others refuse any value)."""


def _known_row_values(
    source: RowSource,
    raw: Mapping[str, object],
    columns: _Columns,
    empties: Mapping[str, JSON],
) -> dict[str, JSON] | None:
    """The row's canonical values in manifest order (empties for those it leaves out), as
    ``_row_values`` and ``build_rows`` make them, for a row whose every value can be read: most
    are values met before, or texts. None for any other row (a value the property refuses, a
    property it cannot set), which ``_row_values`` reads again and reports; nothing is
    reported here."""
    managed = columns.managed
    values = dict(empties)
    for name, value in raw.items():
        column = managed.get(name)
        if column is None:
            if name in RESERVED_KEYS:
                continue  # the page's parts, read by ``pages``
            return None
        if column.known is not None:
            found = column.remembered(value)
            if found is not _UNSEEN:
                values[name] = found  # type: ignore[assignment]
                continue
        elif type(value) is str and column.reads_text is not None:
            # A text property's text (a CSV cell, most YAML values): the codec's reading of it,
            # with no number to take as written; most titles and rich texts are that already.
            as_is = column.as_is
            if as_is is not None and as_is(value):
                values[name] = value
                continue
            try:
                values[name] = column.reads_text(value, column.spec.config)
            except ValueProblem:
                return None
            continue
        try:
            values[name] = column.canonical(source.document, (*source.path, name), value)
        except ValueProblem:
            return None
    return values


def _row_values(
    source: RowSource,
    raw: Mapping[str, object],
    columns: _Columns,
    problems: list[Problem],
) -> tuple[dict[str, JSON], bool]:
    """The canonical values the row sets (those that are right), and whether all of them are
    (problems added for the others)."""
    document, path = source.document, source.path
    by_name = columns.by_name
    values: dict[str, JSON] = {}
    valid = True
    for name, value in raw.items():
        column = by_name.get(name)
        if column is None:
            if name in RESERVED_KEYS:
                continue  # the page's parts, read by ``pages``
            valid = False
            problems.append(_unusable(document, (*path, name), name, columns))
            continue
        try:
            values[name] = column.canonical(document, (*path, name), value)
        except ValueProblem as problem:
            valid = False
            value_path = (*path, name, *problem.path)
            if not document.is_tainted(value_path):
                problems.append(
                    document.problem(
                        value_path,
                        f"{name}: {problem.message}",
                        problem.hint
                        or f"write a {column.spec.type} value (see docs/properties.md)",
                    )
                )
    return values, valid


def _unusable(document: YamlDocument, path: DataPath, name: str, columns: _Columns) -> Problem:
    """The problem of a row that sets a property it cannot: undeclared, or ignored."""
    row = _row_name(path[:-1])
    if name in columns.declarations.codecs:  # declared, so ignored
        return document.problem(
            path,
            f"{row} sets {name!r}, which is listed under `ignore`",
            "ignored properties are never written: remove the value or the ignore entry",
            at_key=True,
        )
    return document.problem(
        path,
        f"{row} sets {name!r}, which is not declared" + did_you_mean(name, columns.declared),
        "declare it under `properties`, or remove it from the row",
        at_key=True,
    )


def _keyed_row(
    handle: str,
    source: RowSource,
    values: dict[str, JSON],
    declarations: Declarations,
    first_seen: dict[RowKey, SourceLocation],
    *,
    problems: list[Problem],
) -> DesiredRow | None:
    key_name = declarations.key
    if key_name is None:
        return None  # no usable key property: reported with the declarations
    document, path = source.document, source.path
    try:
        key = declarations.codecs[key_name].key_text(values[key_name])
    except ValueProblem as problem:
        hint = problem.hint or "key types: title, rich_text, number, url, email, phone_number"
        problems.append(document.problem(path, problem.message, hint))
        return None
    location = document.location(path)
    if key is None:
        problems.append(
            document.problem(
                path,
                f"{_row_name(path)} has no key: its {key_name!r} is empty",
                f"give every row a {key_name!r}: it identifies the row in Notion",
            )
        )
        return None
    hidden = _control_character(key)
    if hidden is not None:
        problems.append(
            document.problem(
                (*path, key_name),
                f"{_row_name(path)}'s key {key!r} contains the control character {hidden}",
                "keys are shown in plans, terminals and pull-request comments: remove line"
                " breaks, tabs, escapes and direction overrides from the key",
            )
        )
        return None
    first = first_seen.get(key)
    if first is not None:
        problems.append(
            document.problem(
                (*path, key_name),
                f"duplicate row key {key!r} in database {handle!r} (first at {first})",
                "keys identify rows: each row of a database needs its own",
            )
        )
        return None
    first_seen[key] = location
    return DesiredRow(key, values, location)


# Unicode's bidirectional overrides and isolates reorder what a reviewer sees ("Trojan Source").
_DIRECTION_CONTROLS: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _control_character(key: str) -> str | None:
    """The first control character of a key, as ``U+001B``; None when it has none."""
    if key.isprintable():
        return None  # control characters and direction controls are never printable
    for char in key:
        if unicodedata.category(char) == "Cc" or char in _DIRECTION_CONTROLS:
            return f"U+{ord(char):04X}"
    return None


def _row_name(path: DataPath) -> str:
    index = path[-1] if path else 0
    return f"row {int(index) + 1}" if isinstance(index, int) else "the row"
