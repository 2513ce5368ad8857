"""One apply, from lock to undo plan: the single call the ``apply`` command makes.

``ApplySession`` is a context manager: entering takes the workspace lock and opens the journal
and the audit log (all under the state folder, ``.reconciler/`` by default), so the caller can
plan inside the lock. ``apply(plan)`` then:

1. settles what an interrupted earlier run left unknown (``resume``), reading only when needed;
2. builds the workspace references (from ``live`` when the caller just read it);
3. refuses a stale plan (``StalePlanError``, nothing written), skipping changes already done;
4. runs the executor, which journals, audits and reports progress;
5. writes the undo plan of everything this plan has done, and returns the ``ApplyResult``.

Gating is not done here: the CLI asks ``reconciler.gates`` before it calls ``apply``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from reconciler.apply.audit import AuditLog, AuditRecord, current_actor
from reconciler.apply.executor import Executor
from reconciler.apply.journal import Journal
from reconciler.apply.lock import WorkspaceLock
from reconciler.apply.outcome import ApplyResult, ProgressListener, Status
from reconciler.apply.recheck import recheck_done
from reconciler.apply.references import plan_references
from reconciler.apply.resume import settle_unfinished
from reconciler.apply.stale import check_stale
from reconciler.apply.undo import undo_plan
from reconciler.config import Settings
from reconciler.model import LiveState
from reconciler.notion.gateway import Gateway
from reconciler.plan import CREATING_ROWS
from reconciler.plan.model import Plan
from reconciler.plan.planfile import write_plan

__all__ = ["ApplyOptions", "ApplySession"]


@dataclass(frozen=True)
class ApplyOptions:
    """Where the apply keeps its records, and how it runs."""

    state_dir: Path
    journal_path: Path | None = None
    audit_path: Path | None = None
    workers: int = 8
    lock_wait_seconds: float = 10.0

    @property
    def journal(self) -> Path:
        return self.journal_path or self.state_dir / "journal.jsonl"

    @property
    def audit(self) -> Path:
        return self.audit_path or self.state_dir / "audit.jsonl"

    @property
    def lock(self) -> Path:
        return self.state_dir / "apply.lock"

    def undo(self, checksum: str) -> Path:
        return self.state_dir / "undo" / f"undo-{checksum[:16]}.json"


class ApplySession:
    """The lock, journal and audit log around applies to one workspace."""

    def __init__(
        self,
        gateway: Gateway,
        settings: Settings,
        options: ApplyOptions,
        *,
        listener: ProgressListener | None = None,
        stop: threading.Event | None = None,
        actor: str | None = None,
        command: str = "reconciler apply",
    ) -> None:
        self._gateway = gateway
        self._settings = settings
        self._options = options
        self._listener = listener
        self._stop = stop or threading.Event()
        self._actor = actor or current_actor()
        self._lock = WorkspaceLock(
            options.lock, wait_seconds=options.lock_wait_seconds, describe=command
        )
        self._journal: Journal | None = None
        self._audit: AuditLog | None = None

    def __enter__(self) -> ApplySession:
        self._lock.acquire()
        try:
            self._journal = Journal(self._options.journal)
            self._audit = AuditLog(self._options.audit, self._actor)
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._close()

    def _close(self) -> None:
        if self._journal is not None:
            self._journal.close()
        if self._audit is not None:
            self._audit.close()
        self._lock.release()

    def apply(self, plan: Plan, *, live: LiveState | None = None) -> ApplyResult:
        """Apply ``plan`` (see the module docstring); StalePlanError before any write."""
        journal, gateway = self._journal, self._gateway
        assert journal is not None, "use ApplySession as a context manager"
        started, before = time.monotonic(), gateway.stats()
        for outcome in settle_unfinished(plan, journal, gateway):
            if self._audit is not None:
                self._audit.write(AuditRecord.of(plan.checksum, outcome))
        voided = recheck_done(plan, journal, gateway, live)
        done = journal.done(plan.checksum)
        unfinished = {e.change for e in journal.unfinished() if e.plan == plan.checksum}
        created_rows = {
            (c.database, c.target): str(done[c.id].page_id)
            for c in plan.changes
            if c.action in CREATING_ROWS and c.id in done and done[c.id].page_id
        }
        refs = plan_references(plan, gateway, live=live, page_ids=created_rows)
        check_stale(plan, gateway, refs, done=set(done), unfinished=unfinished)
        executor = Executor(
            plan,
            gateway,
            refs,
            journal,
            audit=self._audit,
            listener=self._listener,
            workers=self._options.workers,
            stop=self._stop,
        )
        outcomes = executor.run()
        undo_path = None
        if any(o.status is Status.DONE for o in outcomes):
            undo = undo_plan(
                plan,
                outcomes,
                gateway,
                created=executor.created,
                schemas=executor.schemas,
            )
            if undo is not None:
                undo_path = self._options.undo(plan.checksum)
                write_plan(undo, undo_path)
        return ApplyResult(
            checksum=plan.checksum,
            outcomes=outcomes,
            stats=gateway.stats().since(before),
            seconds=time.monotonic() - started,
            interrupted=executor.interrupted,
            undo_path=undo_path,
            journal_path=self._options.journal,
            voided=voided,
        )
