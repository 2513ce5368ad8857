"""The reconciliation loop of ``reconciler serve``: one cycle at a time, until told to stop.

A cycle reloads the manifests (invalid ones keep the last good ones, and ``/readyz`` says why),
brings the live snapshot up to date, plans from it, and, with ``--auto-apply safe`` on the
leading replica, applies the changes no gate holds. How much a cycle reads:

- ``full``: every managed database, on the first cycle, every ``full_every`` seconds, when the
  manifests changed (the snapshot was read for other manifests), after the controller changed a
  schema or created a database, and when an event says a whole database changed;
- ``pages``: only the pages webhook events named (see ``reconciler.serve.webhooks``), patched
  into the snapshot (``reconciler.serve.snapshot``);
- ``none``: nothing; the plan is made again from the snapshot (an ``interval`` tick).

After an apply the pages it wrote are read back into the snapshot and the plan is made again,
so ``/status`` shows what is left. A cycle that succeeds makes a new catalogue of the managed
objects for the webhook receiver, and places in it the events the old one could not place since
the cycle began (``HintQueue.place_held``): until its first read ends a controller knows no
database, and an event about a row edited after that read must not be lost as unmanaged.

A cycle that cannot reach Notion puts its hints back and counts against the circuit breaker
(``reconciler.serve.breaker``); while the breaker is open no cycle runs, and a probe (one cheap
request) closes it when Notion answers. Cycles start at least ``min_gap`` seconds apart, so a
storm of events never makes a tight loop.

``shutdown()`` (SIGTERM) lets the writes in flight finish, starts no other, and ends the loop;
the journal is closed by the apply session. A restart resumes: the next apply settles what the
journal left unfinished. Called by ``reconciler serve``, which runs ``run()`` on a thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog

from reconciler.errors import NotionAuthError, NotionUnavailableError, ReconcilerError
from reconciler.model import DesiredState, LiveState
from reconciler.notion.stats import RequestStats
from reconciler.serve.breaker import BreakerState, CircuitBreaker
from reconciler.serve.engine import Applied, AppliedChange, Engine, Proposal
from reconciler.serve.hints import HintQueue, Pending
from reconciler.serve.leadership import Leadership
from reconciler.serve.metrics import ControllerMetrics
from reconciler.serve.snapshot import catalogue, patched
from reconciler.serve.status import DatabaseStatus, StatusBoard
from reconciler.serve.webhooks import Catalogue

__all__ = ["Controller", "ControllerOptions"]

log = structlog.get_logger(__name__)

_CLASSES = ("safe", "lossy", "destructive")
_RELAY_POLL_SECONDS = 0.5
_MESSAGE_LIMIT = 2000


@dataclass(frozen=True)
class ControllerOptions:
    """How often the loop reads and what it may apply."""

    interval: float = 300.0
    full_every: float = 3600.0
    auto_apply: str = "none"
    """``none``: plan and report only; ``safe``: apply the changes no gate holds."""
    events: bool = True
    """Webhook events are expected; without them every cycle reads in full."""
    min_gap: float = 1.0


@dataclass
class _Memory:
    """What the loop carries from one cycle to the next (its own thread only)."""

    desired: DesiredState | None = None
    live: LiveState | None = None
    last_full: float | None = None
    last_cycle: float | None = None
    full_wanted: bool = True
    failed: bool = False
    """The last cycle failed for a reason other than Notion's availability (a plan error, an
    unusable manifest): the next one waits the whole interval, whatever the hints."""
    unsettled_since: float | None = None
    """When the first cycle since the last one that succeeded started: events the catalogue
    could not place since then are placed again once a cycle succeeds."""


class Controller:
    """Runs cycles until ``shutdown()`` (see the module docstring)."""

    def __init__(
        self,
        engine: Engine,
        options: ControllerOptions,
        *,
        leadership: Leadership,
        board: StatusBoard,
        breaker: CircuitBreaker,
        metrics: ControllerMetrics,
        hints: HintQueue,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._options = options
        self._leadership = leadership
        self._board = board
        self._breaker = breaker
        self._metrics = metrics
        self._hints = hints
        self._clock = clock
        self._memory = _Memory()
        self._catalogue = Catalogue()
        self._stopping = threading.Event()
        self._apply_stop = threading.Event()
        self._applying = False
        self.crashed: str | None = None
        """Why the loop ended on an unexpected error (None: it did not)."""

    # --- what other threads ask -----------------------------------------------------------------

    def catalogue(self) -> Catalogue:
        """The managed objects, for the webhook receiver."""
        return self._catalogue

    @property
    def applying(self) -> bool:
        """Whether an apply is under way (a shutdown waits for its writes in flight)."""
        return self._applying

    def shutdown(self) -> None:
        """Stop: the writes in flight finish, no other starts, the loop ends after this cycle."""
        self._stopping.set()
        self._apply_stop.set()
        self._hints.arrived.set()

    def leadership_lost(self) -> None:
        """The lease is gone: the apply in flight starts no further write."""
        self._apply_stop.set()

    # --- the loop -------------------------------------------------------------------------------

    def run(self) -> None:
        """Cycles until ``shutdown()``. An unexpected error ends the loop (``/healthz`` then
        fails and ``crashed`` says why), logged through the redaction."""
        try:
            while not self._stopping.is_set():
                wait = self._wait_seconds()
                if wait > 0:
                    if self._hints.relayed and self._leadership.is_leader():
                        wait = min(wait, _RELAY_POLL_SECONDS)  # other replicas' hints
                    self._hints.arrived.wait(wait)
                    continue
                if self._breaker.state is BreakerState.HALF_OPEN and not self._probe():
                    continue
                self.run_cycle()
        except Exception as error:
            self.crashed = f"{type(error).__name__}: {error}"
            log.exception("the reconciliation loop stopped on an unexpected error")
        finally:
            log.info("loop stopped")

    def _wait_seconds(self) -> float:
        """How long until the next cycle may start (0: now)."""
        if self._stopping.is_set():
            return 0.0
        backoff = self._breaker.wait_seconds()
        if backoff > 0:
            return backoff
        last = self._memory.last_cycle
        if last is None:
            return 0.0
        since = self._clock() - last
        if self._memory.failed:
            return max(0.0, self._options.interval - since)
        leader = self._leadership.is_leader()
        if self._hints.waiting(shared=leader) or self._memory.full_wanted:
            return max(0.0, self._options.min_gap - since)
        return max(0.0, self._options.interval - since)

    def _probe(self) -> bool:
        """One cheap request while the breaker is half open: does Notion answer?"""
        try:
            self._engine.probe()
        except NotionAuthError as error:
            self._board.update(token_valid=False, cycle_error=error.message)
        except ReconcilerError as error:
            self._breaker.failed(error.message)
            self._metrics.breaker_open.set(1)
            log.warning("probe failed", reason=error.message)
            return False
        else:
            self._board.update(token_valid=True)
        self._breaker.succeeded()
        self._metrics.breaker_open.set(0)
        log.info("circuit breaker closed: Notion answers")
        return True

    # --- one cycle ------------------------------------------------------------------------------

    def run_cycle(self) -> None:
        """One cycle (see the module docstring); never raises a ``ReconcilerError``."""
        started, before = self._clock(), self._engine.stats()
        self._memory.last_cycle = started
        if self._memory.unsettled_since is None:
            self._memory.unsettled_since = started
        pending = self._hints.take(shared=self._leadership.is_leader())
        read = "none"
        try:
            desired = self._reload()
            read = self._read_kind(desired, pending, started)
            with self._metrics.plan_seconds.labels(read).time():
                live = self._read(desired, pending, read)
                proposal = self._engine.propose(desired, live)
            applied: Applied | None = None
            if self._may_apply(proposal):
                applied, live, proposal = self._apply(desired, proposal, live)
            self._memory.live = live
            self._catalogue = catalogue(live)
            self._place_held()
        except ReconcilerError as error:
            self._failed(error, pending, read, started, before)
            return
        self._succeeded(proposal, applied, read, started, before)

    def _place_held(self) -> None:
        """Events that arrived while this catalogue was being made, placed in it (an event about
        a row of a database the controller had not read yet must not be lost as unmanaged)."""
        since = self._memory.unsettled_since
        assert since is not None
        if self._hints.place_held(self._catalogue, since):
            log.warning("too many unplaced webhook events; the next cycle reads in full")
            self._memory.full_wanted = True
        self._memory.unsettled_since = None

    def _reload(self) -> DesiredState:
        """The manifests as they are now, or the last good ones when they are invalid."""
        try:
            desired = self._engine.load()
        except ReconcilerError as error:
            message = str(error)[:_MESSAGE_LIMIT]
            self._board.update(manifests_error=message)
            self._metrics.manifests_valid.set(0)
            log.warning("manifests invalid; keeping the last good ones", reason=message)
            if self._memory.desired is None:
                raise
            return self._memory.desired
        self._board.update(manifests_error=None)
        self._metrics.manifests_valid.set(1)
        if desired != self._memory.desired:
            self._memory.full_wanted = True
            self._memory.desired = desired
        return desired

    def _read_kind(self, desired: DesiredState, pending: Pending, now: float) -> str:
        memory = self._memory
        full_every = self._options.full_every if self._options.events else 0.0
        if (
            memory.full_wanted
            or memory.live is None
            or memory.last_full is None
            or now - memory.last_full >= full_every
            or pending.databases
        ):
            return "full"
        return "pages" if pending.pages else "none"

    def _read(self, desired: DesiredState, pending: Pending, read: str) -> LiveState:
        if read == "full":
            fresh = self._engine.read_all(desired)
            self._memory.last_full = self._clock()
            self._memory.full_wanted = False
            return fresh
        live = self._memory.live
        assert live is not None
        for handle, pages in sorted(pending.pages.items()):
            live = self._patch(desired, live, handle, pages)
        return live

    def _patch(
        self, desired: DesiredState, live: LiveState, handle: str, pages: frozenset[str]
    ) -> LiveState:
        """``live`` with these pages of one database read again (nothing for a database that is
        no longer managed, or does not exist yet)."""
        database = desired.database(handle)
        current = live.databases.get(handle)
        if database is None or current is None or current.data_source_id is None:
            return live
        found = self._engine.read_pages(desired, live, handle, pages)
        return patched(live, database, pages, found)

    def _may_apply(self, proposal: Proposal) -> bool:
        return (
            self._options.auto_apply == "safe"
            and proposal.applicable is not None
            and self._leadership.is_leader()
            and not self._stopping.is_set()
        )

    def _apply(
        self, desired: DesiredState, proposal: Proposal, live: LiveState
    ) -> tuple[Applied, LiveState, Proposal]:
        """Apply the proposal's applicable part; the snapshot with its pages read back, and the
        plan made again from it."""
        plan = proposal.applicable
        assert plan is not None
        self._apply_stop = threading.Event()
        if self._stopping.is_set():
            self._apply_stop.set()
        self._applying = True
        try:
            with self._metrics.apply_seconds.time():
                applied = self._engine.apply(desired, plan, live, self._apply_stop)
        finally:
            self._applying = False
        if applied.stale:
            log.info("plan stale: rows changed since they were read", plan=plan.checksum)
            self._hints.put_back(Pending(pages=applied.stale_rows))
            return applied, live, proposal
        if any(not change.row and change.status == "done" for change in applied.changes):
            # A schema changed or a database was created: the snapshot's layout is outdated.
            live = self._read(desired, Pending(), "full")
        else:
            for handle, pages in sorted(applied.touched.items()):
                live = self._patch(desired, live, handle, pages)
        return applied, live, self._engine.propose(desired, live)

    # --- after a cycle --------------------------------------------------------------------------

    def _succeeded(
        self,
        proposal: Proposal,
        applied: Applied | None,
        read: str,
        started: float,
        before: RequestStats,
    ) -> None:
        self._memory.failed = False
        self._breaker.succeeded()
        self._metrics.breaker_open.set(0)
        now = _now()
        previous = self._board.get().databases
        statuses = {
            handle: _database_status(handle, proposal, previous.get(handle), now)
            for handle in (db.handle for db in proposal.plan.databases)
        }
        board = self._board.get()
        self._board.update(
            databases=statuses,
            cycle_error=None,
            # A cycle that sent no request proves nothing about the token.
            token_valid=board.token_valid or read != "none",
            cycles=board.cycles + 1,
            leader=self._leadership.is_leader(),
            last_cycle=now,
        )
        self._show(statuses, proposal.pending)
        for handle, status in statuses.items():
            if status.status == "in_sync":
                self._metrics.last_sync.labels(handle).set(time.time())
        self._metrics.cycles.labels(read, "succeeded").inc()
        self._log_cycle("succeeded", read, started, before, proposal=proposal, applied=applied)

    def _failed(
        self,
        error: ReconcilerError,
        pending: Pending,
        read: str,
        started: float,
        before: RequestStats,
    ) -> None:
        message = error.message[:_MESSAGE_LIMIT]
        self._hints.put_back(pending)
        if isinstance(error, NotionUnavailableError):
            self._breaker.failed(message)
            self._metrics.breaker_open.set(int(self._breaker.state is not BreakerState.CLOSED))
        else:
            self._memory.failed = True
        changes: dict[str, object] = {"cycle_error": message, "last_cycle": _now()}
        if isinstance(error, NotionAuthError):
            changes["token_valid"] = False
            self._memory.full_wanted = True  # the next cycle proves the token again
        board = self._board.update(**changes)
        statuses = {
            handle: DatabaseStatus(
                "error", status.pending, status.last_sync, status.plan_checksum, message
            )
            for handle, status in board.databases.items()
        }
        self._board.update(databases=statuses)
        self._show(statuses, {h: dict(s.pending) for h, s in statuses.items()})
        self._metrics.cycles.labels(read, "failed").inc()
        self._log_cycle("failed", read, started, before, error=message)

    def _show(
        self, statuses: Mapping[str, DatabaseStatus], pending: Mapping[str, Mapping[str, int]]
    ) -> None:
        self._metrics.show_databases({h: s.status for h, s in statuses.items()}, pending, _CLASSES)
        self._metrics.leader.set(int(self._leadership.is_leader()))

    def _log_cycle(
        self,
        outcome: str,
        read: str,
        started: float,
        before: RequestStats,
        *,
        proposal: Proposal | None = None,
        applied: Applied | None = None,
        error: str | None = None,
    ) -> None:
        stats = self._engine.stats()
        requests = stats.requests - before.requests
        fields: dict[str, object] = {
            "outcome": outcome,
            "read": read,
            "seconds": round(self._clock() - started, 3),
            "requests": requests,
            "leader": self._leadership.is_leader(),
        }
        if proposal is not None:
            fields["plan_checksum"] = proposal.plan.checksum
            fields["pending"] = {
                h: sum(c.values()) for h, c in proposal.pending.items() if sum(c.values())
            }
        if applied is not None:
            fields["applied_plan"] = applied.checksum
            fields["applied"] = sum(1 for c in applied.changes if c.status == "done")
            fields["request_ids"] = sorted({c.request_id for c in applied.changes if c.request_id})
        if error is not None:
            fields["error"] = error
        (log.warning if outcome == "failed" else log.info)("cycle", **fields)


def record_change(metrics: ControllerMetrics) -> Callable[[AppliedChange], None]:
    """The per-change listener: one log event and one metric increment per applied change."""

    def on_change(change: AppliedChange) -> None:
        metrics.applied.labels(change.database, change.change_class, change.status).inc()
        (log.warning if change.status in ("failed", "skipped") else log.info)(
            "change applied",
            database=change.database,
            action=change.action,
            key=change.target,
            change_class=change.change_class,
            status=change.status,
            page_id=change.page_id,
            request_id=change.request_id,
            message=change.message or None,
        )

    return on_change


def _database_status(
    handle: str, proposal: Proposal, previous: DatabaseStatus | None, now: str
) -> DatabaseStatus:
    pending = {k: v for k, v in proposal.pending.get(handle, {}).items() if v}
    if handle in proposal.attention or proposal.held.get(handle):
        status = "blocked"
    elif pending:
        status = "drifted"
    else:
        status = "in_sync"
    last_sync = now if status == "in_sync" else (previous.last_sync if previous else None)
    return DatabaseStatus(status, pending, last_sync, proposal.plan.checksum)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
