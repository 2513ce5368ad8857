"""Which replica applies: the sole one, or the holder of a Redis lease among several.

Every replica reads, plans and serves its endpoints; only the leader applies. ``SoleReplica``
always leads (one process, no ``--lock-url``). ``LeaseLeadership`` keeps trying to take the
lease ``reconciler-serve`` and renews it on a thread of its own every third of its time to
live; a replica whose renewal fails is no longer the leader at once, and the apply in flight
stops taking new operations (``lost``). ``fence()`` is the check the executor makes right
before each write (``before_write``): it refuses unless this replica's grant still holds with a
margin, so a leader that was paused past its lease does not write after another took over.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

import structlog

from reconciler.apply.records.redis_lease import RedisLease
from reconciler.errors import LockError, ReconcilerError

__all__ = ["Leadership", "LeaseLeadership", "SoleReplica"]

log = structlog.get_logger(__name__)


class Leadership(Protocol):
    """Whether this replica may apply, and the check before each of its writes."""

    def is_leader(self) -> bool: ...

    def fence(self) -> None:
        """Raise ``LockError`` unless this replica may write now."""
        ...

    def start(self) -> None: ...

    def close(self) -> None: ...


class SoleReplica:
    """The only replica: always the leader."""

    def is_leader(self) -> bool:
        return True

    def fence(self) -> None:
        """Nothing to check: no other replica writes."""

    def start(self) -> None:
        """Nothing to start."""

    def close(self) -> None:
        """Nothing to release."""


class LeaseLeadership:
    """Leadership through a ``RedisLease``, renewed on a background thread."""

    def __init__(
        self,
        lease: RedisLease,
        *,
        lost: Callable[[], None] = lambda: None,
        changed: Callable[[bool], None] = lambda _leader: None,
    ) -> None:
        self._lease = lease
        self._lost = lost
        self._changed = changed
        self._leader = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="serve-lease", daemon=True)
        self._margin = lease.ttl_seconds / 3

    def is_leader(self) -> bool:
        return self._leader

    def fence(self) -> None:
        if not self._leader or not self._lease.check(self._margin):
            self._set(leader=False)
            raise LockError(
                "not sent: this replica is no longer the leader (its lease expired or was taken)",
                hint="the new leader plans again from a fresh read and applies what is left",
            )

    def start(self) -> None:
        self._tick()
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        try:
            self._lease.release()
        except ReconcilerError as error:
            log.warning("lease not released", reason=error.message)
        self._set(leader=False)

    def _run(self) -> None:
        while not self._stop.wait(self._lease.ttl_seconds / 3):
            self._tick()

    def _tick(self) -> None:
        try:
            held = self._lease.renew() if self._leader else self._lease.acquire() is not None
        except ReconcilerError as error:
            log.warning("lease unreachable", reason=error.message)
            held = False
        self._set(leader=held)

    def _set(self, *, leader: bool) -> None:
        with self._lock:
            if leader == self._leader:
                return
            self._leader = leader
        if leader:
            log.info("leader elected", holder=self._lease.holder, fencing_token=self._lease.token)
        else:
            log.warning("leadership lost", holder=self._lease.holder)
            self._lost()
        self._changed(leader)
