"""The workspace lock: two applies on one workspace never interleave.

An ``flock``'d file in the state folder (``.reconciler/apply.lock``): the kernel releases it when
the holder exits, however it exits (SIGKILL included), so a lock is never left behind. The holder
writes who it is into the file; a second apply waits a little, then refuses with a
``LockError`` naming the holder. The lock serialises applies that share a state folder (one
checkout, one machine); GitHub Actions runs on separate runners are serialised by the workflow's
``concurrency`` group instead. Used by ``reconciler.apply.session``.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from reconciler.errors import LockError

__all__ = ["WorkspaceLock"]


class WorkspaceLock:
    """Hold the apply lock of a state folder for the length of a ``with`` block."""

    def __init__(
        self,
        path: Path,
        *,
        wait_seconds: float = 10.0,
        poll_seconds: float = 0.2,
        describe: str = "reconciler apply",
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.path = path
        self._wait = wait_seconds
        self._poll = poll_seconds
        self._describe = describe
        self._clock = clock
        self._sleep = sleep
        self._fd = -1

    def __enter__(self) -> WorkspaceLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock, waiting up to ``wait_seconds``; LockError naming the holder if not."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise LockError(
                f"cannot open the apply lock {self.path} ({exc.strerror})",
                hint="make the state folder (.reconciler/) writable",
            ) from None
        deadline = self._clock() + self._wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if self._clock() >= deadline:
                    holder = _holder(fd)
                    os.close(fd)
                    raise LockError(
                        f"another apply holds the lock on this workspace: {holder}"
                        f" (lock file {self.path})",
                        hint="wait for it to finish and run again; the lock is released as soon"
                        " as that process ends, however it ends",
                    ) from None
                self._sleep(self._poll)
        self._fd = fd
        self._write_holder()

    def _write_holder(self) -> None:
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "user": os.environ.get("GITHUB_ACTOR") or os.environ.get("USER") or "unknown",
            "command": self._describe,
            "since": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        }
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, json.dumps(holder).encode("utf-8"), 0)

    def release(self) -> None:
        if self._fd >= 0:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = -1


def _holder(fd: int) -> str:
    """Who holds the lock, as its holder wrote it."""
    try:
        raw = os.pread(fd, 4096, 0)
        holder = json.loads(raw)
    except (OSError, ValueError):
        return "a process that has not said who it is"
    if not isinstance(holder, dict):
        return "a process that has not said who it is"
    return (
        f"pid {holder.get('pid')} on {holder.get('host')} by {holder.get('user')}"
        f" ({holder.get('command')}) since {holder.get('since')}"
    )
