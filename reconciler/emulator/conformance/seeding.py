"""What to seed before a recording is replayed: the objects it uses without creating them.

An object existed before a recording when the recording uses it (in a request, or a response
shows it) but did not create it. The seed holds those objects, as the recordings show them
(first as this recording shows them, else as the context or other recordings do), with what they
need around them: their parents up to the workspace, a data source's database, the pages known
to live in it (those no recording created) and the targets of its relations, and every user they
name. An id a request uses that no recording shows and that Notion answered for is a page
nothing more is known of (a blank page at the top of the workspace). Used by the replay, which
sends the payload to the emulator's admin ``seed``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from reconciler.emulator.conformance.catalog import Catalog, created_ids, dashed, suite_of, uuids_in
from reconciler.emulator.conformance.recordings import Interaction, Recording
from reconciler.emulator.identity import ROOT_PAGE_ID

__all__ = ["SeedPlan", "plan_seed"]

_VALUE_TYPES_WITH_OPTIONS = ("select", "multi_select", "status")
_PAGE_KEYS = ("icon", "cover", "in_trash", "is_locked", "created_time", "last_edited_time",
              "created_by", "last_edited_by")  # fmt: skip


@dataclass(frozen=True)
class SeedPlan:
    """The admin seed payload for one replay, and what it says about the recorded workspace."""

    payload: dict[str, list[dict[str, Any]]]
    seeded: frozenset[str]
    bot: dict[str, Any] | None
    workspace_id: str | None


@dataclass
class _Planner:
    recording: Recording
    catalog: Catalog
    created: set[str]
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    databases: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    sources: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    blank: set[str] = field(default_factory=set)

    def snapshot(self, object_id: str) -> dict[str, Any] | None:
        return self.catalog.best(object_id, self.recording.name)

    def want(self, object_id: str) -> None:
        """Seed this object and what it needs."""
        object_id = dashed(object_id)
        if object_id in self.created or self._planned(object_id):
            return
        kind = self.catalog.kind(object_id)
        if kind == "page":
            self._page(object_id)
        elif kind == "data_source":
            self._source(object_id)
        elif kind == "database":
            self._database(object_id)
        elif kind == "user":
            snap = self.snapshot(object_id)
            if snap is not None:
                self.users[object_id] = snap
        elif kind == "block":
            self._block(object_id)

    def _planned(self, object_id: str) -> bool:
        return any(
            object_id in found
            for found in (self.pages, self.databases, self.sources, self.users, self.blank)
        )

    def _page(self, page_id: str) -> None:
        snap = self.snapshot(page_id)
        if snap is None:
            return
        self.pages[page_id] = snap
        self._parent(snap.get("parent") or {})
        for value in (snap.get("properties") or {}).values():
            for found in _referenced_objects(value):
                self.want(found)

    def _parent(self, parent: dict[str, Any]) -> None:
        for key in ("page_id", "data_source_id", "database_id", "block_id"):
            target = parent.get(key)
            if isinstance(target, str):
                if self.catalog.kind(dashed(target)) is None and key == "page_id":
                    self.blank.add(dashed(target))
                else:
                    self.want(target)
                return

    def _block(self, block_id: str) -> None:
        """A block cannot be seeded; the page that holds it can, and a sub-page shown as a block."""
        snap = self.snapshot(block_id)
        if snap is None:
            return
        if snap.get("type") == "child_page":
            self.pages[block_id] = _page_from_block(snap)
        self._parent(snap.get("parent") or {})

    def _source(self, source_id: str) -> None:
        snap = self.snapshot(source_id)
        self.sources[source_id] = snap
        database_id = ((snap or {}).get("parent") or {}).get("database_id")
        if database_id is None:
            database_id = self.database_of(source_id)
        if isinstance(database_id, str):
            self._database(dashed(database_id))
        self._parent((snap or {}).get("database_parent") or {})
        for spec in ((snap or {}).get("properties") or {}).values():
            target = (spec.get("relation") or {}).get("data_source_id")
            if isinstance(target, str):
                self.want(target)
        for page_id in self.catalog.pages_of(source_id):
            self.want(page_id)

    def database_of(self, source_id: str) -> str | None:
        for snap in self.catalog.everywhere(source_id):
            parent = snap.body.get("parent") or {}
            if isinstance(parent.get("database_id"), str):
                return str(parent["database_id"])
        return None

    def _database(self, database_id: str) -> None:
        if database_id in self.databases:
            return
        snap = self.snapshot(database_id)
        self.databases[database_id] = snap
        if snap is not None:
            self._parent(snap.get("parent") or {})
        listed = [s["id"] for s in (snap or {}).get("data_sources") or []]
        for source_id in listed or self.catalog.sources_of.get(database_id, []):
            self.want(source_id)


def plan_seed(recording: Recording, catalog: Catalog) -> SeedPlan:
    """The seed of a replay of ``recording``."""
    created = set(created_ids(recording.interactions))
    planner = _Planner(recording, catalog, created)
    for object_id in _used_ids(recording.interactions):
        planner.want(object_id)
    for object_id in _page_ids_in_requests(recording.interactions):
        if object_id not in created and catalog.kind(object_id) is None:
            planner.blank.add(object_id)
    bot = catalog.bots.get(suite_of(recording)) or _creator(recording, catalog)
    bot_id = dashed(bot["id"]) if bot else None
    planner.users.pop(bot_id or "", None)
    payload = {
        "users": [_user(u) for u in planner.users.values()],
        "databases": _databases(planner),
        "pages": _pages(planner),
    }
    if ROOT_PAGE_ID not in planner.pages and ROOT_PAGE_ID not in planner.blank:
        # The emulator starts with a root page this workspace did not have.
        payload["pages"].insert(0, _trashed_root())
    seeded = (
        set(planner.pages) | set(planner.blank) | set(planner.users) | set(planner.databases)
    ) | {s["id"] for d in payload["databases"] for s in d["data_sources"]}
    workspace = ((bot or {}).get("bot") or {}).get("workspace_id")
    return SeedPlan(payload, frozenset(seeded), bot, workspace)


def _trashed_root() -> dict[str, Any]:
    return {
        "id": ROOT_PAGE_ID,
        "parent": {"type": "workspace", "workspace": True},
        "in_trash": True,
        "properties": {},
    }


def _used_ids(interactions: tuple[Interaction, ...]) -> Iterator[str]:
    """Ids each interaction uses, unless Notion answered that the object does not exist."""
    refused: set[str] = set()
    for interaction in interactions:
        request = f"{interaction.path} {interaction.query} {interaction.request_body}"
        if interaction.status == 404:
            refused.update(uuids_in(request))
            continue
        for object_id in uuids_in(request):
            if object_id not in refused:
                yield object_id
        if 200 <= interaction.status < 300:
            yield from _referenced_objects(interaction.response_body)


def _referenced_objects(body: object) -> Iterator[str]:
    """Ids of objects (and of their parents and people) a response shows."""
    if isinstance(body, dict):
        for key, value in body.items():
            if isinstance(value, str) and (key == "id" or key.endswith("_id")):
                if key not in ("workspace_id", "integration_id"):
                    yield from uuids_in(value)
            else:
                yield from _referenced_objects(value)
    elif isinstance(body, list):
        for value in body:
            yield from _referenced_objects(value)


def _page_ids_in_requests(interactions: tuple[Interaction, ...]) -> Iterator[str]:
    """Ids requests use as pages (paths and page parents) with a successful answer."""
    for interaction in interactions:
        if not 200 <= interaction.status < 300:
            continue
        parts = interaction.path.split("/")
        if len(parts) >= 4 and parts[2] in ("pages", "blocks"):
            yield from uuids_in(parts[3])
        body = interaction.request_body
        parent = body.get("parent") if isinstance(body, dict) else None
        if isinstance(parent, dict) and isinstance(parent.get("page_id"), str):
            yield from uuids_in(parent["page_id"])


def _creator(recording: Recording, catalog: Catalog) -> dict[str, Any] | None:
    """The integration's bot, from the creator of the first object the recording made."""
    for object_id in created_ids(recording.interactions):
        for snap in catalog.everywhere(object_id):
            creator = (snap.body.get("created_by") or {}).get("id")
            if isinstance(creator, str):
                return catalog.best(dashed(creator), recording.name) or {
                    "object": "user",
                    "id": creator,
                    "type": "bot",
                    "bot": {},
                }
    return None


def _page_from_block(block: dict[str, Any]) -> dict[str, Any]:
    """A sub-page the recordings show only as a ``child_page`` block."""
    title = str((block.get("child_page") or {}).get("title") or "")
    text = [{"type": "text", "text": {"content": title}}] if title else []
    return {
        "object": "page",
        "id": block["id"],
        "parent": block.get("parent"),
        "in_trash": block.get("in_trash", False),
        "created_time": block.get("created_time"),
        "last_edited_time": block.get("last_edited_time"),
        "properties": {"title": {"id": "title", "type": "title", "title": text}},
    }


def _user(snap: dict[str, Any]) -> dict[str, Any]:
    kind = snap.get("type", "person")
    out = {k: snap.get(k) for k in ("id", "name", "avatar_url")}
    out["type"] = kind
    out[kind] = snap.get(kind) or {}
    return out


# -- databases --------------------------------------------------------------------------------


def _databases(planner: _Planner) -> list[dict[str, Any]]:
    by_database: dict[str, list[str]] = {}
    for source_id, snap in planner.sources.items():
        database_id = ((snap or {}).get("parent") or {}).get("database_id") or planner.database_of(
            source_id
        )
        if isinstance(database_id, str):
            by_database.setdefault(dashed(database_id), []).append(source_id)
    out = []
    for database_id, snap in planner.databases.items():
        listed = [dashed(s["id"]) for s in (snap or {}).get("data_sources") or []]
        source_ids = listed or by_database.get(database_id, [])
        sources = [_source(planner, s) for s in source_ids]
        if not sources and (snap or {}).get("data_sources") != []:
            continue  # nothing known of its data sources; an empty list means a linked view
        first = planner.sources.get(source_ids[0]) if source_ids else None
        out.append(_database(database_id, snap, first, sources))
    return _oldest_first(out, planner.catalog.newest_first)


def _database(
    database_id: str,
    snap: dict[str, Any] | None,
    first_source: dict[str, Any] | None,
    sources: list[dict[str, Any]],
) -> dict[str, Any]:
    base = snap or {}
    source = first_source or {}
    parent = base.get("parent") or source.get("database_parent")
    return {
        "id": database_id,
        "title": base.get("title", source.get("title", [])),
        "description": base.get("description", source.get("description", [])),
        "parent": parent,
        "is_inline": base.get("is_inline", source.get("is_inline", False)),
        "icon": base.get("icon"),
        "cover": base.get("cover"),
        "in_trash": base.get("in_trash", source.get("in_trash", False)),
        "is_locked": base.get("is_locked", False),
        "created_time": base.get("created_time") or source.get("created_time"),
        "last_edited_time": base.get("last_edited_time") or source.get("last_edited_time"),
        "data_sources": sources,
    }


def _source(planner: _Planner, source_id: str) -> dict[str, Any]:
    snap = planner.sources.get(source_id)
    if snap is None:
        planner.sources[source_id] = None
    rows = [p for p in planner.pages.values() if _source_of(p) == source_id]
    properties = (snap or {}).get("properties") or _schema_from_rows(rows)
    out: dict[str, Any] = {"id": source_id, "properties": properties}
    if snap is not None:
        out.update({k: snap.get(k) for k in ("title", "icon", "cover", "created_time",
                                              "last_edited_time", "in_trash")})  # fmt: skip
    else:
        name = _listed_name(planner, source_id)
        if name is not None:
            out["name"] = name
    return out


def _listed_name(planner: _Planner, source_id: str) -> str | None:
    for snap in planner.databases.values():
        for listed in (snap or {}).get("data_sources") or []:
            if dashed(listed["id"]) == source_id:
                return str(listed.get("name") or "")
    return None


def _source_of(page: dict[str, Any]) -> str | None:
    parent = page.get("parent") or {}
    found = parent.get("data_source_id")
    return dashed(found) if isinstance(found, str) else None


def _schema_from_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A data source schema as far as its rows show it (types, ids and the options used)."""
    schema: dict[str, Any] = {}
    for row in rows:
        for name, value in (row.get("properties") or {}).items():
            kind = value.get("type")
            spec = schema.setdefault(name, {"id": value.get("id"), "type": kind, kind: {}})
            if kind in _VALUE_TYPES_WITH_OPTIONS:
                chosen = value.get(kind)
                options = spec[kind].setdefault("options", [])
                for option in chosen if isinstance(chosen, list) else [chosen]:
                    if isinstance(option, dict) and option not in options:
                        options.append(option)
    if not any(spec.get("type") == "title" for spec in schema.values()):
        schema["Name"] = {"id": "title", "type": "title", "title": {}}
    return schema


# -- pages ------------------------------------------------------------------------------------


def _pages(planner: _Planner) -> list[dict[str, Any]]:
    seeded = set(planner.pages) | planner.blank
    out: list[dict[str, Any]] = [
        {"id": b, "parent": {"type": "workspace", "workspace": True}, "properties": {}}
        for b in sorted(planner.blank - set(planner.pages))
    ]
    for page_id, snap in planner.pages.items():
        page: dict[str, Any] = {k: snap.get(k) for k in _PAGE_KEYS}
        page["id"] = page_id
        page["parent"] = _page_parent(planner, snap.get("parent") or {})
        page["properties"] = _known_targets(snap.get("properties") or {}, seeded)
        out.append(page)
    return _parents_first(_oldest_first(out, planner.catalog.newest_first))


def _oldest_first(
    objects: list[dict[str, Any]], newest_first: dict[str, int]
) -> list[dict[str, Any]]:
    """Objects in creation order, so the emulator numbers them as Notion ordered them.

    Times are often minutes; within one minute, lists show the newest first (queries without
    sorts, search): a row's place in such a query, else the place where this recording first
    showed the object, is reversed.
    """
    shown = {o["id"]: newest_first.get(o["id"], n) for n, o in enumerate(objects)}
    return sorted(objects, key=lambda o: (_instant(o.get("created_time")), -shown[o["id"]]))


def _instant(value: object) -> str:
    """A recorded time as a sortable UTC text (``...Z`` and ``...+00:00`` alike)."""
    if not isinstance(value, str):
        return ""
    return value.replace("Z", "+00:00")[:23]


def _page_parent(planner: _Planner, parent: dict[str, Any]) -> dict[str, Any]:
    """A page's parent; a block parent becomes the page that holds the block."""
    block_id = parent.get("block_id")
    seen: set[str] = set()
    while isinstance(block_id, str) and block_id not in seen:
        seen.add(block_id)
        snap = planner.catalog.best(dashed(block_id), planner.recording.name) or {}
        parent = snap.get("parent") or {"type": "workspace", "workspace": True}
        block_id = parent.get("block_id")
    return parent


def _known_targets(properties: dict[str, Any], seeded: set[str]) -> dict[str, Any]:
    """Page values with relations to pages outside the seed left out."""
    out = {}
    for name, value in properties.items():
        kept = value
        if value.get("type") == "relation":
            refs = [r for r in value.get("relation") or [] if dashed(r["id"]) in seeded]
            kept = {**value, "relation": refs}
        out[name] = kept
    return out


def _parents_first(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {p["id"]: p for p in pages}

    def depth(page: dict[str, Any]) -> int:
        level, seen = 0, set()
        parent = (page.get("parent") or {}).get("page_id")
        while isinstance(parent, str) and dashed(parent) in by_id and parent not in seen:
            seen.add(parent)
            level += 1
            parent = (by_id[dashed(parent)].get("parent") or {}).get("page_id")
        return level

    return sorted(pages, key=depth)
