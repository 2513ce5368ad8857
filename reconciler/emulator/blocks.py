"""Blocks of plain pages: list and append children, retrieve and trash a block.

Enough of Notion's block model for parent pages and their databases: a page's children are its
content blocks, its sub-pages (``child_page``) and its databases (``child_database``), in order.
Appended blocks get Notion's defaults (colour, toggles, empty captions) and normalized rich text;
at most 100 children per request and two levels of nested ``children``. ``after`` (2025-09-03)
and ``position`` (2026-03-11) place them. ``PATCH /v1/blocks/{id}`` changes a block's content
(the fields given under its type) or puts a block, page or database in or out of the trash;
``DELETE /v1/blocks/{id}`` moves any of them to the trash. Called by the router and by page
creation (``children``).
"""

from __future__ import annotations

from typing import Any

from reconciler.emulator.calls import Call, check_keys, require
from reconciler.emulator.errors import archived_edit, should_be, validation_error
from reconciler.emulator.identity import new_id
from reconciler.emulator.paging import (
    id_cursor_position,
    list_envelope,
    query_page_size,
    query_value,
)
from reconciler.emulator.richtext import normalize_rich_text, plain_text
from reconciler.emulator.store import Row
from reconciler.emulator.workspace import UNTITLED_DATABASE, V2025, Caller, Workspace

__all__ = [
    "append_children",
    "delete_block",
    "insert_children",
    "list_children",
    "render_block",
    "retrieve_block",
    "trashed_with_ancestors",
    "update_block",
]

_COLORED = ("paragraph", "bulleted_list_item", "numbered_list_item", "quote", "toggle",
            "to_do", "callout", "heading_1", "heading_2", "heading_3",
            "table_of_contents")  # fmt: skip
_NOT_APPENDABLE = ("child_page", "child_database", "unsupported", "link_preview")


def render_block(ws: Workspace, row: Row, caller: Caller) -> dict[str, Any]:
    """A block object; pages and databases under a page show as child_page / child_database."""
    if row.kind == "page":
        kind, content = "child_page", {"title": ws.page_title(row)}
    elif row.kind == "database":
        title = plain_text(row.body.get("title", [])) or UNTITLED_DATABASE
        kind, content = "child_database", {"title": title}
    else:
        kind, content = row.body["type"], row.body["content"]
    parent_row = ws.store.get(row.parent_id) if row.parent_id else None
    parent = (
        {"type": "block_id", "block_id": row.parent_id}
        if parent_row is not None and parent_row.kind == "block"
        else {"type": "page_id", "page_id": row.parent_id}
    )
    out = {
        "object": "block",
        "id": row.id,
        "parent": parent,
        "created_time": ws.page_time(row.created_time),
        "last_edited_time": ws.page_time(row.last_edited_time),
        "created_by": ws.user_ref(row.body.get("created_by")),
        "last_edited_by": ws.user_ref(row.body.get("last_edited_by")),
        "has_children": kind != "child_database" and _has_children(ws, _content_holder(ws, row)),
        "in_trash": trashed_with_ancestors(ws, row),
        "type": kind,
        kind: content,
    }
    out = ws.finish(out, row, caller)
    if "archived" in out:
        out["archived"] = out["in_trash"]
    return out


def _has_children(ws: Workspace, row: Row) -> bool:
    # Observed: children in the trash do not count (a trashed page's block says false).
    return any(not c.in_trash for c in ws.store.children(row.id))


def trashed_with_ancestors(ws: Workspace, row: Row) -> bool:
    """Whether a block is in the trash, itself or with a block it sits in (observed: the
    paragraph of a deleted column reads ``in_trash: true``)."""
    current: Row | None = row
    while current is not None:
        if current.in_trash:
            return True
        if current.kind != "block" or current.parent_id is None:
            return False
        current = ws.store.get(current.parent_id)
    return False


def _content_holder(ws: Workspace, row: Row) -> Row:
    """Whose children a block shows: a synced block copied from another shows the original's."""
    if row.kind != "block" or row.body.get("type") != "synced_block":
        return row
    source = (row.body["content"].get("synced_from") or {}).get("block_id")
    original = ws.store.get(str(source)) if isinstance(source, str) else None
    return original if original is not None and original.kind == "block" else row


def _container(ws: Workspace, call: Call, caller: Caller) -> Row:
    block_id = ws.path_id(call.params["block_id"], "block_id")
    return ws.find(("page", "block", "database"), block_id, caller, "block")


def list_children(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``GET /v1/blocks/{block_id}/children``."""
    parent = _content_holder(ws, _container(ws, call, caller))
    size = query_page_size(call.query)
    children = [c for c in ws.store.children(parent.id) if ws.visible(c, caller) and not c.in_trash]
    ids = [c.id for c in children]
    start = id_cursor_position(query_value(call.query, "start_cursor"), ids, "query")
    chunk = children[start : start + size]
    cursor = ids[start + size] if start + size < len(ids) else None
    return list_envelope([render_block(ws, c, caller) for c in chunk], cursor, "block")


def append_children(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``PATCH /v1/blocks/{block_id}/children``: the new top-level blocks are returned."""
    body = call.json_body()
    allowed = ("children", "after") if caller.version == V2025 else ("children", "position")
    check_keys(body, allowed)
    parent = _container(ws, call, caller)
    if parent.kind == "database":
        raise validation_error(
            "Can't append children to a database; create pages in its data source."
        )
    if parent.in_trash:
        raise archived_edit()
    after = _placement(ws, parent, body, caller)
    created = insert_children(
        ws, parent, require(body, "children"), caller, "body.children", after=after
    )
    ws.touch(parent, caller)
    placed = after is not None and bool(created)
    shown = created + (_following(ws, parent, created[-1], caller) if placed else [])
    return list_envelope([render_block(ws, r, caller) for r in shown], None, "block")


def _following(ws: Workspace, parent: Row, last: Row, caller: Caller) -> list[Row]:
    """Observed: blocks inserted before others are answered with every block after them too."""
    siblings = [c for c in ws.store.children(parent.id) if ws.visible(c, caller)]
    return [c for c in siblings if c.ord > last.ord and not c.in_trash]


def _placement(ws: Workspace, parent: Row, body: dict[str, Any], caller: Caller) -> float | None:
    """The position to insert after (None: at the end)."""
    target: object = None
    if "after" in body:
        target = body["after"]
    elif "position" in body:
        position = body["position"]
        if not isinstance(position, dict) or position.get("type") not in (
            "after_block",
            "start",
            "end",
        ):
            raise should_be(
                "body", "body.position.type", '`"after_block"`, `"start"` or `"end"`', position
            )
        if position["type"] == "start":
            return float("-inf")
        if position["type"] == "end":
            return None
        target = (position.get("after_block") or {}).get("id")
    if target is None:
        return None
    block_id = ws.body_id(target, "body.after")
    siblings = {c.id: c for c in ws.store.children(parent.id)}
    if block_id not in siblings:
        raise validation_error(
            f"Block {block_id} is not a child of {parent.id}; it can't be used as `after`."
        )
    del caller
    return siblings[block_id].ord


def insert_children(
    ws: Workspace, parent: Row, children: object, caller: Caller, path: str, *, after: float | None
) -> list[Row]:
    """Validate and store blocks under a page or block; the top-level rows are returned."""
    specs = _validate_children(children, path, depth=1, ws=ws)
    rows: list[Row] = []
    position = _start_position(ws, parent, after, len(specs))
    for spec in specs:
        position += 1
        rows.append(_store_block(ws, parent, spec, caller, position))
    return rows


def _start_position(ws: Workspace, parent: Row, after: float | None, count: int) -> float:
    if after is None:
        return ws.store.last_child_ord(parent.id)
    if after == float("-inf"):
        first = min((c.ord for c in ws.store.children(parent.id)), default=1.0)
        return first - count - 1
    ws.store.shift_children(parent.id, after, count)
    return after


def _store_block(
    ws: Workspace, parent: Row, spec: dict[str, Any], caller: Caller, position: float
) -> Row:
    now = ws.now()
    row = Row(
        id=new_id(),
        kind="block",
        created_time=now,
        last_edited_time=now,
        parent_id=parent.id,
        ord=position,
        seq=ws.store.next_seq(),
        body={
            "type": spec["type"],
            "content": spec["content"],
            "created_by": caller.bot_id,
            "last_edited_by": caller.bot_id,
            "shared": parent.body.get("shared"),
        },
    )
    ws.store.save(row)
    for n, child in enumerate(spec["children"], start=1):
        _store_block(ws, row, child, caller, float(n))
    return row


def _validate_children(
    children: object, path: str, *, depth: int, ws: Workspace
) -> list[dict[str, Any]]:
    if not isinstance(children, list):
        raise should_be("body", path, "an array", children)
    if len(children) > 100:
        raise should_be("body", f"{path}.length", "≤ `100`", len(children))
    return [_block_spec(item, f"{path}[{n}]", depth, ws) for n, item in enumerate(children)]


def _block_spec(item: object, path: str, depth: int, ws: Workspace) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise should_be("body", path, "an object", item)
    kind = item.get("type") or next((k for k in item if k not in ("object", "type")), None)
    if not isinstance(kind, str) or not isinstance(item.get(kind), dict):
        raise should_be(
            "body",
            f"{path}.{kind or 'type'}",
            "an object",
            item.get(str(kind)),
            defined=kind in item,
        )
    if kind in _NOT_APPENDABLE:
        raise validation_error(
            f"body failed validation: {path}.type `{kind}` blocks can't be created through "
            "this endpoint."
        )
    payload = dict(item[kind])
    nested = payload.pop("children", None)
    children: list[dict[str, Any]] = []
    if nested is not None:
        if depth >= 3:
            raise should_be("body", f"{path}.{kind}.children", "not present", nested)
        children = _validate_children(nested, f"{path}.{kind}.children", depth=depth + 1, ws=ws)
    return {
        "type": kind,
        "content": _content(kind, payload, f"{path}.{kind}", ws),
        "children": children,
    }


def _content(kind: str, payload: dict[str, Any], path: str, ws: Workspace) -> dict[str, Any]:
    """The stored payload of a block, with Notion's defaults."""
    out = dict(payload)
    for key in ("rich_text", "caption"):
        if key in out:
            out[key] = normalize_rich_text(out[key], f"{path}.{key}", ws)
    if kind in _COLORED:
        if kind != "table_of_contents":
            out.setdefault("rich_text", [])
        out.setdefault("color", "default")
    if kind.startswith("heading_"):
        out.setdefault("is_toggleable", False)
    if kind == "to_do":
        out.setdefault("checked", False)
    if kind in ("paragraph", "callout"):
        out.setdefault("icon", None)
    if kind == "code":
        out.setdefault("rich_text", [])
        out.setdefault("caption", [])
        if not isinstance(out.get("language"), str):
            raise should_be(
                "body",
                f"{path}.language",
                "a string",
                out.get("language"),
                defined="language" in out,
            )
    if kind in ("bookmark", "embed", "image", "video", "file", "pdf", "audio"):
        out.setdefault("caption", [])
    if kind == "file":
        url = str((out.get("external") or {}).get("url", ""))
        out.setdefault("name", url.rstrip("/").rsplit("/", 1)[-1] or "file")
    if kind == "table_row" and isinstance(out.get("cells"), list):
        out["cells"] = [
            normalize_rich_text(cell, f"{path}.cells[{n}]", ws)
            for n, cell in enumerate(out["cells"])
        ]
    return out


def retrieve_block(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``GET /v1/blocks/{block_id}``."""
    return render_block(ws, _container(ws, call, caller), caller)


def delete_block(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``DELETE /v1/blocks/{block_id}``: to the trash (pages and databases too)."""
    row = _container(ws, call, caller)
    _set_trash(ws, row, True)
    ws.touch(row, caller)
    return render_block(ws, row, caller)


def update_block(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``PATCH /v1/blocks/{block_id}``: a block's content, or any block's (page's, database's)
    place in the trash.

    The payload under the block's type key changes the fields it names (rich text, colour,
    ``checked``, ``language``...); the others stay. Pages and databases change only ``in_trash``
    here: their titles go through their own endpoints.
    """
    body = call.json_body()
    ws.version_check_archived(body, caller)
    row = _container(ws, call, caller)
    shown = render_block(ws, row, caller)
    kind = str(shown["type"])
    check_keys(body, ("type", "in_trash", "archived", kind))
    trash = _trash_flag(body)
    if "type" in body and body["type"] != kind:
        raise validation_error(
            f"body.type `{body['type']}` does not match the block, which is a `{kind}` block."
        )
    if kind in body:
        if row.kind != "block":
            raise validation_error(
                f"A {kind} block can't be updated here; update the "
                f"{'page' if row.kind == 'page' else 'database'} instead."
            )
        if trashed_with_ancestors(ws, row) and trash is not False:
            raise archived_edit()
        row.body["content"] = _updated_content(ws, kind, row.body["content"], body[kind])
    if trash is not None:
        _set_trash(ws, row, trash)
    ws.touch(row, caller)
    return render_block(ws, row, caller)


def _trash_flag(body: dict[str, Any]) -> bool | None:
    for key in ("in_trash", "archived"):
        if key in body:
            if not isinstance(body[key], bool):
                raise should_be("body", f"body.{key}", "a boolean", body[key])
            return bool(body[key])
    return None


def _updated_content(
    ws: Workspace, kind: str, current: dict[str, Any], payload: object
) -> dict[str, Any]:
    """The stored payload with the given fields replaced and checked as on creation."""
    if not isinstance(payload, dict):
        raise should_be("body", f"body.{kind}", "an object", payload)
    changes = dict(payload)
    nested = changes.pop("children", None)
    if nested:
        raise should_be("body", f"body.{kind}.children", "not present", nested)
    if kind == "file" and isinstance(changes.get("name"), str):
        changes["name"] = _keeping_extension(changes["name"], str(current.get("name", "")))
    return _content(kind, {**current, **changes}, f"body.{kind}", ws)


def _keeping_extension(name: str, old: str) -> str:
    """A file renamed without an extension keeps the one it had (observed: ``robots.txt``
    renamed ``my_robot`` reads ``my_robot.txt``)."""
    stem, dot, extension = old.rpartition(".")
    if "." in name or not (dot and stem and extension):
        return name
    return f"{name}.{extension}"


def _set_trash(ws: Workspace, row: Row, trash: bool) -> None:
    """Trash or restore a block, page or database (a database's data sources with it)."""
    row.in_trash = trash
    if row.kind == "database":
        for source_id in row.body.get("data_sources", []):
            source = ws.store.get(source_id)
            if source is not None:
                source.in_trash = trash
                ws.store.save(source)
