"""The workspace references an apply starts with: data sources, schemas, and row keys to page ids.

Relation values in a plan name target rows by key; the writes need their page ids. An apply of
manifests has just read the live state, and takes its references from it. An apply of a saved
plan starts from what the plan itself records (each database's data source and property ids, the
page of every row it touches, and the databases left out with ``--database`` that its rows relate
to) and reads the live rows of a relation's target database only when the plan names a key there
that it neither touches nor creates (through the preflight's reads, shared with its other
checks), and adds the rows an earlier run of the plan created (recorded done in the journal).
Rows this apply creates are added by the executor as they are created. Part of the preflight.
"""

from __future__ import annotations

from reconciler.apply.preflight.reads import PreflightReads
from reconciler.apply.preflight.states import ChangeStates
from reconciler.apply.running.payloads import relation_keys
from reconciler.errors import ApplyError
from reconciler.model import LiveState
from reconciler.plan import CREATING_ROWS, ROW_ACTIONS, ROW_PAYLOADS, Plan
from reconciler.properties import WorkspaceReferences

__all__ = ["plan_references"]


def _from_plan(plan: Plan, live: LiveState | None) -> WorkspaceReferences:
    refs = WorkspaceReferences.from_live(live) if live is not None else WorkspaceReferences()
    for db in (*plan.databases, *plan.related):
        if db.data_source_id is not None:
            refs.add_data_source(db.handle, db.data_source_id)
            refs.add_schema(db.data_source_id, {p.id: p.name for p in db.properties if p.id})
        for change in db.changes:
            if change.action in ROW_ACTIONS and change.page_id and change.target:
                refs.add_page(db.handle, change.target, change.page_id)
    return refs


def _unresolved(plan: Plan, refs: WorkspaceReferences) -> dict[str, set[str]]:
    """Target keys the plan relates to whose page id is unknown, by target database."""
    created = {(c.database, c.target) for c in plan.changes if c.action in CREATING_ROWS}
    wanted: dict[str, set[str]] = {}
    for db in plan.databases:
        for change in db.changes:
            payload = change.payload
            if not isinstance(payload, ROW_PAYLOADS):
                continue
            for target, key in relation_keys(db, payload.written):
                if (target, key) not in created and refs.page_for_key(target, key) is None:
                    wanted.setdefault(target, set()).add(key)
    return wanted


def plan_references(
    plan: Plan, states: ChangeStates, reads: PreflightReads, live: LiveState | None
) -> WorkspaceReferences:
    """References for applying ``plan``; ``live`` when the caller has just read the workspace."""
    refs = _from_plan(plan, live)
    done = states.done()
    for change in plan.changes:
        entry = done.get(change.id)
        if change.action in CREATING_ROWS and entry is not None and entry.page_id:
            refs.add_page(change.database, change.target, entry.page_id)
    wanted = _unresolved(plan, refs)
    if not wanted:
        return refs
    missing = sorted(handle for handle in wanted if reads.recorded(handle) is None)
    if missing:
        raise ApplyError(
            f"the plan relates rows to {', '.join(missing)}, which the plan does not include,"
            " so their page ids are unknown",
            hint="plan again including those databases (without --database), then apply",
        )
    for handle, database in reads.located(sorted(wanted)).items():
        for row in database.rows:
            if row.key is not None and not row.in_trash:
                refs.add_page(handle, row.key, row.page_id)
    return refs
