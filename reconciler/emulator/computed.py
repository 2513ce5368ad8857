"""Page property values Notion computes: every property of a page, formulas and rollups included.

The one place the emulator calls the formula engine (:mod:`reconciler.emulator.formula`) and the
rollup engine (:mod:`reconciler.emulator.rollup`) for page reads. Stored and timestamp values come
from :mod:`reconciler.emulator.values`; rollups read the related pages' values (following one
more rollup or formula in the target, no deeper); formulas are evaluated after the values they
reference, a reference cycle giving the empty string result Notion shows for broken formulas.
Called by page rendering, queries (filters and sorts read these values) and property items.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from reconciler.emulator import formula, rollup
from reconciler.emulator.store import Row
from reconciler.emulator.values import default_value, render_simple_value
from reconciler.emulator.workspace import Workspace

__all__ = ["PageValues", "page_values"]

_MAX_DEPTH = 2


class PageValues:
    """The API-shaped values of one page, computed on demand and memoized."""

    def __init__(
        self, ws: Workspace, page: Row, data_source: Row, cap: int | None, depth: int = 0
    ) -> None:
        self.ws = ws
        self.page = page
        self.data_source = data_source
        self.cap = cap
        self.depth = depth
        self.properties: dict[str, Any] = data_source.body["properties"]
        self._memo: dict[str, dict[str, Any]] = {}
        self._visiting: set[str] = set()

    def value(self, pid: str) -> dict[str, Any]:
        """The value of one property (``{"id", "type", <type>: ...}``)."""
        if pid in self._memo:
            return self._memo[pid]
        prop = self.properties[pid]
        if prop["type"] == "formula":
            out = self._formula(pid, prop)
        elif prop["type"] == "rollup":
            out = self._rollup(pid, prop)
        else:
            stored = self.page.body.get("values", {}).get(pid, _MISSING)
            if stored is _MISSING:
                stored = default_value(prop["type"], prop.get("config", {}))
            out = render_simple_value(prop, pid, stored, self.page, self.ws, cap=self.cap)
        self._memo[pid] = out
        return out

    def by_name(self, pids: Collection[str]) -> dict[str, dict[str, Any]]:
        """Values of these properties keyed by property name."""
        return {self.properties[pid]["name"]: self.value(pid) for pid in pids}

    # -- formulas -----------------------------------------------------------------------------

    def _formula(self, pid: str, prop: dict[str, Any]) -> dict[str, Any]:
        expression = prop["config"].get("expression", "")
        if pid in self._visiting or self.depth > _MAX_DEPTH:
            return {"id": pid, "type": "formula", "formula": {"type": "string", "string": None}}
        self._visiting.add(pid)
        try:
            needed = self._referenced(expression)
            names = {p: self.properties[p]["name"] for p in self.properties}
            inputs = self.by_name(needed)
            result = formula.evaluate(
                expression, inputs, property_names_by_id=names, now=self.ws.now()
            )
        finally:
            self._visiting.discard(pid)
        return {"id": pid, "type": "formula", "formula": result}

    def _referenced(self, expression: str) -> list[str]:
        try:
            found = formula.referenced_properties(expression)
        except formula.FormulaError:
            return []
        names = {prop["name"]: p for p, prop in self.properties.items()}
        out = []
        for ref in found:
            pid = ref if ref in self.properties else names.get(ref)
            if pid is not None and pid not in self._visiting:
                out.append(pid)
        return out

    # -- rollups ------------------------------------------------------------------------------

    def _rollup(self, pid: str, prop: dict[str, Any]) -> dict[str, Any]:
        config = prop["config"]
        function = str(config.get("function", "count"))
        relation = self.properties.get(config.get("relation_property_id"))
        related: list[dict[str, Any]] = []
        target_type = "title"
        if relation is not None and self.depth < _MAX_DEPTH:
            related, target_type = self._related_values(relation, config)
        payload = rollup.compute(function, related, target_type=target_type)
        return {"id": pid, "type": "rollup", "rollup": payload}

    def _related_values(
        self, relation: dict[str, Any], config: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], str]:
        relation_id = config["relation_property_id"]
        ids = self.page.body.get("values", {}).get(relation_id) or []
        target_id = relation["config"].get("data_source_id")
        target = (
            self.data_source if target_id == self.data_source.id else self.ws.store.get(target_id)
        )
        rolled = str(config.get("rollup_property_id"))
        if target is None or rolled not in target.body.get("properties", {}):
            return [], "title"
        rows = self.ws.store.get_many(list(ids))
        out = []
        for page_id in ids:
            row = rows.get(page_id)
            if row is None or row.in_trash:
                continue
            values = PageValues(self.ws, row, target, None, self.depth + 1)
            out.append(values.value(rolled))
        return out, str(target.body["properties"][rolled]["type"])


class _Missing:
    """Marks a property a page never stored."""


_MISSING: Any = _Missing()


def page_values(ws: Workspace, page: Row, data_source: Row, cap: int | None) -> PageValues:
    """The lazily computed values of a page in a data source."""
    return PageValues(ws, page, data_source, cap)
