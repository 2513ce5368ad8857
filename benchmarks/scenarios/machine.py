"""The machine and versions a run measured on: CPU, cores, memory, OS, Python, packages, commit.

Written at the top of the report so that every figure can be reproduced or discounted.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path

__all__ = ["PACKAGES", "describe_machine", "load_average", "one_line"]

PACKAGES = (
    "notion-reconciler", "notion-client", "httpx", "pyyaml", "jsonschema", "deepdiff", "click",
    "tenacity", "structlog",
)  # fmt: skip


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _git_commit(repo: Path) -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "reconciler"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    commit = done.stdout.strip()
    return commit + (" (reconciler/ with uncommitted changes)" if dirty.stdout.strip() else "")


def load_average() -> str:
    """The 1, 5 and 15-minute load averages, as text."""
    try:
        return " ".join(f"{n:.1f}" for n in os.getloadavg())
    except OSError:
        return "unknown"


def describe_machine(repo: Path) -> dict[str, object]:
    """Where and with what this run measured."""
    versions: dict[str, str] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "packages": versions,
        "git_commit": _git_commit(repo),
        "load_average_at_start": load_average(),
    }


def one_line() -> str:
    """Date, Python, platform, cores and the HTTP stack's versions, for a row of a report table."""
    versions = ", ".join(
        f"{name} {metadata.version(name)}" for name in ("notion-client", "httpx", "tenacity")
    )
    return (
        f"{dt.date.today().isoformat()}, Python {platform.python_version()},"
        f" {platform.platform()}, {os.cpu_count()} CPUs, {versions}"
    )
