"""Scenario ``apply``: 100 and 1,000 creates and updates, and 300 updates over a slow network.

Each case runs ``reconciler apply --yes`` on the manifests (planning inside the lock, then the
writes on the executor's workers within the gateway's limiter) as a child process against a
fresh copy of the workspace, served at the time-scaled pace. Measured: requests by kind, writes
per second against the rate limit, 429s the emulator answered, wall time against the floor of
the requests made, CPU seconds and peak RSS; then a plan (rate limit off) must be empty. The
naive script syncs the same rows into its own fresh copy, in the same run. The 300 updates run
at 30 requests/s with 100 ms latency (``SLOW_NETWORK_UPDATES``): three slots per round trip.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.scenarios.child import run_cli
from benchmarks.scenarios.context import Context
from benchmarks.scenarios.pace import Pace
from benchmarks.scenarios.plan_sync import naive_sync, timed_requests
from benchmarks.scenarios.served import ServedEmulator
from benchmarks.scenarios.tasks import (
    Wanted,
    cli_env,
    every_row_updated,
    fresh_copy,
    new_rows,
    seeded,
    write_repository,
)

__all__ = ["FULL_SIZES", "QUICK_SIZES", "SLOW_NETWORK_UPDATES", "run", "write_phase"]

FULL_SIZES = (100, 1_000)
QUICK_SIZES = (10,)
SLOW_NETWORK_UPDATES = 300
"""Updates measured at 30 requests/s with 100 ms latency: more requests in flight than a slot
lasts, where the executor must keep the limiter's pipeline full."""
_WRITES = ("POST /v1/pages", "PATCH /v1/pages/{page_id}")


def _apply(
    ctx: Context, seed: Path, wanted: Wanted, name: str, pace: Pace | None = None
) -> dict[str, Any]:
    pace = pace or ctx.pace
    folder = ctx.folder(name)
    store = fresh_copy(seed, folder)
    repo = folder / "repo"
    write_repository(repo, wanted, pace)
    with ServedEmulator(store, pace) as emulator:
        env = cli_env(emulator.url)
        before = emulator.counts()
        applied = run_cli(
            ["apply", "--yes"], cwd=repo, env={**env, "RECONCILER_LOG_FORMAT": "json"}
        )
        counts = emulator.counts().since(before)
        emulator.pace(None)
        converged = run_cli(["plan", "--detailed-exitcode"], cwd=repo, env=env, expect=(0, 2))
    writes = sum(counts.by_endpoint.get(endpoint, 0) for endpoint in _WRITES)
    return {
        **timed_requests(applied, counts.total, pace),
        "pace": pace.describe(),
        "latency_ms": pace.latency_ms,
        "writes": writes,
        "writes_per_second": round(writes / applied.wall_seconds, 2),
        "rate_limit_rps": pace.rps,
        "rate_limited": counts.rate_limited,
        "by_endpoint": counts.by_endpoint,
        "converged": converged.exit_code == 0,
        "write_phase": write_phase(applied.stderr, pace),
    }


def write_phase(stderr: str, pace: Pace) -> dict[str, Any] | None:
    """From the apply's JSON events: the seconds from its first stage to its last change done,
    against the floor of that many writes (the reads before and after left out)."""
    events = []
    for line in stderr.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict) and event.get("event") in ("apply stage", "apply change"):
            events.append(event)
    stages = [e for e in events if e["event"] == "apply stage"]
    changes = [e for e in events if e["event"] == "apply change" and e.get("status") == "done"]
    if not stages or not changes:
        return None
    seconds = _stamp(changes[-1]) - _stamp(stages[0])
    floor = pace.floor_seconds(len(changes))
    return {
        "writes": len(changes),
        "seconds": round(seconds, 2),
        "floor_seconds": round(floor, 2),
        "over_floor": round(seconds / floor, 3) if floor else None,
    }


def _stamp(event: dict[str, Any]) -> float:
    return datetime.fromisoformat(str(event["timestamp"]).replace("Z", "+00:00")).timestamp()


def run(ctx: Context) -> dict[str, Any]:
    """Creates and updates at every size; the figures by case."""
    results: dict[str, Any] = {"pace": ctx.pace.describe(), "cases": {}}
    for rows in QUICK_SIZES if ctx.quick else FULL_SIZES:
        for kind, seed_rows, wanted in (
            ("creates", 0, new_rows(rows)),
            ("updates", rows, every_row_updated(rows)),
        ):
            seed = seeded(ctx.work, seed_rows)
            case = f"{rows}-{kind}"
            ctx.say(f"apply: {rows:,} {kind}")
            result = _apply(ctx, seed, wanted, f"apply-{case}")
            ctx.say(f"apply: naive sync of {rows:,} {kind}")
            result["naive"] = naive_sync(ctx, seed, wanted, f"apply-{case}-naive")
            results["cases"][case] = result
    if not ctx.quick:
        rows, pace = SLOW_NETWORK_UPDATES, Pace(10, latency_override_ms=100)
        case = f"{rows}-updates, {pace.latency_ms:g} ms latency"
        ctx.say(f"apply: {rows:,} updates at {pace.describe()}")
        seed = seeded(ctx.work, rows)
        result = _apply(ctx, seed, every_row_updated(rows), f"apply-{rows}-slow", pace)
        result["slow_network"] = True
        result["naive"] = naive_sync(ctx, seed, every_row_updated(rows), f"apply-{rows}-slow-naive")
        results["cases"][case] = result
    return results
