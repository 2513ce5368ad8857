"""Request accounting: what the gateway asked of Notion, and what it cost.

``RequestAccounting`` is the thread-safe counter the API client updates on every attempt; its
``snapshot()`` is a frozen ``RequestStats`` that the CLI summary and the JSON plan show.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from reconciler.model import JSON

__all__ = ["RequestAccounting", "RequestStats"]

TIMEOUT = "timeout"
"""Outcome label of an attempt that got no answer in time."""
DROPPED = "dropped"
"""Outcome label of an attempt whose connection failed or closed without a response."""


@dataclass(frozen=True)
class RequestStats:
    """Counts of requests per endpoint and outcome, retries, 429s, bytes and limiter waits.

    ``by_endpoint`` maps an endpoint template (``"POST /v1/data_sources/{id}/query"``) to counts
    per outcome: the HTTP status as text (``"200"``, ``"429"``), ``"timeout"`` or ``"dropped"``.
    Every attempt counts, retries included. Bytes are request and response bodies.
    """

    by_endpoint: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    retries: int = 0
    rate_limited: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    limiter_wait_seconds: float = 0.0

    @property
    def requests(self) -> int:
        """Every attempt sent, whatever its outcome."""
        return sum(sum(outcomes.values()) for outcomes in self.by_endpoint.values())

    def count(self, endpoint: str, outcome: str | None = None) -> int:
        """Attempts on one endpoint template, of one outcome or all of them."""
        outcomes = self.by_endpoint.get(endpoint, {})
        if outcome is None:
            return sum(outcomes.values())
        return outcomes.get(outcome, 0)

    def since(self, earlier: RequestStats) -> RequestStats:
        """What happened between ``earlier`` and this snapshot (e.g. the requests of one phase)."""
        by_endpoint: dict[str, dict[str, int]] = {}
        for endpoint, outcomes in self.by_endpoint.items():
            before = earlier.by_endpoint.get(endpoint, {})
            delta = {k: n - before.get(k, 0) for k, n in outcomes.items() if n - before.get(k, 0)}
            if delta:
                by_endpoint[endpoint] = delta
        return RequestStats(
            by_endpoint=by_endpoint,
            retries=self.retries - earlier.retries,
            rate_limited=self.rate_limited - earlier.rate_limited,
            bytes_sent=self.bytes_sent - earlier.bytes_sent,
            bytes_received=self.bytes_received - earlier.bytes_received,
            limiter_wait_seconds=self.limiter_wait_seconds - earlier.limiter_wait_seconds,
        )

    def to_json(self) -> dict[str, JSON]:
        """A JSON object for the plan file and ``--format json`` (sorted, stable)."""
        return {
            "requests": self.requests,
            "by_endpoint": {
                endpoint: {outcome: self.by_endpoint[endpoint][outcome] for outcome in sorted(o)}
                for endpoint, o in sorted(self.by_endpoint.items())
            },
            "retries": self.retries,
            "rate_limited": self.rate_limited,
            "bytes_sent": self.bytes_sent,
            "bytes_received": self.bytes_received,
            "limiter_wait_seconds": round(self.limiter_wait_seconds, 3),
        }


class RequestAccounting:
    """Thread-safe counters behind ``RequestStats``; the API client records into it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._outcomes: dict[str, Counter[str]] = {}
        self._retries = 0
        self._rate_limited = 0
        self._sent = 0
        self._received = 0
        self._waited = 0.0

    def attempt(self, endpoint: str, outcome: str) -> None:
        """One attempt on ``endpoint`` ended with ``outcome`` (status text, timeout, dropped)."""
        with self._lock:
            self._outcomes.setdefault(endpoint, Counter())[outcome] += 1
            if outcome == "429":
                self._rate_limited += 1

    def retry(self) -> None:
        with self._lock:
            self._retries += 1

    def transferred(self, *, sent: int = 0, received: int = 0) -> None:
        with self._lock:
            self._sent += sent
            self._received += received

    def waited(self, seconds: float) -> None:
        if seconds > 0:
            with self._lock:
                self._waited += seconds

    def snapshot(self) -> RequestStats:
        with self._lock:
            by_endpoint = {
                endpoint: MappingProxyType(dict(counts))
                for endpoint, counts in self._outcomes.items()
            }
            return RequestStats(
                by_endpoint=MappingProxyType(by_endpoint),
                retries=self._retries,
                rate_limited=self._rate_limited,
                bytes_sent=self._sent,
                bytes_received=self._received,
                limiter_wait_seconds=self._waited,
            )
