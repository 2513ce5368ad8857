"""Done records that Notion contradicts are set aside, so their changes are sent again.

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

Without one (``live`` None: a saved plan applied again), nothing says what changed: a created
database or row is kept while it exists as above; a row change is sent again only when the row
is back exactly as the plan saw it (someone put it back, or the workspace was rebuilt), and kept
when the row holds anything else (the change done, or edited since: a resumed apply must not
send it twice). Schema changes are kept.

Each record set aside is journaled ``voided`` with the reason. The rows are read once per
database together with those the stale check needs (``stale_pages``). Part of the preflight.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.apply.preflight.reads import PreflightReads
from reconciler.apply.preflight.stale import stale_pages
from reconciler.apply.preflight.states import ChangeStates
from reconciler.apply.records.journal import JournalEntry
from reconciler.apply.running.outcome import Voided
from reconciler.model import LiveRow, LiveState
from reconciler.plan import ROW_ACTIONS, Action, Change, DatabasePlan, Plan

__all__ = ["recheck_done"]

_DATABASE_GONE = "the database it created is gone from Notion (deleted, in the trash, or unshared)"
_ROW_GONE = "the row it created is gone from Notion (deleted or in the trash)"
_KEY_CHANGED = "the row it created no longer has that key in Notion"
_NOT_SHOWN = "Notion no longer shows it (the fresh plan asks for it again)"
_PUT_BACK = "the row is back as the plan saw it (put back by hand, or the workspace rebuilt)"


def recheck_done(
    plan: Plan, states: ChangeStates, reads: PreflightReads, live: LiveState | None
) -> tuple[Voided, ...]:
    """Void this plan's ``done`` records that Notion contradicts (``live``: the fresh read the
    plan was just made from; None for a saved plan); the ones voided."""
    voided: list[Voided] = []
    for db in plan.databases:
        recorded = [c for c in db.changes if states.is_done(c)]
        if recorded:
            voided.extend(_recheck(db, recorded, states, reads, live))
    return tuple(voided)


def _void(states: ChangeStates, voided: list[Voided]) -> list[Voided]:
    for item in voided:
        states.void(item)
    return voided


def _created_database(
    recorded: list[Change], done: Mapping[str, JournalEntry], reads: PreflightReads, handle: str
) -> tuple[JournalEntry | None, bool]:
    """The record of the database this plan created (None: it created none), and whether it is
    gone from Notion."""
    created = next((c for c in recorded if c.action is Action.CREATE_DATABASE), None)
    if created is None:
        return None, False
    entry = done[created.id]
    gone = not entry.database_id or not reads.exists(entry.database_id, handle)
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


def _recheck(
    db: DatabasePlan,
    recorded: list[Change],
    states: ChangeStates,
    reads: PreflightReads,
    live: LiveState | None,
) -> list[Voided]:
    done = states.done()
    entry, gone = _created_database(recorded, done, reads, db.handle)
    if gone:
        return _void(states, [Voided(c.id, _DATABASE_GONE) for c in recorded])
    if live is None:
        rows = [c for c in recorded if c.action is Action.CREATE_ROW and done[c.id].page_id]
        seen = [c for c in recorded if c.live_hash and c.page_id and c.action in ROW_ACTIONS]
        return _judged(db, rows, seen, states, reads)
    fresh = live.databases.get(db.handle)
    if entry is not None and (fresh is None or fresh.database_id != entry.database_id):
        return []  # it exists, but not where the fresh read looked: keep everything
    made = (Action.CREATE_DATABASE, Action.CREATE_ROW)
    voided = _void(states, [Voided(c.id, _NOT_SHOWN) for c in recorded if c.action not in made])
    rows = [c for c in recorded if c.action is Action.CREATE_ROW]
    if not rows or fresh is None:
        return voided  # (no fresh read of the database: nothing contradicts the records)
    if fresh.database_id is None:  # its database is not there
        return voided + _void(states, [Voided(c.id, _ROW_GONE) for c in rows])
    return voided + _judged(db, rows, [], states, reads)


def _judged(
    db: DatabasePlan,
    rows: list[Change],
    seen: list[Change],
    states: ChangeStates,
    reads: PreflightReads,
) -> list[Voided]:
    """Verdicts on created rows and (saved plans) rows changed, read by page id together with
    the rows the stale check reads."""
    done = states.done()
    created = {c.id: str(done[c.id].page_id) for c in rows if done[c.id].page_id}
    pages = [*created.values(), *(str(c.page_id) for c in seen)]
    current = reads.rows(db, [*pages, *stale_pages(db, states)])
    verdicts = [
        _created_row(c, current.get(created[c.id]) if c.id in created else None) for c in rows
    ]
    voided = [v for v in verdicts if v is not None]
    restored = {c.target for c in db.changes if c.action is Action.RESTORE_ROW}
    for change in seen:
        row = current.get(str(change.page_id))
        as_seen = row is not None and row.content_hash == change.live_hash
        if as_seen and row is not None and row.in_trash == (change.target in restored):
            voided.append(Voided(change.id, _PUT_BACK))
    return _void(states, voided)
