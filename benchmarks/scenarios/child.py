"""Run one command as a child process and measure it alone: wall time, CPU seconds, peak RSS.

``os.wait4`` returns the resource usage of exactly that child (``RUSAGE_CHILDREN`` would mix in
every child reaped before), so the peak resident memory and CPU time are the command's own, and
the emulator, which runs in another child, is not counted. Output goes to temporary files, not
pipes, so a chatty command never blocks. Used by every scenario.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ChildFailed", "Measured", "run_cli", "run_measured"]

_CLI = "from reconciler.cli import main; main()"


@dataclass(frozen=True)
class Measured:
    """What one child process cost, and what it printed."""

    exit_code: int
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str

    def to_json(self) -> dict[str, float | int]:
        return {
            "exit_code": self.exit_code,
            "wall_seconds": round(self.wall_seconds, 2),
            "cpu_seconds": round(self.cpu_seconds, 2),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
        }


class ChildFailed(RuntimeError):
    """A measured command ended with an exit code it should not have."""


def run_measured(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    expect: Sequence[int] = (0,),
    timeout: float = 3600,
) -> Measured:
    """Run ``command`` in ``cwd`` and measure it (ChildFailed when its exit code is unexpected)."""
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as out,
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as err,
    ):
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=dict(env), stdout=out, stderr=err)
        _, status, usage = _wait(process, timeout)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    code = os.waitstatus_to_exitcode(status)
    process.returncode = code
    measured = Measured(
        exit_code=code,
        wall_seconds=wall,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        stdout=stdout,
        stderr=stderr,
    )
    if code not in expect:
        raise ChildFailed(
            f"{' '.join(command[:4])}... exited {code}:\n{measured.stderr[-3000:]}"
            f"\n{measured.stdout[-2000:]}"
        )
    return measured


def _wait(
    process: subprocess.Popen[bytes], timeout: float
) -> tuple[int, int, resource.struct_rusage]:
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            return pid, status, usage
        if time.monotonic() > deadline:
            process.kill()
            return os.wait4(process.pid, 0)
        time.sleep(0.01)


def run_cli(
    args: Sequence[str], *, cwd: Path, env: Mapping[str, str], expect: Sequence[int] = (0,)
) -> Measured:
    """``reconciler ARGS`` as a measured child."""
    return run_measured([sys.executable, "-c", _CLI, *args], cwd=cwd, env=env, expect=expect)
