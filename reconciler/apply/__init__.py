"""Apply: a gated plan sent to Notion in order, journaled, resumable, audited, with an undo plan.

``ApplySession`` (``session``) is what the ``apply`` command uses: the workspace lock, the journal
(``journal``), the audit log (``audit``), the stale check (``stale``), settling interrupted work
(``resume``), the executor (``executor``) and the undo plan (``undo``). The executor reports
progress through a listener and never prints; the CLI renders it.
"""

from reconciler.apply.audit import AuditLog, AuditRecord, current_actor
from reconciler.apply.executor import Executor
from reconciler.apply.journal import Journal, JournalEntry, JournalEvent
from reconciler.apply.lock import WorkspaceLock
from reconciler.apply.outcome import (
    ApplyResult,
    ChangeFinished,
    ChangeOutcome,
    DatabaseIds,
    ProgressEvent,
    ProgressListener,
    StageStarted,
    Status,
)
from reconciler.apply.session import ApplyOptions, ApplySession
from reconciler.apply.stale import StaleRow, check_stale, find_stale
from reconciler.apply.undo import undo_plan

__all__ = [
    "ApplyOptions",
    "ApplyResult",
    "ApplySession",
    "AuditLog",
    "AuditRecord",
    "ChangeFinished",
    "ChangeOutcome",
    "DatabaseIds",
    "Executor",
    "Journal",
    "JournalEntry",
    "JournalEvent",
    "ProgressEvent",
    "ProgressListener",
    "StageStarted",
    "StaleRow",
    "Status",
    "WorkspaceLock",
    "check_stale",
    "current_actor",
    "find_stale",
    "undo_plan",
]
