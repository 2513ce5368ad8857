"""Run one command as a child process and measure it alone: wall time, CPU seconds, peak RSS.

``os.wait4`` returns the resource usage of exactly that child (``RUSAGE_CHILDREN`` would mix in
every child reaped before), so the peak resident memory and CPU time are the command's own, and
the emulator, which runs in another child, is not counted. The command is started by a small
spawner process (``benchmarks.scenarios.spawner``), since Linux counts the peak memory of the
process a child was forked from as the child's. Output goes to temporary files, not pipes, so a
chatty command never blocks. Used by every scenario.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ChildFailed", "Measured", "run_cli", "run_measured"]

_CLI = "from reconciler.cli import main; main()"
_REPO = Path(__file__).resolve().parents[2]


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


class _Spawner:
    """The one ``benchmarks.scenarios.spawner`` process of this run, started on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None

    def run(self, request: dict[str, object]) -> dict[str, float]:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "benchmarks.scenarios.spawner"],
                    cwd=_REPO,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            assert self._process.stdin is not None
            assert self._process.stdout is not None
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            answer: dict[str, float] = json.loads(self._process.stdout.readline())
            return answer


_SPAWNER = _Spawner()


def run_measured(
    command: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    expect: Sequence[int] = (0,),
    timeout: float = 3600,
) -> Measured:
    """Run ``command`` in ``cwd`` and measure it (ChildFailed when its exit code is unexpected).

    The command is started by the spawner process (``benchmarks.scenarios.spawner``), never by
    this one: a child forked from here would count this process's peak memory as its own."""
    with tempfile.TemporaryDirectory(prefix="measured-") as folder:
        out, err = Path(folder) / "stdout", Path(folder) / "stderr"
        answer = _SPAWNER.run(
            {"command": list(command), "cwd": str(cwd), "env": dict(env),
             "stdout": str(out), "stderr": str(err), "timeout": timeout}
        )  # fmt: skip
        stdout = out.read_text(encoding="utf-8", errors="replace")
        stderr = err.read_text(encoding="utf-8", errors="replace")
    code = os.waitstatus_to_exitcode(int(answer["status"]))
    measured = Measured(
        exit_code=code,
        wall_seconds=answer["wall_seconds"],
        cpu_seconds=answer["user_seconds"] + answer["system_seconds"],
        peak_rss_mb=answer["maxrss_kb"] / 1024,  # kilobytes on Linux
        stdout=stdout,
        stderr=stderr,
    )
    if code not in expect:
        raise ChildFailed(
            f"{' '.join(command[:4])}... exited {code}:\n{measured.stderr[-3000:]}"
            f"\n{measured.stdout[-2000:]}"
        )
    return measured


def run_cli(
    args: Sequence[str], *, cwd: Path, env: Mapping[str, str], expect: Sequence[int] = (0,)
) -> Measured:
    """``reconciler ARGS`` as a measured child."""
    return run_measured([sys.executable, "-c", _CLI, *args], cwd=cwd, env=env, expect=expect)
