"""Scenario ``apply``: 100 and 1,000 creates, 100 and 1,000 updates, against the rate limit.

Each case runs ``reconciler apply --yes`` on the manifests (planning inside the lock, then the
writes on the executor's workers within the gateway's limiter) as a child process against a
fresh copy of the workspace, served at the time-scaled pace. Measured: requests by kind, writes
per second against the rate limit, 429s the emulator answered, wall time against the floor of
the requests made, CPU seconds and peak RSS; then a plan (rate limit off) must be empty. The
naive script syncs the same rows into its own fresh copy, in the same run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.scenarios.child import run_cli
from benchmarks.scenarios.context import Context
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

__all__ = ["FULL_SIZES", "QUICK_SIZES", "run"]

FULL_SIZES = (100, 1_000)
QUICK_SIZES = (10,)
_WRITES = ("POST /v1/pages", "PATCH /v1/pages/{page_id}")


def _apply(ctx: Context, seed: Path, wanted: Wanted, name: str) -> dict[str, Any]:
    folder = ctx.folder(name)
    store = fresh_copy(seed, folder)
    repo = folder / "repo"
    write_repository(repo, wanted, ctx.pace)
    with ServedEmulator(store, ctx.pace) as emulator:
        env = cli_env(emulator.url)
        before = emulator.counts()
        applied = run_cli(["apply", "--yes"], cwd=repo, env=env)
        counts = emulator.counts().since(before)
        emulator.pace(None)
        converged = run_cli(["plan", "--detailed-exitcode"], cwd=repo, env=env, expect=(0, 2))
    writes = sum(counts.by_endpoint.get(endpoint, 0) for endpoint in _WRITES)
    return {
        **timed_requests(applied, counts.total, ctx.pace),
        "writes": writes,
        "writes_per_second": round(writes / applied.wall_seconds, 2),
        "rate_limit_rps": ctx.pace.rps,
        "rate_limited": counts.rate_limited,
        "by_endpoint": counts.by_endpoint,
        "converged": converged.exit_code == 0,
    }


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
    return results
