"""What a plan's checksum covers: the projection of a plan onto what its apply would do.

``projection(plan)`` is the format, the Notion version and the workspace the plan was made
against (its place and id, not the integration: a plan made with a read-only integration is
applied with a writing one); per database its handle, title, key, ids,
parent, protect flag, row counts and every managed property with its configuration and prior
state; per change its action, target, class, order, page, live hash and payload (the values it
writes and those it replaces). Text that only explains the plan to people is left out. The
checksum (``serialise.checksum``) hashes it once sensitive values are sealed, and the sealing key
(``sensitive.sealing_key``) is derived from it with those values held apart; the plan file's
document (``serialise.plan_to_json``) is built around the same pieces.
"""

from __future__ import annotations

from reconciler.model import JSON
from reconciler.plan.model import Change, DatabasePlan, Plan, PlannedProperty, PriorProperty

__all__ = ["change_content", "database_content", "prior_content", "projection", "property_content"]


def prior_content(prior: PriorProperty | None) -> JSON:
    if prior is None:
        return None
    return {"id": prior.id, "name": prior.name, "type": prior.type}


def change_content(change: Change) -> dict[str, JSON]:
    before, after = change.payload.encode()
    return {
        "action": change.action.value,
        "target": change.target,
        "class": change.change_class.value,
        "order": change.order,
        "page_id": change.page_id,
        "live_hash": change.live_hash,
        "before": before,
        "after": after,
    }


def property_content(prop: PlannedProperty) -> dict[str, JSON]:
    return {
        "name": prop.name,
        "type": prop.type,
        "config": dict(prop.config),
        "live": prior_content(prop.prior),
    }


def database_content(db: DatabasePlan) -> dict[str, JSON]:
    return {
        "handle": db.handle,
        "title": db.title,
        "key": db.key,
        "database_id": db.database_id,
        "data_source_id": db.data_source_id,
        "parent": db.parent,
        "protect": db.protect,
        "live_rows": db.live_rows,
        "managed_rows": db.managed_rows,
        "properties": [property_content(p) for p in db.properties],
        "changes": [change_content(change) for change in db.changes],
    }


def projection(plan: Plan) -> dict[str, JSON]:
    """What the checksum covers, values as the plan holds them."""
    workspace = plan.workspace
    return {
        "format": plan.format,
        "notion_version": plan.notion_version,
        "workspace": list(workspace.binding) if workspace is not None else None,
        "databases": [database_content(db) for db in plan.databases],
        "related_databases": [database_content(db) for db in plan.related],
    }
