"""Writing YAML that the manifest reader reads back as exactly the values written.

The manifest reader follows the YAML 1.2 core schema and expands ``${VAR}`` in every scalar;
PyYAML writes for YAML 1.1. So text that the core schema would read as something else (``1e3``,
``0o17``, ``true``) is quoted, and in manifests every ``${`` is written ``$${`` (a literal
``${``), so imported text never turns into an environment lookup. Data files (``rows_from``,
exports) are never substituted and keep ``${`` as it is. Mappings keep their order; leaf lists
and mappings are written in flow style (``Tags: [docs, web]``); block lists are indented under
their key as in the example manifests; a value shared by several places is written in each of
them (no anchors and aliases). Called by import (manifests) and export (data files).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import yaml

from reconciler.manifest.scalars import resolve_plain

__all__ = ["dump_rows", "dump_yaml", "indent", "plain_fits"]

_WIDTH = 100
_ANALYSES_KEPT = 4096
_STR = "tag:yaml.org,2002:str"
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")  # next line, line and paragraph separators


class _Dumper(yaml.SafeDumper):
    """SafeDumper with core-schema quoting, optional ``${`` escaping and indented lists."""

    escape_variables: ClassVar[bool] = False

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        # Values read from Notion share one copy when they repeat (a tag list, a person, a
        # date); each place is written out in full, never as an anchor and its aliases.
        return True

    def represent_str(self, data: str) -> yaml.ScalarNode:
        if self.escape_variables:
            data = data.replace("${", "$${")
        if any(mark in data for mark in _OTHER_BREAKS):
            # PyYAML reads these as line breaks in plain, quoted and block text: only the
            # escapes of double quotes (\N, \L, \P) keep them.
            return self.represent_scalar(_STR, data, style='"')
        if "\n" in data:
            return self.represent_scalar(_STR, data, style="|")  # PyYAML falls back if it must
        read_back = resolve_plain(data) if data else None
        if data and read_back == data and isinstance(read_back, str):
            return super().represent_str(data)
        # Empty text, or text the core schema would read as null, a boolean or a number.
        return self.represent_scalar(_STR, data, style="'")

    block_depth: int = 1
    _analysed: dict[str, Any]

    def analyze_scalar(self, scalar: str) -> Any:
        # A pure function of the text, asked again for every key and every repeated value
        # (10,000 rows of 8 properties: 80,000 keys of 8 texts); the first few thousand texts
        # are remembered, so memory stays bounded whatever the rows hold.
        analysed = self.__dict__.setdefault("_analysed", {})
        found = analysed.get(scalar)
        if found is None:
            found = super().analyze_scalar(scalar)
            if len(analysed) < _ANALYSES_KEPT:
                analysed[scalar] = found
        return found

    def represent(self, data: Any) -> None:
        node = self.represent_data(data)
        _block(node, self.block_depth)
        self.serialize(node)
        self.represented_objects = {}
        self.object_keeper = []
        self.alias_key = None


def _block(node: yaml.Node, depth: int) -> None:
    """Block style for the collections of the first ``depth`` levels (flow below, if leaves)."""
    if depth <= 0 or not isinstance(node, yaml.CollectionNode):
        return
    node.flow_style = False
    children = node.value
    for child in children:
        if isinstance(child, tuple):  # a mapping's (key, value)
            _block(child[1], depth - 1)
        else:
            _block(child, depth - 1)


class _ManifestDumper(_Dumper):
    escape_variables: ClassVar[bool] = True


_Dumper.add_representer(str, _Dumper.represent_str)
_ManifestDumper.add_representer(str, _ManifestDumper.represent_str)


def dump_yaml(value: Any, *, manifest: bool, block_depth: int = 1) -> str:
    """``value`` as YAML text; ``manifest`` escapes ``${`` for the manifest reader.

    Collections of the first ``block_depth`` levels are written in block style, deeper ones in
    flow style when they hold only scalars (``Tags: [docs, web]``).
    """
    dumper = _ManifestDumper if manifest else _Dumper
    dumper_at_depth = type(dumper.__name__, (dumper,), {"block_depth": block_depth})
    return yaml.dump(
        value,
        Dumper=dumper_at_depth,
        sort_keys=False,
        allow_unicode=True,
        width=_WIDTH,
        default_flow_style=None,
    )


def dump_rows(rows: Sequence[Mapping[str, object]], *, manifest: bool) -> str:
    """``dump_yaml({"rows": rows}, manifest=manifest, block_depth=3)``, byte for byte.

    PyYAML's emitter spends tens of microseconds on every value; rows whose values are all text
    on one line, integers, booleans or lists of them are written directly, with the style the
    emitter would choose (``_Scalars``), and any other row is dumped by PyYAML on its own (the
    emitter keeps no state from one row to the next). A list or mapping that rows share is
    written out in each of them (the dumpers write no aliases).
    """
    if not rows:
        return dump_yaml({"rows": list(rows)}, manifest=manifest, block_depth=3)
    scalars = _Scalars(manifest)
    parts = ["rows:\n"]
    open_ended = False
    for row in rows:
        text = scalars.row(row)
        open_ended = False
        if text is None:
            text = dump_yaml({"rows": [row]}, manifest=manifest, block_depth=3)
            text = text.removeprefix("rows:\n")
            # A document ending in a block scalar that keeps its trailing newlines (``|+``) is
            # closed by the emitter with ``...``: only the whole document's last row may be.
            open_ended = text.endswith("\n" + _DOCUMENT_END)  # a line of its own, unindented
            if open_ended:
                text = text[: -len(_DOCUMENT_END)]
        parts.append(text)
    if open_ended:
        parts.append(_DOCUMENT_END)
    return "".join(parts)


_DOCUMENT_END = "...\n"


_SIMPLE_TEXT = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 ._/:#-]*[A-Za-z0-9._/])?\Z")


def plain_fits(text: str) -> tuple[bool, bool] | None:
    """Whether the emitter may write ``text`` plain in flow and in block context, for text of
    letters, digits and ``._/:#-`` and inner spaces (what most titles and slugs are), without
    its character-by-character analysis; None for any other text. Such text is never empty or
    multi-line and may always be single-quoted; as an item of a flow list no ``:`` may stand in
    it, as a block value no ``: ``, and ``#`` after a space starts a comment in both."""
    if not _SIMPLE_TEXT.match(text):
        return None
    comment = " #" in text
    return (":" not in text and not comment, ": " not in text and not comment)


class _Scalars:
    """Rows of plain values as PyYAML's emitter writes them, or None for any other row.

    The choice between plain and single-quoted text is the emitter's own
    (``Emitter.choose_scalar_style``), fed by its own analysis of the text and its own resolver;
    only one-line printable ASCII text is handled, and only lines the emitter would not fold
    (at most ``_WIDTH`` characters).
    """

    def __init__(self, manifest: bool) -> None:
        self._dumper = _ManifestDumper if manifest else _Dumper
        # Never written to: only its analysis of texts and its resolver are asked.
        self._probe = self._dumper(io.StringIO(), allow_unicode=True, width=_WIDTH)
        self._shown: dict[tuple[str, bool, bool], str | None] = {}

    def row(self, row: Mapping[str, object]) -> str | None:
        lines: list[str] = []
        for name, value in row.items():
            key = self.text(name, key=True, flow=False) if isinstance(name, str) else None
            shown = self.value(value)
            if key is None or shown is None:
                return None
            line = f"{'    ' if lines else '  - '}{key}: {shown}\n"
            if len(line) > _WIDTH + 1:
                return None
            lines.append(line)
        return "".join(lines) if lines else None

    def value(self, value: object, *, flow: bool = False) -> str | None:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            shown = str(value)
            return shown if self._tag(shown) == "tag:yaml.org,2002:int" else None
        if isinstance(value, str):
            return self.text(value, key=False, flow=flow)
        if isinstance(value, list) and not flow:
            if any(isinstance(item, str) and not self._plain_asked(item) for item in value):
                return None  # the representer writes such a list in block style
            items = [self.value(item, flow=True) for item in value]
            if any(item is None for item in items):
                return None
            return "[" + ", ".join(item for item in items if item is not None) + "]"
        return None

    def text(self, written: str, *, key: bool, flow: bool) -> str | None:
        """The text as the emitter writes it (a key, a flow item or a block value), None when
        this writer leaves it to PyYAML. The style is a pure function of the text and where it
        stands, asked again for every key and repeated value: the first few thousand answers
        are remembered, so memory stays bounded whatever the rows hold."""
        where = (written, key, flow)
        if where in self._shown:
            return self._shown[where]
        shown = self._styled(written, key=key, flow=flow)
        if len(self._shown) < _ANALYSES_KEPT:
            self._shown[where] = shown
        return shown

    def _styled(self, written: str, *, key: bool, flow: bool) -> str | None:
        plain_asked = self._plain_asked(written)
        text = written.replace("${", "$${") if self._dumper.escape_variables else written
        if not (text.isascii() and text.isprintable()):
            return None  # line breaks, control and non-ASCII characters: PyYAML's own way
        fits = plain_fits(text)
        if fits is None:
            analysis = self._probe.analyze_scalar(text)
            if key and (analysis.empty or analysis.multiline):
                return None  # not a simple key: PyYAML writes `? key`
            if not analysis.allow_single_quoted:
                return None
            fits = (analysis.allow_flow_plain, analysis.allow_block_plain)
        if plain_asked and (fits[0] if flow else fits[1]) and self._tag(text) == _STR:
            return text
        return "'" + text.replace("'", "''") + "'"

    def _plain_asked(self, text: str) -> bool:
        """Whether ``_Dumper.represent_str`` leaves the style to the emitter (text read back
        as itself by the core schema), after escaping ``${``."""
        if self._dumper.escape_variables:
            text = text.replace("${", "$${")
        read_back = resolve_plain(text) if text else None
        return bool(text) and read_back == text and isinstance(read_back, str)

    def _tag(self, text: str) -> str:
        tag: str = self._probe.resolve(  # type: ignore[no-untyped-call]
            yaml.ScalarNode, text, (True, False)
        )
        return tag


def indent(text: str, spaces: int) -> str:
    """Every non-empty line of ``text`` indented by ``spaces``."""
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))
