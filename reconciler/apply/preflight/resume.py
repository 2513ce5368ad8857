"""Settling what an interrupted apply left unknown, before anything is sent again.

A change journaled ``started`` (or ``failed``) but never ``done`` may or may not have happened:
the process was killed between the request and the record, or retries ran out after a write
Notion may have performed. Updates, links, trashes and restores set absolute values, so sending
them again is harmless. Three kinds are not (``UNSAFE_TO_RESEND``):

- ``create_database`` and ``create_row``: sent again, they would make a duplicate. The database
  is looked for by title under its parent, the row by its key;
- ``remove_property``: a property already removed cannot be removed again.

``settle_unknown`` reads each database concerned once (whole, through the preflight's reads) and
settles each such change ``done`` (with the ids it created) or ``absent``, and returns the ones
that did happen (the session audits them: the killed run could not); the executor then skips
the done ones and sends the others as usual. The same change left unknown by an earlier plan on
this workspace is settled with it. Part of the preflight.
"""

from __future__ import annotations

from reconciler.apply.preflight.reads import PreflightReads
from reconciler.apply.preflight.states import UNSAFE_TO_RESEND, ChangeState, ChangeStates, Happened
from reconciler.apply.running.outcome import ChangeOutcome, Status
from reconciler.model import LiveDatabase
from reconciler.plan import Action, Change, Plan

__all__ = ["settle_unknown"]

_FOUND = "done by an interrupted apply; found in Notion instead of being sent again"


def _found(change: Change, live: LiveDatabase) -> Happened | None:
    """What ``change`` created if it happened, None when it did not."""
    if change.action is Action.CREATE_DATABASE:
        if live.database_id is None:
            return None
        return Happened(database_id=live.database_id, data_source_id=live.data_source_id)
    if change.action is Action.CREATE_ROW:
        rows = [r for r in live.rows if r.key == change.target and not r.in_trash]
        return Happened(page_id=rows[0].page_id) if rows else None
    gone = live.database_id is not None and live.property_named(change.target) is None
    return Happened() if gone else None


def settle_unknown(
    plan: Plan, states: ChangeStates, reads: PreflightReads
) -> tuple[ChangeOutcome, ...]:
    """Look up every unknown change that is unsafe to resend; the ones that did happen."""
    unknown = [
        change
        for change in plan.changes
        if change.action in UNSAFE_TO_RESEND and states[change.id] is ChangeState.UNKNOWN
    ]
    if not unknown:
        return ()
    live = reads.located(sorted({change.database for change in unknown}))
    happened: list[ChangeOutcome] = []
    for change in unknown:
        found = _found(change, live[change.database])
        if found is not None:
            happened.append(
                ChangeOutcome(change, Status.DONE, found.page_id, _FOUND, recovered=True)
            )
        states.settle(change, found)
    return tuple(happened)
