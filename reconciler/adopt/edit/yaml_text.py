"""Values as YAML (or JSON) text that the manifest reader reads back as exactly those values.

A scalar keeps the style it had where it can: each candidate text (plain, single-quoted,
double-quoted, literal block) is parsed back with the reader's parser, in the context it will
stand in (inside a flow collection or after ``key:``), and read the way the manifest reader reads
it (YAML 1.2 core scalars, ``${VAR}`` expanded in manifests: a literal ``${`` is written ``$${``);
the first that reads back as the value wins. Collections are written in flow style
(``[docs, web]``, ``{name: Done, color: green}``), reusing the text of every part that does not
change, so an edited list shows only its new item. JSON data files get JSON. Used by the YAML
patcher.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import yaml

from reconciler.adopt.edit.yaml_tree import Node
from reconciler.manifest.envvars import VariableProblem, expand
from reconciler.manifest.scalars import resolve_plain

__all__ = [
    "Dialect",
    "NotWritable",
    "flow_text",
    "json_block",
    "key_text",
    "same_value",
    "scalar_text",
]

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_NOT_PRINTABLE = frozenset(
    [chr(c) for c in range(0x7F, 0xA0) if c != 0x85] + ["\u2028", "\u2029", "\ufeff", "\x85"]
)


class NotWritable(Exception):
    """A value that has no text reading back as itself (NaN, a lone surrogate, ...)."""


@dataclass(frozen=True)
class Dialect:
    """How a file is read: a manifest expands ``${VAR}``; a JSON data file is JSON."""

    manifest: bool = True
    json: bool = False


def _number(value: int | float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise NotWritable(f"{value!r} is not a number a manifest can hold")
    return json.dumps(value)


def _double_quoted(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if c in _NOT_PRINTABLE else c for c in quoted)


def _single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _literal(text: str, column: int) -> str:
    """A literal block scalar (``|``) whose lines start at ``column``."""
    body = text[:-1] if text.endswith("\n") else text
    chomp = "" if text.endswith("\n") else "-"
    if body.endswith("\n") or not body or body[0] in " \t":
        return ""  # trailing blank lines or leading spaces need indicators: not this style
    pad = " " * column
    lines = [pad + line if line else "" for line in body.split("\n")]
    return f"|{chomp}\n" + "\n".join(lines)


def _candidates(written: str, style: str | None, column: int) -> Iterator[str]:
    """Texts to try, the preferred style first."""
    order = {"'": "'\"", '"': '"', "|": "|p'\"", ">": "|p'\""}.get(style or "", "p|'\"")
    for kind in order:
        if kind == "p":
            yield written
        elif kind == "'":
            yield _single_quoted(written)
        elif kind == '"':
            yield _double_quoted(written)
        elif kind == "|" and "\n" in written:
            yield _literal(written, column)


def _probe(candidate: str, *, flow: bool, key_column: int) -> tuple[str | None, str] | None:
    """(style, value) of the one scalar ``candidate`` is, in context; None if it is not one."""
    document = f"[{candidate}]" if flow else " " * key_column + "k: " + candidate + "\n"
    try:
        events = list(yaml.parse(document, Loader=_Loader))
    except yaml.YAMLError:
        return None
    scalars = [e for e in events if isinstance(e, yaml.ScalarEvent)]
    collections = [e for e in events if isinstance(e, yaml.CollectionStartEvent)]
    if len(scalars) != (1 if flow else 2) or len(collections) != 1 or scalars[-1].anchor:
        return None
    last = scalars[-1]
    return (last.style or None, last.value)


def _reads_as(read: tuple[str | None, str], value: object, dialect: Dialect) -> bool:
    style, text = read
    got: object = resolve_plain(text) if style is None and text else (text if style else None)
    if isinstance(got, str) and dialect.manifest:
        try:
            got = expand(got, {})
        except VariableProblem:
            return False
    return type(got) is type(value) and got == value


def scalar_text(
    value: object,
    dialect: Dialect,
    *,
    flow: bool,
    style: str | None = None,
    key_column: int = 0,
) -> str:
    """``value`` (text, number, boolean or None) as a scalar; text keeps ``style`` if it can.

    ``key_column``: in block context, the column of the key the scalar follows (a literal block's
    lines are indented two more).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    if not isinstance(value, str):
        raise NotWritable(f"{type(value).__name__} is not a scalar")
    if dialect.json:
        return json.dumps(value, ensure_ascii=False)
    written = value.replace("${", "$${") if dialect.manifest else value
    for candidate in _candidates(
        written, style if not flow else _flow_style(style), key_column + 2
    ):
        read = _probe(candidate, flow=flow, key_column=key_column) if candidate else None
        if read is not None and _reads_as(read, value, dialect):
            return candidate
    raise NotWritable(f"the text {value!r} cannot be written so that it reads back unchanged")


def _flow_style(style: str | None) -> str | None:
    return None if style in ("|", ">") else style


def key_text(name: str, dialect: Dialect, *, flow: bool) -> str:
    """A property name as a mapping key."""
    if dialect.json:
        return json.dumps(name, ensure_ascii=False)
    written = name.replace("${", "$${") if dialect.manifest else name
    for candidate in (written, _single_quoted(written), _double_quoted(written)):
        document = f"{{{candidate}: x}}" if flow else f"{candidate}: x"
        try:
            loaded = yaml.load(document, Loader=_Loader)  # noqa: S506 - the safe loader
        except yaml.YAMLError:
            continue
        if isinstance(loaded, dict) and list(loaded) == [written]:
            return candidate
    raise NotWritable(f"the property name {name!r} cannot be written as a key")


def flow_text(value: object, dialect: Dialect, *, old: Node | None = None, source: str = "") -> str:
    """``value`` in flow style; the text of ``old`` (in ``source``) is kept wherever it already
    says the same (whole, or item by item and entry by entry)."""
    if old is not None and old.kind != "alias" and same_value(old, value):
        return source[old.start : old.end]
    if isinstance(value, Mapping):
        olds = {e.key.text: e.value for e in old.entries} if old and old.kind == "map" else {}
        parts = [
            f"{key_text(str(k), dialect, flow=True)}: "
            + flow_text(v, dialect, old=olds.get(str(k)), source=source)
            for k, v in value.items()
        ]
        return _joined("{", parts, "}", dialect)
    if isinstance(value, list | tuple):
        unused = list(old.items) if old and old.kind == "seq" else []
        parts = []
        for item in value:
            match = next((o for o in unused if o.kind != "alias" and same_value(o, item)), None)
            if match is not None:
                unused.remove(match)
            parts.append(flow_text(item, dialect, old=match, source=source))
        return _joined("[", parts, "]", dialect)
    style = old.style if old is not None and old.kind == "scalar" else None
    return scalar_text(value, dialect, flow=True, style=style)


def _joined(opening: str, parts: list[str], closing: str, dialect: Dialect) -> str:
    if not parts:
        return opening + closing
    return opening + ", ".join(parts) + closing


def same_value(node: Node, value: object) -> bool:
    """Whether a node already says ``value`` (a value with ``${...}`` never does: its text is
    not what it reads)."""
    if "${" in _all_text(node):
        return False
    data = node.data
    if isinstance(value, tuple):
        value = list(value)
    return type(data) is type(value) and data == value


def _all_text(node: Node) -> str:
    if node.kind == "scalar":
        return node.text
    parts = [_all_text(item) for item in node.items]
    parts.extend(_all_text(e.key) + _all_text(e.value) for e in node.entries)
    return "".join(parts)


def json_block(value: object, *, column: int, unit: int) -> str:
    """``value`` as indented JSON (as ``json.dumps(indent=unit)`` writes it) whose lines after
    the first start at ``column``, for a JSON file laid out one entry per line."""
    text = json.dumps(value, indent=unit or 2, ensure_ascii=False)
    return text.replace("\n", "\n" + " " * column)
