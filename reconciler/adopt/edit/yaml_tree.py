"""A YAML file's documents as nodes that know the exact characters they were written with.

Built from the parser's events with the same parser the manifest reader uses (libyaml through
PyYAML), so every span is where the reader found the value. A node's ``start`` is its first
character after its anchor and tag; its ``end`` is just past its last content character (a
block scalar's trailing blank lines and a block collection's trailing comments are not part of
it). Aliases are nodes of their own, pointing at the anchored node (``target``). Used by the
YAML patcher to turn edits into splices.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal, Protocol

import yaml

from reconciler.manifest.scalars import resolve_plain

__all__ = ["Entry", "Node", "YamlText", "parse_yaml"]

try:  # the reader's parser: libyaml when PyYAML has it
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

NodeKind = Literal["scalar", "map", "seq", "alias"]


@dataclass(eq=False)
class Node:
    """One scalar, mapping, list or alias, and where its text is."""

    kind: NodeKind
    start: int
    end: int
    style: str | None = None
    """A scalar's style: None (plain), ``'``, ``"``, ``|`` or ``>``."""
    flow: bool = False
    anchor: str | None = None
    text: str = ""
    """A scalar's value as written (``${VAR}`` not expanded)."""
    items: list[Node] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    target: Node | None = None
    """An alias's anchored node."""
    prefix: int = -1
    """Where the anchor or tag before the content starts (``start`` when there is none)."""

    def entry(self, key: str) -> Entry | None:
        """The mapping entry whose key reads ``key`` (merge keys aside)."""
        for item in self.entries:
            if item.key.kind == "scalar" and item.key.text == key and not item.is_merge:
                return item
        return None

    @property
    def data(self) -> object:
        """The plain value as the manifest reader reads it (variables not expanded)."""
        if self.kind == "alias":
            return self.target.data if self.target is not None else None
        if self.kind == "scalar":
            if self.style is not None:
                return self.text
            return resolve_plain(self.text) if self.text else None
        if self.kind == "seq":
            return [item.data for item in self.items]
        mapping: dict[str, object] = {}
        for entry in self.entries:
            if not entry.is_merge:
                mapping[entry.key.text] = entry.value.data
        return mapping


@dataclass(eq=False)
class Entry:
    """One ``key: value`` of a mapping."""

    key: Node
    value: Node

    @property
    def is_merge(self) -> bool:
        return self.key.kind == "scalar" and self.key.style is None and self.key.text == "<<"


@dataclass
class YamlText:
    """A file's text, its documents' root nodes and the anchors some alias refers to."""

    text: str
    roots: list[Node]
    aliased: set[str]

    def __post_init__(self) -> None:
        self._line_starts = [0] + [i + 1 for i, char in enumerate(self.text) if char == "\n"]

    @property
    def newline(self) -> str:
        """The line ending the file uses (that of its first line)."""
        first = self.text.find("\n")
        return "\r\n" if first > 0 and self.text[first - 1] == "\r" else "\n"

    def line_of(self, index: int) -> int:
        """0-based line of a character index."""
        return bisect.bisect_right(self._line_starts, index) - 1

    def line_start(self, index: int) -> int:
        return self._line_starts[self.line_of(index)]

    def column(self, index: int) -> int:
        return index - self.line_start(index)

    def line_end(self, index: int) -> int:
        """Just past the line break of the line holding ``index`` (the text's end on the last)."""
        line = self.line_of(index)
        return self._line_starts[line + 1] if line + 1 < len(self._line_starts) else len(self.text)

    def only_spaces_before(self, index: int) -> bool:
        """Whether nothing but spaces precedes ``index`` on its line."""
        return not self.text[self.line_start(index) : index].strip(" ")

    def shared(self, node: Node) -> bool:
        """Whether an alias elsewhere names this node (changing it changes them too)."""
        return node.kind == "alias" or (node.anchor is not None and node.anchor in self.aliased)


class _Mark(Protocol):
    @property
    def index(self) -> int: ...


def _index(mark: _Mark | None) -> int:
    assert mark is not None  # parsers mark every event
    return mark.index


def _content_start(text: str, index: int) -> int:
    """Past an anchor (``&a``) and a tag (``!t``) and the spaces after them."""
    while index < len(text) and text[index] in "&!":
        while index < len(text) and text[index] not in " \t\r\n":
            index += 1
        while index < len(text) and text[index] in " \t":
            index += 1
    return index


def _block_scalar_end(text: str, start: int, end: int) -> int:
    """Just past a block scalar's last non-blank character."""
    return start + len(text[start:end].rstrip())


class _Builder:
    """Assembles nodes from the parser's events."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.roots: list[Node] = []
        self.stack: list[Node] = []
        self.pending_keys: list[Node | None] = []
        self.anchors: dict[str, Node] = {}
        self.aliased: set[str] = set()

    def add(self, node: Node) -> None:
        if node.anchor is not None:
            self.anchors[node.anchor] = node
        if not self.stack:
            self.roots.append(node)
            return
        parent = self.stack[-1]
        if parent.kind == "seq":
            parent.items.append(node)
        elif self.pending_keys[-1] is None:
            self.pending_keys[-1] = node
        else:
            key = self.pending_keys[-1]
            assert key is not None
            parent.entries.append(Entry(key, node))
            self.pending_keys[-1] = None

    def scalar(self, event: yaml.ScalarEvent) -> None:
        prefix = _index(event.start_mark)
        start = _content_start(self.text, prefix)
        end = _index(event.end_mark)
        style = event.style or None
        if style in ("|", ">"):
            end = _block_scalar_end(self.text, start, end)
        node = Node("scalar", start, max(start, end), style=style, text=event.value)
        node.anchor, node.prefix = event.anchor, prefix
        self.add(node)

    def alias(self, event: yaml.AliasEvent) -> None:
        anchor = str(event.anchor)
        self.aliased.add(anchor)
        node = Node("alias", _index(event.start_mark), _index(event.end_mark))
        node.target, node.prefix = self.anchors.get(anchor), _index(event.start_mark)
        self.add(node)

    def open(self, event: yaml.CollectionStartEvent, kind: NodeKind) -> None:
        prefix = _index(event.start_mark)
        node = Node(kind, _content_start(self.text, prefix), prefix, flow=bool(event.flow_style))
        node.anchor, node.prefix = event.anchor, prefix
        self.stack.append(node)
        self.pending_keys.append(None)

    def close(self, event: yaml.CollectionEndEvent) -> None:
        node = self.stack.pop()
        self.pending_keys.pop()
        children = node.items or [entry.value for entry in node.entries]
        if node.flow:
            node.end = _index(event.end_mark)
        elif children:
            first = node.items[0] if node.items else node.entries[0].key
            node.start = _dash(self.text, first.prefix) if node.kind == "seq" else first.prefix
            node.end = children[-1].end
        self.add(node)


def _dash(text: str, item_start: int) -> int:
    """The ``-`` that introduces a block list item starting at ``item_start``."""
    index = item_start - 1
    while index >= 0 and text[index] in " \t\r\n":
        index -= 1
    return index if index >= 0 and text[index] == "-" else item_start


def parse_yaml(text: str) -> YamlText:
    """The file's documents as located nodes; raises yaml.YAMLError on text that is not YAML."""
    builder = _Builder(text)
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.ScalarEvent):
            builder.scalar(event)
        elif isinstance(event, yaml.AliasEvent):
            builder.alias(event)
        elif isinstance(event, yaml.MappingStartEvent):
            builder.open(event, "map")
        elif isinstance(event, yaml.SequenceStartEvent):
            builder.open(event, "seq")
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            builder.close(event)
    return YamlText(text, builder.roots, builder.aliased)
