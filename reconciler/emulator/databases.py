"""Databases and data sources: create, retrieve, update (schema changes included).

Since 2025-09-03 a database is a container of data sources; the schema and the rows live on the
data source. Creating a database creates its first data source from ``initial_data_source``;
``POST /v1/data_sources`` adds more. A data source shows its database's description, inline flag
and parent (``database_parent``). Called by the router.
"""

from __future__ import annotations

from typing import Any

from reconciler.emulator.calls import Call, check_keys, icon_value, require
from reconciler.emulator.errors import archived_edit, should_be, validation_error
from reconciler.emulator.identity import new_id
from reconciler.emulator.richtext import normalize_rich_text, plain_text, text_item
from reconciler.emulator.schema import apply_schema_update, build_schema, render_schema
from reconciler.emulator.store import Row
from reconciler.emulator.workspace import UNTITLED_DATABASE, Caller, Workspace

__all__ = [
    "create_data_source",
    "create_database",
    "list_templates",
    "render_data_source",
    "render_database",
    "retrieve_data_source",
    "retrieve_database",
    "update_data_source",
    "update_database",
]

_DB_CREATE = ("parent", "title", "description", "is_inline", "initial_data_source", "icon", "cover")
_DB_UPDATE = ("parent", "title", "description", "is_inline", "icon", "cover", "in_trash",
              "is_locked", "archived")  # fmt: skip
_DS_CREATE = ("parent", "properties", "title", "icon")
_DS_UPDATE = ("title", "icon", "properties", "in_trash", "archived", "parent")


# -- rendering ------------------------------------------------------------------------------------


def render_database(ws: Workspace, row: Row, caller: Caller) -> dict[str, Any]:
    """A database object (no schema since 2025-09-03)."""
    body = row.body
    sources = []
    for source_id in body.get("data_sources", []):
        source = ws.store.get(source_id)
        if source is not None:
            own = plain_text(source.body.get("title", []))
            name = own or plain_text(body.get("title", [])) or UNTITLED_DATABASE
            sources.append({"id": source.id, "name": name})
    out = {
        "object": "database",
        "id": row.id,
        "title": body.get("title") or [text_item(UNTITLED_DATABASE)],
        "description": body.get("description", []),
        "parent": body["parent"],
        "is_inline": bool(body.get("is_inline", False)),
        "in_trash": row.in_trash,
        "is_locked": bool(body.get("is_locked", False)),
        "created_time": ws.database_time(row.created_time),
        "last_edited_time": ws.database_time(row.last_edited_time),
        "data_sources": sources,
        "icon": body.get("icon"),
        "cover": body.get("cover"),
        "url": ws.url(row),
        "public_url": None,
    }
    return ws.finish(out, row, caller)


def render_data_source(ws: Workspace, row: Row, caller: Caller) -> dict[str, Any]:
    """A data source object with its schema."""
    database = ws.store.get(str(row.body.get("database_id")))
    db_body = database.body if database is not None else {}
    out = {
        "object": "data_source",
        "id": row.id,
        "cover": row.body.get("cover"),
        "icon": row.body.get("icon"),
        "created_time": ws.page_time(row.created_time),
        "created_by": ws.user_ref(row.body.get("created_by")),
        "last_edited_by": ws.user_ref(row.body.get("last_edited_by")),
        "last_edited_time": ws.page_time(row.last_edited_time),
        "title": row.body.get("title", []),
        "description": db_body.get("description", []),
        "is_inline": bool(db_body.get("is_inline", False)),
        "properties": render_schema(row, ws),
        "parent": {"type": "database_id", "database_id": row.body.get("database_id")},
        "database_parent": db_body.get("parent"),
        "url": ws.url(database) if database is not None else None,
        "public_url": None,
        "in_trash": row.in_trash,
    }
    return ws.finish(out, row, caller)


# -- databases ------------------------------------------------------------------------------------


def create_database(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``POST /v1/databases``: the database and its first data source."""
    body = call.json_body()
    check_keys(body, _DB_CREATE)
    parent_row = _page_parent(ws, require(body, "parent"), caller)
    title = _rich(body.get("title"), "body.title", ws)
    description = _rich(body.get("description"), "body.description", ws)
    now = ws.now()
    database = Row(
        id=new_id(),
        kind="database",
        created_time=now,
        last_edited_time=now,
        parent_id=parent_row.id,
        ord=ws.store.last_child_ord(parent_row.id) + 1,
        seq=ws.store.next_seq(),
        body={
            "parent": {"type": "page_id", "page_id": parent_row.id},
            "title": title,
            "description": description,
            "is_inline": _flag(body, "is_inline", default=False),
            "icon": icon_value(body.get("icon"), "body.icon"),
            "cover": icon_value(body.get("cover"), "body.cover"),
            "is_locked": False,
            "created_by": caller.bot_id,
            "last_edited_by": caller.bot_id,
            "data_sources": [],
            "shared": parent_row.body.get("shared"),
        },
    )
    initial = body.get("initial_data_source") or {}
    if not isinstance(initial, dict):
        raise should_be("body", "body.initial_data_source", "an object", initial)
    check_keys(initial, ("properties",), "body.initial_data_source")
    _new_data_source(
        ws,
        database,
        title=title,
        properties=initial.get("properties") or {},
        path="body.initial_data_source.properties",
        caller=caller,
    )
    ws.store.save(database)
    ws.touch(parent_row, caller)
    return render_database(ws, database, caller)


def _new_data_source(
    ws: Workspace,
    database: Row,
    *,
    title: list[dict[str, Any]],
    properties: object,
    path: str,
    caller: Caller,
) -> Row:
    now = ws.now()
    source = Row(
        id=new_id(),
        kind="data_source",
        created_time=now,
        last_edited_time=now,
        parent_id=database.id,
        seq=ws.store.next_seq(),
        body={
            "database_id": database.id,
            "title": title,
            "icon": None,
            "cover": None,
            "properties": {},
            "counters": {},
            "created_by": caller.bot_id,
            "last_edited_by": caller.bot_id,
            "shared": database.body.get("shared"),
        },
    )
    ws.store.save(source)
    database.body.setdefault("data_sources", []).append(source.id)
    ws.store.save(database)
    build_schema(properties, path, source, ws)
    ws.store.save(source)
    return source


def _page_parent(ws: Workspace, parent: object, caller: Caller) -> Row:
    if not isinstance(parent, dict):
        raise should_be("body", "body.parent", "an object", parent)
    if parent.get("type") == "workspace" or "workspace" in parent:
        raise validation_error(
            "Internal integrations can't create databases at the top level of a workspace; "
            "give a page_id parent."
        )
    page_id = ws.body_id(parent.get("page_id"), "body.parent.page_id")
    row = ws.find(("page",), page_id, caller, "page")
    if row.in_trash:
        raise archived_edit()
    return row


def _rich(value: object, path: str, ws: Workspace) -> list[dict[str, Any]]:
    if value is None:
        return []
    return normalize_rich_text(value, path, ws)


def _flag(body: dict[str, Any], key: str, *, default: bool) -> bool:
    value = body.get(key, default)
    if not isinstance(value, bool):
        raise should_be("body", f"body.{key}", "a boolean", value)
    return value


def retrieve_database(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``GET /v1/databases/{database_id}``."""
    row = ws.find(
        ("database",), ws.path_id(call.params["database_id"], "database_id"), caller, "database"
    )
    return render_database(ws, row, caller)


def update_database(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``PATCH /v1/databases/{database_id}``."""
    body = call.json_body()
    check_keys(body, _DB_UPDATE)
    ws.version_check_archived(body, caller)
    row = ws.find(
        ("database",), ws.path_id(call.params["database_id"], "database_id"), caller, "database"
    )
    trash = body.get("in_trash", body.get("archived"))
    if row.in_trash and trash is not False and any(k not in ("in_trash", "archived") for k in body):
        raise archived_edit()
    if "title" in body:
        _retitle(ws, row, _rich(body["title"], "body.title", ws))
    if "description" in body:
        row.body["description"] = _rich(body["description"], "body.description", ws)
    for key in ("is_inline", "is_locked"):
        if key in body:
            row.body[key] = _flag(body, key, default=False)
    for key in ("icon", "cover"):
        if key in body:
            row.body[key] = icon_value(body[key], f"body.{key}")
    if "parent" in body:
        new_parent = _page_parent(ws, body["parent"], caller)
        row.body["parent"] = {"type": "page_id", "page_id": new_parent.id}
        row.parent_id = new_parent.id
        row.ord = ws.store.last_child_ord(new_parent.id) + 1
    if trash is not None:
        if not isinstance(trash, bool):
            raise should_be("body", "body.in_trash", "a boolean", trash)
        _trash_database(ws, row, trash)
    ws.touch(row, caller)
    return render_database(ws, row, caller)


def _retitle(ws: Workspace, database: Row, title: list[dict[str, Any]]) -> None:
    """A data source named like its database follows the database's new title."""
    old = plain_text(database.body.get("title", []))
    database.body["title"] = title
    for source_id in database.body.get("data_sources", []):
        source = ws.store.get(source_id)
        if source is not None and plain_text(source.body.get("title", [])) in (old, ""):
            source.body["title"] = title
            ws.store.save(source)


def _trash_database(ws: Workspace, database: Row, trash: bool) -> None:
    database.in_trash = trash
    for source_id in database.body.get("data_sources", []):
        source = ws.store.get(source_id)
        if source is not None:
            source.in_trash = trash
            ws.store.save(source)


# -- data sources ---------------------------------------------------------------------------------


def retrieve_data_source(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``GET /v1/data_sources/{data_source_id}``."""
    row = _data_source(ws, call, caller)
    return render_data_source(ws, row, caller)


def _data_source(ws: Workspace, call: Call, caller: Caller) -> Row:
    source_id = ws.path_id(call.params["data_source_id"], "data_source_id")
    return ws.find(("data_source",), source_id, caller, "data_source")


def list_templates(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``GET /v1/data_sources/{id}/templates``: the emulator keeps no page templates."""
    _data_source(ws, call, caller)
    return {"templates": [], "has_more": False, "next_cursor": None}


def create_data_source(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``POST /v1/data_sources``: another data source in an existing database."""
    body = call.json_body()
    check_keys(body, _DS_CREATE)
    database = _database_parent(ws, require(body, "parent"), caller)
    title = _rich(body.get("title"), "body.title", ws)
    source = _new_data_source(
        ws,
        database,
        title=title,
        properties=require(body, "properties"),
        path="body.properties",
        caller=caller,
    )
    if "icon" in body:
        source.body["icon"] = icon_value(body["icon"], "body.icon")
        ws.store.save(source)
    ws.touch(database, caller)
    return render_data_source(ws, source, caller)


def _database_parent(ws: Workspace, parent: object, caller: Caller) -> Row:
    if not isinstance(parent, dict):
        raise should_be("body", "body.parent", "an object", parent)
    database_id = ws.body_id(parent.get("database_id"), "body.parent.database_id")
    database = ws.find(("database",), database_id, caller, "database")
    if database.in_trash:
        raise archived_edit()
    return database


def update_data_source(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``PATCH /v1/data_sources/{data_source_id}``: title, icon, trash, parent and schema."""
    body = call.json_body()
    check_keys(body, _DS_UPDATE)
    ws.version_check_archived(body, caller)
    row = _data_source(ws, call, caller)
    trash = body.get("in_trash", body.get("archived"))
    if row.in_trash and trash is not False and any(k not in ("in_trash", "archived") for k in body):
        raise archived_edit()
    if "title" in body:
        row.body["title"] = _rich(body["title"], "body.title", ws)
        _title_database_of(ws, row)
    if "icon" in body:
        row.body["icon"] = icon_value(body["icon"], "body.icon")
    if "properties" in body:
        apply_schema_update(body["properties"], "body.properties", row, ws)
    if "parent" in body:
        _move(ws, row, _database_parent(ws, body["parent"], caller))
    if trash is not None:
        if not isinstance(trash, bool):
            raise should_be("body", "body.in_trash", "a boolean", trash)
        row.in_trash = trash
    ws.touch(row, caller)
    return render_data_source(ws, row, caller)


def _title_database_of(ws: Workspace, source: Row) -> None:
    """Observed: a database with one data source shows that data source's title."""
    database = ws.store.get(str(source.body.get("database_id")))
    if database is not None and database.body.get("data_sources") == [source.id]:
        database.body["title"] = source.body["title"]
        ws.store.save(database)


def _move(ws: Workspace, source: Row, target: Row) -> None:
    old = ws.store.get(str(source.body.get("database_id")))
    if old is not None and old.id != target.id:
        old.body["data_sources"] = [s for s in old.body.get("data_sources", []) if s != source.id]
        ws.store.save(old)
    if source.id not in target.body.get("data_sources", []):
        target.body.setdefault("data_sources", []).append(source.id)
        ws.store.save(target)
    source.body["database_id"] = target.id
    source.parent_id = target.id
