"""Pages: ``POST /v1/pages``, ``GET``/``PATCH /v1/pages/{id}`` and the property item endpoint.

A page lives under a page (its only property is ``title``) or in a data source (one value per
schema property). Writes check every value as Notion does, refuse edits to trashed pages, keep the
back-links of dual relations in step, number unique ids and give new rows their status default.
Reads show at most the relation/people page cap of references (relations say ``has_more``);
``GET /v1/pages/{id}/properties/{property_id}`` pages through the rest. Called by the router.
"""

from __future__ import annotations

from typing import Any

from reconciler.emulator import blocks, page_markdown
from reconciler.emulator.calls import Call, check_keys, icon_value, require
from reconciler.emulator.computed import page_values
from reconciler.emulator.errors import archived_edit, should_be, validation_error
from reconciler.emulator.identity import new_id, normalize_property_id
from reconciler.emulator.paging import decode_offset, encode_offset, query_page_size, query_value
from reconciler.emulator.schema import READ_ONLY_TYPES, find_property, sorted_property_ids
from reconciler.emulator.store import Row
from reconciler.emulator.values import WrongType, parse_value
from reconciler.emulator.workspace import Caller, Workspace

__all__ = [
    "create_page",
    "fill_new_row",
    "property_item",
    "render_page",
    "retrieve_page",
    "selected_properties",
    "sync_back_links",
    "update_page",
]

_CREATE_KEYS = ("parent", "properties", "icon", "cover", "children", "content", "markdown",
                "template", "position")  # fmt: skip
_UPDATE_KEYS = ("properties", "icon", "cover", "is_locked", "template", "erase_content",
                "in_trash", "is_archived", "archived")  # fmt: skip
_LIST_ITEM_TYPES = ("title", "rich_text", "people", "relation", "rollup")


# -- rendering ------------------------------------------------------------------------------------


def render_page(
    ws: Workspace, row: Row, caller: Caller, only: set[str] | None = None
) -> dict[str, Any]:
    """A page object as Notion returns it (``only``: property ids kept by filter_properties)."""
    body = row.body
    out: dict[str, Any] = {
        "object": "page",
        "id": row.id,
        "created_time": ws.page_time(row.created_time),
        "last_edited_time": ws.page_time(row.last_edited_time),
        "created_by": ws.user_ref(body.get("created_by")),
        "last_edited_by": ws.user_ref(body.get("last_edited_by")),
        "cover": body.get("cover"),
        "icon": body.get("icon"),
        "parent": _parent(ws, row),
        "in_trash": row.in_trash,
        "is_archived": False,
        "is_locked": bool(body.get("is_locked", False)),
        "properties": _properties(ws, row, only),
        "url": ws.url(row, ws.page_title(row)),
        "public_url": None,
    }
    return ws.finish(out, row, caller)


def _parent(ws: Workspace, row: Row) -> dict[str, Any]:
    parent = dict(row.body["parent"])
    if parent.get("type") == "data_source_id":
        source = ws.store.get(parent["data_source_id"])
        parent["database_id"] = source.body.get("database_id") if source else None
    return parent


def _properties(ws: Workspace, row: Row, only: set[str] | None) -> dict[str, Any]:
    if row.data_source_id is None:
        if only is not None and "title" not in only:
            return {}
        title = row.body.get("values", {}).get("title", [])
        return {"title": {"id": "title", "type": "title", "title": title}}
    source = ws.store.get(row.data_source_id)
    if source is None:
        return {}
    values = page_values(ws, row, source, ws.limits.relation_page_cap)
    pids = [p for p in sorted_property_ids(source.body["properties"]) if only is None or p in only]
    return values.by_name(pids)


def selected_properties(ws: Workspace, row: Row, call: Call) -> set[str] | None:
    """The property ids named by ``filter_properties`` (ids encoded once or twice, or names)."""
    wanted = call.query_values("filter_properties")
    if not wanted:
        return None
    if row.data_source_id is None:
        return {"title"} if any(normalize_property_id(w) == "title" for w in wanted) else set()
    source = ws.store.get(row.data_source_id)
    properties = source.body["properties"] if source else {}
    found: set[str] = set()
    for text in wanted:
        pid = find_property(properties, text) or find_property(
            properties, normalize_property_id(text)
        )
        if pid is not None:
            found.add(pid)
    return found


# -- create ---------------------------------------------------------------------------------------


def create_page(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``POST /v1/pages``."""
    body = call.json_body()
    check_keys(body, _CREATE_KEYS)
    parent, parent_row, source = _resolve_parent(ws, require(body, "parent"), caller)
    now = ws.now()
    row = Row(
        id=new_id(),
        kind="page",
        created_time=now,
        last_edited_time=now,
        body={
            "parent": parent,
            "created_by": caller.bot_id,
            "last_edited_by": caller.bot_id,
            "icon": icon_value(body.get("icon"), "body.icon"),
            "cover": icon_value(body.get("cover"), "body.cover"),
            "values": {},
            "shared": parent_row.body.get("shared"),
        },
        seq=ws.store.next_seq(),
    )
    if source is not None:
        row.data_source_id = source.id
        _write_row_values(ws, row, source, body.get("properties") or {}, caller, creating=True)
    else:
        row.parent_id = parent_row.id
        row.ord = ws.store.last_child_ord(parent_row.id) + 1
        _write_title(ws, row, body.get("properties") or {})
    ws.store.save(row)
    if "markdown" in body:
        page_markdown.create_body(ws, row, body, caller)
    elif "children" in body:
        blocks.insert_children(ws, row, body["children"], caller, "body.children", after=None)
    if source is None:
        ws.touch(parent_row, caller)
    return render_page(ws, row, caller)


def _resolve_parent(
    ws: Workspace, parent: object, caller: Caller
) -> tuple[dict[str, Any], Row, Row | None]:
    """(stored parent object, row that shares its access, data source or None)."""
    if not isinstance(parent, dict):
        raise should_be("body", "body.parent", "an object", parent)
    kind = parent.get("type") or next(
        (
            k
            for k in ("page_id", "data_source_id", "database_id", "workspace", "block_id")
            if k in parent
        ),
        None,
    )
    if kind == "page_id":
        page_id = ws.body_id(parent.get("page_id"), "body.parent.page_id")
        row = ws.find(("page",), page_id, caller, "page")
        if row.in_trash:
            raise archived_edit()
        return {"type": "page_id", "page_id": row.id}, row, None
    if kind == "data_source_id":
        source_id = ws.body_id(parent.get("data_source_id"), "body.parent.data_source_id")
        source = ws.find(("data_source",), source_id, caller, "data_source")
        return {"type": "data_source_id", "data_source_id": source.id}, source, source
    if kind == "database_id":
        database_id = ws.body_id(parent.get("database_id"), "body.parent.database_id")
        database = ws.find(("database",), database_id, caller, "database")
        sources = database.body.get("data_sources", [])
        if len(sources) != 1:
            raise validation_error(
                "Database with multiple data sources can't be used as a parent; use a "
                "data_source_id parent instead."
            )
        source = ws.find(("data_source",), sources[0], caller, "data_source")
        return {"type": "data_source_id", "data_source_id": source.id}, source, source
    if kind == "workspace":
        raise validation_error(
            "Internal integrations can't create pages at the top level of a workspace; "
            "give a page_id or data_source_id parent."
        )
    raise should_be(
        "body", "body.parent.type", '`"page_id"`, `"data_source_id"` or `"database_id"`', kind
    )


def _write_title(ws: Workspace, row: Row, properties: object) -> None:
    """A page under a page has one property, its title (key ``title``)."""
    if not isinstance(properties, dict):
        raise should_be("body", "body.properties", "an object", properties)
    problems = []
    for key, value in properties.items():
        if normalize_property_id(key) != "title":
            problems.append(f"{key} is not a property that exists.")
            continue
        prop = {"name": "title", "type": "title", "config": {}}
        row.body.setdefault("values", {})["title"] = parse_value(
            prop, value, f"body.properties.{key}", ws
        )
    if problems:
        raise validation_error(" ".join(problems))


def _write_row_values(
    ws: Workspace, row: Row, source: Row, properties: object, caller: Caller, *, creating: bool
) -> None:
    """Check the values of a data source row and set them (the caller saves the row).

    New select options join the schema, which is saved here when that happens.
    """
    if not isinstance(properties, dict):
        raise should_be("body", "body.properties", "an object", properties)
    schema = source.body["properties"]
    before = _option_count(schema)
    values = row.body.setdefault("values", {})
    problems: list[str] = []
    changed_relations: dict[str, list[str]] = {}
    for key, value in properties.items():
        pid = find_property(schema, key) or find_property(schema, normalize_property_id(key))
        if pid is None:
            problems.append(f"{key} is not a property that exists.")
            continue
        prop = schema[pid]
        if prop["type"] in READ_ONLY_TYPES:
            problems.append(f"{key} is a {prop['type']} property, which is read-only.")
            continue
        try:
            stored = parse_value(prop, value, f"body.properties.{key}", ws)
        except WrongType as wrong:
            problems.append(wrong.message)
            continue
        if prop["type"] == "relation":
            changed_relations[pid] = list(values.get(pid) or [])
        values[pid] = stored
    if problems:
        raise validation_error(" ".join(problems))
    counted = fill_new_row(row, source) if creating else False
    if counted or _option_count(schema) != before:
        ws.store.save(source)
    for pid, old in changed_relations.items():
        sync_back_links(ws, row, source, pid, old=old, caller=caller)


def _option_count(schema: dict[str, Any]) -> int:
    """How many select/multi_select options the schema holds (a write may add some)."""
    return sum(
        len(p["config"].get("options", []))
        for p in schema.values()
        if p["type"] in ("select", "multi_select")
    )


def fill_new_row(row: Row, source: Row) -> bool:
    """Unique ids and status defaults a new row gets; True when a unique id counter moved."""
    counters = source.body.setdefault("counters", {})
    values = row.body["values"]
    counted = False
    for pid, prop in source.body["properties"].items():
        if prop["type"] == "unique_id":
            counters[pid] = int(counters.get(pid, 0)) + 1
            values[pid] = counters[pid]
            counted = True
        elif prop["type"] == "status" and pid not in values:
            groups = prop["config"].get("groups") or []
            first = groups[0]["option_ids"] if groups else []
            values[pid] = first[0] if first else None
    return counted


def sync_back_links(
    ws: Workspace, row: Row, source: Row, pid: str, *, old: list[str], caller: Caller
) -> None:
    """A dual relation shows the page in each related page's synced property."""
    config = source.body["properties"][pid]["config"]
    if config.get("type") != "dual_property":
        return
    synced = config.get("synced_property_id")
    new = row.body["values"].get(pid) or []
    added = [p for p in new if p not in old]
    removed = [p for p in old if p not in new]
    targets = ws.store.get_many(added + removed)
    for target_id in added + removed:
        target = targets.get(target_id)
        if target is None:
            continue
        if target.id == row.id:
            target = row
        links = target.body.setdefault("values", {}).setdefault(synced, [])
        if target_id in added and row.id not in links:
            links.append(row.id)
        elif target_id in removed and row.id in links:
            links.remove(row.id)
        ws.touch(target, caller)


# -- retrieve / update ----------------------------------------------------------------------------


def retrieve_page(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``GET /v1/pages/{page_id}``."""
    row = ws.find(("page",), ws.path_id(call.params["page_id"], "page_id"), caller, "page")
    return render_page(ws, row, caller, selected_properties(ws, row, call))


def update_page(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``PATCH /v1/pages/{page_id}``."""
    body = call.json_body()
    check_keys(body, _UPDATE_KEYS)
    ws.version_check_archived(body, caller)
    row = ws.find(("page",), ws.path_id(call.params["page_id"], "page_id"), caller, "page")
    trash = _trash_flag(body)
    edits = [k for k in body if k not in ("in_trash", "archived", "is_archived")]
    if row.in_trash and edits and trash is not False:
        raise archived_edit()
    if trash is not None:
        row.in_trash = trash
    if "icon" in body:
        row.body["icon"] = icon_value(body["icon"], "body.icon")
    if "cover" in body:
        row.body["cover"] = icon_value(body["cover"], "body.cover")
    if "is_locked" in body:
        if not isinstance(body["is_locked"], bool):
            raise should_be("body", "body.is_locked", "a boolean", body["is_locked"])
        row.body["is_locked"] = body["is_locked"]
    properties = body.get("properties")
    if properties:
        if row.data_source_id is None:
            _write_title(ws, row, properties)
        else:
            source = ws.store.get(row.data_source_id)
            assert source is not None
            _write_row_values(ws, row, source, properties, caller, creating=False)
    ws.touch(row, caller)
    return render_page(ws, row, caller, selected_properties(ws, row, call))


def _trash_flag(body: dict[str, Any]) -> bool | None:
    for key in ("in_trash", "archived"):
        if key in body:
            value = body[key]
            if not isinstance(value, bool):
                raise should_be("body", f"body.{key}", "a boolean", value)
            return value
    return None


# -- property items -------------------------------------------------------------------------------


def property_item(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``GET /v1/pages/{page_id}/properties/{property_id}``: one value, lists paged."""
    row = ws.find(("page",), ws.path_id(call.params["page_id"], "page_id"), caller, "page")
    wanted = normalize_property_id(call.params["property_id"])
    if row.data_source_id is None:
        if wanted != "title":
            raise validation_error(f"Could not find property with id: {call.params['property_id']}")
        prop = {"name": "title", "type": "title", "config": {}}
        value = {
            "id": "title",
            "type": "title",
            "title": row.body.get("values", {}).get("title", []),
        }
    else:
        source = ws.store.get(row.data_source_id)
        assert source is not None
        pid = find_property(source.body["properties"], wanted)
        if pid is None:
            raise validation_error(f"Could not find property with id: {call.params['property_id']}")
        prop = source.body["properties"][pid]
        value = page_values(ws, row, source, None).value(pid)
    kind = str(prop["type"])
    if kind not in _LIST_ITEM_TYPES:
        return {"object": "property_item", "id": value["id"], "type": kind, kind: value[kind]}
    return _item_list(ws, row, call, value)


def _item_list(ws: Workspace, row: Row, call: Call, value: dict[str, Any]) -> dict[str, Any]:
    kind = value["type"]
    pid = value["id"]
    if kind == "rollup":
        items: list[Any] = []
        summary: dict[str, Any] = dict(value["rollup"])
    else:
        items = list(value[kind])
        summary = {}
    size = query_page_size(call.query)
    start = decode_offset(f"{row.id}/{pid}", query_value(call.query, "start_cursor"))
    chunk = items[start : start + size]
    more = start + size < len(items)
    cursor = encode_offset(f"{row.id}/{pid}", start + size) if more else None
    results = [{"object": "property_item", "type": kind, "id": pid, kind: item} for item in chunk]
    next_url = (
        f"https://api.notion.com/v1/pages/{row.id}/properties/{pid}?start_cursor={cursor}"
        if cursor
        else None
    )
    return {
        "object": "list",
        "results": results,
        "next_cursor": cursor,
        "has_more": more,
        "type": "property_item",
        "property_item": {"id": pid, "next_url": next_url, "type": kind, kind: summary},
    }
