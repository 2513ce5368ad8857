"""The real ``reconciler`` CLI in a subprocess, against the emulator served over TCP.

Used by the kill, concurrency and human-edit tests: ``start`` launches a command (JSON progress
lines on stderr, since there is no terminal), ``finish`` runs one to its end.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import TOKEN

_CLI = "from reconciler.cli import main; main()"


@dataclass(frozen=True)
class Finished:
    """A CLI run's exit code and output."""

    exit_code: int
    stdout: str
    stderr: str


def environment(url: str, token: str = TOKEN) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTION_", "RECONCILER_"))}
    env.update(NOTION_TOKEN=token, NOTION_BASE_URL=url, NO_COLOR="1")
    return env


def start(root: Path, url: str, *args: str, token: str = TOKEN) -> subprocess.Popen[str]:
    """``reconciler ARGS`` running in ``root``; stdout and stderr are pipes."""
    return subprocess.Popen(
        [sys.executable, "-c", _CLI, *args],
        cwd=root,
        env=environment(url, token),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(root: Path, url: str, *args: str, token: str = TOKEN, timeout: float = 300) -> Finished:
    """``reconciler ARGS`` run to its end."""
    process = start(root, url, *args, token=token)
    stdout, stderr = process.communicate(timeout=timeout)
    return Finished(process.returncode, stdout, stderr)
