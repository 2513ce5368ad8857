"""Scenario ``startup``: how long ``reconciler --help`` and ``reconciler validate`` take to start.

Each command runs as a child process ``RUNS`` times in a row, hyperfine-like (the first run
warms the file cache and is not counted); the report gives the median and fastest wall time and
the median CPU time (user + system, ``os.wait4``), which the machine's load disturbs less.
``validate`` checks the benchmark's tasks manifest with ``VALIDATE_ROWS`` rows, so what it
measures is the start-up, not the rows. One ``python -X importtime`` run of each command names
the modules that cost the most to import (cumulative microseconds).
"""

from __future__ import annotations

import compileall
import re
import statistics
import sys
from pathlib import Path
from typing import Any

from benchmarks.scenarios.child import Measured, run_measured
from benchmarks.scenarios.context import Context
from benchmarks.scenarios.tasks import new_rows, write_repository

__all__ = ["COMMANDS", "RUNS", "TARGET_SECONDS", "VALIDATE_ROWS", "compile_package", "run"]

RUNS = 15
QUICK_RUNS = 3
VALIDATE_ROWS = 10
TARGET_SECONDS = 0.25
COMMANDS: dict[str, list[str]] = {"help": ["--help"], "validate": ["validate"]}
_CLI = "from reconciler.cli import main; main()"
_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def _costliest(stderr: str, count: int = 8) -> list[dict[str, Any]]:
    """The top-level imports (those of the command itself) that took longest, cumulative."""
    found: list[dict[str, Any]] = []
    for line in stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match and len(match.group(3)) <= 2:  # direct imports of the program and of reconciler
            found.append({"module": match.group(4), "cumulative_ms": int(match.group(2)) / 1000})
    found.sort(key=lambda item: -item["cumulative_ms"])
    return [{**item, "cumulative_ms": round(item["cumulative_ms"], 1)} for item in found[:count]]


def _summary(runs: list[Measured]) -> dict[str, Any]:
    walls = [run.wall_seconds for run in runs]
    cpus = [run.cpu_seconds for run in runs]
    return {
        "runs": len(runs),
        "wall_median_seconds": round(statistics.median(walls), 3),
        "wall_min_seconds": round(min(walls), 3),
        "cpu_median_seconds": round(statistics.median(cpus), 3),
        "peak_rss_mb": round(max(run.peak_rss_mb for run in runs), 1),
    }


def run(ctx: Context) -> dict[str, Any]:
    """Each command's start-up figures, and the imports that cost most."""
    repo = ctx.folder("startup") / "repo"
    write_repository(repo, new_rows(VALIDATE_ROWS), None)
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(repo)}
    results: dict[str, Any] = {"target_seconds": TARGET_SECONDS, "commands": {}}
    for name, args in COMMANDS.items():
        ctx.say(f"startup: reconciler {' '.join(args)}")
        command = [sys.executable, "-c", _CLI, *args]
        run_measured(command, cwd=repo, env=env)  # warm-up, not counted
        runs = [
            run_measured(command, cwd=repo, env=env)
            for _ in range(QUICK_RUNS if ctx.quick else RUNS)
        ]
        timed = run_measured([sys.executable, "-X", "importtime", *command[1:]], cwd=repo, env=env)
        results["commands"][name] = {
            "command": "reconciler " + " ".join(args),
            **_summary(runs),
            "costliest_imports": _costliest(timed.stderr),
        }
    return results


def compile_package(root: Path) -> None:
    """Byte-compile the package as installing a wheel does, so that start-up is measured as
    users have it (a checkout run with PYTHONDONTWRITEBYTECODE=1 would compile every module on
    every start)."""
    compileall.compile_dir(str(root / "reconciler"), quiet=1)
