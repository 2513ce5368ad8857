"""Settling what an interrupted apply left unknown, before anything is sent again.

A change journaled ``started`` (or ``failed``) but never ``done`` may or may not have happened:
the process was killed between the request and the record, or retries ran out after a write
Notion may have performed. Updates, links, trashes and restores set absolute values, so sending
them again is harmless. Three kinds are not:

- ``create_database`` and ``create_row``: sent again, they would make a duplicate. The database
  is looked for by title under its parent, the row by its key;
- ``remove_property``: a property already removed cannot be removed again.

``settle_unfinished`` reads each database concerned once (``gateway.read_state``) and journals
each such change ``done`` (with the ids it created) or ``absent``, and returns the ones that did
happen (the session audits them: the killed run could not); the executor then skips the done
ones and sends the others as usual. The same change left unfinished by an earlier plan on
this workspace is settled with it. Used by the apply session.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reconciler.apply.journal import Journal, JournalEntry
from reconciler.apply.outcome import ChangeOutcome, Status
from reconciler.model import LiveDatabase
from reconciler.notion.gateway import Gateway
from reconciler.plan.model import Action, Change, Plan

__all__ = ["settle_unfinished"]

_UNSAFE_TO_RESEND = frozenset({Action.CREATE_DATABASE, Action.CREATE_ROW, Action.REMOVE_PROPERTY})


def _unknown(plan: Plan, journal: Journal) -> list[tuple[Change, list[JournalEntry]]]:
    """This plan's not-done changes that are unsafe to resend and left unfinished somewhere."""
    done = journal.done(plan.checksum)
    unfinished: dict[str, list[JournalEntry]] = {}
    for entry in journal.unfinished():
        unfinished.setdefault(entry.change, []).append(entry)
    return [
        (change, unfinished[change.id])
        for change in plan.changes
        if change.action in _UNSAFE_TO_RESEND and change.id in unfinished and change.id not in done
    ]


def _read(
    plan: Plan, journal: Journal, gateway: Gateway, handles: set[str]
) -> Mapping[str, LiveDatabase]:
    done = journal.done(plan.checksum)
    specs = []
    for handle in sorted(handles):
        db = plan.database(handle)
        assert db is not None
        created = next(
            (done[c.id] for c in db.changes if c.action is Action.CREATE_DATABASE and c.id in done),
            None,
        )
        specs.append(
            db.read_spec(
                database_id=created.database_id if created else None,
                data_source_id=created.data_source_id if created else None,
            )
        )
    return gateway.read_state(specs).databases


@dataclass(frozen=True)
class _Happened:
    """What a change that did happen created."""

    page_id: str | None = None
    database_id: str | None = None
    data_source_id: str | None = None


def _found(change: Change, live: LiveDatabase) -> _Happened | None:
    """What ``change`` created if it happened, None when it did not."""
    if change.action is Action.CREATE_DATABASE:
        if live.database_id is None:
            return None
        return _Happened(database_id=live.database_id, data_source_id=live.data_source_id)
    if change.action is Action.CREATE_ROW:
        rows = [r for r in live.rows if r.key == change.target and not r.in_trash]
        return _Happened(page_id=rows[0].page_id) if rows else None
    gone = live.database_id is not None and live.property_named(change.target) is None
    return _Happened() if gone else None


def settle_unfinished(plan: Plan, journal: Journal, gateway: Gateway) -> tuple[ChangeOutcome, ...]:
    """Look up every unknown outcome that is unsafe to resend; the changes that did happen."""
    unknown = _unknown(plan, journal)
    if not unknown:
        return ()
    live = _read(plan, journal, gateway, {c.database for c, _ in unknown})
    happened: list[ChangeOutcome] = []
    for change, entries in unknown:
        found = _found(change, live[change.database])
        if found is not None:
            note = "done by an interrupted apply; found in Notion instead of being sent again"
            happened.append(ChangeOutcome(change, Status.DONE, found.page_id, note, recovered=True))
        for checksum in dict.fromkeys([plan.checksum, *(e.plan for e in entries)]):
            if found is None:
                journal.absent(checksum, change.id)
            else:
                journal.finished(
                    checksum,
                    change.id,
                    page_id=found.page_id,
                    database_id=found.database_id,
                    data_source_id=found.data_source_id,
                )
    return tuple(happened)
