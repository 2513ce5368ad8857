"""The undo plan: a plan that puts back what an apply did, applied like any other plan.

For every change done (by this run or an earlier run of the same plan):

    done              undo
    ----------------  -------------------------------------------------------------------
    create_row        trash_row of the created page
    restore_row       trash_row again (and update_row back to the old values it changed)
    update_row        update_row back to the old values
    link_row          link_row back to the old relations (not for rows the undo trashes)
    trash_row         restore_row
    update_database   update_database back to the old title
    add_property      remove_property
    update_property   update_property back to the old configuration
    rename_property   rename_property back
    change_type       change_type back (Notion converts the values again)
    remove_options    update_property adding the options back (rows lost them)
    remove_property   add_property (empty: Notion deleted its values with it)

A database the apply created stays (the undo trashes its rows; trash the database in Notion).
Values Notion dropped with a removed property or option cannot come back; the undo says so in its
notes. The undo's changes carry the live hash of each row as it is after the apply (read back
once per database), so applying the undo refuses a row edited since, like any stale plan; it is
written with ``write_plan`` and gated like any plan (its trashes and removals need approval).
Used by the apply session.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from reconciler.apply.outcome import ChangeOutcome, DatabaseIds, Status
from reconciler.apply.stale import read_current
from reconciler.model import JSON, LiveProperty, LiveRow
from reconciler.notion.gateway import Gateway
from reconciler.plan import ROW_ACTIONS
from reconciler.plan.comparable import is_cleared
from reconciler.plan.estimate import estimate
from reconciler.plan.model import (
    Action,
    Change,
    ChangeClass,
    DatabasePlan,
    FieldDiff,
    Plan,
    PlannedProperty,
    PriorProperty,
)
from reconciler.plan.serialise import checksum

__all__ = ["undo_plan"]


def _swap(
    change: Change,
    *,
    before: Mapping[str, JSON] | None = None,
    after: Mapping[str, JSON] | None = None,
    target: str | None = None,
    page_id: str | None = None,
) -> Change:
    """The change with before and after exchanged (and the diffs turned round); a row change
    classed by what the undo does (clearing a value is lossy, setting one back is not)."""
    diffs = tuple(FieldDiff(d.path, d.new, d.old) for d in change.diffs)
    change_class = change.change_class
    if change.action in (Action.UPDATE_ROW, Action.LINK_ROW):
        change_class = _row_class(diffs)
    return dataclasses.replace(
        change,
        target=target or change.target,
        change_class=change_class,
        before=before if before is not None else change.after,
        after=after if after is not None else change.before,
        diffs=diffs,
        page_id=page_id or change.page_id,
        live_hash=None,
        note="undo",
    )


def _row_class(diffs: tuple[FieldDiff, ...]) -> ChangeClass:
    """Lossy when the change empties a value that is set, as the differ classes row updates."""
    return ChangeClass.LOSSY if any(is_cleared(d.old, d.new) for d in diffs) else ChangeClass.SAFE


def _rekey(values: Mapping[str, JSON] | None, renames: Mapping[str, str]) -> dict[str, JSON]:
    return {renames.get(k, k): v for k, v in (values or {}).items()}


def _restored_options(change: Change, db: DatabasePlan) -> Change:
    prop = db.property_named(change.target)
    config = dict(prop.config) if prop is not None else {}
    current = config.get("options")
    options: list[JSON] = list(current) if isinstance(current, list) else []
    for diff in change.diffs:
        name = diff.path.rsplit(".", 1)[-1]
        old = diff.old if isinstance(diff.old, dict) else {"name": name}
        options.append({k: v for k, v in old.items() if k in ("name", "color", "description")})
    kind = prop.type if prop is not None else "select"
    return Change(
        Action.UPDATE_PROPERTY,
        change.database,
        change.target,
        ChangeClass.SAFE,
        before={"type": kind, "config": config},
        after={"type": kind, "config": {**config, "options": options}},
        note="undo: the options come back; rows that used them lost them",
    )


def _undo_rows(change: Change, page_id: str | None, renames: Mapping[str, str]) -> list[Change]:
    page = page_id or change.page_id
    before, after = _rekey(change.before, renames), _rekey(change.after, renames)
    if change.action is Action.CREATE_ROW:
        trash = Change(Action.TRASH_ROW, change.database, change.target, ChangeClass.DESTRUCTIVE)
        return [dataclasses.replace(trash, before=after, page_id=page, note="undo: created")]
    if change.action is Action.TRASH_ROW:
        restore = Change(Action.RESTORE_ROW, change.database, change.target, ChangeClass.SAFE)
        return [
            dataclasses.replace(
                restore, before={"in_trash": True}, after={"in_trash": False}, page_id=page
            )
        ]
    if change.action is Action.RESTORE_ROW:
        trash = Change(Action.TRASH_ROW, change.database, change.target, ChangeClass.DESTRUCTIVE)
        undone = [dataclasses.replace(trash, before=after, page_id=page, note="undo: restored")]
        old = {k: v for k, v in before.items() if k != "in_trash"}
        if old:
            new = {k: v for k, v in after.items() if k != "in_trash"}
            diffs = tuple(FieldDiff(name, new.get(name), value) for name, value in old.items())
            update = Change(Action.UPDATE_ROW, change.database, change.target, _row_class(diffs))
            undone.append(
                dataclasses.replace(
                    update, before=new, after=old, diffs=diffs, page_id=page, note="undo"
                )
            )
        return undone
    return [_swap(change, before=after, after=before, page_id=page)]


def _undo_schema(change: Change, db: DatabasePlan) -> list[Change]:
    if change.action is Action.ADD_PROPERTY:
        remove = Change(Action.REMOVE_PROPERTY, db.handle, change.target, ChangeClass.DESTRUCTIVE)
        return [dataclasses.replace(remove, before=change.after, note="undo: added")]
    if change.action is Action.REMOVE_PROPERTY:
        add = Change(Action.ADD_PROPERTY, db.handle, change.target, ChangeClass.SAFE)
        note = "undo: the property comes back empty; Notion deleted its values"
        return [dataclasses.replace(add, after=change.before, note=note)]
    if change.action is Action.RENAME_PROPERTY:
        old = str((change.before or {}).get("name"))
        return [_swap(change, target=old)]
    if change.action is Action.REMOVE_OPTIONS:
        return [_restored_options(change, db)]
    if change.action is Action.CREATE_DATABASE:
        return []
    return [_swap(change)]


def _renames(db: DatabasePlan, done: Mapping[str, ChangeOutcome]) -> dict[str, str]:
    """New name → old name of the properties this apply renamed."""
    return {
        c.target: str((c.before or {}).get("name"))
        for c in db.changes
        if c.action is Action.RENAME_PROPERTY and c.id in done
    }


def _after_apply(
    prop: PlannedProperty, db: DatabasePlan, ids: Mapping[str, str], done: Mapping[str, object]
) -> PriorProperty | None:
    """The live property after the apply (the undo's prior state): renamed and retyped when
    those changes were done; with the id the apply learnt for a property it made."""
    changed = {c.action for c in db.changes if c.target == prop.name and c.id in done}
    prior, made = prop.prior, ids.get(prop.name)
    if prior is None:
        return PriorProperty(made, prop.name, prop.type) if made is not None else None
    name = prop.name if Action.RENAME_PROPERTY in changed else prior.name
    kind = prop.type if Action.CHANGE_TYPE in changed else prior.type
    return PriorProperty(prior.id, name, kind)


def _properties(
    db: DatabasePlan,
    renames: Mapping[str, str],
    schema: Mapping[str, str] | None,
    done: Mapping[str, ChangeOutcome],
) -> tuple[PlannedProperty, ...]:
    """The schema after the apply, under the names the undo gives back, with ids when known.

    A property the apply removed has no id any more: the undo adds it anew.
    """
    ids = {name: pid for pid, name in (schema or {}).items()}
    removed = [c for c in db.changes if c.action is Action.REMOVE_PROPERTY and c.id in done]
    gone = {c.target for c in removed}
    props = [
        dataclasses.replace(
            p, name=renames.get(p.name, p.name), prior=_after_apply(p, db, ids, done)
        )
        for p in db.properties
        if p.name not in gone
    ]
    for change in removed:
        shape = change.before or {}
        config = shape.get("config")
        kind = str(shape.get("type"))
        props.append(
            PlannedProperty(change.target, kind, config if isinstance(config, dict) else {})
        )
    return tuple(props)


def _without(change: Change, names: frozenset[str]) -> Change | None:
    """The row change without the values of these properties (None: nothing left to do)."""
    if not names:
        return change
    before = {k: v for k, v in (change.before or {}).items() if k not in names}
    after = {k: v for k, v in (change.after or {}).items() if k not in names}
    diffs = tuple(d for d in change.diffs if d.path not in names)
    if change.action is Action.UPDATE_ROW and not after:
        return None
    return dataclasses.replace(
        change,
        before=before if change.before is not None else None,
        after=after if change.after is not None else None,
        diffs=diffs,
    )


def _undo_database(
    db: DatabasePlan,
    outcomes: Mapping[str, ChangeOutcome],
    created: DatabaseIds | None,
    schema: Mapping[str, str] | None,
) -> DatabasePlan:
    done = {cid: o for cid, o in outcomes.items() if o.status in (Status.DONE, Status.ALREADY_DONE)}
    renames = _renames(db, done)
    trashed = {c.target for c in db.changes if c.id in done and c.action in (Action.CREATE_ROW,)}
    # A property whose type changed gets its old type back and Notion converts the values
    # again: the values the apply wrote in the new type are not written back (the plan never
    # saw the old-typed ones, and they would not fit the old type).
    retyped = frozenset(
        renames.get(c.target, c.target)
        for c in db.changes
        if c.action is Action.CHANGE_TYPE and c.id in done
    )
    changes: list[Change] = []
    for change in db.changes:
        if change.id not in done:
            continue
        if change.action is Action.LINK_ROW and change.target in trashed:
            continue
        if change.action in ROW_ACTIONS:
            undone = (
                _without(c, retyped) for c in _undo_rows(change, done[change.id].page_id, renames)
            )
            changes.extend(c for c in undone if c is not None)
        else:
            changes.extend(_undo_schema(change, db))
    return dataclasses.replace(
        db,
        properties=_properties(db, renames, schema, done),
        changes=tuple(sorted(changes, key=lambda c: c.stage)),
        database_id=created.database_id if created else db.database_id,
        data_source_id=created.data_source_id if created else db.data_source_id,
        managed_rows=db.managed_rows,
        guards=(),
    )


def _with_hashes(db: DatabasePlan, rows: Mapping[str, LiveRow]) -> DatabasePlan:
    def hashed(change: Change) -> Change:
        row = rows.get(change.page_id) if change.page_id is not None else None
        return change if row is None else dataclasses.replace(change, live_hash=row.content_hash)

    return dataclasses.replace(db, changes=tuple(hashed(c) for c in db.changes))


def _read_back(db: DatabasePlan, gateway: Gateway, is_new: bool) -> DatabasePlan:
    """The undo database with each row's current live hash (and, if new, property ids)."""
    pages = [c.page_id for c in db.changes if c.page_id]
    if not pages:
        return db
    if not is_new:
        return _with_hashes(db, read_current(gateway, db, pages))
    live = gateway.read_state([db.read_spec()]).databases[db.handle]
    found = {p.name: p for p in live.properties}
    props = tuple(
        p if p.prior is not None or p.name not in found else _read_prior(p, found[p.name])
        for p in db.properties
    )
    rows = {row.page_id: row for row in live.rows}
    return _with_hashes(dataclasses.replace(db, properties=props), rows)


def _read_prior(prop: PlannedProperty, live: LiveProperty) -> PlannedProperty:
    return dataclasses.replace(prop, prior=PriorProperty(live.id, live.name, live.type))


def undo_plan(
    plan: Plan,
    outcomes: tuple[ChangeOutcome, ...],
    gateway: Gateway,
    *,
    created: Mapping[str, DatabaseIds],
    schemas: Mapping[str, Mapping[str, str]],
) -> Plan | None:
    """The plan undoing what ``outcomes`` record as done; None when nothing was done."""
    by_id = {o.change.id: o for o in outcomes}
    databases = []
    # Every database stays in the undo, changed or not: relations name rows of the others.
    for db in plan.databases:
        undone = _undo_database(db, by_id, created.get(db.handle), schemas.get(db.handle))
        databases.append(_read_back(undone, gateway, db.handle in created))
    if not any(db.changes for db in databases):
        return None
    draft = Plan(
        databases=tuple(databases),
        estimate=estimate(databases, plan.estimate.rps),
        checksum="",
        notion_version=plan.notion_version,
        users=plan.users,
        related=plan.related,
    )
    return dataclasses.replace(draft, checksum=checksum(draft))
