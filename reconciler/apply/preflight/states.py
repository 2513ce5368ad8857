"""Each change's state before the first write: read from the journal, settled by the preflight.

    state     what the journal (or the preflight) says                 the executor
    --------  -------------------------------------------------------  ---------------------
    pending   nothing recorded                                         sends it
    unknown   started (or failed) and never settled: it may have       sends it; a create or a
              happened (a crash, retries used up after a write)        removal is settled first
    done      recorded done by a run of this plan                      skips it
    absent    an unknown create that Notion shows never happened       sends it
    voided    recorded done, but Notion no longer shows it             sends it again

A change that is unsafe to send twice (a create, a property removal) left unfinished by an
earlier plan on this workspace is ``unknown`` too: it is the same change. ``ChangeStates`` holds
the states and writes what the preflight settles to the journal (``done`` with the ids found,
``absent``, ``voided``), for this plan and for the earlier plans that left the change unknown.
Used by every part of the preflight.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from reconciler.apply.records.journal import Journal, JournalEntry, JournalEvent
from reconciler.apply.running.outcome import Voided
from reconciler.plan import Action, Change, Plan

__all__ = ["UNSAFE_TO_RESEND", "ChangeState", "ChangeStates", "Happened"]

UNSAFE_TO_RESEND = frozenset({Action.CREATE_DATABASE, Action.CREATE_ROW, Action.REMOVE_PROPERTY})
"""Changes that cannot simply be sent again: a create would duplicate, a removal is refused."""


class ChangeState(enum.StrEnum):
    """Where a change stands before the first write (see the module docstring)."""

    PENDING = "pending"
    UNKNOWN = "unknown"
    DONE = "done"
    ABSENT = "absent"
    VOIDED = "voided"


_FROM_LAST_EVENT = {
    JournalEvent.DONE: ChangeState.DONE,
    JournalEvent.ABSENT: ChangeState.ABSENT,
    JournalEvent.VOIDED: ChangeState.VOIDED,
    JournalEvent.STARTED: ChangeState.UNKNOWN,
    JournalEvent.FAILED: ChangeState.UNKNOWN,
}


@dataclass(frozen=True)
class Happened:
    """What a change whose outcome was unknown turned out to have made."""

    page_id: str | None = None
    database_id: str | None = None
    data_source_id: str | None = None


class ChangeStates:
    """The state of every change of one plan, kept in step with the journal."""

    def __init__(self, plan: Plan, journal: Journal) -> None:
        self._plan = plan
        self._journal = journal
        last = journal.last(plan.checksum)
        elsewhere: dict[str, list[JournalEntry]] = {}
        for unfinished in journal.unfinished():
            elsewhere.setdefault(unfinished.change, []).append(unfinished)
        self._elsewhere = elsewhere
        self._states: dict[str, ChangeState] = {}
        for change in plan.changes:
            entry = last.get(change.id)
            state = _FROM_LAST_EVENT[entry.event] if entry is not None else ChangeState.PENDING
            unsafe = change.action in UNSAFE_TO_RESEND
            if unsafe and state is not ChangeState.DONE and change.id in elsewhere:
                state = ChangeState.UNKNOWN  # left unknown by any plan: it may have happened
            self._states[change.id] = state

    def __getitem__(self, change_id: str) -> ChangeState:
        return self._states[change_id]

    def snapshot(self) -> Mapping[str, ChangeState]:
        """Every change's state now, by change id."""
        return dict(self._states)

    def done(self) -> dict[str, JournalEntry]:
        """The changes recorded done, with what they created."""
        return self._journal.done(self._plan.checksum)

    def is_done(self, change: Change) -> bool:
        return self._states[change.id] is ChangeState.DONE

    def settle(self, change: Change, happened: Happened | None) -> None:
        """Record what the look-up of an unknown change found: done (it happened) or absent,
        for this plan and every earlier plan that left it unknown."""
        plans = [self._plan.checksum, *(e.plan for e in self._elsewhere.get(change.id, ()))]
        for checksum in dict.fromkeys(plans):
            if happened is None:
                self._journal.absent(checksum, change.id)
            else:
                self._journal.finished(
                    checksum,
                    change.id,
                    page_id=happened.page_id,
                    database_id=happened.database_id,
                    data_source_id=happened.data_source_id,
                )
        self._states[change.id] = ChangeState.ABSENT if happened is None else ChangeState.DONE

    def void(self, voided: Voided) -> None:
        """A change recorded done that Notion contradicts: it is to be sent again."""
        self._journal.voided(self._plan.checksum, voided.change, voided.reason)
        self._states[voided.change] = ChangeState.VOIDED
