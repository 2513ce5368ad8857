"""One apply, from lock to undo plan: the single call the ``apply`` command makes.

``ApplySession`` is a context manager: entering takes the lock file of the state folder, asks
Notion which workspace the gateway reaches (``workspace``; with ``workspace_from_plan`` the plan
made inside the lock tells it, ``identify``, asked during its read instead of before it), takes
that workspace's lease in Redis when ``lock_url`` names one (``shared_lock``: applies from other
checkouts and machines wait for it, and every write checks it is still held), and opens that
workspace's journal and the audit log (all under the state folder, ``.reconciler/`` by
default), so the caller can plan inside the lock. ``apply(plan)`` then:

1. runs the preflight (``reconciler.apply.preflight``): a plan made against another workspace
   refused, each change's state from the journal, unknown creates settled, done records Notion
   contradicts voided, the workspace references built (from ``live`` when the caller just read
   it), and a stale plan refused (``StalePlanError``, nothing written);
2. runs the executor, which journals, audits and reports progress;
3. writes the undo plan of everything this plan has done, and returns the ``ApplyResult``.

Gating is not done here: the CLI asks ``reconciler.gates`` before it calls ``apply``. The
controller passes ``before_write``, its fencing check, which the executor calls before each write,
and the workspace it asked for once (``workspace``), so its applies do not ask again.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from reconciler.apply.preflight import preflight
from reconciler.apply.records.audit import AuditLog, AuditRecord, current_actor
from reconciler.apply.records.journal import Journal
from reconciler.apply.records.lock import WorkspaceLock
from reconciler.apply.records.undo import undo_plan
from reconciler.apply.running.executor import Executor
from reconciler.apply.running.outcome import ApplyResult, ChangeOutcome, ProgressListener, Status
from reconciler.model import LiveState, WorkspaceIdentity
from reconciler.notion import Gateway
from reconciler.plan import Plan, write_plan

if TYPE_CHECKING:
    from reconciler.apply.records.shared_lock import SharedLock

__all__ = ["ApplyOptions", "ApplySession"]


@dataclass(frozen=True)
class ApplyOptions:
    """Where the apply keeps its records, and how it runs."""

    state_dir: Path
    journal_path: Path | None = None
    audit_path: Path | None = None
    workers: int = 8
    lock_wait_seconds: float = 10.0
    lock_url: str | None = None
    """A Redis whose lease serialises applies to a workspace from every checkout and machine
    (``shared_lock``); None: the lock file of the state folder only."""

    def journal(self, workspace: WorkspaceIdentity) -> Path:
        """The journal of this workspace (``journal-<id>.jsonl``: one per workspace, so a plan
        applied to one never reads records of another), or the path given."""
        if self.journal_path is not None:
            return self.journal_path
        binding = "\n".join(workspace.binding).encode("utf-8")
        return self.state_dir / f"journal-{hashlib.sha256(binding).hexdigest()[:12]}.jsonl"

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
        options: ApplyOptions,
        *,
        listener: ProgressListener | None = None,
        stop: threading.Event | None = None,
        actor: str | None = None,
        command: str = "reconciler apply",
        before_write: Callable[[], None] | None = None,
        workspace: WorkspaceIdentity | None = None,
        workspace_from_plan: bool = False,
    ) -> None:
        self._gateway = gateway
        self._options = options
        self._listener = listener
        self._stop = stop or threading.Event()
        self._actor = actor or current_actor()
        self._before_write = before_write
        self._command = command
        self._lock = WorkspaceLock(
            options.lock, wait_seconds=options.lock_wait_seconds, describe=command
        )
        self._shared: SharedLock | None = None
        self._journal: Journal | None = None
        self._journal_path = options.journal_path
        self._audit: AuditLog | None = None
        self._workspace = workspace
        """Known already (a controller asks once for its gateway's life), or asked on entering."""
        self._from_plan = workspace_from_plan and workspace is None
        """The caller plans inside the lock and hands over the workspace its plan recorded
        (``identify``): entering asks nothing, so that question rides with the plan's read."""
        self._entered = False

    def __enter__(self) -> ApplySession:
        self._lock.acquire()
        self._entered = True
        try:
            # A Redis lease is the workspace's: it is taken before anything is planned.
            if not self._from_plan or self._options.lock_url:
                self._begin(self._workspace or self._gateway.read_workspace())
        except BaseException:
            self._close()
            raise
        return self

    def _begin(self, workspace: WorkspaceIdentity) -> None:
        """The workspace known: its lease when ``lock_url`` names one, its journal, the audit."""
        self._workspace = workspace
        if self._options.lock_url:
            # The Redis lease is imported only when reconciler.yaml names a shared lock.
            from reconciler.apply.records.shared_lock import SharedLock

            shared = SharedLock.in_redis(
                self._options.lock_url,
                workspace,
                wait_seconds=self._options.lock_wait_seconds,
                describe=self._command,
            )
            shared.acquire()
            self._shared = shared
        self._journal_path = self._options.journal(workspace)
        self._journal = Journal(self._journal_path)
        self._audit = AuditLog(self._options.audit, self._actor)

    def identify(self, workspace: WorkspaceIdentity | None) -> None:
        """The workspace the plan made inside this session's lock was read from (None: it
        recorded none, and Notion is asked); nothing when the session knows it already."""
        assert self._entered, "use ApplySession as a context manager"
        if self._journal is None:
            self._begin(workspace or self._gateway.read_workspace())

    @property
    def known_workspace(self) -> WorkspaceIdentity | None:
        """The workspace when the session knows it already (given, or asked on entering for a
        Redis lease), else None; never asks Notion."""
        return self._workspace

    @property
    def workspace(self) -> WorkspaceIdentity:
        """The workspace this session applies to (asked of Notion when the session began, or
        when first needed if the plan was to tell it)."""
        self.identify(None)
        assert self._workspace is not None
        return self._workspace

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
        if self._shared is not None:
            self._shared.release()
            self._shared = None
        self._lock.release()

    def _fenced(self) -> None:
        """Before each write: the shared lock still held, then the caller's own check."""
        if self._shared is not None:
            self._shared.fence()
        if self._before_write is not None:
            self._before_write()

    def apply(
        self, plan: Plan, *, live: LiveState | None = None, current: bool = False
    ) -> ApplyResult:
        """Apply ``plan`` (see the module docstring); StalePlanError before any write.
        ``current``: ``live`` was read just now and nobody was asked anything since (the
        preflight takes the rows it checks from it instead of reading them again)."""
        self.identify(None)
        journal, gateway = self._journal, self._gateway
        assert journal is not None
        started, before = time.monotonic(), gateway.stats()
        checked = preflight(
            plan,
            journal,
            gateway,
            live=live,
            on_recovered=self._audited(plan),
            workspace=self.workspace,
            current=current and live is not None,
        )
        executor = Executor(
            plan,
            gateway,
            checked.refs,
            journal,
            audit=self._audit,
            listener=self._listener,
            workers=self._options.workers,
            stop=self._stop,
            before_write=self._fenced if self._shared or self._before_write else None,
        )
        outcomes = executor.run()
        undo: Plan | None = None
        undo_path, unrestorable = None, tuple[str, ...]()
        if any(o.status is Status.DONE for o in outcomes):
            undo = undo_plan(
                plan,
                outcomes,
                gateway,
                created=executor.created,
                schemas=executor.schemas,
                written=executor.written_hashes,
            )
            if undo is not None:
                undo_path = self._options.undo(plan.checksum)
                write_plan(undo, undo_path)
                unrestorable = tuple(
                    f"{db.handle}/{item}" for db in undo.databases for item in db.unrestorable
                )
        return ApplyResult(
            checksum=plan.checksum,
            outcomes=outcomes,
            stats=gateway.stats().since(before),
            seconds=time.monotonic() - started,
            interrupted=executor.interrupted,
            undo_path=undo_path,
            undo=undo,
            journal_path=self._journal_path,
            voided=checked.voided,
            created=executor.created,
            unrestorable=unrestorable,
        )

    def _audited(self, plan: Plan) -> Callable[[ChangeOutcome], None]:
        """Audits a change the preflight found done (the run that made it could not)."""

        def audit(outcome: ChangeOutcome) -> None:
            if self._audit is not None:
                self._audit.write(AuditRecord.of(plan.checksum, outcome))

        return audit
