"""The recorded changes of a YAML file's mappings and lists as splices of its text.

Grouped per mapping or list so that no two overlap: a removed entry or item takes its lines (and
a comment beside it) with it in block style, its separator in flow style; a new entry or item
goes after the last one with the same indentation (block) or separator (flow, one per line when
the collection is laid out so); a replaced value keeps its quoting where it can. A block list
whose every item goes becomes ``[]``. Lines no change touches stay byte for byte. Used by
``YamlEditor.text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reconciler.adopt.edit.splices import Splice
from reconciler.adopt.edit.yaml_text import Dialect, flow_text, json_block, key_text, scalar_text
from reconciler.adopt.edit.yaml_tree import Entry, Node, YamlText

__all__ = ["ListChanges", "MappingChanges", "Refused", "splices_of"]

Span = tuple[int, int]


class Refused(Exception):
    """An edit the file cannot take as asked; the message says why (for ``NotApplied``)."""


@dataclass
class MappingChanges:
    """What changes in one mapping: values replaced whole, entries removed, added, renamed."""

    node: Node
    values: dict[str, object] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    added: list[tuple[str, object]] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)


@dataclass
class ListChanges:
    """What changes in one list: items replaced whole, removed, inserted before an index (the
    list's length: at the end)."""

    node: Node
    values: dict[int, object] = field(default_factory=dict)
    removed: set[int] = field(default_factory=set)
    inserted: dict[int, list[object]] = field(default_factory=dict)
    owner: Node | None = None
    """The key whose value the list is (to write ``[]`` when every item goes)."""


def splices_of(
    tree: YamlText,
    dialect: Dialect,
    maps: Iterable[MappingChanges],
    lists: Iterable[ListChanges],
) -> list[Splice]:
    layout = _Layout(tree, dialect)
    splices: list[Splice] = []
    for changes in maps:
        splices.extend(layout.of_mapping(changes))
    for list_changes in lists:
        splices.extend(layout.of_list(list_changes))
    return splices


class _Layout:
    """Where text goes in one file, and how it is written there."""

    def __init__(self, tree: YamlText, dialect: Dialect) -> None:
        self.tree = tree
        self.dialect = dialect
        self._order = 0

    # --- per collection --------------------------------------------------------------------

    def of_mapping(self, changes: MappingChanges) -> list[Splice]:
        node = changes.node
        entries = list(node.entries)
        splices = [
            Splice(e.key.start, e.key.end, self._key(changes.renamed[e.key.text], node))
            for e in entries
            if e.key.text in changes.renamed and not e.is_merge
        ]
        splices.extend(
            self._entry_value(node, e, changes.values[e.key.text])
            for e in entries
            if e.key.text in changes.values and not e.is_merge
        )
        spans = [(e.key.prefix, e.value.end) for e in entries]
        gone = [i for i, e in enumerate(entries) if e.key.text in changes.removed]
        splices.extend(self._removals(node, spans, gone))
        if changes.added:
            texts = [self._entry_text(node, key, value) for key, value in changes.added]
            splices.append(self._append(node, spans, texts, kept=len(gone) < len(spans)))
        return splices

    def of_list(self, changes: ListChanges) -> list[Splice]:
        node = changes.node
        spans = [(self._item_start(item, node), item.end) for item in node.items]
        splices = [
            self._item_value(node, node.items[index], value)
            for index, value in changes.values.items()
        ]
        gone = sorted(changes.removed)
        if gone and len(gone) == len(spans) and not node.flow and not changes.inserted:
            splices.append(self._emptied(node, changes.owner))
        else:
            splices.extend(self._removals(node, spans, gone))
        for index, values in sorted(changes.inserted.items()):
            texts = [self._item_text(node, value) for value in values]
            if index < len(spans):
                splices.append(self._insert_before(node, spans, index, texts))
            else:
                splices.append(self._append(node, spans, texts, kept=len(gone) < len(spans)))
        return splices

    # --- values ----------------------------------------------------------------------------

    def _entry_value(self, mapping: Node, entry: Entry, value: object) -> Splice:
        old = entry.value
        if self.dialect.json and self._multiline(old) and isinstance(value, Mapping | list):
            column, step = self._indentation(old)
            return Splice(old.start, old.end, json_block(value, column=column, unit=step))
        column = self.tree.column(entry.key.start)
        block = not (mapping.flow or self.dialect.json)
        empty = old.kind == "scalar" or (old.flow and not old.items and not old.entries)
        if block and empty and isinstance(value, list) and _rows(value):
            colon = self._colon_end(entry.key)
            return Splice(colon, max(colon, old.end), self._block_rows(value, column))
        if mapping.flow or old.flow or self.dialect.json:
            return Splice(old.start, old.end, self._flow(value, old))
        collection = isinstance(value, Mapping | list | tuple)
        if old.kind == "scalar" and not collection and old.end > old.start:
            text = scalar_text(value, self.dialect, flow=False, style=old.style, key_column=column)
            return Splice(old.start, old.end, text)
        colon = self._colon_end(entry.key)
        return Splice(colon, max(colon, old.end), " " + self._inline(value, column, old))

    def _block_rows(self, rows: list[object], column: int) -> str:
        """A list of mappings after ``key:`` in block context: one ``- {...}`` line each."""
        pad = self.tree.newline + " " * (column + 2) + "- "
        return "".join(pad + self._flow(row) for row in rows)

    def _item_value(self, sequence: Node, item: Node, value: object) -> Splice:
        if sequence.flow or isinstance(value, Mapping | list | tuple) or self.dialect.json:
            return Splice(item.start, item.end, self._flow(value, item))
        column = self.tree.column(item.start) - 2
        style = item.style if item.kind == "scalar" else None
        text = scalar_text(value, self.dialect, flow=False, style=style, key_column=column)
        return Splice(item.start, item.end, text)

    def _flow(self, value: object, old: Node | None = None) -> str:
        return flow_text(value, self.dialect, old=old, source=self.tree.text)

    def _inline(self, value: object, column: int, old: Node | None = None) -> str:
        """A value written after ``key: `` in block context."""
        if isinstance(value, Mapping | list | tuple):
            return self._flow(value, old)
        return scalar_text(value, self.dialect, flow=False, key_column=column)

    def _key(self, name: str, mapping: Node) -> str:
        return key_text(name, self.dialect, flow=mapping.flow or self.dialect.json)

    def _entry_text(self, mapping: Node, key: str, value: object) -> str:
        if mapping.flow or self.dialect.json:
            return f"{self._key(key, mapping)}: {self._flow(value)}"
        column = self._first_column(mapping)
        if isinstance(value, list) and _rows(value):
            return f"{self._key(key, mapping)}:{self._block_rows(value, column)}"
        return f"{self._key(key, mapping)}: {self._inline(value, column)}"

    def _item_text(self, sequence: Node, value: object) -> str:
        """A new item written like the list's last one (a block mapping keeps its layout)."""
        sibling = sequence.items[-1] if sequence.items else None
        if self.dialect.json and sibling is not None and self._multiline(sibling):
            column, step = self._indentation(sibling)
            return json_block(value, column=column, unit=step)
        block_row = sibling is not None and sibling.kind == "map" and not sibling.flow
        if sequence.flow or not block_row or not isinstance(value, Mapping) or not value:
            return self._flow(value)
        assert sibling is not None
        column = self.tree.column(sibling.entries[0].key.start)
        lines = [
            f"{self._key(str(k), sibling)}: {self._inline(v, column)}" for k, v in value.items()
        ]
        return (self.tree.newline + " " * column).join(lines)

    # --- removing and adding ---------------------------------------------------------------

    def _removals(self, node: Node, spans: list[Span], gone: list[int]) -> list[Splice]:
        """Splices removing the entries or items at ``gone``, run by run."""
        removal = self._flow_removal if node.flow else self._block_removal
        return [removal(node, spans, first, last) for first, last in _runs(gone)]

    def _flow_removal(self, node: Node, spans: list[Span], first: int, last: int) -> Splice:
        if last + 1 < len(spans):
            return Splice(spans[first][0], spans[last + 1][0], "")
        if first > 0:
            return Splice(spans[first - 1][1], spans[last][1], "")
        return Splice(node.start + 1, node.end - 1, "")

    def _block_removal(self, node: Node, spans: list[Span], first: int, last: int) -> Splice:
        tree = self.tree
        start = spans[first][0]
        if tree.only_spaces_before(start):
            return Splice(tree.line_start(start), tree.line_end(spans[last][1]), "")
        if last + 1 < len(spans):  # the first entry of a list item, after its "- "
            return Splice(start, spans[last + 1][0], "")
        raise Refused("it would leave a list item without any entry")

    def _emptied(self, node: Node, owner: Node | None) -> Splice:
        """Every item of a block list removed: the list becomes ``[]``."""
        if owner is None:
            return Splice(node.start, node.end, "[]")
        return Splice(self._colon_end(owner), node.end, " []")

    def _append(self, node: Node, spans: list[Span], texts: list[str], *, kept: bool) -> Splice:
        self._order += 1
        if node.flow:
            return self._flow_append(node, spans, texts, kept=kept)
        newline = self.tree.newline
        end = self.tree.line_end(spans[-1][1])
        column = self.tree.column(spans[0][0])
        lead = "- " if node.kind == "seq" else ""
        lines = "".join(" " * column + lead + text + newline for text in texts)
        if not self.tree.text[:end].endswith("\n"):
            lines = newline + lines.removesuffix(newline)
        return Splice(end, end, lines, self._order)

    def _flow_append(
        self, node: Node, spans: list[Span], texts: list[str], *, kept: bool
    ) -> Splice:
        if not spans:
            return Splice(node.end - 1, node.end - 1, ", ".join(texts), self._order)
        separator = self._separator(node, spans)
        text = (separator if kept else "") + separator.join(texts)
        return Splice(spans[-1][1], spans[-1][1], text, self._order)

    def _insert_before(self, node: Node, spans: list[Span], index: int, texts: list[str]) -> Splice:
        self._order += 1
        start = spans[index][0]
        if node.flow:
            separator = self._separator(node, spans)
            return Splice(start, start, separator.join([*texts, ""]), self._order)
        line = self.tree.line_start(start)
        prefix = " " * self.tree.column(start) + "- "
        lines = "".join(prefix + text + self.tree.newline for text in texts)
        return Splice(line, line, lines, self._order)

    def _separator(self, node: Node, spans: list[Span]) -> str:
        """``", "``, or a line break and the indentation when items stand one per line."""
        tree = self.tree
        lines = [tree.line_of(start) for start, _ in spans]
        one_per_line = len(set(lines)) == len(lines) and lines[0] != tree.line_of(node.start)
        if one_per_line:
            return "," + tree.newline + " " * tree.column(spans[-1][0])
        return ", "

    # --- positions -------------------------------------------------------------------------

    def _item_start(self, item: Node, sequence: Node) -> int:
        """Where an item's text starts: its ``-`` in a block list."""
        if sequence.flow:
            return item.prefix
        text = self.tree.text
        index = item.prefix - 1
        while index >= 0 and text[index] in " \t\r\n":
            index -= 1
        return index if index >= 0 and text[index] == "-" else item.prefix

    def _colon_end(self, key: Node) -> int:
        """Just past the ``:`` that follows a key."""
        text = self.tree.text
        index = key.end
        while index < len(text) and text[index] in " \t":
            index += 1
        if index >= len(text) or text[index] != ":":
            raise Refused("the key's colon could not be found")
        return index + 1

    def _first_column(self, mapping: Node) -> int:
        if mapping.entries:
            return self.tree.column(mapping.entries[0].key.start)
        return self.tree.column(mapping.start)

    def _multiline(self, node: Node) -> bool:
        return self.tree.line_of(node.start) != self.tree.line_of(node.end)

    def _indentation(self, node: Node) -> tuple[int, int]:
        """(indentation of the line a collection opens on, indentation step inside it)."""
        tree = self.tree
        line = tree.text[tree.line_start(node.start) : node.start]
        indentation = len(line) - len(line.lstrip(" "))
        children = [e.key for e in node.entries] or node.items
        step = tree.column(children[0].start) - indentation if children else 2
        return indentation, step


def _rows(value: object) -> bool:
    """Whether a value is a non-empty list of mappings (rows: written one per line)."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Consecutive indexes as (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for index in sorted(indexes):
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs
