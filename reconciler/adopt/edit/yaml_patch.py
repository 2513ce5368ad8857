"""Edits of one YAML (or JSON) file's mappings and lists, recorded as the smallest changes.

``YamlEditor`` records what changes in each mapping (entries set, added, removed, keys renamed)
and each list (items replaced, removed, inserted, appended). A new value is compared with the
old one part by part: only the entries and items that differ are recorded (a list is compared
item by item, as a diff), so changing one run of a formatted text or adding one tag touches that
run or that tag alone. What would change text the edit does not own is refused at once: a value
written with ``${VAR}`` (its expansion would replace the reference) and a node an alias shares
(changing it would change the other places too). ``text()`` makes the changes
(``reconciler.adopt.edit.yaml_splices``). Used by the engine for manifests and YAML and JSON data
files.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping

from reconciler.adopt.edit.splices import spliced
from reconciler.adopt.edit.yaml_splices import ListChanges, MappingChanges, Refused, splices_of
from reconciler.adopt.edit.yaml_text import Dialect, same_value
from reconciler.adopt.edit.yaml_tree import Node, YamlText

__all__ = ["Refused", "YamlEditor"]


class YamlEditor:
    """Records edits of one file's nodes; ``text()`` makes them."""

    def __init__(self, tree: YamlText, dialect: Dialect) -> None:
        self.tree = tree
        self.dialect = dialect
        self._maps: dict[int, MappingChanges] = {}
        self._lists: dict[int, ListChanges] = {}

    def set_value(self, mapping: Node, key: str, value: object) -> None:
        """Set ``key`` to ``value`` (adding the entry when there is none)."""
        entry = mapping.entry(key)
        changes = self._map(mapping)
        if entry is None:
            changes.added = [(k, v) for k, v in changes.added if k != key]
            changes.added.append((key, value))
            return
        if same_value(entry.value, value):
            changes.values.pop(key, None)
            return
        if not self._update(entry.value, value):
            self.check_writable(entry.value, f"the value of {key!r}")
            changes.values[key] = value

    def remove_entry(self, mapping: Node, key: str) -> None:
        entry = mapping.entry(key)
        if entry is None:
            return
        self.check_writable(entry.value, f"the value of {key!r}")
        self._map(mapping).removed.add(key)

    def rename_key(self, mapping: Node, old: str, new: str) -> None:
        entry = mapping.entry(old)
        if entry is None:
            return
        self.check_writable(entry.key, f"the name {old!r}")
        self._map(mapping).renamed[old] = new

    def remove_item(self, sequence: Node, index: int, owner: Node | None = None) -> None:
        item = sequence.items[index]
        if item.kind != "alias" and self.tree.shared(item):
            raise Refused(
                f"the item is anchored as &{item.anchor} and other places use it (*{item.anchor})"
            )
        self._forget(item)
        changes = self._list(sequence)
        changes.removed.add(index)
        changes.owner = owner

    def append_item(self, sequence: Node, value: object) -> None:
        self._list(sequence).inserted.setdefault(len(sequence.items), []).append(value)

    def check_writable(self, node: Node, what: str) -> None:
        """Refuse a node whose text is not the value's own (a variable, a shared node)."""
        if node.kind == "alias":
            target = node.target.anchor if node.target is not None else "?"
            raise Refused(f"{what} is the alias *{target}, shared with other places")
        if self.tree.shared(node):
            raise Refused(f"{what} is anchored as &{node.anchor} and other places use it")
        if self.dialect.manifest and node.kind == "scalar" and "${" in node.text.replace("$${", ""):
            raise Refused(
                f"{what} comes from an environment variable ({node.text}): it is kept as"
                " written, never replaced by its value"
            )
        for child in [*node.items, *(e.value for e in node.entries)]:
            self.check_writable(child, what)

    def text(self) -> str:
        """The file's text with every recorded edit made."""
        splices = splices_of(self.tree, self.dialect, self._maps.values(), self._lists.values())
        return spliced(self.tree.text, splices)

    # --- part by part ----------------------------------------------------------------------

    def _update(self, node: Node, value: object) -> bool:
        """Record ``node`` becoming ``value`` entry by entry or item by item; False when it
        cannot be (another kind of value, or a node shared through an anchor)."""
        if self.tree.shared(node) or node.kind == "alias" or not (node.items or node.entries):
            return False  # an empty collection is replaced whole (`[]` → a block list of rows)
        if node.kind == "map" and isinstance(value, Mapping) and value:
            for key, item in value.items():
                self.set_value(node, str(key), item)
            for entry in node.entries:
                if not entry.is_merge and entry.key.text not in value:
                    self.remove_entry(node, entry.key.text)
            return True
        if node.kind == "seq" and isinstance(value, list) and value:
            self._update_list(node, value)
            return True
        return False

    def _update_list(self, node: Node, value: list[object]) -> None:
        """The list as a diff of its items: kept, replaced in place, removed, inserted."""
        old = [_identity(item.data) for item in node.items]
        new = [_identity(item) for item in value]
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            paired = min(i2 - i1, j2 - j1)
            for offset in range(paired):
                self._replace_item(node, i1 + offset, value[j1 + offset])
            for index in range(i1 + paired, i2):
                self.remove_item(node, index)
            if j1 + paired < j2:
                inserted = self._list(node).inserted.setdefault(i2, [])
                inserted.extend(value[j1 + paired : j2])

    def _replace_item(self, node: Node, index: int, value: object) -> None:
        item = node.items[index]
        if not self._update(item, value):
            self.check_writable(item, f"item {index + 1}")
            self._list(node).values[index] = value

    def _forget(self, node: Node) -> None:
        """Drop the changes recorded inside a node that goes away."""
        self._maps.pop(id(node), None)
        self._lists.pop(id(node), None)
        for child in [*node.items, *(e.value for e in node.entries)]:
            self._forget(child)

    def _map(self, node: Node) -> MappingChanges:
        return self._maps.setdefault(id(node), MappingChanges(node))

    def _list(self, node: Node) -> ListChanges:
        return self._lists.setdefault(id(node), ListChanges(node))


def _identity(value: object) -> str:
    """A value's identity for the list diff (equal values, equal texts)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
