"""Scenario ``plan``: plan (and apply) 1% changes to databases of 1,000, 10,000 and 50,000 rows.

For each size, on fresh copies of one seeded workspace served at the time-scaled pace:

1. ``reconciler plan -o plan.json`` as a child process: requests against the minimum, wall
   time against the rate-limit floor, CPU seconds, peak RSS (``os.wait4``);
2. ``reconciler apply --yes plan.json``: the writes and the stale-check reads, 429s; then a
   ``plan --detailed-exitcode`` (rate limit off) proves the workspace converged;
3. the baselines, in the same run: the bare notion-client loop that only downloads the rows
   (``naive_sync.py download``, on the same emulator just before the plan: the floor of the
   plan's CPU and memory), the naive notion-client script syncing the same CSV
   (``benchmarks/baselines/naive_sync.py``: every row fetched and written), and the diff step
   alone in two child processes, the reconciler's ``make_plan`` + renderings against one
   whole-state ``DeepDiff`` (``benchmarks/baselines/whole_state_deepdiff.py``).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from benchmarks.scenarios.child import Measured, run_cli, run_measured
from benchmarks.scenarios.context import Context
from benchmarks.scenarios.pace import Pace
from benchmarks.scenarios.served import REPO, ServedEmulator
from benchmarks.scenarios.tasks import (
    DATA_SOURCE,
    Wanted,
    cli_env,
    fresh_copy,
    one_percent_changed,
    read_minimum,
    seeded,
    write_repository,
)

__all__ = ["FULL_SIZES", "QUICK_SIZES", "naive_requests", "naive_sync", "run", "timed_requests"]

FULL_SIZES = (1_000, 10_000, 50_000)
QUICK_SIZES = (100,)
APPLY = ["apply", "--yes", "--allow-destroy", "--force-thresholds"]


def timed_requests(measured: Measured, requests: int, pace: Pace) -> dict[str, Any]:
    """A child's cost with its requests, against the floor of those requests at its pace."""
    floor = pace.floor_seconds(requests)
    return {
        **measured.to_json(),
        "requests": requests,
        "floor_seconds": round(floor, 2),
        "wall_over_floor": round(measured.wall_seconds / floor, 3) if floor else None,
        "scale": pace.scale,
        "notion_floor_seconds": round(Pace(1).floor_seconds(requests), 1),
    }


def naive_sync(ctx: Context, seed: Path, wanted: Wanted, name: str) -> dict[str, Any]:
    """The hand-written script syncing ``wanted`` into a fresh copy of ``seed``."""
    folder = ctx.folder(name)
    store = fresh_copy(seed, folder)
    rows_csv = write_repository(folder / "repo", wanted, None)
    pace = ctx.baseline_pace(2 * len(wanted.rows))
    with ServedEmulator(store, pace) as emulator:
        before = emulator.counts()
        measured = run_measured(
            [sys.executable, "-m", "benchmarks.baselines.naive_sync", "sync", str(rows_csv),
             "--data-source", DATA_SOURCE, "--rps", f"{pace.rps:g}"],
            cwd=folder, env=_baseline_env(emulator.url),
        )  # fmt: skip
        counts = emulator.counts().since(before)
    summary = json.loads(measured.stdout.splitlines()[-1])
    return {
        **timed_requests(measured, counts.total, pace),
        "rate_limited": counts.rate_limited,
        "creates": summary["creates"],
        "updates": summary["updates"],
    }


def naive_requests(rows: int, wanted: Wanted) -> int:
    """What the naive script would send: users, listing queries, a fetch and a write per row."""
    listing = math.ceil(rows / 100)
    return 1 + listing + 2 * (len(wanted.rows) - wanted.creates) + wanted.creates


def _baseline_env(url: str) -> dict[str, str]:
    return {**cli_env(url), "PYTHONPATH": str(REPO)}


def _diff_engines(ctx: Context, seed: Path, wanted: Wanted, rows: int) -> dict[str, Any]:
    """CPU and peak memory of the reconciler's diff against one whole-state DeepDiff."""
    folder = ctx.folder(f"plan-{rows}-diff")
    store = fresh_copy(seed, folder)
    repo = folder / "repo"
    write_repository(repo, wanted, None)
    engines: dict[str, Any] = {}
    with ServedEmulator(store, None) as emulator:
        for engine in ("plan", "deepdiff"):
            measured = run_measured(
                [sys.executable, "-m", "benchmarks.baselines.whole_state_deepdiff", engine],
                cwd=repo,
                env=_baseline_env(emulator.url),
            )
            answer = json.loads(measured.stdout.splitlines()[-1])
            engines[engine] = {
                "diff_cpu_seconds": round(answer["diff_cpu_seconds"], 2),
                "found": answer["found"],
                "peak_rss_mb": round(measured.peak_rss_mb, 1),
            }
    return engines


def _reconciler(ctx: Context, seed: Path, wanted: Wanted, rows: int) -> dict[str, Any]:
    folder = ctx.folder(f"plan-{rows}")
    store = fresh_copy(seed, folder)
    repo = folder / "repo"
    write_repository(repo, wanted, ctx.pace)
    with ServedEmulator(store, ctx.pace) as emulator:
        env = cli_env(emulator.url)
        download = _download(emulator, ctx.pace, repo)
        start = emulator.counts()
        planned = run_cli(["plan", "-o", "plan.json", "--format", "json"], cwd=repo, env=env)
        after_plan = emulator.counts()
        applied = run_cli([*APPLY, "plan.json"], cwd=repo, env=env)
        after_apply = emulator.counts()
        emulator.pace(None)
        converged = run_cli(["plan", "--detailed-exitcode"], cwd=repo, env=env, expect=(0, 2))
    plan = json.loads((repo / "plan.json").read_text(encoding="utf-8"))
    read = after_plan.since(start)
    writes = after_apply.since(after_plan)
    return {
        "plan": {
            **timed_requests(planned, read.total, ctx.pace),
            "minimum_requests": read_minimum(rows),
            "minimum_floor_seconds": round(ctx.pace.floor_seconds(read_minimum(rows)), 2),
            "rate_limited": read.rate_limited,
            "changes": plan["summary"]["total"],
            "estimated_apply_requests": plan["estimate"]["requests"],
        },
        "apply": {
            **timed_requests(applied, writes.total, ctx.pace),
            "rate_limited": writes.rate_limited,
            "by_endpoint": writes.by_endpoint,
        },
        "converged": converged.exit_code == 0,
        "download": download,
    }


def _download(emulator: ServedEmulator, pace: Pace, cwd: Path) -> dict[str, Any]:
    """The bare notion-client loop that only downloads the rows, on the same emulator at the
    same pace, measured as the plan is: the floor of the plan's CPU and memory."""
    before = emulator.counts()
    measured = run_measured(
        [sys.executable, "-m", "benchmarks.baselines.naive_sync", "download",
         "--data-source", DATA_SOURCE, "--rps", f"{pace.rps:g}"],
        cwd=cwd, env=_baseline_env(emulator.url),
    )  # fmt: skip
    counts = emulator.counts().since(before)
    summary = json.loads(measured.stdout.splitlines()[-1])
    return {**timed_requests(measured, counts.total, pace), "rows": summary["rows"]}


def _plan_at_notion_pace(ctx: Context, rows: int) -> dict[str, Any]:
    """One plan at Notion's own pace (no scaling): the check that a read is rate-bound there."""
    pace = Pace(1)
    folder = ctx.folder(f"plan-{rows}-x1")
    store = fresh_copy(seeded(ctx.work, rows), folder)
    repo = folder / "repo"
    write_repository(repo, one_percent_changed(rows), pace)
    with ServedEmulator(store, pace) as emulator:
        start = emulator.counts()
        planned = run_cli(["plan"], cwd=repo, env=cli_env(emulator.url))
        read = emulator.counts().since(start)
    return {
        **timed_requests(planned, read.total, pace),
        "rows": rows,
        "rate_limited": read.rate_limited,
    }


def run(ctx: Context) -> dict[str, Any]:
    """Every size of the scenario; the figures by size."""
    results: dict[str, Any] = {"pace": ctx.pace.describe(), "sizes": {}}
    for rows in QUICK_SIZES if ctx.quick else FULL_SIZES:
        ctx.say(f"plan: seeding {rows:,} rows")
        seed = seeded(ctx.work, rows)
        wanted = one_percent_changed(rows)
        ctx.say(f"plan: reconciler on {rows:,} rows")
        result = _reconciler(ctx, seed, wanted, rows)
        ctx.say(f"plan: diff engines on {rows:,} rows")
        result["diff"] = _diff_engines(ctx, seed, wanted, rows)
        if rows <= ctx.naive_max_rows:
            ctx.say(f"plan: naive sync of {rows:,} rows")
            result["naive"] = naive_sync(ctx, seed, wanted, f"plan-{rows}-naive")
        else:
            result["naive"] = {"not_run": naive_requests(rows, wanted)}
        result["wanted"] = {
            "creates": wanted.creates,
            "updates": wanted.updates,
            "trashes": wanted.trashes,
        }
        results["sizes"][str(rows)] = result
    if not ctx.quick:
        ctx.say("plan: 10,000 rows at Notion's own pace")
        results["at_notion_pace"] = _plan_at_notion_pace(ctx, 10_000)
    return results
