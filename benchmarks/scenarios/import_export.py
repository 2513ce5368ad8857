"""Scenario ``import-export``: adopt a 10,000-row database, and export it, at the rate limit.

- ``reconciler import DATABASE_ID -o adopted/`` writes the manifest of the live database; a
  plan of the adopted manifests right after (rate limit off) must be empty;
- ``reconciler export --format csv`` writes the rows the benchmark's manifest manages;
- the baseline, in the same run: the naive script listing the pages and fetching each one
  (``naive_sync.py dump``), what a hand-written export or adoption script does.

Each runs as a child process against a fresh copy of the workspace at the time-scaled pace:
requests against the minimum read, wall time against the floor, CPU seconds, peak RSS.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from benchmarks.scenarios.child import run_cli, run_measured
from benchmarks.scenarios.context import Context
from benchmarks.scenarios.plan_sync import timed_requests
from benchmarks.scenarios.served import REPO, ServedEmulator
from benchmarks.scenarios.tasks import (
    DATA_SOURCE,
    DATABASE,
    cli_env,
    fresh_copy,
    new_rows,
    read_minimum,
    seeded,
    write_repository,
)

__all__ = ["FULL_ROWS", "QUICK_ROWS", "run"]

FULL_ROWS = 10_000
QUICK_ROWS = 100


def _measured(
    ctx: Context, seed: Path, name: str, rows: int, args: list[str], *, naive: bool = False
) -> tuple[dict[str, Any], Path]:
    folder = ctx.folder(name)
    store = fresh_copy(seed, folder)
    repo = folder / "repo"
    write_repository(repo, new_rows(rows), ctx.pace)
    pace = ctx.baseline_pace(rows) if naive else ctx.pace
    with ServedEmulator(store, pace) as emulator:
        env = cli_env(emulator.url)
        before = emulator.counts()
        if naive:
            env["PYTHONPATH"] = str(REPO)
            command = [sys.executable, "-m", "benchmarks.baselines.naive_sync", "dump",
                       str(folder / "dump.json"), "--data-source", DATA_SOURCE,
                       "--rps", f"{pace.rps:g}"]  # fmt: skip
            measured = run_measured(command, cwd=repo, env=env)
        else:
            measured = run_cli(args, cwd=repo, env=env)
        counts = emulator.counts().since(before)
        result = {
            **timed_requests(measured, counts.total, pace),
            "minimum_requests": read_minimum(rows),
            "rate_limited": counts.rate_limited,
        }
        if args and args[0] == "import":
            emulator.pace(None)
            empty = run_cli(
                ["plan", "adopted", "--detailed-exitcode"], cwd=repo, env=env, expect=(0, 1, 2)
            )
            result["plan_after_import_empty"] = empty.exit_code == 0
    return result, repo


def run(ctx: Context) -> dict[str, Any]:
    """Import, export and the naive dump of the same database."""
    rows = QUICK_ROWS if ctx.quick else FULL_ROWS
    ctx.say(f"import-export: seeding {rows:,} rows")
    seed = seeded(ctx.work, rows)
    ctx.say(f"import-export: import of {rows:,} rows")
    imported, _ = _measured(ctx, seed, "import", rows, ["import", DATABASE, "-o", "adopted"])
    ctx.say(f"import-export: export of {rows:,} rows")
    exported, repo = _measured(
        ctx, seed, "export", rows, ["export", "--format", "csv", "-o", "exported"]
    )
    exported_rows = sum(1 for _ in (repo / "exported" / "tasks.csv").open()) - 1
    ctx.say(f"import-export: naive dump of {rows:,} rows")
    naive, _ = _measured(ctx, seed, "export-naive", rows, [], naive=True)
    dumped = len(json.loads((ctx.work / "export-naive" / "dump.json").read_text()))
    return {
        "pace": ctx.pace.describe(),
        "rows": rows,
        "import": imported,
        "export": {**exported, "rows_written": exported_rows},
        "naive": {**naive, "rows_written": dumped},
    }
