"""``POST /v1/pages/{page_id}/move``: a page goes under another page or into a data source.

The body is ``{"parent": {"type"?: "page_id", "page_id"} | {"type"?: "data_source_id",
"data_source_id"}}``; databases and other blocks cannot be moved (the path must name a page) and
cannot be a parent. A page cannot move under itself or one of its own sub-pages, and neither it
nor its new parent may be in the trash. What a page keeps: its id, content, icon and cover, and
its title (which becomes the title property of a data source it moves into). A row moving to
another data source keeps the values of the properties that have the same name and type there
(relations aside: their back-links are let go), gets the new source's unique id and status
default, and loses the rest; a row moving under a page keeps its title only. Answers the moved
page. Called by the router.
"""

from __future__ import annotations

from typing import Any

from reconciler.emulator.calls import Call, check_keys, require
from reconciler.emulator.errors import archived_edit, should_be, validation_error
from reconciler.emulator.pages import fill_new_row, render_page, sync_back_links
from reconciler.emulator.schema import READ_ONLY_TYPES
from reconciler.emulator.store import Row
from reconciler.emulator.workspace import Caller, Workspace

__all__ = ["move_page"]

_PARENT_KINDS = ("page_id", "data_source_id")


def move_page(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``POST /v1/pages/{page_id}/move``."""
    body = call.json_body()
    check_keys(body, ("parent",))
    parent = require(body, "parent")
    page = ws.find(("page",), ws.path_id(call.params["page_id"], "page_id"), caller, "page")
    kind = _parent_kind(parent)
    if page.in_trash:
        raise archived_edit()
    old_parent = ws.store.get(page.parent_id) if page.parent_id else None
    if kind == "page_id":
        target = _page_parent(ws, parent, page, caller)
        _leave_data_source(ws, page, caller)
        page.parent_id = target.id
        page.ord = ws.store.last_child_ord(target.id) + 1
        page.body["parent"] = {"type": "page_id", "page_id": target.id}
        ws.touch(target, caller)
    else:
        source_id = ws.body_id(parent.get("data_source_id"), "body.parent.data_source_id")
        source = ws.find(("data_source",), source_id, caller, "data_source")
        if source.in_trash:
            raise archived_edit()
        _enter_data_source(ws, page, source, caller)
    ws.touch(page, caller)
    if old_parent is not None and old_parent.kind == "page" and old_parent.id != page.parent_id:
        ws.touch(old_parent, caller)
    return render_page(ws, page, caller)


def _parent_kind(parent: object) -> str:
    if not isinstance(parent, dict):
        raise should_be("body", "body.parent", "an object", parent)
    kind = parent.get("type") or next((k for k in _PARENT_KINDS if k in parent), None)
    if kind not in _PARENT_KINDS:
        lines = [
            f"body.parent.{k} should be defined, instead was `undefined`." for k in _PARENT_KINDS
        ]
        raise validation_error("body failed validation. Fix one:\n" + "\n".join(lines))
    return str(kind)


def _page_parent(ws: Workspace, parent: dict[str, Any], page: Row, caller: Caller) -> Row:
    target_id = ws.body_id(parent.get("page_id"), "body.parent.page_id")
    target = ws.find(("page",), target_id, caller, "page")
    if target.in_trash:
        raise archived_edit()
    ancestor: Row | None = target
    while ancestor is not None:
        if ancestor.id == page.id:
            raise validation_error("A page can't be moved into itself or one of its sub-pages.")
        ancestor = ws.store.get(ancestor.parent_id) if ancestor.parent_id else None
    return target


def _title_of(ws: Workspace, page: Row) -> list[dict[str, Any]]:
    """The page's title rich text, wherever its title is stored."""
    values = page.body.get("values", {})
    if page.data_source_id is None:
        return list(values.get("title", []))
    source = ws.store.get(page.data_source_id)
    schema = source.body["properties"] if source is not None else {}
    title = next((p for p, spec in schema.items() if spec["type"] == "title"), None)
    return list(values.get(title, [])) if title else []


def _leave_data_source(ws: Workspace, page: Row, caller: Caller) -> None:
    """A row becoming a plain page keeps its title and nothing else."""
    if page.data_source_id is None:
        return
    title = _title_of(ws, page)
    _drop_relations(ws, page, caller)
    page.data_source_id = None
    page.body["values"] = {"title": title}


def _enter_data_source(ws: Workspace, page: Row, source: Row, caller: Caller) -> None:
    title = _title_of(ws, page)
    kept: dict[str, Any] = {}
    if page.data_source_id is not None and page.data_source_id != source.id:
        kept = _shared_values(ws, page, source)
        _drop_relations(ws, page, caller)
    elif page.data_source_id == source.id:
        kept = dict(page.body.get("values", {}))
    schema = source.body["properties"]
    title_pid = next((p for p, spec in schema.items() if spec["type"] == "title"), None)
    if title_pid is not None:
        kept[title_pid] = title
    page.body["values"] = kept
    if page.data_source_id != source.id:
        page.data_source_id = source.id
        page.parent_id = None
        page.ord = 0.0
        if fill_new_row(page, source):
            ws.store.save(source)
    page.body["parent"] = {"type": "data_source_id", "data_source_id": source.id}


def _shared_values(ws: Workspace, page: Row, target: Row) -> dict[str, Any]:
    """Values of the row's properties that the target has too, by name and type."""
    source = ws.store.get(str(page.data_source_id))
    if source is None:
        return {}
    theirs = {spec["name"]: (pid, spec["type"]) for pid, spec in target.body["properties"].items()}
    values = page.body.get("values", {})
    kept = {}
    for pid, spec in source.body["properties"].items():
        match = theirs.get(spec["name"])
        kind = spec["type"]
        skipped = kind in READ_ONLY_TYPES or kind in ("relation", "unique_id", "title")
        if match is not None and match[1] == kind and not skipped and pid in values:
            kept[match[0]] = values[pid]
    return kept


def _drop_relations(ws: Workspace, page: Row, caller: Caller) -> None:
    """A row leaving its data source lets go of its relations (and their back-links)."""
    source = ws.store.get(str(page.data_source_id))
    if source is None:
        return
    values = page.body.setdefault("values", {})
    for pid, spec in source.body["properties"].items():
        if spec["type"] == "relation" and values.get(pid):
            old = list(values[pid])
            values[pid] = []
            sync_back_links(ws, page, source, pid, old=old, caller=caller)
