"""Workspace set-up for the admin API: reset to an empty workspace, and seed objects with fixed ids.

Reset leaves one root page (:data:`ROOT_PAGE_ID`, shared with every integration) and one bot
user per configured integration. Seed takes ``{"users", "pages", "databases"}`` shaped as the API
returns them, with their ids, in any order (relations, rollups and formulas are installed after
every data source exists); what can be derived may be left out (option ids and colours, times,
urls, property ids). Seeded objects may carry ``"_shared_with": ["Integration name", ...]`` to be
visible to those integrations only (default: inherited from their parent, else everyone).
Databases carry their data sources under ``data_sources`` (each with ``properties``); database
rows carry API-shaped ``properties`` values; a database may list no data sources (``"data_sources":
[]``, a linked view). ``created_by`` and ``last_edited_by`` are kept as given (else the first
integration's bot), and a user given there in full joins the workspace. Used by the Emulator and
its admin endpoints.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from reconciler.emulator import formula
from reconciler.emulator.clock import parse_instant
from reconciler.emulator.errors import ApiError
from reconciler.emulator.identity import (
    ROOT_PAGE_ID,
    WORKSPACE_ID,
    WORKSPACE_NAME,
    new_id,
    new_property_id,
    normalize_property_id,
    parse_uuid,
)
from reconciler.emulator.richtext import normalize_rich_text, text_item
from reconciler.emulator.schema import PROPERTY_TYPES
from reconciler.emulator.store import Row
from reconciler.emulator.values import parse_value
from reconciler.emulator.workspace import Workspace

__all__ = ["SeedError", "ensure_bots", "reset_workspace", "seed_workspace"]

_READ_ONLY_SEED = ("formula", "rollup", "created_time", "created_by", "last_edited_time",
                   "last_edited_by", "button")  # fmt: skip


class SeedError(ValueError):
    """A seed payload the emulator cannot install (the admin API answers 400 with it)."""


def _bot_body(ws: Workspace, integration: str) -> dict[str, Any]:
    return {
        "object": "user",
        "id": ws.bot_for(integration),
        "name": integration,
        "avatar_url": None,
        "type": "bot",
        "bot": {
            "owner": {"type": "workspace", "workspace": True},
            "workspace_name": WORKSPACE_NAME,
            "workspace_id": WORKSPACE_ID,
            "workspace_limits": {"max_file_upload_size_in_bytes": 5242880},
        },
        "integration": integration,
    }


def ensure_bots(ws: Workspace, integrations: list[str]) -> None:
    """Every configured integration has its bot user (kept across restarts)."""
    for name in integrations:
        if ws.user_row(ws.bot_for(name)) is None:
            now = ws.now()
            ws.store.save(
                Row(
                    id=ws.bot_for(name),
                    kind="user",
                    created_time=now,
                    last_edited_time=now,
                    body=_bot_body(ws, name),
                    seq=ws.store.next_seq(),
                )
            )


def reset_workspace(ws: Workspace, integrations: list[str]) -> dict[str, Any]:
    """Empty the workspace: one root page and one bot per integration."""
    ws.store.clear()
    ensure_bots(ws, integrations)
    creator = ws.bot_for(integrations[0]) if integrations else None
    now = ws.now()
    ws.store.save(
        Row(
            id=ROOT_PAGE_ID,
            kind="page",
            created_time=now,
            last_edited_time=now,
            seq=ws.store.next_seq(),
            body={
                "parent": {"type": "workspace", "workspace": True},
                "created_by": creator,
                "last_edited_by": creator,
                "icon": None,
                "cover": None,
                "values": {"title": [text_item("Workspace root")]},
                "shared": None,
            },
        )
    )
    return {"root_page_id": ROOT_PAGE_ID, "bots": [ws.bot_for(i) for i in integrations]}


# -- seed -----------------------------------------------------------------------------------------


def seed_workspace(ws: Workspace, payload: object, integrations: list[str]) -> dict[str, Any]:
    """Install the seeded objects (replacing any with the same id)."""
    if not isinstance(payload, Mapping):
        raise SeedError("seed must be an object with users, pages and databases lists")
    unknown = set(payload) - {"users", "pages", "databases"}
    if unknown:
        raise SeedError(f"unknown seed keys: {', '.join(sorted(unknown))}")
    users = _list(payload, "users")
    databases = _list(payload, "databases")
    pages = _list(payload, "pages")
    creator = ws.bot_for(integrations[0]) if integrations else None
    seeded: dict[str, list[str]] = {"users": [], "pages": [], "databases": [], "data_sources": []}
    for user in users:
        seeded["users"].append(_seed_user(ws, user))
    sources: list[tuple[Row, Mapping[str, Any]]] = []
    for database in databases:
        database_id, created = _seed_database(ws, database, creator)
        seeded["databases"].append(database_id)
        sources.extend(created)
    seeded["data_sources"] = [s.id for s, _ in sources]
    for kinds in (("relation",), ("rollup", "formula")):
        for source, schema in sources:
            _seed_properties(ws, source, schema, kinds)
    for page in sorted(pages, key=_parents_first(pages)):
        seeded["pages"].append(_seed_page(ws, page, creator, relations=False))
    for page in pages:
        _seed_page(ws, page, creator, relations=True)
    return seeded


def _list(payload: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    items = payload.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise SeedError(f"seed.{key} must be a list of objects")
    return items


def _object_id(item: Mapping[str, Any], what: str) -> str:
    raw = item.get("id")
    parsed = parse_uuid(raw) if isinstance(raw, str) else None
    if raw is None:
        return new_id()
    if parsed is None:
        raise SeedError(f"{what} id {raw!r} is not a uuid Notion would accept")
    return parsed


def _time(item: Mapping[str, Any], key: str, default: datetime) -> datetime:
    raw = item.get(key)
    parsed = parse_instant(raw) if isinstance(raw, str) else None
    return parsed or default


def _shared(item: Mapping[str, Any], inherited: object) -> object:
    names = item.get("_shared_with")
    if names is None:
        return inherited
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise SeedError("_shared_with must be a list of integration names")
    return list(names)


def _seed_user(ws: Workspace, user: Mapping[str, Any]) -> str:
    user_id = _object_id(user, "user")
    kind = user.get("type", "person")
    body: dict[str, Any] = {
        "object": "user",
        "id": user_id,
        "name": user.get("name"),
        "avatar_url": user.get("avatar_url"),
        "type": kind,
    }
    if kind == "bot":
        body["bot"] = user.get("bot", {})
    else:
        body["person"] = user.get("person", {})
    now = ws.now()
    existing = ws.user_row(user_id)
    ws.store.save(
        Row(
            id=user_id,
            kind="user",
            created_time=now,
            last_edited_time=now,
            body=body,
            seq=existing.seq if existing else ws.store.next_seq(),
        )
    )
    return user_id


def _rich(value: object, where: str, ws: Workspace) -> list[dict[str, Any]]:
    if value is None:
        return []
    try:
        return normalize_rich_text(value, where, ws)
    except ApiError as error:
        raise SeedError(f"{where}: {error.message}") from None


def _seed_database(
    ws: Workspace, item: Mapping[str, Any], creator: str | None
) -> tuple[str, list[tuple[Row, Mapping[str, Any]]]]:
    database_id = _object_id(item, "database")
    parent = item.get("parent") or {"type": "page_id", "page_id": ROOT_PAGE_ID}
    parent_id = parse_uuid(str(parent.get("page_id"))) if isinstance(parent, Mapping) else None
    parent_row = ws.store.get(parent_id) if parent_id else None
    now = ws.now()
    title = _rich(item.get("title"), "databases.title", ws)
    database = Row(
        id=database_id,
        kind="database",
        created_time=_time(item, "created_time", now),
        last_edited_time=_time(item, "last_edited_time", now),
        parent_id=parent_id,
        ord=ws.store.last_child_ord(parent_id) + 1 if parent_id else 0.0,
        seq=ws.store.next_seq(),
        in_trash=bool(item.get("in_trash", False)),
        body={
            "parent": {"type": "page_id", "page_id": parent_id}
            if parent_id
            else {"type": "workspace", "workspace": True},
            "title": title,
            "description": _rich(item.get("description"), "databases.description", ws),
            "is_inline": bool(item.get("is_inline", False)),
            "icon": item.get("icon"),
            "cover": item.get("cover"),
            "is_locked": bool(item.get("is_locked", False)),
            "created_by": _user_id(ws, item, "created_by", creator),
            "last_edited_by": _user_id(ws, item, "last_edited_by", creator),
            "data_sources": [],
            "shared": _shared(item, parent_row.body.get("shared") if parent_row else None),
        },
    )
    # A database listing no data sources (a linked view of a source elsewhere) is seeded so.
    default = {"properties": item.get("properties") or {"Name": {"type": "title", "title": {}}}}
    specs = item["data_sources"] if isinstance(item.get("data_sources"), list) else [default]
    created = []
    for spec in specs:
        if not isinstance(spec, Mapping):
            raise SeedError("databases.data_sources must be a list of objects")
        source = _seed_data_source(ws, database, spec, title, creator)
        created.append((source, spec.get("properties") or {}))
    ws.store.save(database)
    return database_id, created


def _seed_data_source(
    ws: Workspace,
    database: Row,
    spec: Mapping[str, Any],
    title: list[dict[str, Any]],
    creator: str | None,
) -> Row:
    source_id = _object_id(spec, "data source")
    source_title = (
        _rich(spec["title"], "data_sources.title", ws)
        if "title" in spec
        else ([text_item(str(spec["name"]))] if spec.get("name") else title)
    )
    source = Row(
        id=source_id,
        kind="data_source",
        created_time=_time(spec, "created_time", database.created_time),
        last_edited_time=_time(spec, "last_edited_time", database.last_edited_time),
        parent_id=database.id,
        seq=ws.store.next_seq(),
        in_trash=bool(spec.get("in_trash", database.in_trash)),
        body={
            "database_id": database.id,
            "title": source_title,
            "icon": spec.get("icon"),
            "cover": spec.get("cover"),
            "properties": {},
            "counters": {},
            "created_by": _user_id(ws, spec, "created_by", database.body["created_by"]),
            "last_edited_by": _user_id(ws, spec, "last_edited_by", database.body["last_edited_by"]),
            "shared": database.body.get("shared"),
        },
    )
    database.body["data_sources"].append(source_id)
    _seed_properties(
        ws, source, spec.get("properties") or {"Name": {"type": "title", "title": {}}}, None
    )
    ws.store.save(source)
    return source


def _seed_properties(
    ws: Workspace, source: Row, schema: Mapping[str, Any], kinds: tuple[str, ...] | None
) -> None:
    """Install API-shaped properties; kinds None: all but relation/rollup/formula (later passes)."""
    if not isinstance(schema, Mapping):
        raise SeedError("data source properties must be an object")
    source = ws.store.get(source.id) or source
    properties: dict[str, Any] = source.body["properties"]
    later = ("relation", "rollup", "formula")
    for name, spec in schema.items():
        if not isinstance(spec, Mapping):
            raise SeedError(f"property {name!r} must be an object")
        kind = spec.get("type") or next((k for k in spec if k in PROPERTY_TYPES), None)
        if kind not in PROPERTY_TYPES:
            raise SeedError(f"property {name!r} has no known type")
        if (kinds is None and kind in later) or (kinds is not None and kind not in kinds):
            continue
        pid = str(
            spec.get("id") or ("title" if kind == "title" else new_property_id(set(properties)))
        )
        config = _seed_config(ws, source, str(kind), spec.get(kind) or {}, name)
        properties[pid] = {
            "name": str(spec.get("name", name)),
            "description": spec.get("description"),
            "type": kind,
            "config": config,
        }
        if kind == "unique_id":
            source.body.setdefault("counters", {}).setdefault(pid, 0)
    ws.store.save(source)


def _seed_config(
    ws: Workspace, source: Row, kind: str, raw: Mapping[str, Any], name: str
) -> dict[str, Any]:
    if kind in ("select", "multi_select", "status"):
        options = [
            {
                "id": o.get("id") or new_id(),
                "name": o["name"],
                "color": o.get("color", "default"),
                "description": o.get("description"),
            }
            for o in raw.get("options", [])
        ]
        out: dict[str, Any] = {"options": options}
        if kind == "status":
            out["groups"] = raw.get("groups") or [
                {
                    "id": new_id(),
                    "name": "To-do",
                    "color": "gray",
                    "option_ids": [o["id"] for o in options],
                },
                {"id": new_id(), "name": "In progress", "color": "blue", "option_ids": []},
                {"id": new_id(), "name": "Complete", "color": "green", "option_ids": []},
            ]
        return out
    if kind == "number":
        return {"format": raw.get("format", "number")}
    if kind == "unique_id":
        return {"prefix": raw.get("prefix")}
    if kind == "relation":
        target = raw.get("data_source_id") or raw.get("database_id")
        dual = raw.get("type") == "dual_property" or "dual_property" in raw
        out = {"data_source_id": target, "type": "dual_property" if dual else "single_property"}
        if dual:
            out["synced_property_id"] = (raw.get("dual_property") or {}).get("synced_property_id")
        return out
    if kind == "rollup":
        return _seed_rollup(ws, source, raw, name)
    if kind == "formula":
        return {"expression": _seed_expression(source, str(raw.get("expression", "")))}
    return {}


def _seed_rollup(ws: Workspace, source: Row, raw: Mapping[str, Any], name: str) -> dict[str, Any]:
    properties = source.body["properties"]
    relation_id = _property_named(
        properties, raw.get("relation_property_id"), raw.get("relation_property_name")
    )
    if relation_id is None:
        raise SeedError(
            f"rollup {name!r}: no relation property {raw.get('relation_property_name')!r}"
        )
    target = ws.store.get(str(properties[relation_id]["config"].get("data_source_id")))
    target_props = target.body["properties"] if target else {}
    rollup_id = _property_named(
        target_props, raw.get("rollup_property_id"), raw.get("rollup_property_name")
    ) or raw.get("rollup_property_id")
    return {
        "function": raw.get("function", "count"),
        "relation_property_id": relation_id,
        "rollup_property_id": rollup_id,
    }


def _property_named(properties: Mapping[str, Any], pid: object, name: object) -> str | None:
    """A property by id (as stored, or as rollup configs show it: not url-encoded), else name."""
    if isinstance(pid, str):
        for candidate in (pid, normalize_property_id(pid)):
            if candidate in properties:
                return candidate
    return next((p for p, v in properties.items() if v["name"] == name), None)


def _seed_expression(source: Row, expression: str) -> str:
    """The stored form of a seeded formula; one the engine cannot read is kept as shown.

    A formula with a leading ``=`` (``={{...}}* 2``) is kept as written and computes an empty
    string, as Notion does; one that does not parse at all is kept too (a seed shows what Notion
    stored) and computes an empty string the same way.
    """
    names = {v["name"]: p for p, v in source.body["properties"].items()}
    try:
        return formula.rewrite(expression, names, source.id, WORKSPACE_ID)
    except formula.FormulaError:
        return expression


def _user_id(ws: Workspace, item: Mapping[str, Any], key: str, default: str | None) -> str | None:
    """The id of a seeded object's creator or last editor (default: the first bot).

    A user given in full there (with a ``type``) joins the workspace when it does not hold them
    yet, so ``GET /v1/users/{id}`` finds whoever the seeded objects name.
    """
    user = item.get(key)
    raw = user.get("id") if isinstance(user, Mapping) else None
    user_id = parse_uuid(raw) if isinstance(raw, str) else None
    if user_id is None:
        return default
    assert isinstance(user, Mapping)
    if user.get("type") in ("person", "bot") and ws.user_row(user_id) is None:
        _seed_user(ws, user)
    return user_id


def _parents_first(pages: list[Mapping[str, Any]]) -> Any:
    """A sort key placing every seeded page after the seeded pages above it."""
    parents = {str(p.get("id")): str((p.get("parent") or {}).get("page_id")) for p in pages}

    def depth(page: Mapping[str, Any]) -> int:
        level, current, seen = 0, str(page.get("id")), set()
        while parents.get(current) in parents and current not in seen:
            seen.add(current)
            current = parents[current]
            level += 1
        return level

    return depth


def _seed_page(
    ws: Workspace, item: Mapping[str, Any], creator: str | None, *, relations: bool
) -> str:
    page_id = _object_id(item, "page")
    existing = ws.store.get(page_id)
    if relations:
        if existing is not None and existing.data_source_id:
            _seed_values(ws, existing, item, relations=True)
        return page_id
    parent = item.get("parent") or {"type": "page_id", "page_id": ROOT_PAGE_ID}
    if not isinstance(parent, Mapping):
        raise SeedError(f"page {page_id}: parent must be an object")
    now = ws.now()
    row = Row(
        id=page_id,
        kind="page",
        created_time=_time(item, "created_time", now),
        last_edited_time=_time(item, "last_edited_time", now),
        seq=existing.seq if existing else ws.store.next_seq(),
        in_trash=bool(item.get("in_trash", item.get("archived", False))),
        body={
            "created_by": _user_id(ws, item, "created_by", creator),
            "last_edited_by": _user_id(ws, item, "last_edited_by", creator),
            "icon": item.get("icon"),
            "cover": item.get("cover"),
            "values": {},
        },
    )
    _place(ws, row, parent, item)
    if row.data_source_id is None:
        title = _title_value(item.get("properties") or {})
        row.body["values"]["title"] = _rich(title, f"pages[{page_id}].title", ws)
        ws.store.save(row)
    else:
        _seed_values(ws, row, item, relations=False)
    return page_id


def _place(ws: Workspace, row: Row, parent: Mapping[str, Any], item: Mapping[str, Any]) -> None:
    kinds = ("page_id", "data_source_id", "database_id", "block_id", "workspace")
    kind = parent.get("type") or next((k for k in kinds if k in parent), None)
    if kind == "workspace":
        row.body["parent"] = {"type": "workspace", "workspace": True}
        row.body["shared"] = _shared(item, None)
        return
    target_id = parse_uuid(str(parent.get(str(kind))))
    target = ws.store.get(target_id) if target_id else None
    if target is None:
        raise SeedError(f"page {row.id}: parent {parent!r} is not seeded")
    if target.kind == "database":
        target = ws.store.get(target.body["data_sources"][0])
        assert target is not None
    if target.kind == "data_source":
        row.data_source_id = target.id
        row.body["parent"] = {"type": "data_source_id", "data_source_id": target.id}
    else:
        row.parent_id = target.id
        row.ord = ws.store.last_child_ord(target.id) + 1
        row.body["parent"] = {"type": "page_id", "page_id": target.id}
    row.body["shared"] = _shared(item, target.body.get("shared"))


def _title_value(properties: Mapping[str, Any]) -> object:
    for value in properties.values():
        if isinstance(value, Mapping) and "title" in value:
            return value["title"]
        if isinstance(value, list):
            return value
    return []


def _seed_values(ws: Workspace, row: Row, item: Mapping[str, Any], *, relations: bool) -> None:
    source = ws.store.get(str(row.data_source_id))
    assert source is not None
    schema: dict[str, Any] = source.body["properties"]
    values = row.body.setdefault("values", {})
    given = item.get("properties") or {}
    by_name = {v["name"]: p for p, v in schema.items()}
    for name, value in given.items():
        pid = by_name.get(name) or (name if name in schema else None)
        if pid is None or not isinstance(value, Mapping):
            continue
        prop = schema[pid]
        if (prop["type"] == "relation") != relations or prop["type"] in _READ_ONLY_SEED:
            continue
        if prop["type"] == "unique_id":
            number = (value.get("unique_id") or {}).get("number")
            if isinstance(number, int):
                values[pid] = number
                counters = source.body.setdefault("counters", {})
                counters[pid] = max(int(counters.get(pid, 0)), number)
            continue
        try:
            values[pid] = parse_value(prop, value, f"pages[{row.id}].properties.{name}", ws)
        except ApiError as error:
            raise SeedError(error.message) from None
    ws.store.save(source)
    ws.store.save(row)
