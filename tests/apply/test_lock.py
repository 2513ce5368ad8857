"""The workspace lock: one apply at a time, a clear refusal naming the holder."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reconciler.apply.records.lock import WorkspaceLock
from reconciler.errors import LockError


def test_a_second_lock_waits_then_refuses_naming_the_holder(tmp_path: Path) -> None:
    """While one apply holds the lock, another gets LockError with pid and command."""
    path = tmp_path / "apply.lock"
    waited: list[float] = []
    with WorkspaceLock(path, describe="reconciler apply plan.json"):
        second = WorkspaceLock(path, wait_seconds=0.3, poll_seconds=0.1, sleep=waited.append)
        with pytest.raises(LockError) as caught:
            second.acquire()
    message = str(caught.value)
    assert f"pid {os.getpid()}" in message
    assert "(reconciler apply plan.json)" in message
    assert str(path) in message
    assert waited  # it waited before refusing


def test_the_lock_is_free_again_after_release(tmp_path: Path) -> None:
    """Applies one after the other both get the lock."""
    path = tmp_path / "apply.lock"
    with WorkspaceLock(path):
        pass
    with WorkspaceLock(path, wait_seconds=0):
        assert path.exists()


def test_a_killed_holder_leaves_no_lock_behind(tmp_path: Path) -> None:
    """flock dies with its process: SIGKILL of the holder frees the workspace at once."""
    path = tmp_path / "apply.lock"
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from reconciler.apply.records.lock import WorkspaceLock
        lock = WorkspaceLock(Path({str(path)!r}))
        lock.acquire()
        print("locked", flush=True)
        time.sleep(60)
        """
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        announced = "locked"
        assert announced == holder.stdout.readline().strip()
        with pytest.raises(LockError):
            WorkspaceLock(path, wait_seconds=0).acquire()
        holder.kill()
        holder.wait(timeout=10)
        with WorkspaceLock(path, wait_seconds=2):
            assert path.exists()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=10)
