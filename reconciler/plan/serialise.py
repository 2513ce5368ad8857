"""The plan as JSON (``schemas/plan.schema.json``) and back, and the checksum over its content.

``plan_to_json`` gives the document the plan file and ``--format json`` hold; ``plan_from_json``
rebuilds an equal ``Plan`` from a document already checked against the schema (``planfile``
does that), refusing row changes whose diffs do not show what they write and changes whose class
is not the one what they do gives (``classes.class_of``): a gate never takes a file's word for
how much a change can lose.

``checksum`` is the sha256 of the canonical JSON of ``content_of(plan)``: what the apply would
do and the live content it depends on. That is the format and Notion version; per database its
handle, title, key, ids, parent, protect flag and row counts (the gates and the reads use
them), every managed property with its configuration and prior state; per change its action,
target, class, order, page, live hash and payload (the values it writes and those it replaces,
page bodies with their canonical hashes). Text that only explains the plan to people (notes,
diffs, who last edited a row in Notion and when, guard notes, summaries, estimate, user labels,
URLs) is left out, so rewording it voids no approval. Values of sensitive properties are covered
sealed (``sensitive``), as the plan file holds them: a plan read back has the checksum it was
written with. Called by the differ, the undo plan, the plan file and the JSON renderer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import cast

from reconciler.model import JSON, WorkspaceIdentity, canonical_json
from reconciler.plan.actions import LinkRow, RestoreRow, UpdateRow, decode_payload
from reconciler.plan.classes import class_of
from reconciler.plan.content import change_content, database_content, projection, property_content
from reconciler.plan.model import (
    Action,
    Change,
    ChangeClass,
    DatabasePlan,
    Estimate,
    FieldDiff,
    GuardKind,
    GuardNote,
    Plan,
    PlannedProperty,
    PriorProperty,
)
from reconciler.plan.sensitive import sealed, sealing_key

__all__ = ["UnfaithfulPlan", "checksum", "content_of", "plan_from_json", "plan_to_json"]


class UnfaithfulPlan(ValueError):
    """A plan document whose display disagrees with what it would do (it was edited)."""


def _change(change: Change) -> dict[str, JSON]:
    return {
        "id": change.id,
        "database": change.database,
        "phase": change.phase,
        **change_content(change),
        "diffs": [{"path": d.path, "old": d.old, "new": d.new} for d in change.diffs],
        "note": change.note,
        **_edited(change),
    }


def _edited(change: Change) -> dict[str, JSON]:
    """Who last edited the change's live row in Notion, and when (only when known)."""
    if not (change.edited_by or change.edited_time):
        return {}
    return {"last_edited_by": change.edited_by, "last_edited_time": change.edited_time}


def _database(db: DatabasePlan) -> dict[str, JSON]:
    """The database as the document holds it: what the checksum covers, and what is shown."""
    return {
        **database_content(db),
        "url": db.url,
        "complete": db.complete,
        "incomplete_reasons": list(db.incomplete_reasons),
        "unmanaged_rows": db.unmanaged_rows,
        "unmanaged_row_names": list(db.unmanaged_names),
        "unmanaged_properties": list(db.unmanaged_properties),
        "unmanaged_options": list(db.unmanaged_options),
        "ignored_properties": list(db.ignored_properties),
        "body_from": db.body_from,
        "unmanaged_bodies": db.unmanaged_bodies,
        "properties": [{**property_content(p), "sensitive": p.sensitive} for p in db.properties],
        "guards": [
            {
                "kind": g.kind.value,
                "message": g.message,
                "urls": list(g.urls),
                "withheld": g.withheld,
            }
            for g in db.guards
        ],
        "summary": {cls.value: n for cls, n in db.counts().items()},
        "changes": [_change(change) for change in db.changes],
        "unrestorable": list(db.unrestorable),
    }


def _workspace(workspace: WorkspaceIdentity | None) -> JSON:
    if workspace is None:
        return None
    return {
        "api": workspace.api,
        "workspace_id": workspace.workspace_id,
        "workspace_name": workspace.workspace_name,
        "bot_id": workspace.bot_id,
        "bot_name": workspace.bot_name,
    }


def _workspace_from(raw: JSON) -> WorkspaceIdentity | None:
    if raw is None:
        return None
    found = _obj(raw)
    return WorkspaceIdentity(
        api=str(found["api"]),
        workspace_id=_optional(found.get("workspace_id")),
        workspace_name=_optional(found.get("workspace_name")),
        bot_id=str(found["bot_id"]),
        bot_name=_optional(found.get("bot_name")),
    )


def plan_to_json(plan: Plan, *, masked: bool = False) -> dict[str, JSON]:
    """The whole plan document; ``read`` only when the plan carries request accounting.

    Sensitive values are sealed (``sensitive``), unless ``masked`` says the plan comes masked
    for people already."""
    if not masked:
        plan = sealed(plan, sealing_key(plan))
    counts = plan.counts()
    document: dict[str, JSON] = {
        "format": plan.format,
        "notion_version": plan.notion_version,
        "checksum": plan.checksum,
        "masked": masked,
        "summary": {**{cls.value: n for cls, n in counts.items()}, "total": sum(counts.values())},
        "estimate": {
            "requests": plan.estimate.requests,
            "seconds": plan.estimate.seconds,
            "rps": plan.estimate.rps,
        },
        "skipped_databases": list(plan.skipped_databases),
        "users": dict(plan.users),
        "workspace": _workspace(plan.workspace),
        "databases": [_database(db) for db in plan.databases],
    }
    if plan.related:
        document["related_databases"] = [_database(db) for db in plan.related]
    if plan.read is not None:
        document["read"] = dict(plan.read)
    return document


# --- the checksum ---------------------------------------------------------------------------


def content_of(plan: Plan) -> dict[str, JSON]:
    """What the checksum covers (see the module docstring), sensitive values sealed."""
    return projection(sealed(plan, sealing_key(plan)))


def checksum(plan: Plan) -> str:
    """sha256 of the canonical JSON of what the plan would do (``content_of``)."""
    text = canonical_json(content_of(plan))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- back from JSON (a document the schema accepted) ----------------------------------------


def _obj(value: JSON) -> dict[str, JSON]:
    return cast("dict[str, JSON]", value)


def _items(value: JSON) -> list[dict[str, JSON]]:
    return cast("list[dict[str, JSON]]", value)


def _strings(value: JSON) -> tuple[str, ...]:
    return tuple(str(item) for item in cast("list[JSON]", value))


def _optional(value: JSON) -> str | None:
    return None if value is None else str(value)


def _prior_from(raw: JSON) -> PriorProperty | None:
    if raw is None:
        return None
    live = _obj(raw)
    return PriorProperty(id=str(live["id"]), name=str(live["name"]), type=str(live["type"]))


def _change_from(raw: dict[str, JSON]) -> Change:
    action = Action(str(raw["action"]))
    change = Change(
        database=str(raw["database"]),
        target=str(raw["target"]),
        change_class=ChangeClass(str(raw["class"])),
        payload=decode_payload(action, raw.get("before"), raw.get("after")),
        diffs=tuple(
            FieldDiff(str(d["path"]), d.get("old"), d.get("new")) for d in _items(raw["diffs"])
        ),
        page_id=_optional(raw.get("page_id")),
        live_hash=_optional(raw.get("live_hash")),
        note=str(raw.get("note", "")),
        order=int(cast("int", raw.get("order", 0))),
        edited_by=str(raw.get("last_edited_by", "")),
        edited_time=str(raw.get("last_edited_time", "")),
    )
    _check_shown(change)
    _check_class(change)
    return change


def _check_class(change: Change) -> None:
    """A change's class is what it does (``classes.class_of``); a file saying otherwise was
    edited, maybe to skip an approval, and the checksum alone cannot tell (anyone can recompute
    a sha256)."""
    derived = class_of(change.payload)
    if change.change_class is not derived:
        raise UnfaithfulPlan(
            f"change {change.id} is marked {change.change_class.value}, but what it does is"
            f" {derived.value}"
        )


def _check_shown(change: Change) -> None:
    """A row change's diffs are exactly what it writes over what it replaces; the checksum
    leaves diffs out, so a file showing anything else was edited to show what is not real."""
    payload = change.payload
    if not isinstance(payload, UpdateRow | RestoreRow | LinkRow):
        return
    shown = {(d.path, canonical_json(d.old), canonical_json(d.new)) for d in change.diffs}
    written = {
        (name, canonical_json(payload.old.get(name)), canonical_json(value))
        for name, value in payload.new.items()
    }
    if shown != written:
        raise UnfaithfulPlan(f"the diffs of change {change.id} do not show the values it writes")


def _database_from(raw: dict[str, JSON]) -> DatabasePlan:
    return DatabasePlan(
        handle=str(raw["handle"]),
        title=str(raw["title"]),
        key=str(raw["key"]),
        properties=tuple(
            PlannedProperty(
                name=str(p["name"]),
                type=str(p["type"]),
                config=_obj(p["config"]),
                prior=_prior_from(p.get("live")),
                sensitive=bool(p.get("sensitive", False)),
            )
            for p in _items(raw["properties"])
        ),
        changes=tuple(_change_from(c) for c in _items(raw["changes"])),
        database_id=_optional(raw.get("database_id")),
        data_source_id=_optional(raw.get("data_source_id")),
        parent=_optional(raw.get("parent")),
        url=_optional(raw.get("url")),
        protect=bool(raw.get("protect", False)),
        live_rows=int(cast("int", raw["live_rows"])),
        managed_rows=int(cast("int", raw["managed_rows"])),
        unmanaged_rows=int(cast("int", raw["unmanaged_rows"])),
        unmanaged_names=_strings(raw.get("unmanaged_row_names", [])),
        unmanaged_properties=_strings(raw["unmanaged_properties"]),
        ignored_properties=_strings(raw["ignored_properties"]),
        unmanaged_options=_strings(raw["unmanaged_options"]),
        complete=bool(raw["complete"]),
        incomplete_reasons=_strings(raw["incomplete_reasons"]),
        body_from=_optional(raw.get("body_from")),
        unmanaged_bodies=int(cast("int", raw.get("unmanaged_bodies", 0))),
        guards=tuple(
            GuardNote(
                kind=GuardKind(str(g["kind"])),
                message=str(g["message"]),
                urls=_strings(g["urls"]),
                withheld=int(cast("int", g.get("withheld", 0))),
            )
            for g in _items(raw["guards"])
        ),
        unrestorable=_strings(raw.get("unrestorable", [])),
    )


def plan_from_json(document: Mapping[str, JSON]) -> Plan:
    """The plan a schema-valid document describes (its checksum as stored, not checked);
    ``UnfaithfulPlan`` when a row change's diffs disagree with its payload."""
    estimate = _obj(document["estimate"])
    read = document.get("read")
    return Plan(
        databases=tuple(_database_from(db) for db in _items(document["databases"])),
        estimate=Estimate(
            requests=int(cast("int", estimate["requests"])),
            seconds=float(cast("float", estimate["seconds"])),
            rps=float(cast("float", estimate["rps"])),
        ),
        checksum=str(document["checksum"]),
        notion_version=str(document["notion_version"]),
        skipped_databases=_strings(document["skipped_databases"]),
        format=int(cast("int", document["format"])),
        users={str(k): str(v) for k, v in _obj(document["users"]).items()},
        read=_obj(read) if read is not None else None,
        related=tuple(_database_from(db) for db in _items(document.get("related_databases", []))),
        workspace=_workspace_from(document.get("workspace")),
    )
