"""Fixtures of the hostile-input suite: a throwaway repository and the real CLI in a cage.

``hostile_repo`` is a ``HostileRepository`` in ``tmp_path/repo`` (``reconciler.yaml`` marks its
root, so ``tmp_path`` itself is outside it: a place to put files a manifest must not reach).
``run_caged`` runs ``reconciler ARGS...`` in a subprocess with its address space capped
(``RLIMIT_AS``), its CPU time capped (``RLIMIT_CPU``) and a wall-clock timeout, so a regression
that blows up memory or loops fails the test instead of taking the machine down;
``run_caged_on_terminal`` does the same with stdout on a pseudo-terminal; with
``as_other_user`` file permissions apply to a caged run even when the suite runs as root.
"""

from __future__ import annotations

import ctypes
import os
import pty
import resource
import selectors
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

MEMORY_CAP_BYTES = 1536 * 1024 * 1024
"""Address space of one caged run: the interpreter, libyaml and every library fit well under."""

CPU_CAP_SECONDS = 60
WALL_CAP_SECONDS = 90

_CLI = "from reconciler.cli import main; main()"
_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2

TASKS_HEAD = """\
database: tasks
title: Tasks
properties:
  Name: title
  Notes: rich_text
  Estimate: number
"""
"""The start of a valid tasks manifest: hostile cases add their rows or fields after it."""


def one_string_aliased_by_500_rows() -> str:
    """Issue 14's input: a 210 KB manifest, one 195 KB anchored string named by 500 rows (lines
    9 to 508); expanding it would take 97.5 MB."""
    rows = [f"  - {{Name: row 0, Notes: &big {'x' * 195_000}}}\n"]
    rows += [f"  - {{Name: row {n}, Notes: *big}}\n" for n in range(1, 501)]
    return TASKS_HEAD + "rows:\n" + "".join(rows)


@dataclass(frozen=True)
class CagedRun:
    """What a caged CLI run left: its exit code and its output."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass(frozen=True)
class HostileRepository:
    """A repository with ``reconciler.yaml`` at its root and manifests under ``manifests/``."""

    root: Path

    @property
    def outside(self) -> Path:
        """A folder next to the repository, outside it."""
        return self.root.parent

    def write(self, relative: str, content: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def manifest(self, text: str | bytes, name: str = "tasks.yaml") -> Path:
        return self.write(f"manifests/{name}", text)


def _cage() -> None:
    """In the child, before exec: cap memory and CPU time."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_CAP_SECONDS, CPU_CAP_SECONDS))


def _environment(extra: Mapping[str, str] | None) -> dict[str, str]:
    """This process's environment without Notion or reconciler settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTION_", "RECONCILER_"))}
    env["NO_COLOR"] = "1"
    env.update(extra or {})
    return env


def _cage_without_root_overrides() -> None:
    """As ``_cage``; as root, also give up overriding file permissions (``CAP_DAC_OVERRIDE``,
    ``CAP_DAC_READ_SEARCH``), so that a folder's mode bits apply as to any other user."""
    _cage()
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def run_caged(
    root: Path, *args: str, env: Mapping[str, str] | None = None, as_other_user: bool = False
) -> CagedRun:
    """``reconciler ARGS`` in ``root``, caged; a run past the wall-clock cap fails the test.

    ``env`` adds variables to a clean environment (no NOTION_*, RECONCILER_*); ``as_other_user``
    makes file permissions apply even when the suite runs as root.
    """
    child_env = _environment(env)
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CLI, *args],
            cwd=root,
            env=child_env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=WALL_CAP_SECONDS,
            preexec_fn=_cage_without_root_overrides if as_other_user else _cage,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"reconciler {' '.join(args)} ran past {WALL_CAP_SECONDS} s")
    return CagedRun(done.returncode, done.stdout, done.stderr)


def run_caged_on_terminal(root: Path, *args: str, env: Mapping[str, str] | None = None) -> CagedRun:
    """Like ``run_caged``, with stdout on a pseudo-terminal (what a person's terminal gets)."""
    primary, secondary = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-c", _CLI, *args],
        cwd=root,
        env=_environment(env),
        stdout=secondary,
        stderr=subprocess.PIPE,
        preexec_fn=_cage,  # noqa: PLW1509 - this process starts no thread; the cage is the child's
    ) as process:
        os.close(secondary)
        assert process.stderr is not None
        drained = _drain({primary: b"", process.stderr.fileno(): b""}, time.monotonic())
        if drained is None:
            process.kill()
            pytest.fail(f"reconciler {' '.join(args)} ran past {WALL_CAP_SECONDS} s")
        code = process.wait(timeout=WALL_CAP_SECONDS)
    os.close(primary)
    return CagedRun(code, *drained)


def _drain(streams: dict[int, bytes], started: float) -> tuple[str, str] | None:
    """Read the terminal and stderr (in that order of the dict) until both end; None past the
    wall-clock cap."""
    with selectors.DefaultSelector() as selector:
        for descriptor in streams:
            selector.register(descriptor, selectors.EVENT_READ)
        while selector.get_map():
            left = WALL_CAP_SECONDS - (time.monotonic() - started)
            if left <= 0:
                return None
            for key, _ in selector.select(timeout=left):
                try:
                    chunk = os.read(key.fd, 65536)
                except OSError:  # the terminal's other end closed (EIO on Linux)
                    chunk = b""
                if chunk:
                    streams[key.fd] += chunk
                else:
                    selector.unregister(key.fd)
    terminal, errors = (data.decode("utf-8", errors="replace") for data in streams.values())
    return terminal, errors


@pytest.fixture
def hostile_repo(tmp_path: Path) -> HostileRepository:
    """An empty repository (reconciler.yaml, manifests/) inside tmp_path."""
    repo = HostileRepository(tmp_path / "repo")
    repo.write("reconciler.yaml", "manifests: manifests\n")
    (repo.root / "manifests").mkdir()
    return repo
