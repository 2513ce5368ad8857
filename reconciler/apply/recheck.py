"""When a fresh plan repeats a journaled one: set aside the records that Notion contradicts.

The journal's ``done`` records let a run of a plan skip what an earlier run of the *same* plan
did: a saved plan applied again after a crash, or manifests planned again before Notion showed
the earlier run's rows. But when the manifests are planned from a fresh read and the plan comes
out identical (the same checksum) to one whose changes the journal holds done, Notion does not
show what those changes did: the ``--local`` workspace file was deleted, a database or rows were
deleted by hand, a value was put back. Trusting the records would report the changes "already
done", write nothing, and leave the same plan in place for ever.

``recheck_done`` keeps only the records that Notion confirms, read by id (never by a query,
which may lag behind a create):

- a created database: kept while it exists outside the trash. Its rows' records are checked
  against it; if the fresh read did not find it under its parent although it exists (renamed),
  its records are all kept: creating it again would duplicate it;
- a created row: kept while its page exists outside the trash with the key it was created for;
- every other change (updates, links, trashes, restores, schema changes) sets absolute values,
  and the fresh plan holds it only because Notion does not show it: it is sent again.

Each record set aside is journaled ``voided`` with the reason.

``recheck_saved`` does the same for a saved plan applied again, where no fresh read says what
changed: a created database or row is kept while it exists as above; a row change is sent again
only when the row is back exactly as the plan saw it (someone put it back, or the workspace was
rebuilt), and kept when the row holds anything else (the change done, or edited since: a resumed
apply must not send it twice). Schema changes are kept. Used by the apply session before the
stale check and the executor.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.apply.context import desired_database
from reconciler.apply.journal import Journal, JournalEntry
from reconciler.apply.outcome import Voided
from reconciler.apply.stale import read_current
from reconciler.model import LiveDatabase, LiveState
from reconciler.notion.gateway import Gateway
from reconciler.plan.model import ROW_ACTIONS, Action, Change, DatabasePlan, Plan

__all__ = ["recheck_done", "recheck_saved"]

_DATABASE_GONE = "the database it created is gone from Notion (deleted, in the trash, or unshared)"
_ROW_GONE = "the row it created is gone from Notion (deleted or in the trash)"
_KEY_CHANGED = "the row it created no longer has that key in Notion"
_NOT_SHOWN = "Notion no longer shows it (the fresh plan asks for it again)"
_PUT_BACK = "the row is back as the plan saw it (put back by hand, or the workspace rebuilt)"


def recheck_done(
    plan: Plan, journal: Journal, gateway: Gateway, live: LiveState
) -> tuple[Voided, ...]:
    """Void this plan's ``done`` records that Notion contradicts; the ones voided."""
    done = journal.done(plan.checksum)
    voided: list[Voided] = []
    for db in plan.databases:
        recorded = [c for c in db.changes if c.id in done]
        if recorded:
            voided.extend(_recheck_database(db, recorded, done, gateway, live))
    for item in voided:
        journal.voided(plan.checksum, item.change, item.reason)
    return tuple(voided)


def _recheck_database(
    db: DatabasePlan,
    recorded: list[Change],
    done: Mapping[str, JournalEntry],
    gateway: Gateway,
    live: LiveState,
) -> list[Voided]:
    fresh = live.databases.get(db.handle)
    created = next((c for c in recorded if c.action is Action.CREATE_DATABASE), None)
    if created is not None:
        database_id = done[created.id].database_id
        if not database_id or not gateway.database_exists(database_id, database=db.handle):
            return [Voided(c.id, _DATABASE_GONE) for c in recorded]
        if fresh is None or fresh.database_id != database_id:
            return []  # it exists, but not where the fresh read looked: keep everything
    voided = [
        Voided(c.id, _NOT_SHOWN)
        for c in recorded
        if c.action not in (Action.CREATE_DATABASE, Action.CREATE_ROW)
    ]
    rows = [c for c in recorded if c.action is Action.CREATE_ROW]
    if rows:
        voided.extend(_recheck_rows(db, rows, done, gateway, fresh))
    return voided


def _recheck_rows(
    db: DatabasePlan,
    rows: list[Change],
    done: Mapping[str, JournalEntry],
    gateway: Gateway,
    fresh: LiveDatabase | None,
) -> list[Voided]:
    if fresh is None:
        return []  # not read in this run: nothing contradicts the records
    if fresh.database_id is None:
        return [Voided(c.id, _ROW_GONE) for c in rows]  # its database is not there
    pages = {c.id: done[c.id].page_id for c in rows}
    found = gateway.read_rows(desired_database(db), fresh, [p for p in pages.values() if p])
    voided: list[Voided] = []
    for change in rows:
        page_id = pages[change.id]
        row = found.get(page_id) if page_id else None
        if row is None or row.in_trash:
            voided.append(Voided(change.id, _ROW_GONE))
        elif row.key != change.target:
            voided.append(Voided(change.id, _KEY_CHANGED))
    return voided


def recheck_saved(plan: Plan, journal: Journal, gateway: Gateway) -> tuple[Voided, ...]:
    """Void the ``done`` records of a saved plan that Notion contradicts (see the module)."""
    done = journal.done(plan.checksum)
    voided: list[Voided] = []
    for db in plan.databases:
        recorded = [c for c in db.changes if c.id in done]
        if recorded:
            voided.extend(_recheck_saved_database(db, recorded, done, gateway))
    for item in voided:
        journal.voided(plan.checksum, item.change, item.reason)
    return tuple(voided)


def _recheck_saved_database(
    db: DatabasePlan, recorded: list[Change], done: Mapping[str, JournalEntry], gateway: Gateway
) -> list[Voided]:
    ids: dict[str, str | None] = {"database_id": None, "data_source_id": None}
    created = next((c for c in recorded if c.action is Action.CREATE_DATABASE), None)
    if created is not None:
        entry = done[created.id]
        if not entry.database_id or not gateway.database_exists(
            entry.database_id, database=db.handle
        ):
            return [Voided(c.id, _DATABASE_GONE) for c in recorded]
        ids = {"database_id": entry.database_id, "data_source_id": entry.data_source_id}
    rows = [c for c in recorded if c.action is Action.CREATE_ROW and done[c.id].page_id]
    changed = [c for c in recorded if c.live_hash and c.page_id and c.action in ROW_ACTIONS]
    pages = [str(done[c.id].page_id) for c in rows] + [str(c.page_id) for c in changed]
    current = read_current(gateway, db, pages, **ids)
    voided: list[Voided] = []
    for change in rows:
        row = current.get(str(done[change.id].page_id))
        if row is None or row.in_trash:
            voided.append(Voided(change.id, _ROW_GONE))
        elif row.key is not None and row.key != change.target:
            # (None: a database the plan created reads no key under the plan's names.)
            voided.append(Voided(change.id, _KEY_CHANGED))
    restored = {c.target for c in db.changes if c.action is Action.RESTORE_ROW}
    for change in changed:
        row = current.get(str(change.page_id))
        saw_in_trash = change.target in restored
        if (
            row is not None
            and row.content_hash == change.live_hash
            and row.in_trash == saw_in_trash
        ):
            voided.append(Voided(change.id, _PUT_BACK))
    return voided
