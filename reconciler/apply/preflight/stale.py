"""The stale-plan check: the rows a plan touches must still hold what the plan saw.

Every row change of a plan carries ``live_hash``, the content hash of the live row when the plan
was made. Before anything is written the rows are read again (by page id, under the properties
the plan read them by) and compared; any difference, or a row that is gone, refuses the whole
plan with ``StalePlanError`` naming the rows (exit 4, nothing written).

Creates carry no hash: for them the check asks Notion whether the thing has appeared since the
plan was made, a row with the key a ``create_row`` would create (one filtered query per 100 keys),
or a database with the title a ``create_database`` would create under its parent page. Otherwise
a plan applied twice (a rerun CI job on a fresh runner, without the journal) or after a colleague
added the row by hand would make a duplicate.

A body change carries the hash of the body it replaces: the body is read again (a GET each) and
must still have it, or hold what the change writes when the change is ``unknown`` (its own write
whose answer was lost, which is then sent again harmlessly: it replaces the whole body); any
other body was edited since the plan and is never overwritten.

Schema changes carry the schema they saw: ``stale_schema`` reads each database with one not
yet done again, without its rows, and compares (a property or database that differs is named,
``kind`` ``property`` or ``database``).

A resumed apply skips the changes recorded done, and accepts a row whose change is ``unknown``
(started but never recorded done) when the row holds either what the plan saw or what the change
writes: that is the apply's own write whose answer was lost. The reads are the preflight's,
shared with its other checks (``stale_pages`` are the pages this check reads). Part of the
preflight.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from reconciler.apply.preflight.reads import PreflightReads
from reconciler.apply.preflight.stale_schema import stale_schemas
from reconciler.apply.preflight.states import ChangeState, ChangeStates
from reconciler.bodies import body_hash
from reconciler.errors import StalePlanError
from reconciler.model import JSON, LiveRow
from reconciler.plan import (
    ROW_PAYLOADS,
    Action,
    Change,
    DatabasePlan,
    Plan,
    RestoreRow,
    TrashRow,
    UpdateBody,
    page_parts,
    property_values,
)
from reconciler.properties import References, codec_for

__all__ = ["StaleRow", "check_stale", "find_stale", "stale_pages"]


@dataclass(frozen=True)
class StaleRow:
    """A row that changed since the plan was made."""

    database: str
    key: str
    page_id: str
    reason: str
    kind: str = "page"
    """What ``page_id`` names: a ``page``, a ``database`` (one the plan was to create, or whose
    title or look changed), or a ``property`` (``key`` its name) whose schema changed."""

    def __str__(self) -> str:
        return f"{self.database}/{self.key} ({self.kind} {self.page_id}): {self.reason}"


def _checked(db: DatabasePlan, states: ChangeStates) -> list[Change]:
    """The changes of ``db`` whose row must still be as the plan saw it."""
    return [c for c in db.changes if c.live_hash and c.page_id and not states.is_done(c)]


def stale_pages(db: DatabasePlan, states: ChangeStates) -> list[str]:
    """The pages the stale check reads of ``db``, given the states now."""
    return [str(change.page_id) for change in _checked(db, states)]


def _values_written(db: DatabasePlan, change: Change, row: LiveRow, refs: References) -> bool:
    """Whether the row holds what this change writes (its own earlier, unrecorded write)."""
    payload = change.payload
    if isinstance(payload, TrashRow):
        return row.in_trash
    if isinstance(payload, RestoreRow) and row.in_trash:
        return False
    written = payload.written if isinstance(payload, ROW_PAYLOADS) else {}
    look: dict[str, JSON] = {"_icon": row.icon, "_cover": row.cover}
    for part, text in page_parts(written).items():
        if part in look and look[part] != text:
            return False
    for name, value in property_values(written).items():
        prop = db.property_named(name)
        if prop is None:
            return False
        codec = codec_for(prop.type)
        current: JSON = row.values.get(prop.live_name, codec.empty)
        if codec.resolve_live(current, prop.config, refs) != value:
            return False
    return True


def _difference(
    db: DatabasePlan,
    change: Change,
    row: LiveRow | None,
    refs: References,
    *,
    unfinished: bool,
    in_trash: bool,
) -> str | None:
    """How the row differs from what the plan saw (None: it does not, or only by our write)."""
    if row is None:
        return "not found: deleted, no longer shared with the integration, or another workspace"
    if unfinished and _values_written(db, change, row, refs):
        return None
    if row.in_trash != in_trash:
        return "moved to the trash" if row.in_trash else "restored from the trash"
    if row.content_hash != change.live_hash:
        return "changed since the plan"
    return None


def _appeared(plan: Plan, states: ChangeStates, reads: PreflightReads) -> list[StaleRow]:
    """Rows and databases the plan creates that exist in Notion now."""
    found: list[StaleRow] = []
    for db in plan.databases:
        creates = [
            c for c in db.changes if c.action is Action.CREATE_DATABASE and not states.is_done(c)
        ]
        if creates:
            found.extend(_database_appeared(db, reads))
            continue
        keys = [
            c.target for c in db.changes if c.action is Action.CREATE_ROW and not states.is_done(c)
        ]
        if not keys or db.data_source_id is None:
            continue
        rows = reads.with_keys(db, keys)
        for row in sorted(rows, key=lambda r: (str(r.key), r.page_id)):
            reason = "a row with this key exists in Notion now; the plan would create another"
            found.append(StaleRow(db.handle, str(row.key), row.page_id, reason))
    return found


def _database_appeared(db: DatabasePlan, reads: PreflightReads) -> list[StaleRow]:
    live = reads.located([db.handle])[db.handle]
    if live.database_id is None:
        return []
    reason = (
        f"the plan creates this database, but one titled {db.title!r} exists under page"
        f" {db.parent} now; the plan would create another"
    )
    return [StaleRow(db.handle, db.title, live.database_id, reason, kind="database")]


def _stale_bodies(db: DatabasePlan, states: ChangeStates, reads: PreflightReads) -> list[StaleRow]:
    """Bodies the plan replaces that no longer hold what the plan saw (see the module docs)."""
    stale: list[StaleRow] = []
    for change in db.changes:
        payload = change.payload
        if not isinstance(payload, UpdateBody) or states.is_done(change) or not change.page_id:
            continue
        held = body_hash(reads.body(db, change.page_id).markdown)
        ours = states[change.id] is ChangeState.UNKNOWN and held == payload.new_hash
        if held != payload.old_hash and not ours:
            reason = "its body was edited in Notion since the plan"
            stale.append(StaleRow(db.handle, change.target, change.page_id, reason))
    return stale


def find_stale(
    plan: Plan, states: ChangeStates, reads: PreflightReads, refs: References
) -> tuple[StaleRow, ...]:
    """Rows whose content differs from the plan's (changes done are not checked), bodies edited
    since, rows and databases the plan creates that exist already, and schemas that are not as
    the plan's schema changes saw them."""
    stale: list[StaleRow] = _appeared(plan, states, reads)
    stale.extend(
        StaleRow(d.database, d.name, d.live_id, d.reason, d.kind)
        for d in stale_schemas(plan, states, reads, refs)
    )
    for db in plan.databases:
        stale.extend(_stale_bodies(db, states, reads))
        checked = _checked(db, states)
        if not checked:
            continue
        rows = reads.rows(db, stale_pages(db, states))
        restored = {c.target for c in db.changes if c.action is Action.RESTORE_ROW}
        for change in checked:
            row = rows.get(str(change.page_id))
            reason = _difference(
                db,
                change,
                row,
                refs,
                unfinished=states[change.id] is ChangeState.UNKNOWN,
                in_trash=change.target in restored,  # the plan saw it in the trash
            )
            if reason is not None:
                stale.append(StaleRow(db.handle, change.target, str(change.page_id), reason))
    return tuple(stale)


_KINDS = (
    ("page", "row", "rows"),
    ("database", "database", "databases"),
    ("property", "property", "properties"),
)


def check_stale(plan: Plan, states: ChangeStates, reads: PreflightReads, refs: References) -> None:
    """Raise ``StalePlanError`` naming every row that changed since the plan was made."""
    stale = find_stale(plan, states, reads, refs)
    if not stale:
        return
    listed = "\n".join(f"  - {row}" for row in stale)
    kinds = Counter(row.kind for row in stale)
    counted = [
        f"{n} {singular if n == 1 else plural}"
        for kind, singular, plural in _KINDS
        if (n := kinds[kind])
    ]
    raise StalePlanError(
        f"the plan is stale: {' and '.join(counted)} changed in Notion since it was made;"
        f" nothing was written:\n{listed}",
        hint="make the plan again (reconciler plan -o plan.json), review it and apply that one",
    )
