"""What the controller knows about itself and each database, for ``/status`` and ``/readyz``.

The loop publishes a new ``Board`` (a frozen value) after each step; the HTTP threads read the
latest one. A database is:

- ``in_sync``: its last plan is empty;
- ``drifted``: the plan holds only safe changes (the controller applies them with
  ``--auto-apply safe`` when it leads; otherwise they wait for ``reconciler apply``);
- ``blocked``: some change needs an approval (lossy, destructive, protected) or a guard holds
  changes back until someone fixes Notion or the manifest: a person must act;
- ``error``: the last cycle could not read or plan it (the message says why).

Ready (``/readyz``) means: the token was accepted, Notion answers (the breaker is not open), the
manifests are valid, and the last cycle succeeded. Each reason it is not is spelt out.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from reconciler.model import JSON
from reconciler.serve.breaker import BreakerState, BreakerView

__all__ = ["Board", "DatabaseStatus", "StatusBoard"]


@dataclass(frozen=True)
class DatabaseStatus:
    """One database as the last cycle left it."""

    status: str
    pending: Mapping[str, int] = field(default_factory=dict)
    """Changes of the last plan by class (safe, lossy, destructive)."""
    last_sync: str | None = None
    """When it was last seen in sync (ISO 8601, UTC)."""
    plan_checksum: str | None = None
    message: str | None = None

    def to_json(self) -> dict[str, JSON]:
        return {
            "status": self.status,
            "pending": dict(self.pending),
            "last_sync": self.last_sync,
            "last_plan_checksum": self.plan_checksum,
            "message": self.message,
        }


@dataclass(frozen=True)
class Board:
    """The controller's state at one moment."""

    databases: Mapping[str, DatabaseStatus] = field(default_factory=dict)
    token_valid: bool = False
    manifests_error: str | None = None
    """Why the manifests last loaded are invalid (the last good ones are in use)."""
    cycle_error: str | None = None
    """Why the last cycle failed (None: it succeeded, or none ran yet)."""
    cycles: int = 0
    leader: bool = False
    auto_apply: str = "none"
    last_cycle: str | None = None
    """When the last cycle ended (ISO 8601, UTC)."""

    def not_ready(self, breaker: BreakerView) -> tuple[str, ...]:
        """Every reason the controller is not ready; empty when it is."""
        reasons = []
        if breaker.state is not BreakerState.CLOSED:
            why = f" ({breaker.last_error})" if breaker.last_error else ""
            reasons.append(f"Notion is not answering: the circuit breaker is open{why}")
        if not self.token_valid:
            reasons.append("the Notion token has not been accepted yet")
        if self.manifests_error is not None:
            reasons.append(f"the manifests are invalid: {self.manifests_error}")
        if self.cycles == 0 and self.cycle_error is None:
            reasons.append("the first cycle has not finished")
        elif self.cycle_error is not None:
            reasons.append(f"the last cycle failed: {self.cycle_error}")
        return tuple(reasons)

    def to_json(self, breaker: BreakerView) -> dict[str, JSON]:
        return {
            "ready": not self.not_ready(breaker),
            "leader": self.leader,
            "auto_apply": self.auto_apply,
            "cycles": self.cycles,
            "last_cycle": self.last_cycle,
            "last_cycle_error": self.cycle_error,
            "manifests": {"valid": self.manifests_error is None, "error": self.manifests_error},
            "circuit_breaker": {
                "state": breaker.state.value,
                "failures": breaker.failures,
                "retry_in_seconds": round(breaker.retry_in_seconds, 1),
                "last_error": breaker.last_error,
            },
            "databases": {h: s.to_json() for h, s in sorted(self.databases.items())},
        }


class StatusBoard:
    """The latest ``Board``, swapped whole under a lock."""

    def __init__(self, board: Board) -> None:
        self._lock = threading.Lock()
        self._board = board

    def get(self) -> Board:
        with self._lock:
            return self._board

    def update(self, **changes: object) -> Board:
        """A new board with these fields changed (``dataclasses.replace`` under the lock)."""
        with self._lock:
            self._board = dataclasses.replace(self._board, **changes)  # type: ignore[arg-type]
            return self._board
