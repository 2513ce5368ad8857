"""When a fresh plan repeats a journaled one: set aside the records that Notion contradicts.

The journal's ``done`` records let a run of a plan skip what an earlier run of the *same* plan
did: a saved plan applied again after a crash, or manifests planned again before Notion showed
the earlier run's rows. But when the manifests are planned from a fresh read and the plan comes
out identical (the same checksum) to one whose changes the journal holds done, Notion does not
show what those changes did: the ``--local`` workspace file was deleted, a database or rows were
deleted by hand, a value was put back. Trusting the records would report the changes "already
done", write nothing, and leave the same plan in place for ever.

``recheck_done``, given that fresh read (``live``), keeps only the records that Notion confirms,
read by id (never by a query, which may lag behind a create):

- a created database: kept while it exists outside the trash. Its rows' records are checked
  against it; if the fresh read did not find it under its parent although it exists (renamed),
  its records are all kept: creating it again would duplicate it;
- a created row: kept while its page exists outside the trash with the key it was created for;
- every other change (updates, links, trashes, restores, schema changes) sets absolute values,
  and the fresh plan holds it only because Notion does not show it: it is sent again.

Each record set aside is journaled ``voided`` with the reason.

Without one (``live`` None: a saved plan applied again), nothing says what changed: a created
database or row is kept while it exists as above; a row change is sent again
only when the row is back exactly as the plan saw it (someone put it back, or the workspace was
rebuilt), and kept when the row holds anything else (the change done, or edited since: a resumed
apply must not send it twice). Schema changes are kept. Used by the apply session before the
stale check and the executor.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.apply.journal import Journal, JournalEntry
from reconciler.apply.outcome import Voided
from reconciler.apply.stale import read_current
from reconciler.model import LiveRow, LiveState
from reconciler.notion.gateway import Gateway
from reconciler.plan.model import ROW_ACTIONS, Action, Change, DatabasePlan, Plan

__all__ = ["recheck_done"]

_DATABASE_GONE = "the database it created is gone from Notion (deleted, in the trash, or unshared)"
_ROW_GONE = "the row it created is gone from Notion (deleted or in the trash)"
_KEY_CHANGED = "the row it created no longer has that key in Notion"
_NOT_SHOWN = "Notion no longer shows it (the fresh plan asks for it again)"
_PUT_BACK = "the row is back as the plan saw it (put back by hand, or the workspace rebuilt)"


def recheck_done(
    plan: Plan, journal: Journal, gateway: Gateway, live: LiveState | None
) -> tuple[Voided, ...]:
    """Void this plan's ``done`` records that Notion contradicts (``live``: the fresh read the
    plan was just made from; None for a saved plan); the ones voided."""
    done = journal.done(plan.checksum)
    voided: list[Voided] = []
    for db in plan.databases:
        recorded = [c for c in db.changes if c.id in done]
        if not recorded:
            continue
        if live is None:
            voided.extend(_recheck_saved(db, recorded, done, gateway))
        else:
            voided.extend(_recheck_fresh(db, recorded, done, gateway, live))
    for item in voided:
        journal.voided(plan.checksum, item.change, item.reason)
    return tuple(voided)


def _created_database(
    recorded: list[Change], done: Mapping[str, JournalEntry], gateway: Gateway, handle: str
) -> tuple[JournalEntry | None, bool]:
    """The record of the database this plan created (None: it created none), and whether it is
    gone from Notion."""
    created = next((c for c in recorded if c.action is Action.CREATE_DATABASE), None)
    if created is None:
        return None, False
    entry = done[created.id]
    gone = not entry.database_id or not gateway.database_exists(entry.database_id, database=handle)
    return entry, gone


def _created_row(change: Change, row: LiveRow | None) -> Voided | None:
    """Why the row a create made no longer counts as made (None: it still does). A key that
    cannot be read (None: a database the plan created, read under the plan's names) is not
    held against it."""
    if row is None or row.in_trash:
        return Voided(change.id, _ROW_GONE)
    if row.key is not None and row.key != change.target:
        return Voided(change.id, _KEY_CHANGED)
    return None


def _recheck_fresh(
    db: DatabasePlan,
    recorded: list[Change],
    done: Mapping[str, JournalEntry],
    gateway: Gateway,
    live: LiveState,
) -> list[Voided]:
    fresh = live.databases.get(db.handle)
    entry, gone = _created_database(recorded, done, gateway, db.handle)
    if gone:
        return [Voided(c.id, _DATABASE_GONE) for c in recorded]
    if entry is not None and (fresh is None or fresh.database_id != entry.database_id):
        return []  # it exists, but not where the fresh read looked: keep everything
    voided = [
        Voided(c.id, _NOT_SHOWN)
        for c in recorded
        if c.action not in (Action.CREATE_DATABASE, Action.CREATE_ROW)
    ]
    rows = [c for c in recorded if c.action is Action.CREATE_ROW]
    if not rows or fresh is None:
        return voided  # (no fresh read of the database: nothing contradicts the records)
    if fresh.database_id is None:
        return voided + [Voided(c.id, _ROW_GONE) for c in rows]  # its database is not there
    pages = [str(done[c.id].page_id) for c in rows if done[c.id].page_id]
    found = gateway.read_rows(db.read_spec().located(fresh), pages)
    verdicts = (_created_row(c, found.get(str(done[c.id].page_id))) for c in rows)
    return voided + [v for v in verdicts if v is not None]


def _recheck_saved(
    db: DatabasePlan, recorded: list[Change], done: Mapping[str, JournalEntry], gateway: Gateway
) -> list[Voided]:
    entry, gone = _created_database(recorded, done, gateway, db.handle)
    if gone:
        return [Voided(c.id, _DATABASE_GONE) for c in recorded]
    ids = {
        "database_id": entry.database_id if entry else None,
        "data_source_id": entry.data_source_id if entry else None,
    }
    rows = [c for c in recorded if c.action is Action.CREATE_ROW and done[c.id].page_id]
    changed = [c for c in recorded if c.live_hash and c.page_id and c.action in ROW_ACTIONS]
    pages = [str(done[c.id].page_id) for c in rows] + [str(c.page_id) for c in changed]
    current = read_current(gateway, db, pages, **ids)
    verdicts = [_created_row(c, current.get(str(done[c.id].page_id))) for c in rows]
    voided = [v for v in verdicts if v is not None]
    restored = {c.target for c in db.changes if c.action is Action.RESTORE_ROW}
    for change in changed:
        row = current.get(str(change.page_id))
        as_seen = row is not None and row.content_hash == change.live_hash
        if as_seen and row is not None and row.in_trash == (change.target in restored):
            voided.append(Voided(change.id, _PUT_BACK))
    return voided
