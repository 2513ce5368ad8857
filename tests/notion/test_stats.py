"""Request accounting: counts per endpoint and outcome, deltas between snapshots, JSON form."""

from __future__ import annotations

from reconciler.notion.stats import RequestAccounting, RequestStats

QUERY = "POST /v1/data_sources/{id}/query"
CREATE = "POST /v1/pages"


def test_snapshot_counts_attempts_retries_429s_bytes_and_waits() -> None:
    """Every recorded attempt, retry, transfer and wait shows in the frozen snapshot."""
    accounting = RequestAccounting()
    for outcome in ("200", "429", "200", "dropped"):
        accounting.attempt(QUERY, outcome)
    accounting.attempt(CREATE, "200")
    accounting.retry()
    accounting.transferred(sent=120, received=4_000)
    accounting.waited(0.25)
    stats = accounting.snapshot()
    assert (stats.requests, stats.count(QUERY), stats.count(QUERY, "200")) == (5, 4, 2)
    assert (stats.rate_limited, stats.retries, stats.bytes_sent, stats.bytes_received) == (
        1,
        1,
        120,
        4_000,
    )
    assert stats.limiter_wait_seconds == 0.25


def test_since_gives_what_happened_between_two_snapshots() -> None:
    """The requests of one phase (e.g. apply after plan) are a snapshot minus an earlier one."""
    accounting = RequestAccounting()
    accounting.attempt(QUERY, "200")
    before = accounting.snapshot()
    accounting.attempt(CREATE, "200")
    accounting.attempt(CREATE, "503")
    accounting.retry()
    delta = accounting.snapshot().since(before)
    assert (dict(delta.by_endpoint), delta.retries) == ({CREATE: {"200": 1, "503": 1}}, 1)


def test_json_form_is_sorted_and_complete() -> None:
    """The plan file's request summary: totals and counts per endpoint, keys sorted."""
    stats = RequestStats(
        by_endpoint={QUERY: {"429": 1, "200": 3}, CREATE: {"200": 2}},
        retries=1,
        rate_limited=1,
        bytes_sent=10,
        bytes_received=20,
        limiter_wait_seconds=1.23456,
    )
    assert stats.to_json() == {
        "requests": 6,
        "by_endpoint": {CREATE: {"200": 2}, QUERY: {"200": 3, "429": 1}},
        "retries": 1,
        "rate_limited": 1,
        "bytes_sent": 10,
        "bytes_received": 20,
        "limiter_wait_seconds": 1.235,
    }
