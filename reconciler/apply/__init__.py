"""Apply: a gated plan sent to Notion in order, journaled, resumable, audited, with an undo plan.

``ApplySession`` (``session``) is what the ``apply`` command uses. The package is grouped by job:

- ``preflight``: everything checked in Notion before the first write, in one pass: each
  change's state from the journal, unknown creates settled, contradicted records voided, the
  workspace references, the stale-plan check;
- ``running``: the executor, the outcomes it reports, the request payloads it sends;
- ``records``: the journal, the audit log, the workspace lock and the undo plan.

The executor reports progress through a listener and never prints; the CLI renders it. This
module is the package's facade: the CLI imports nothing else of it.
"""

from reconciler.apply.preflight import ChangeState, Preflight, StaleRow, check_workspace, preflight
from reconciler.apply.records.audit import AuditLog, AuditRecord, current_actor
from reconciler.apply.records.journal import Journal, JournalEntry, JournalEvent
from reconciler.apply.records.lock import WorkspaceLock
from reconciler.apply.records.undo import undo_plan
from reconciler.apply.running.executor import Executor
from reconciler.apply.running.outcome import (
    ApplyResult,
    ChangeFinished,
    ChangeOutcome,
    DatabaseIds,
    ProgressEvent,
    ProgressListener,
    StageStarted,
    Status,
    Voided,
)
from reconciler.apply.session import ApplyOptions, ApplySession

__all__ = [
    "ApplyOptions",
    "ApplyResult",
    "ApplySession",
    "AuditLog",
    "AuditRecord",
    "ChangeFinished",
    "ChangeOutcome",
    "ChangeState",
    "DatabaseIds",
    "Executor",
    "Journal",
    "JournalEntry",
    "JournalEvent",
    "Preflight",
    "ProgressEvent",
    "ProgressListener",
    "StageStarted",
    "StaleRow",
    "Status",
    "Voided",
    "WorkspaceLock",
    "check_workspace",
    "current_actor",
    "preflight",
    "undo_plan",
]
