"""The undo plan: a plan that puts back what an apply did, applied like any other plan.

For every change done (by this run or an earlier run of the same plan):

    done              undo
    ----------------  -------------------------------------------------------------------
    create_row        trash_row of the created page
    restore_row       trash_row again (and update_row back to the old values it changed)
    update_row        update_row back to the old values
    link_row          link_row back to the old relations (not for rows the undo trashes)
    trash_row         restore_row
    update_database   update_database back to the old title, icon and cover
    update_body       update_body back to the old body (Notion's body before the apply)
    add_property      remove_property
    update_property   update_property back to the old configuration
    rename_property   rename_property back
    change_type       change_type back (Notion converts the values again)
    remove_options    update_property adding the options back (rows lost them)
    remove_property   add_property (empty: Notion deleted its values with it)

A database the apply created stays (the undo trashes its rows; trash the database in Notion).
The undo of a body change restores the body Notion held before the apply, and carries the
hash of the body as the apply left it (its read-back), so applying the undo refuses a body
edited since, like any stale plan.
Values Notion dropped with a removed property or option cannot come back; the undo says so in its
notes. Nor can the old values of ``sensitive: true`` properties, which no plan keeps: the undo
leaves them out and lists them (``DatabasePlan.unrestorable``). The undo's changes carry the live
hash of each row as it is after the apply (read back once per database), so applying the undo
refuses a row edited since, like any stale plan; it is written with ``write_plan`` and gated like
any plan (its trashes and removals need approval).
Used by the apply session.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from reconciler.apply.running.outcome import ChangeOutcome, DatabaseIds, Status
from reconciler.bodies import body_hash
from reconciler.model import JSON, LiveProperty
from reconciler.notion.gateway import Gateway
from reconciler.plan import (
    ROW_ACTIONS,
    ROW_PAYLOADS,
    Action,
    AddProperty,
    Change,
    ChangeClass,
    ChangePayload,
    ChangeType,
    CreateDatabase,
    CreateRow,
    DatabasePlan,
    FieldDiff,
    LinkRow,
    Plan,
    PlannedProperty,
    PriorProperty,
    PropertyShape,
    RemoveOptions,
    RemoveProperty,
    RenameProperty,
    RestoreRow,
    TrashRow,
    UpdateBody,
    UpdateDatabase,
    UpdateProperty,
    UpdateRow,
    property_values,
)
from reconciler.plan.classes import class_of, is_empty_value
from reconciler.plan.estimate import estimate
from reconciler.plan.serialise import checksum

__all__ = ["undo_plan"]


def _swapped(payload: ChangePayload) -> ChangePayload:
    """The payload that sets back what ``payload`` set (for the actions that are their own
    inverse)."""
    match payload:
        case UpdateDatabase(old_title=old_title, new_title=new_title, old=old, new=new):
            return UpdateDatabase(new_title, old_title, new, old)
        case RenameProperty(old_name=old, new_name=new):
            return RenameProperty(new, old)
        case UpdateProperty(live=live, desired=desired):
            return UpdateProperty(desired, live)
        case ChangeType(live=live, desired=desired):
            return ChangeType(desired, live)
        case UpdateRow(old=old, new=new):
            return UpdateRow(new, old)
        case LinkRow(old=old, new=new):
            return LinkRow(new, old)
    raise ValueError(f"{payload.action.value} has no inverse of its own kind")


def _swap(
    change: Change,
    *,
    target: str | None = None,
    page_id: str | None = None,
    renames: Mapping[str, str] | None = None,
) -> Change:
    """The change turned round (payload and diffs, row values under the names the undo gives
    back); a row change classed by what the undo does (clearing a value is lossy, setting one
    back is not)."""
    names = renames or {}
    payload = _swapped(change.payload)
    if isinstance(payload, ROW_PAYLOADS):
        payload = payload.with_values(lambda values: _rekey(values, names))
    diffs = tuple(FieldDiff(names.get(d.path, d.path), d.new, d.old) for d in change.diffs)
    return dataclasses.replace(
        change,
        target=target or change.target,
        change_class=class_of(payload),
        payload=payload,
        diffs=diffs,
        page_id=page_id or change.page_id,
        live_hash=None,
        note="undo",
    )


def _rekey(values: Mapping[str, JSON], renames: Mapping[str, str]) -> dict[str, JSON]:
    return {renames.get(k, k): v for k, v in values.items()}


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
        change.database,
        change.target,
        ChangeClass.SAFE,
        UpdateProperty(
            PropertyShape(kind, config), PropertyShape(kind, {**config, "options": options})
        ),
        note="undo: the options come back; rows that used them lost them",
    )


def _undone_body(change: Change, outcome: ChangeOutcome, gateway: Gateway) -> Change:
    """The body change turned round: back to the body before the apply, from the one Notion
    held right after (its read-back; read again when an earlier run made the change)."""
    payload = change.payload
    assert isinstance(payload, UpdateBody)
    held = outcome.body
    page = outcome.page_id or change.page_id
    if held is None and page is not None:
        held = gateway.read_body(page, database=change.database).markdown
    after = held if held is not None else payload.new
    # What Notion held right after this apply's write is what the reconciler last wrote there:
    # the undo overwrites it safely while it still holds that, and needs approval once edited.
    after_hash = body_hash(after)
    back = UpdateBody(after, payload.old, after_hash, payload.old_hash, after_hash)
    note = "undo: restores the body as it was before the apply"
    return Change(change.database, change.target, class_of(back), back, page_id=page, note=note)


def _undo_rows(change: Change, page_id: str | None, renames: Mapping[str, str]) -> list[Change]:
    page = page_id or change.page_id
    handle, key = change.database, change.target
    match change.payload:
        case CreateRow(values=values):
            trash = TrashRow(_rekey(property_values(values), renames))
            return [
                Change(
                    handle, key, ChangeClass.DESTRUCTIVE, trash, page_id=page, note="undo: created"
                )
            ]
        case TrashRow():
            return [Change(handle, key, ChangeClass.SAFE, RestoreRow(), page_id=page)]
        case RestoreRow(old=old, new=new):
            old, new = _rekey(old, renames), _rekey(new, renames)
            undone = [
                Change(
                    handle,
                    key,
                    ChangeClass.DESTRUCTIVE,
                    TrashRow(new),
                    page_id=page,
                    note="undo: restored",
                )
            ]
            if old:
                diffs = tuple(FieldDiff(name, new.get(name), value) for name, value in old.items())
                back = UpdateRow(new, old)
                undone.append(Change(handle, key, class_of(back), back, diffs, page, note="undo"))
            return undone
    return [_swap(change, page_id=page, renames=renames)]


def _undo_schema(change: Change, db: DatabasePlan) -> list[Change]:
    match change.payload:
        case AddProperty(shape=shape):
            remove = RemoveProperty(shape)
            return [
                Change(
                    db.handle, change.target, ChangeClass.DESTRUCTIVE, remove, note="undo: added"
                )
            ]
        case RemoveProperty(live=shape):
            note = "undo: the property comes back empty; Notion deleted its values"
            return [
                Change(db.handle, change.target, ChangeClass.SAFE, AddProperty(shape), note=note)
            ]
        case RenameProperty(old_name=old):
            return [_swap(change, target=old)]
        case RemoveOptions():
            return [_restored_options(change, db)]
        case CreateDatabase():
            return []
    return [_swap(change)]


def _renames(db: DatabasePlan, done: Mapping[str, ChangeOutcome]) -> dict[str, str]:
    """New name → old name of the properties this apply renamed."""
    return {
        c.payload.new_name: c.payload.old_name
        for c in db.changes
        if isinstance(c.payload, RenameProperty) and c.id in done
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
        if isinstance(change.payload, RemoveProperty):
            shape = change.payload.live
            props.append(PlannedProperty(change.target, shape.type, shape.config))
    return tuple(props)


def _without(change: Change, names: frozenset[str]) -> Change | None:
    """The row change without the values of these properties (None: nothing left to do)."""
    payload = change.payload
    if not names or not isinstance(payload, ROW_PAYLOADS):
        return change
    kept = payload.with_values(lambda values: {k: v for k, v in values.items() if k not in names})
    if isinstance(kept, UpdateRow | LinkRow) and not kept.new:
        return None
    diffs = tuple(d for d in change.diffs if d.path not in names)
    return dataclasses.replace(change, payload=kept, diffs=diffs)


def _kept_out(undo: Change, hidden: frozenset[str]) -> frozenset[str]:
    """Sensitive properties whose old value the undo would write back: no plan keeps it (an
    applied plan may come from a file, which holds none), so the undo cannot put it back. An
    old empty value is no secret, and is written back."""
    payload = undo.payload
    if not isinstance(payload, UpdateRow | LinkRow):
        return frozenset()
    return frozenset(n for n, v in payload.new.items() if n in hidden and not is_empty_value(v))


def _undo_database(
    db: DatabasePlan,
    outcomes: Mapping[str, ChangeOutcome],
    created: DatabaseIds | None,
    schema: Mapping[str, str] | None,
    gateway: Gateway,
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
    hidden = frozenset(renames.get(name, name) for name in db.sensitive_properties)
    changes: list[Change] = []
    unrestorable: list[str] = []
    for change in db.changes:
        if change.id not in done:
            continue
        if change.action in (Action.LINK_ROW, Action.UPDATE_BODY) and change.target in trashed:
            continue
        if change.action is Action.UPDATE_BODY:
            changes.append(_undone_body(change, done[change.id], gateway))
        elif change.action in ROW_ACTIONS:
            for undo in _undo_rows(change, done[change.id].page_id, renames):
                kept_out = _kept_out(undo, hidden)
                unrestorable.extend(f"{undo.target}.{name}" for name in sorted(kept_out))
                kept = _without(undo, retyped | kept_out)
                changes.extend([kept] if kept is not None else [])
        else:
            changes.extend(_undo_schema(change, db))
    return dataclasses.replace(
        db,
        properties=_properties(db, renames, schema, done),
        unrestorable=tuple(dict.fromkeys(unrestorable)),
        changes=tuple(sorted(changes, key=lambda c: c.stage)),
        database_id=created.database_id if created else db.database_id,
        data_source_id=created.data_source_id if created else db.data_source_id,
        managed_rows=db.managed_rows,
        guards=(),
    )


def _with_hashes(db: DatabasePlan, hashes: Mapping[str, str]) -> DatabasePlan:
    def hashed(change: Change) -> Change:
        if change.action not in ROW_ACTIONS:
            return change  # a body change carries its body's hash instead
        held = hashes.get(change.page_id) if change.page_id is not None else None
        return change if held is None else dataclasses.replace(change, live_hash=held)

    return dataclasses.replace(db, changes=tuple(hashed(c) for c in db.changes))


def _read_back(
    db: DatabasePlan, gateway: Gateway, is_new: bool, written: Mapping[str, str]
) -> DatabasePlan:
    """The undo database with each row's current live hash (and, if new, property ids): from
    ``written`` (by page id, the hashes of the writes' answers, when final) and a read of the
    other rows."""
    pages = [c.page_id for c in db.changes if c.page_id and c.action in ROW_ACTIONS]
    if not pages:
        return db
    if not is_new:
        rest = [page for page in pages if page not in written]
        read = gateway.read_rows(db.read_spec(), rest) if rest else {}
        return _with_hashes(db, {**{p: r.content_hash for p, r in read.items()}, **written})
    live = gateway.read_state([db.read_spec()]).databases[db.handle]
    found = {p.name: p for p in live.properties}
    props = tuple(
        p if p.prior is not None or p.name not in found else _read_prior(p, found[p.name])
        for p in db.properties
    )
    hashes = {row.page_id: row.content_hash for row in live.rows}
    return _with_hashes(dataclasses.replace(db, properties=props), hashes)


def _read_prior(prop: PlannedProperty, live: LiveProperty) -> PlannedProperty:
    return dataclasses.replace(prop, prior=PriorProperty(live.id, live.name, live.type))


def undo_plan(
    plan: Plan,
    outcomes: tuple[ChangeOutcome, ...],
    gateway: Gateway,
    *,
    created: Mapping[str, DatabaseIds],
    schemas: Mapping[str, Mapping[str, str]],
    written: Mapping[str, str] | None = None,
) -> Plan | None:
    """The plan undoing what ``outcomes`` record as done; None when nothing was done. An undo
    that can put nothing back but has values it cannot restore is still written, to say so.
    ``written``: by page id, the content hash of each row as the last write this run made to
    it left it, from Notion's answer (None: every row is read back)."""
    by_id = {o.change.id: o for o in outcomes}
    # The executor keeps answers only for databases where they are final (``answers_final``);
    # after a failed change none stands: its write may have landed after all.
    final = written if written and not any(o.status is Status.FAILED for o in outcomes) else {}
    databases = []
    # Every database stays in the undo, changed or not: relations name rows of the others.
    for db in plan.databases:
        undone = _undo_database(db, by_id, created.get(db.handle), schemas.get(db.handle), gateway)
        databases.append(_read_back(undone, gateway, db.handle in created, final))
    if not any(db.changes or db.unrestorable for db in databases):
        return None
    draft = Plan(
        databases=tuple(databases),
        estimate=estimate(databases, plan.estimate.rps),
        checksum="",
        notion_version=plan.notion_version,
        users=plan.users,
        related=plan.related,
        workspace=plan.workspace,
    )
    return dataclasses.replace(draft, checksum=checksum(draft))
