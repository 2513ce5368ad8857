"""The process that starts every measured command, so that its peak memory is its own.

Linux carries a process's peak resident set across ``exec`` from the process it was forked
from: a command started by the benchmark runner, which holds seeded rows and wanted manifests
(hundreds of MB at 50,000 rows), reports at least the runner's peak as its own. A command
forked from this small process instead starts from a fresh count. ``python -m
benchmarks.scenarios.spawner`` reads one JSON request a line on stdin (command, cwd, env, the
files for stdout and stderr, a timeout), runs it, and answers one JSON line: exit status, wall
seconds, user and system CPU seconds and peak RSS in kilobytes, all from ``os.wait4`` (the usage
of exactly that child). It stops when stdin closes. Used by ``benchmarks.scenarios.child``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

__all__ = ["serve"]


def _run(request: dict[str, Any]) -> dict[str, Any]:
    with (
        open(request["stdout"], "w", encoding="utf-8") as out,
        open(request["stderr"], "w", encoding="utf-8") as err,
    ):
        started = time.perf_counter()
        process = subprocess.Popen(
            request["command"], cwd=request["cwd"], env=request["env"], stdout=out, stderr=err
        )
        deadline = time.monotonic() + float(request["timeout"])
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                _, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "status": status,
        "wall_seconds": wall,
        "user_seconds": usage.ru_utime,
        "system_seconds": usage.ru_stime,
        "maxrss_kb": usage.ru_maxrss,
    }


def serve() -> None:
    """Answer requests on stdin until it closes."""
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(_run(json.loads(line))), flush=True)


if __name__ == "__main__":
    serve()
