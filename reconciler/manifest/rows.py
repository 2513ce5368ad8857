"""Manifest rows to ``DesiredRow`` values: canonical values through the codecs, keys, duplicates.

``build_rows`` takes the rows of one database (inline ``rows`` and those read from ``rows_from``
files, each with the document and path it came from) and gives every row the canonical value of
every declared, writable, non-ignored property (``codec.empty`` for those the row leaves out), in
manifest order. Every value problem points inside the value (``ValueProblem.path``). Called by the
database builder.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from reconciler.errors import Problem
from reconciler.manifest.declarations import Declarations, did_you_mean
from reconciler.manifest.located import DataPath, YamlDocument
from reconciler.manifest.pages import RESERVED_KEYS, PageParts, PageRules, page_parts
from reconciler.model import JSON, DesiredRow, RowKey, SourceLocation
from reconciler.properties import ValueProblem, shared_value

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


@dataclass(frozen=True)
class RowSource:
    """Where a row was written: its document and its path in it."""

    document: YamlDocument
    path: DataPath


@dataclass(frozen=True)
class BuiltRow:
    """A desired row with where it came from (for cross-database checks of its values).

    ``body_unfound``: the database's ``body_from`` names a file for this row that does not
    exist, so its body is not managed."""

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
        spec
        for spec in declarations.specs
        if spec.writable and spec.name not in declarations.ignore
    ]
    declared = [spec.name for spec in declarations.specs]
    first_seen: dict[RowKey, SourceLocation] = {}
    built: list[BuiltRow] = []
    for source in sources:
        raw = source.document.data
        for part in source.path:
            raw = raw[part]  # type: ignore[index]
        if not isinstance(raw, Mapping):
            continue  # reported by the schema check or the rows_from reader
        values, valid = _row_values(source, raw, declarations, declared, problems)
        if not valid:
            if declarations.key is not None and declarations.key in values:
                # The row is not built, but its key still counts: a duplicate is reported too.
                _keyed_row(
                    handle,
                    source,
                    values,
                    declarations=declarations,
                    first_seen=first_seen,
                    problems=problems,
                )
            continue
        canonical = {
            spec.name: values.get(spec.name, declarations.codecs[spec.name].empty)
            for spec in managed
        }
        parts = _page(source, raw, pages, (declarations, values), problems)
        row = _keyed_row(
            handle,
            source,
            canonical,
            declarations=declarations,
            first_seen=first_seen,
            problems=problems,
        )
        if row is not None and parts.usable:
            row = dataclasses.replace(row, icon=parts.icon, cover=parts.cover, body=parts.body)
            built.append(BuiltRow(row, source, parts.unfound))
    return built


def _page(
    source: RowSource,
    raw: Mapping[str, object],
    pages: PageRules | None,
    named: tuple[Declarations, Mapping[str, JSON]],
    problems: list[Problem],
) -> PageParts:
    """The row's page parts (none when the database's pages are not described)."""
    if pages is None:
        return PageParts()
    template = (pages.template, *named) if pages.template is not None else None
    return page_parts(
        source.document,
        source.path,
        raw,
        root=pages.root,
        template=template,
        problems=problems,
    )


def _row_values(
    source: RowSource,
    raw: Mapping[str, object],
    declarations: Declarations,
    declared: list[str],
    problems: list[Problem],
) -> tuple[dict[str, JSON], bool]:
    """The canonical values the row sets (those that are right), and whether all of them are
    (problems added for the others)."""
    document, path = source.document, source.path
    values: dict[str, JSON] = {}
    valid = True
    for name, value in raw.items():
        if name in RESERVED_KEYS:
            continue  # the page's parts, read by ``pages``
        value_path = (*path, name)
        codec = declarations.codecs.get(name)
        if codec is None:
            valid = False
            problems.append(
                document.problem(
                    value_path,
                    f"{_row_name(path)} sets {name!r}, which is not declared"
                    + did_you_mean(name, declared),
                    "declare it under `properties`, or remove it from the row",
                    at_key=True,
                )
            )
            continue
        if name in declarations.ignore:
            valid = False
            problems.append(
                document.problem(
                    value_path,
                    f"{_row_name(path)} sets {name!r}, which is listed under `ignore`",
                    "ignored properties are never written: remove the value or the ignore entry",
                    at_key=True,
                )
            )
            continue
        spec = declarations.spec(name)
        assert spec is not None
        written = (
            _as_written(document, value_path, value)
            if spec.type in _TEXT_TYPES and not isinstance(value, str)
            else value
        )
        try:
            canonical = codec.from_manifest(written, spec.config)
            values[name] = shared_value(canonical) if codec.repeating else canonical
        except ValueProblem as problem:
            valid = False
            if not document.is_tainted((*value_path, *problem.path)):
                problems.append(
                    document.problem(
                        (*value_path, *problem.path),
                        f"{name}: {problem.message}",
                        problem.hint or f"write a {spec.type} value (see docs/properties.md)",
                    )
                )
    return values, valid


def _keyed_row(
    handle: str,
    source: RowSource,
    values: dict[str, JSON],
    *,
    declarations: Declarations,
    first_seen: dict[RowKey, SourceLocation],
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
    return DesiredRow(key=key, values=values, location=location)


# Unicode's bidirectional overrides and isolates reorder what a reviewer sees ("Trojan Source").
_DIRECTION_CONTROLS: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _control_character(key: str) -> str | None:
    """The first control character of a key, as ``U+001B``; None when it has none."""
    for char in key:
        if unicodedata.category(char) == "Cc" or char in _DIRECTION_CONTROLS:
            return f"U+{ord(char):04X}"
    return None


def _row_name(path: DataPath) -> str:
    index = path[-1] if path else 0
    return f"row {int(index) + 1}" if isinstance(index, int) else "the row"
