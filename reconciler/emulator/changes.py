"""What one API request changed, as the webhook events Notion sends about it.

The store records every object a request saves with its state before (:meth:`Store.recording`);
comparing before and after gives the events, shaped as Notion's:

- a new page: ``page.created`` (and nothing else about it: Notion sends the most meaningful event);
- a page moved to or out of the trash: ``page.deleted`` / ``page.undeleted``;
- a page under another parent: ``page.moved``;
- stored property values that differ: ``page.properties_updated`` with ``updated_properties``
  (property ids); rows a schema change rewrote get no event of their own;
- blocks added, changed or trashed: ``page.content_updated`` of the page holding them, with
  ``updated_blocks``;
- data source properties added, changed or removed: ``data_source.schema_updated`` with
  ``updated_properties`` as ``{id, name, action}``.

One request gives at most one event of a type per object. Used by the Emulator after each API
request that wrote, when webhooks are configured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reconciler.emulator.identity import WORKSPACE_ID, WORKSPACE_NAME, new_id
from reconciler.emulator.store import Row
from reconciler.emulator.workspace import Workspace

__all__ = ["Change", "changes_of"]


@dataclass(frozen=True)
class Change:
    """One event: its type, the object it is about, and its ``data``."""

    type: str
    entity_id: str
    entity_type: str
    data: dict[str, Any] = field(default_factory=dict)
    shared: tuple[str, ...] | None = None
    """The integrations that see the object (None: every one)."""

    def visible_to(self, integration: str) -> bool:
        """Whether a subscription of this integration hears of the change."""
        return self.shared is None or integration in self.shared

    def payload(
        self, *, subscription_id: str, integration_id: str, author_id: str, timestamp: str
    ) -> dict[str, Any]:
        """The event as Notion delivers it (one attempt, API version 2025-09-03 shapes)."""
        return {
            "id": new_id(),
            "timestamp": timestamp,
            "workspace_id": WORKSPACE_ID,
            "workspace_name": WORKSPACE_NAME,
            "subscription_id": subscription_id,
            "integration_id": integration_id,
            "type": self.type,
            "authors": [{"id": author_id, "type": "bot"}],
            "attempt_number": 1,
            "api_version": "2025-09-03",
            "entity": {"id": self.entity_id, "type": self.entity_type},
            "data": self.data,
        }


def changes_of(ws: Workspace, before: dict[str, Row | None]) -> list[Change]:
    """The events for a request that saved these objects (``before``: their earlier state)."""
    after = ws.store.get_many(list(before))
    changed_sources = {
        object_id
        for object_id, row in after.items()
        if row.kind == "data_source" and _schema_changes(before[object_id], row)
    }
    out: list[Change] = []
    blocks_by_page: dict[str, list[str]] = {}
    for object_id, old in before.items():
        row = after.get(object_id)
        if row is None:
            continue
        if row.kind == "page":
            out.extend(_page_changes(ws, old, row, changed_sources))
        elif row.kind == "data_source" and object_id in changed_sources:
            out.append(_schema_change(ws, old, row))
        elif row.kind == "block" and _block_changed(old, row):
            page = ws.holding_page(row)
            if page is not None and before.get(page.id, page) is not None:
                blocks_by_page.setdefault(page.id, []).append(row.id)
    for page_id, block_ids in blocks_by_page.items():
        page = ws.store.get(page_id)
        assert page is not None
        data = {"parent": _page_parent(ws, page), "updated_blocks": _blocks(block_ids)}
        out.append(_about(page, "page.content_updated", data))
    return out


def _about(row: Row, kind: str, data: dict[str, Any]) -> Change:
    shared = row.body.get("shared")
    entity = "data_source" if row.kind == "data_source" else "page"
    return Change(kind, row.id, entity, data, tuple(shared) if shared is not None else None)


def _page_changes(
    ws: Workspace, old: Row | None, row: Row, changed_sources: set[str]
) -> list[Change]:
    parent = {"parent": _page_parent(ws, row)}
    if old is None:
        return [_about(row, "page.created", parent)]
    out: list[Change] = []
    if old.in_trash != row.in_trash:
        out.append(_about(row, "page.deleted" if row.in_trash else "page.undeleted", parent))
    if old.body.get("parent") != row.body.get("parent"):
        out.append(_about(row, "page.moved", parent))
    if row.data_source_id in changed_sources:
        return out
    old_values, new_values = old.body.get("values", {}), row.body.get("values", {})
    updated = [k for k in {**old_values, **new_values} if old_values.get(k) != new_values.get(k)]
    if updated:
        data = {**parent, "updated_properties": updated}
        out.append(_about(row, "page.properties_updated", data))
    return out


def _block_changed(old: Row | None, row: Row) -> bool:
    if old is None:
        return True
    return (old.body.get("content"), old.in_trash, old.parent_id, old.ord) != (
        row.body.get("content"),
        row.in_trash,
        row.parent_id,
        row.ord,
    )


def _blocks(block_ids: list[str]) -> list[dict[str, str]]:
    return [{"id": block_id, "type": "block"} for block_id in block_ids]


def _page_parent(ws: Workspace, row: Row) -> dict[str, Any]:
    """A page's parent as events name it: a page, a database (with its data source), the space."""
    parent = row.body.get("parent") or {}
    if parent.get("type") == "page_id":
        return {"id": parent["page_id"], "type": "page"}
    if parent.get("type") == "data_source_id":
        source = ws.store.get(parent["data_source_id"])
        database_id = source.body.get("database_id") if source is not None else None
        return {"id": database_id, "type": "database", "data_source_id": parent["data_source_id"]}
    return {"id": WORKSPACE_ID, "type": "space"}


def _schema_changes(old: Row | None, row: Row) -> list[dict[str, Any]]:
    if old is None:
        return []
    before, after = old.body.get("properties", {}), row.body.get("properties", {})
    out: list[dict[str, Any]] = []
    for pid in {**before, **after}:
        if pid not in before:
            out.append({"id": pid, "name": after[pid]["name"], "action": "created"})
        elif pid not in after:
            out.append({"id": pid, "name": None, "action": "deleted"})
        elif before[pid] != after[pid]:
            out.append({"id": pid, "name": after[pid]["name"], "action": "updated"})
    return out


def _schema_change(ws: Workspace, old: Row | None, row: Row) -> Change:
    """``data_source.schema_updated``; its parent is where the database sits (Notion's samples)."""
    database = ws.store.get(str(row.body.get("database_id")))
    where = (database.body.get("parent") or {}) if database is not None else {}
    if where.get("type") == "page_id":
        parent = {"id": where["page_id"], "type": "page"}
    else:
        parent = {"id": WORKSPACE_ID, "type": "space"}
    data = {"parent": parent, "updated_properties": _schema_changes(old, row)}
    return _about(row, "data_source.schema_updated", data)
