"""The circuit breaker around Notion: after repeated failures, cycles pause with growing back-off.

The controller reports every cycle's outcome: ``succeeded()``, or ``failed()`` when Notion could
not be reached (retries exhausted on 5xx, timeouts, dropped connections or a storm of 429s).
After ``threshold`` failures in a row the breaker *opens*: no cycle runs until the back-off has
passed, and the back-off doubles with each failure while open, up to ``max_backoff``. When the
back-off has passed the breaker lets one cheap *probe* through (``half_open``); an answer from
Notion closes it, another failure opens it again for longer. Even below the threshold a failed
cycle waits ``base_backoff`` before the next one, so the loop is never tight. Thread-safe: the
HTTP endpoints read its state while the loop updates it.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["BreakerState", "BreakerView", "CircuitBreaker"]


class BreakerState(enum.StrEnum):
    """Closed: cycles run. Open: they wait. Half open: one probe decides."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True)
class BreakerView:
    """The breaker as the endpoints show it."""

    state: BreakerState
    failures: int
    retry_in_seconds: float
    last_error: str | None


class CircuitBreaker:
    """Counts failures in a row and says how long the next cycle must wait."""

    def __init__(
        self,
        *,
        threshold: int = 3,
        base_backoff: float = 5.0,
        max_backoff: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if threshold < 1 or base_backoff <= 0 or max_backoff < base_backoff:
            raise ValueError("a breaker needs threshold >= 1 and 0 < base_backoff <= max_backoff")
        self._threshold = threshold
        self._base = base_backoff
        self._max = max_backoff
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._not_before = 0.0
        self._last_error: str | None = None

    def _backoff(self) -> float:
        beyond = max(0, self._failures - self._threshold)
        return float(min(self._max, self._base * 2**beyond))

    def _state(self) -> BreakerState:
        if self._failures < self._threshold:
            return BreakerState.CLOSED
        if self._clock() < self._not_before:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state()

    def view(self) -> BreakerView:
        with self._lock:
            return BreakerView(
                state=self._state(),
                failures=self._failures,
                retry_in_seconds=max(0.0, self._not_before - self._clock()),
                last_error=self._last_error,
            )

    def wait_seconds(self) -> float:
        """How long before the next cycle (or probe) may start: 0 when it may start now."""
        with self._lock:
            return max(0.0, self._not_before - self._clock())

    def succeeded(self) -> None:
        """Notion answered: the breaker closes and the count starts again."""
        with self._lock:
            self._failures = 0
            self._not_before = 0.0
            self._last_error = None

    def failed(self, reason: str) -> None:
        """Notion could not be reached; the next attempt waits the (growing) back-off."""
        with self._lock:
            self._failures += 1
            self._last_error = reason
            self._not_before = self._clock() + self._backoff()
