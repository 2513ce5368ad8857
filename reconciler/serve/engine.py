"""Every call the controller makes into the reconciler's engine, behind one small interface.

The controller uses the same code as ``reconciler plan`` and ``reconciler apply``: the manifest
loader, the gateway's reads, the differ, the gates and the apply session (lock, journal, audit
log, stale check, executor, undo plan). Nothing else in ``reconciler.serve`` calls them, so when
those seams change, this module is the one to re-wire. What crosses the interface:

- ``load()``: the desired state (``ManifestError`` and friends when the manifests are invalid);
- ``read_all(desired)``: the live state of every managed database (the first one also asks which
  workspace the gateway reaches, kept for the applies: their journal is the workspace's);
- ``read_pages(desired, live, handle, page_ids)``: those rows as Notion holds them now (one GET
  each, or one query when cheaper; a page that no longer exists is absent);
- ``propose(desired, live)``: the plan, with the part the gates let through without any approval
  (safe changes, and none that writes a property whose held schema change it needs), and the
  counts by database and change class that ``/status`` and the metrics show;
- ``apply(desired, plan, live)``: that part applied through an ``ApplySession``, with the fencing
  check before each write; the pages it touched, for re-reading;
- ``probe()``: the cheapest request that proves Notion answers and the token is valid.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.apply import (
    ApplyOptions,
    ApplySession,
    ChangeFinished,
    ChangeOutcome,
    ProgressEvent,
    Status,
)
from reconciler.config import state_folder
from reconciler.errors import StalePlanError
from reconciler.gates import Approvals, decide, effective_class
from reconciler.model import DesiredState, LiveRow, LiveState, WorkspaceIdentity
from reconciler.notion import Gateway, RequestStats
from reconciler.plan import (
    CREATING_ROWS,
    ROW_ACTIONS,
    ROW_PAYLOADS,
    SCHEMA_ACTIONS,
    Change,
    Plan,
    checksum,
    make_plan,
)
from reconciler.readspec import read_spec, read_specs

__all__ = ["Applied", "AppliedChange", "Engine", "Proposal"]


@dataclass(frozen=True)
class Proposal:
    """A plan and what the controller may do with it on its own."""

    plan: Plan
    applicable: Plan | None
    """The changes no gate holds, as a plan of their own (None: there are none)."""
    pending: Mapping[str, Mapping[str, int]]
    """Every change of the plan, counted by database handle and change class."""
    held: Mapping[str, int]
    """Changes that wait for an approval (lossy, destructive, protected), by database."""
    attention: frozenset[str]
    """Databases where a guard holds changes back until someone fixes Notion or the manifest."""


@dataclass(frozen=True)
class AppliedChange:
    """One change the apply ended, for the log and the metrics."""

    database: str
    action: str
    target: str
    change_class: str
    status: str
    page_id: str | None
    request_id: str | None
    message: str
    row: bool
    """A change of one row (the others change a schema or create a database)."""


@dataclass(frozen=True)
class Applied:
    """What one apply did."""

    checksum: str
    changes: tuple[AppliedChange, ...]
    touched: Mapping[str, frozenset[str]]
    """Page ids written (or created), by database: re-read them to update the snapshot."""
    seconds: float
    interrupted: bool
    stale: bool = False
    """The plan was refused as stale (rows changed since the snapshot): nothing was written."""
    stale_rows: Mapping[str, frozenset[str]] = field(default_factory=dict)


class Engine:
    """The engine calls of the controller, bound to one gateway and one state folder."""

    def __init__(
        self,
        gateway: Gateway,
        load: Callable[[], DesiredState],
        *,
        state_dir: Path | None = None,
        workers: int = 4,
        before_write: Callable[[], None] | None = None,
        on_change: Callable[[AppliedChange], None] = lambda _change: None,
        lock_url: str | None = None,
    ) -> None:
        self._gateway = gateway
        self._lock_url = lock_url
        self._load = load
        self._state_dir = state_dir
        self._workers = workers
        self._before_write = before_write
        self._on_change = on_change
        self._workspace: WorkspaceIdentity | None = None

    def load(self) -> DesiredState:
        return self._load()

    def stats(self) -> RequestStats:
        return self._gateway.stats()

    def probe(self) -> str:
        """The integration's bot user id: Notion answered and the token is valid. The workspace
        it belongs to is kept for the applies (their journal is the workspace's)."""
        self._workspace = self._gateway.read_workspace()
        return self._workspace.bot_id

    def read_all(self, desired: DesiredState) -> LiveState:
        if self._workspace is None:  # asked once, with the first full read
            self._workspace = self._gateway.read_workspace()
        return self._gateway.read_state(read_specs(desired))

    def read_pages(
        self, desired: DesiredState, live: LiveState, handle: str, page_ids: frozenset[str]
    ) -> Mapping[str, LiveRow]:
        database = desired.database(handle)
        assert database is not None, f"no manifest for {handle!r}"
        spec = read_spec(database).located(live.databases[handle])
        return self._gateway.read_rows(spec, page_ids)

    def propose(self, desired: DesiredState, live: LiveState) -> Proposal:
        plan = make_plan(
            desired, live, requests_per_second=self._gateway.requests_per_second, read=None
        )
        decision = decide(plan, Approvals(), desired.settings.gates)
        held_ids = {held.change.id for held in decision.held}
        pending: dict[str, Counter[str]] = {db.handle: Counter() for db in plan.databases}
        for change in plan.changes:
            pending[change.database][effective_class(change).value] += 1
        held = Counter(held.change.database for held in decision.held)
        attention = frozenset(
            db.handle
            for db in plan.databases
            for note in db.guards
            if note.kind.needs_attention and note.withheld
        )
        return Proposal(
            plan=plan,
            applicable=_applicable(plan, held_ids),
            pending={handle: dict(counts) for handle, counts in pending.items()},
            held=dict(held),
            attention=attention,
        )

    def apply(
        self, desired: DesiredState, plan: Plan, live: LiveState, stop: threading.Event
    ) -> Applied:
        """Apply ``plan`` (a proposal's applicable part); StalePlanError becomes ``stale``.

        Setting ``stop`` lets the writes in flight finish and starts no other.
        """
        state_dir = self._state_dir or state_folder(desired.settings, desired.root)
        options = ApplyOptions(
            state_dir=state_dir,
            workers=self._workers,
            lock_wait_seconds=30.0,
            lock_url=self._lock_url,  # the lock `reconciler apply` takes: never both at once
        )
        session = ApplySession(
            self._gateway,
            options,
            listener=self._listen,
            stop=stop,
            command="reconciler serve",
            before_write=self._before_write,
            workspace=self._workspace,
        )
        try:
            with session:
                self._workspace = session.workspace
                result = session.apply(plan, live=live)
        except StalePlanError:
            rows = _row_pages(plan, {c.id for c in plan.changes})
            return Applied(plan.checksum, (), {}, 0.0, False, stale=True, stale_rows=rows)
        sent = {o.change.id for o in result.outcomes if o.status is Status.DONE}
        touched = _row_pages(plan, sent)
        for outcome in result.outcomes:
            if outcome.change.action in CREATING_ROWS and outcome.page_id:
                extra = touched.get(outcome.change.database, frozenset())
                touched = {**touched, outcome.change.database: extra | {outcome.page_id}}
        return Applied(
            checksum=plan.checksum,
            changes=tuple(_applied(o) for o in result.outcomes),
            touched=touched,
            seconds=result.seconds,
            interrupted=result.interrupted,
        )

    def _listen(self, event: ProgressEvent) -> None:
        if isinstance(event, ChangeFinished) and event.outcome.status is not Status.NOT_STARTED:
            self._on_change(_applied(event.outcome))


def _applied(outcome: ChangeOutcome) -> AppliedChange:
    change = outcome.change
    return AppliedChange(
        database=change.database,
        action=change.action.value,
        target=change.target,
        change_class=effective_class(change).value,
        status=outcome.status.value,
        page_id=outcome.page_id or change.page_id,
        request_id=outcome.request_id,
        message=outcome.message,
        row=change.action in ROW_ACTIONS,
    )


def _row_pages(plan: Plan, change_ids: set[str]) -> dict[str, frozenset[str]]:
    """The page ids of the plan's row changes among ``change_ids``, by database."""
    pages: dict[str, set[str]] = {}
    for change in plan.changes:
        if change.id in change_ids and change.action in ROW_ACTIONS and change.page_id:
            pages.setdefault(change.database, set()).add(change.page_id)
    return {handle: frozenset(ids) for handle, ids in pages.items()}


def _written(change: Change) -> frozenset[str]:
    """The properties a row change writes (none for other changes)."""
    payload = change.payload
    if isinstance(payload, ROW_PAYLOADS):
        return frozenset(payload.written)
    return frozenset()


def _applicable(plan: Plan, held_ids: set[str]) -> Plan | None:
    """The plan without the held changes, and without any change that writes a property whose
    held schema change it needs; None when nothing is left. It gets a checksum of its own (the
    journal keys its records by it)."""
    databases = []
    for db in plan.databases:
        held_properties = {
            c.target for c in db.changes if c.id in held_ids and c.action in SCHEMA_ACTIONS
        }
        changes = tuple(
            c
            for c in db.changes
            if c.id not in held_ids and not held_properties.intersection(_written(c))
        )
        databases.append(dataclasses.replace(db, changes=changes))
    applicable = dataclasses.replace(plan, databases=tuple(databases))
    if applicable.is_empty:
        return None
    return dataclasses.replace(applicable, checksum=checksum(applicable))
