"""What an apply did: each change's outcome, the progress events, and the summary.

The executor reports progress through an injected callable (``ProgressListener``) and never
prints; the CLI turns the events into a progress bar on a TTY or log lines in CI, and the
``ApplyResult`` into the summary. Used by the executor, the session and the CLI.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.notion.stats import RequestStats
from reconciler.plan.model import Change, Plan

__all__ = [
    "ApplyResult",
    "ChangeFinished",
    "ChangeOutcome",
    "DatabaseIds",
    "ProgressEvent",
    "ProgressListener",
    "StageStarted",
    "Status",
    "Voided",
]


class Status(enum.StrEnum):
    """How one change ended."""

    DONE = "done"
    ALREADY_DONE = "already_done"
    """Recorded done in the journal by an earlier run of the same plan."""
    FAILED = "failed"
    SKIPPED = "skipped"
    """Not sent: it depends on a change that failed."""
    NOT_STARTED = "not_started"
    """Not sent: the apply was interrupted first."""


@dataclass(frozen=True)
class ChangeOutcome:
    """One change and how it ended; ``message`` is Notion's for a failure, the reason for a skip."""

    change: Change
    status: Status
    page_id: str | None = None
    message: str = ""
    request_id: str | None = None
    recovered: bool = False
    """A create whose outcome was unknown, found by its key instead of being sent again."""
    body: str | None = None
    """The page's body as Notion holds it right after this change wrote it (read back)."""


@dataclass(frozen=True)
class DatabaseIds:
    """The ids of a database the apply created (and its URL, when Notion gave one)."""

    database_id: str | None
    data_source_id: str | None
    url: str | None = None


@dataclass(frozen=True)
class StageStarted:
    """The executor starts a stage (phase, order) of ``changes`` changes."""

    phase: int
    order: int
    title: str
    changes: int


@dataclass(frozen=True)
class ChangeFinished:
    """A change ended; ``finished`` of ``total`` changes have ended so far."""

    outcome: ChangeOutcome
    finished: int
    total: int


ProgressEvent = StageStarted | ChangeFinished
ProgressListener = Callable[[ProgressEvent], None]


@dataclass(frozen=True)
class Voided:
    """A change an earlier run of the plan recorded done that Notion no longer shows, and why:
    it is sent again (see ``reconciler.apply.preflight.recheck``)."""

    change: str
    reason: str


@dataclass(frozen=True)
class ApplyResult:
    """The outcome of every change of the plan, the requests made and the time taken."""

    checksum: str
    outcomes: tuple[ChangeOutcome, ...]
    stats: RequestStats = field(default_factory=RequestStats)
    seconds: float = 0.0
    interrupted: bool = False
    undo_path: Path | None = None
    undo: Plan | None = field(default=None, repr=False, compare=False)
    """The undo plan written to ``undo_path`` (so the caller need not read it back)."""
    journal_path: Path | None = None
    voided: tuple[Voided, ...] = ()
    """Changes an earlier run recorded done that Notion no longer shows: sent again."""
    created: Mapping[str, DatabaseIds] = field(default_factory=dict)
    """The databases this plan created (in this run or an earlier one), by handle: their ids
    are what a manifest pins with ``id:``."""
    unrestorable: tuple[str, ...] = ()
    """Values the undo plan cannot put back, as ``database/row.Property`` (old values of
    sensitive properties, which no plan keeps)."""

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status is status)

    @property
    def failures(self) -> tuple[ChangeOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status is Status.FAILED)

    @property
    def skipped(self) -> tuple[ChangeOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status is Status.SKIPPED)

    @property
    def complete(self) -> bool:
        """Every change is done (now or by an earlier run)."""
        return all(o.status in (Status.DONE, Status.ALREADY_DONE) for o in self.outcomes)

    def summary(self) -> str:
        """``12 done, 3 already done, 1 failed, 2 skipped, 0 not started; 17 requests in 6.2 s``."""
        parts = [
            f"{self.count(Status.DONE)} done",
            f"{self.count(Status.ALREADY_DONE)} already done",
            f"{self.count(Status.FAILED)} failed",
            f"{self.count(Status.SKIPPED)} skipped",
        ]
        if self.interrupted:
            parts.append(f"{self.count(Status.NOT_STARTED)} not started")
        requests = self.stats.requests
        noun = "request" if requests == 1 else "requests"
        return f"{', '.join(parts)}; {requests} {noun} in {self.seconds:.1f} s"
