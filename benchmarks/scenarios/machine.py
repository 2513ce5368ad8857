"""The machine and versions a run measured on: CPU, cores, memory, OS, Python, packages, commit.

Written at the top of the report so that every figure can be reproduced or discounted. The
packages are notion-reconciler and every dependency it declares (``reconciler.versions``), and
the report compares them with the lock of what ships (``locked_versions``).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path

from reconciler.versions import versions_in_use

__all__ = ["canonical_name", "describe_machine", "load_average", "locked_versions", "one_line"]

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\]+)", re.MULTILINE)


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


def canonical_name(name: str) -> str:
    """A package name as the index compares it: ``ruamel.yaml`` and ``ruamel-yaml`` are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(lock: Path) -> dict[str, str]:
    """Canonical package name to the version a lock file pins (empty if there is no lock)."""
    try:
        text = lock.read_text(encoding="utf-8")
    except OSError:
        return {}
    return {canonical_name(m[1]): m[2] for m in _PIN.finditer(text)}


def describe_machine(repo: Path) -> dict[str, object]:
    """Where and with what this run measured: every runtime dependency, optional ones if there."""
    versions = {v.name: v.version for v in versions_in_use() if v.name != "Python"}
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
