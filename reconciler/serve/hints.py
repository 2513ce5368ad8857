"""The hints waiting for the next cycle: pages to re-read and databases to read in full.

The webhook receiver puts hints here from the HTTP threads and wakes the loop; the loop takes
them all at the start of a cycle, and puts them back when the cycle could not use them (Notion
was unreachable), so a hint is never lost to a failure. Many hints about one page are one
re-read. Bounded: past ``max_pages`` pages waiting in one database, the database is read in
full instead (a query of 100 rows costs what 100 page reads cost, and the set stops growing).

With several replicas a ``HintRelay`` (``reconciler.serve.relay``) carries every hint to the
leader too: ``put`` also pushes it there, and ``take(shared=True)`` (the leader) drains it.

Events the catalogue could not place (``Sighting``) are held, without waking the loop, until a
cycle ends: ``place_held(catalogue, since)`` places again those that arrived since ``since``
(the start of the cycles the new catalogue comes from: their reads may have missed what these
events announce) and drops the others (a read that began after them saw their change, or they
are about objects nobody manages). At most ``max_held`` are held; past that the oldest go, and
``place_held`` says so (the caller reads in full instead).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from reconciler.serve.relay import HintRelay
from reconciler.serve.webhooks import Catalogue, Hint, Sighting

__all__ = ["HintQueue", "Pending"]


@dataclass(frozen=True)
class Pending:
    """Everything hinted since the last take."""

    pages: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Page ids to re-read, by database handle."""
    databases: frozenset[str] = frozenset()
    """Databases to read in full."""

    @property
    def empty(self) -> bool:
        return not self.pages and not self.databases


class HintQueue:
    """Thread-safe hints, and the event that wakes the loop when one arrives."""

    def __init__(
        self,
        *,
        max_pages: int = 1000,
        max_held: int = 10_000,
        relay: HintRelay | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_pages = max_pages
        self._relay = relay
        self._clock = clock
        self._lock = threading.Lock()
        self._pages: dict[str, set[str]] = {}
        self._databases: set[str] = set()
        self._held: deque[tuple[float, Sighting]] = deque(maxlen=max_held)
        self._overflowed = False
        self.arrived = threading.Event()

    @property
    def relayed(self) -> bool:
        """Whether hints are shared with other replicas (the leader polls for theirs)."""
        return self._relay is not None

    def put(self, hint: Hint) -> None:
        with self._lock:
            self._add(hint.database, {hint.page_id} if hint.page_id else None)
        self.arrived.set()
        if self._relay is not None:
            self._relay.push(hint)

    def hold(self, sighting: Sighting) -> None:
        """Keep an event the catalogue could not place, until the cycle under way ends."""
        with self._lock:
            if len(self._held) == self._held.maxlen:
                self._overflowed = True
            self._held.append((self._clock(), sighting))

    def place_held(self, catalogue: Catalogue, since: float) -> bool:
        """Place the held events that arrived since ``since`` (hints, as ``put``), drop the
        rest; whether some were lost to the bound since the last call."""
        with self._lock:
            held, self._held = list(self._held), deque(maxlen=self._held.maxlen)
            overflowed, self._overflowed = self._overflowed, False
        for arrived, sighting in held:
            if arrived >= since:
                for hint in sighting.place(catalogue):
                    self.put(hint)
        return overflowed

    def waiting(self, *, shared: bool = False) -> bool:
        """Whether hints wait here (or, ``shared``, in the relay)."""
        if self.arrived.is_set():
            return True
        return shared and self._relay is not None and self._relay.waiting()

    def put_back(self, pending: Pending) -> None:
        """Hints a cycle took but could not act on: waiting again, merged with newer ones."""
        with self._lock:
            for handle in pending.databases:
                self._add(handle, None)
            for handle, pages in pending.pages.items():
                self._add(handle, set(pages))

    def _add(self, handle: str, pages: set[str] | None) -> None:
        if pages is None or handle in self._databases:
            self._databases.add(handle)
            self._pages.pop(handle, None)
            return
        waiting = self._pages.setdefault(handle, set())
        waiting.update(pages)
        if len(waiting) > self._max_pages:
            self._databases.add(handle)
            del self._pages[handle]

    def take(self, *, shared: bool = False) -> Pending:
        """Every hint waiting, emptying the queue (and, ``shared``, the relay)."""
        relayed = self._relay.drain() if shared and self._relay is not None else []
        with self._lock:
            for hint in relayed:
                self._add(hint.database, {hint.page_id} if hint.page_id else None)
            pending = Pending(
                pages={handle: frozenset(ids) for handle, ids in self._pages.items()},
                databases=frozenset(self._databases),
            )
            self._pages.clear()
            self._databases.clear()
            self.arrived.clear()
        return pending
