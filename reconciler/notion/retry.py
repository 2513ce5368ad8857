"""The retry policy: which failures are retried, how long to wait, when to give up (tenacity).

Transient failures (429, 529, 409, 500/502/503/504, timeouts, dropped connections) are retried
with jittered exponential backoff, or after ``Retry-After`` when Notion sends one (capped by
``max_delay``), until ``max_attempts`` or ``max_total_seconds`` would be exceeded. The API client
wraps each attempt's failure in ``AttemptFailed`` and runs its attempts through ``retrying``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_any,
)
from tenacity.stop import stop_base

from reconciler.notion.failures import Failure

__all__ = ["AttemptFailed", "RetryPolicy", "backoff", "retrying"]


@dataclass(frozen=True)
class RetryPolicy:
    """How persistently to retry transient failures (seconds throughout)."""

    max_attempts: int = 8
    max_total_seconds: float = 120.0
    initial_delay: float = 0.5
    max_delay: float = 30.0
    jitter: float = 0.5
    in_flight_seconds: float = 65.0
    """How long Notion may still be processing a create we stopped waiting for (a timeout, a
    dropped connection, a 502/504 from a proxy): Notion ends requests after 60 seconds, plus a
    margin. A create is only sent again once this much time has passed since it was sent and a
    look-up by key still finds nothing."""

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        delays = (self.max_total_seconds, self.initial_delay, self.max_delay, self.jitter)
        if min(*delays, self.in_flight_seconds) < 0:
            raise ValueError("retry delays cannot be negative")


class AttemptFailed(Exception):
    """One attempt failed with this ``Failure`` (internal to the API client's retry loop)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.describe())
        self.failure = failure


def _is_transient(exc: BaseException) -> bool:
    return isinstance(exc, AttemptFailed) and exc.failure.transient


class _Deadline(stop_base):
    """Stops when the coming wait would end past the time budget (measured from creation)."""

    def __init__(self, budget: float, clock: Callable[[], float]) -> None:
        self._budget = budget
        self._clock = clock
        self._started = clock()

    def __call__(self, retry_state: RetryCallState) -> bool:
        # tenacity computes the wait before asking whether to stop.
        elapsed = self._clock() - self._started
        return elapsed + retry_state.upcoming_sleep > self._budget


def backoff(policy: RetryPolicy, attempt_number: int) -> float:
    """Jittered exponential backoff after the ``attempt_number``-th failed attempt."""
    # Jitter only spreads retries out; it needs no cryptographic randomness.
    jitter = random.uniform(0, policy.jitter)  # noqa: S311
    return min(policy.max_delay, policy.initial_delay * 2.0 ** (attempt_number - 1) + jitter)


def retrying(
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    on_retry: Callable[[RetryCallState], None] | None = None,
) -> Retrying:
    """A tenacity loop retrying ``AttemptFailed`` with transient failures under ``policy``.

    It stops before an attempt that would start after ``max_total_seconds`` (measured on
    ``clock`` from now), or after ``max_attempts``.
    """

    def wait(state: RetryCallState) -> float:
        outcome = state.outcome
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, AttemptFailed) and exc.failure.retry_after is not None:
            return min(exc.failure.retry_after, policy.max_delay)
        return backoff(policy, state.attempt_number)

    return Retrying(
        retry=retry_if_exception(_is_transient),
        stop=stop_any(
            stop_after_attempt(policy.max_attempts), _Deadline(policy.max_total_seconds, clock)
        ),
        wait=wait,
        sleep=sleep,
        before_sleep=on_retry,
        reraise=True,
    )
