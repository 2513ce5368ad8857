"""The preflight: everything an apply checks in Notion before its first write, in one pass.

``preflight(plan, journal, gateway, live=...)`` first refuses a plan made against another
workspace than the apply reaches (``workspace``), then reads each change's state from the
journal (``states``: pending, unknown, done, absent, voided), then, sharing one set of reads
(``reads``: each database read whole at most once, its rows by page at most once):

1. settles the changes an interrupted apply left unknown that are unsafe to send twice
   (``resume``): a create is looked up by its key or title, a removal by the schema;
2. sets aside the done records that Notion contradicts (``recheck``), so they are sent again;
3. builds the workspace references the writes need (``references``), reading the rows of a
   relation target only when the plan names a key it does not know;
4. refuses a stale plan (``stale``): a touched row that changed, a row or database the plan
   creates that exists already, a schema that is not what the plan's schema changes saw
   (``stale_schema``); ``StalePlanError``, nothing written.

It returns the states, the references, the changes found done (to audit) and those voided. Used
by the apply session.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from reconciler.apply.preflight.reads import PreflightReads
from reconciler.apply.preflight.recheck import recheck_done
from reconciler.apply.preflight.references import plan_references
from reconciler.apply.preflight.resume import settle_unknown
from reconciler.apply.preflight.stale import StaleRow, check_stale, find_stale
from reconciler.apply.preflight.states import UNSAFE_TO_RESEND, ChangeState, ChangeStates
from reconciler.apply.preflight.workspace import check_workspace
from reconciler.apply.records.journal import Journal
from reconciler.apply.running.outcome import ChangeOutcome, Voided
from reconciler.model import LiveState, WorkspaceIdentity
from reconciler.notion import Gateway
from reconciler.plan import Plan
from reconciler.properties import WorkspaceReferences

__all__ = [
    "UNSAFE_TO_RESEND",
    "ChangeState",
    "ChangeStates",
    "Preflight",
    "PreflightReads",
    "StaleRow",
    "check_workspace",
    "find_stale",
    "preflight",
]


@dataclass(frozen=True)
class Preflight:
    """What the preflight found: every change's state, and what the writes start from."""

    states: Mapping[str, ChangeState]
    """By change id, once the preflight settled what it could."""
    refs: WorkspaceReferences
    recovered: tuple[ChangeOutcome, ...] = ()
    """Unknown changes found done in Notion (the run that made them could not audit them)."""
    voided: tuple[Voided, ...] = ()
    """Done records Notion contradicts: their changes are sent again."""


def preflight(
    plan: Plan,
    journal: Journal,
    gateway: Gateway,
    *,
    live: LiveState | None = None,
    on_recovered: Callable[[ChangeOutcome], None] | None = None,
    workspace: WorkspaceIdentity | None = None,
    current: bool = False,
) -> Preflight:
    """Check ``plan`` against the journal and Notion before its first write (see the module
    docstring); ``live``: the read the plan was just made from (None: a saved plan).
    ``on_recovered`` hears of each unknown change found done as soon as it is settled;
    ``workspace``: the one the apply reaches, which must be the plan's; ``current``: ``live``
    was read moments ago with nobody asked since, so its rows are not read again
    (``PreflightReads``)."""
    if workspace is not None:
        check_workspace(plan, workspace)
    states = ChangeStates(plan, journal)
    reads = PreflightReads(plan, gateway, states, live if current else None)
    recovered = settle_unknown(plan, states, reads)
    for outcome in recovered:
        if on_recovered is not None:
            on_recovered(outcome)
    voided = recheck_done(plan, states, reads, live)
    refs = plan_references(plan, states, reads, live)
    check_stale(plan, states, reads, refs)
    return Preflight(states.snapshot(), refs, recovered, voided)
