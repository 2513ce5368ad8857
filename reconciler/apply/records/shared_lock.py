"""The cross-machine apply lock: a Redis lease per workspace, held for the length of an apply.

With ``lock: redis://...`` in reconciler.yaml (or RECONCILER_LOCK_URL), every apply to a workspace
takes the lease ``apply:<workspace>`` in that Redis, from whichever checkout or machine it runs
(the lock file, ``lock``, covers one state folder only). A second apply waits up to its
``--lock-wait``, then refuses with a ``LockError`` naming the holder. While the apply runs a
thread renews the lease every third of its time to live; before each write the executor calls
``fence()``, which refuses to send once the lease no longer holds with a margin (a holder paused
past its lease, or cut off from Redis, must not write while another apply does). The lease is
released at exit; a holder that dies leaves it to expire after ``TTL_SECONDS``. The lease itself
is ``redis_lease.RedisLease``, the one the controller elects its leader with. Used by the apply
session.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from reconciler.apply.records.redis_lease import RedisLease, holder_name
from reconciler.errors import LockError, ReconcilerError
from reconciler.model import WorkspaceIdentity

__all__ = ["TTL_SECONDS", "SharedLock"]

TTL_SECONDS = 60.0
"""How long a lease lasts without renewal: longer than any one write may take (the gateway's
request timeout), so a holder that stopped renewing has stopped writing before another begins."""


def lease_name(workspace: WorkspaceIdentity) -> str:
    """The lease of one workspace (two workspaces never wait on each other)."""
    binding = "\n".join(workspace.binding).encode("utf-8")
    return f"apply:{hashlib.sha256(binding).hexdigest()[:16]}"


def _holder(describe: str) -> str:
    user = os.environ.get("GITHUB_ACTOR") or os.environ.get("USER") or "unknown"
    since = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return (
        f"pid {os.getpid()} on {socket.gethostname()} by {user} ({describe}) since {since}"
        f" [{holder_name()}]"
    )


class SharedLock:
    """The apply lease of one workspace in Redis (see the module docstring)."""

    def __init__(
        self,
        lease: RedisLease,
        *,
        wait_seconds: float = 10.0,
        poll_seconds: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._lease = lease
        self._wait = wait_seconds
        self._poll = poll_seconds
        self._clock = clock
        self._sleep = sleep
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def in_redis(
        cls, url: str, workspace: WorkspaceIdentity, *, wait_seconds: float, describe: str
    ) -> SharedLock:
        """The lease of ``workspace`` in the Redis at ``url``, held in the name of ``describe``
        (the command)."""
        lease = RedisLease.from_url(
            url, lease_name(workspace), holder=_holder(describe), ttl_seconds=TTL_SECONDS
        )
        return cls(lease, wait_seconds=wait_seconds)

    def acquire(self) -> None:
        """Take the lease, waiting up to ``wait_seconds``; LockError naming the holder if not."""
        deadline = self._clock() + self._wait
        while self._lease.acquire() is None:
            if self._clock() >= deadline:
                holder = self._lease.held_by() or "a holder that has just let it go"
                raise LockError(
                    f"another apply to this workspace holds its lock in Redis: {holder}",
                    hint="wait for it to finish and run again (or give --lock-wait SECONDS to"
                    f" wait longer); a holder that died loses the lock after {TTL_SECONDS:g} s",
                )
            self._sleep(self._poll)
        self._thread = threading.Thread(target=self._renew, name="apply-lease", daemon=True)
        self._thread.start()

    def _renew(self) -> None:
        while not self._stop.wait(self._lease.ttl_seconds / 3):
            try:
                if not self._lease.renew():
                    return  # lost: fence() refuses every write from now on
            except ReconcilerError:
                continue  # Redis unreachable for now: fence() decides by what is left

    def fence(self) -> None:
        """Raise ``LockError`` unless this apply still holds the lease with a margin."""
        if not self._lease.check(self._lease.ttl_seconds / 3):
            raise LockError(
                "not sent: this apply lost its lock in Redis (the lease expired or Redis was"
                " unreachable), so another apply may be writing",
                hint="run the apply again once the other one is done: done changes are not"
                " sent twice",
            )

    def release(self) -> None:
        """Stop renewing and give the lease up (another's grant is left alone)."""
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=5)
        with contextlib.suppress(ReconcilerError):  # unreachable: the lease expires by itself
            self._lease.release()
