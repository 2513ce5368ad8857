"""The controller's Prometheus metrics: a registry of its own, exposed at ``/metrics``.

Names follow Prometheus's conventions (``reconciler_`` prefix, ``_total`` for counters,
``_seconds`` for durations and times) and every label has few values: a database handle, an
endpoint template, a status class, a change class, an outcome. Never a row key or a page id.

The Notion request counters are not instrumented here: at each scrape they are read from the
gateway's own ``RequestStats`` (``stats`` callable), so nothing is counted twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from reconciler.notion.stats import RequestStats

__all__ = ["CONTENT_TYPE", "STATUSES", "ControllerMetrics", "status_class"]

CONTENT_TYPE = CONTENT_TYPE_LATEST

STATUSES = ("in_sync", "drifted", "blocked", "error")
"""The states ``/status`` gives a database, one-hot in ``reconciler_database_status``."""

_DURATIONS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)


def status_class(outcome: str) -> str:
    """``"2xx"`` for ``"200"``; ``timeout`` and ``dropped`` as they are."""
    if outcome.isdigit() and len(outcome) == 3:
        return f"{outcome[0]}xx"
    return outcome


class _RequestCollector(Collector):
    """Notion requests, 429s, retries and rate-limiter waits, read from the gateway's stats."""

    def __init__(self, stats: Callable[[], RequestStats]) -> None:
        self._stats = stats

    def collect(self) -> Iterator[Metric]:
        stats = self._stats()
        requests = CounterMetricFamily(
            "reconciler_notion_requests",
            "Requests sent to Notion (every attempt), by endpoint and status class.",
            labels=["endpoint", "status_class"],
        )
        by_class: dict[tuple[str, str], int] = {}
        for endpoint, outcomes in stats.by_endpoint.items():
            for outcome, count in outcomes.items():
                key = (endpoint, status_class(outcome))
                by_class[key] = by_class.get(key, 0) + count
        for (endpoint, klass), count in sorted(by_class.items()):
            requests.add_metric([endpoint, klass], count)
        yield requests
        yield CounterMetricFamily(
            "reconciler_notion_rate_limited",
            "Responses 429 (rate limited) from Notion.",
            value=stats.rate_limited,
        )
        yield CounterMetricFamily(
            "reconciler_notion_retries", "Requests sent again after a failure.", value=stats.retries
        )
        yield CounterMetricFamily(
            "reconciler_rate_limiter_wait_seconds",
            "Time spent waiting for the client-side rate limiter.",
            value=stats.limiter_wait_seconds,
        )


class ControllerMetrics:
    """Every metric of the controller, registered in one registry of its own."""

    def __init__(self, stats: Callable[[], RequestStats]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.registry.register(_RequestCollector(stats))
        r = self.registry
        self.cycles = Counter(
            "reconciler_cycles",
            "Reconciliation cycles, by kind of read (full, pages, none) and outcome.",
            ["read", "outcome"],
            registry=r,
        )
        self.plan_seconds = Histogram(
            "reconciler_plan_duration_seconds",
            "Time to read (what the cycle reads) and plan, by kind of read.",
            ["read"],
            buckets=_DURATIONS,
            registry=r,
        )
        self.apply_seconds = Histogram(
            "reconciler_apply_duration_seconds",
            "Time to apply the safe changes of a cycle.",
            buckets=_DURATIONS,
            registry=r,
        )
        self.pending = Gauge(
            "reconciler_pending_changes",
            "Changes the last plan holds, by database and change class.",
            ["database", "change_class"],
            registry=r,
        )
        self.database_status = Gauge(
            "reconciler_database_status",
            "1 for the state each database is in (in_sync, drifted, blocked, error), else 0.",
            ["database", "status"],
            registry=r,
        )
        self.last_sync = Gauge(
            "reconciler_last_sync_timestamp_seconds",
            "When each database was last seen in sync with its manifest (Unix time).",
            ["database"],
            registry=r,
        )
        self.applied = Counter(
            "reconciler_applied_changes",
            "Changes the controller applied, by database, change class and outcome.",
            ["database", "change_class", "outcome"],
            registry=r,
        )
        self.webhooks = Counter(
            "reconciler_webhook_events",
            "Requests to /webhooks/notion, by outcome.",
            ["outcome"],
            registry=r,
        )
        self.breaker_open = Gauge(
            "reconciler_circuit_breaker_open",
            "1 while the circuit breaker around Notion is open (cycles paused), else 0.",
            registry=r,
        )
        self.leader = Gauge(
            "reconciler_leader", "1 while this replica is the leader that applies.", registry=r
        )
        self.manifests_valid = Gauge(
            "reconciler_manifests_valid",
            "1 when the manifests last loaded are valid, 0 when the last good ones are kept.",
            registry=r,
        )

    def show_databases(
        self,
        statuses: Mapping[str, str],
        pending: Mapping[str, Mapping[str, int]],
        classes: tuple[str, ...],
    ) -> None:
        """Set the per-database gauges from the latest status (databases gone are dropped)."""
        for gauge in (self.pending, self.database_status):
            gauge.clear()
        for handle, status in statuses.items():
            for name in STATUSES:
                self.database_status.labels(handle, name).set(1 if name == status else 0)
            counts = pending.get(handle, {})
            for klass in classes:
                self.pending.labels(handle, klass).set(counts.get(klass, 0))

    def exposition(self) -> bytes:
        """The metrics in Prometheus's text format."""
        return generate_latest(self.registry)
