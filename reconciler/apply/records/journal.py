"""The apply journal: what every apply started and finished, durable before the next request.

The executor writes a ``started`` record before it sends a change and a ``done`` record (with the
page, database or data source ids it created) when Notion has answered; ``failed`` when Notion
refused, ``absent`` when a resumed apply found that an unfinished create never happened,
``voided`` when a fresh plan showed that Notion no longer holds what a ``done`` one did (see
``reconciler.apply.preflight.recheck``). Each
record is one JSON line, written with one ``write`` and ``fsync``'d, so a crash (SIGKILL
included) loses at most the line being written: a torn last line is ignored on reading and a
fresh line starts after it.

Records are keyed by plan checksum and change id (``tasks/create_row/write-docs``). A change
``started`` (or ``failed``) without a later ``done`` or ``absent`` is *unfinished*: its outcome
is unknown, and a create among them is looked up by key before anything is sent again (the
preflight reads each change's state from here: ``reconciler.apply.preflight.states``). Used by
``reconciler.apply.session``; one journal per workspace state folder, guarded by the apply lock.

A journal past ``COMPACT_ABOVE_BYTES`` is compacted when opened (under the lock): the last record
of each change, for the plans with an unfinished change and the ``KEEP_PLANS`` most recent ones,
written to a new file that atomically replaces the old one.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reconciler.errors import ApplyError
from reconciler.logs import redact
from reconciler.model import canonical_json

__all__ = ["Journal", "JournalEntry", "JournalEvent"]


class JournalEvent(enum.StrEnum):
    """What happened to a change: sent, answered, refused, found never to have happened, or
    found undone since."""

    STARTED = "started"
    DONE = "done"
    FAILED = "failed"
    ABSENT = "absent"
    VOIDED = "voided"


_CLOSING = frozenset({JournalEvent.DONE, JournalEvent.ABSENT, JournalEvent.VOIDED})

COMPACT_ABOVE_BYTES = 16 * 1024 * 1024
"""A journal larger than this is compacted when opened (about 90,000 records)."""

KEEP_PLANS = 20
"""Plans whose records survive compaction besides those with unfinished changes: the most recent.
An older saved plan applied again is refused as stale instead (its rows exist), never repeated."""


@dataclass(frozen=True)
class JournalEntry:
    """One record: an event of one change of one plan, with what it created."""

    plan: str
    change: str
    event: JournalEvent
    time: str = ""
    page_id: str | None = None
    database_id: str | None = None
    data_source_id: str | None = None
    message: str = ""

    def to_json(self) -> dict[str, str]:
        record = {"time": self.time, "plan": self.plan, "change": self.change}
        record["event"] = self.event.value
        optional = {
            "page_id": self.page_id,
            "database_id": self.database_id,
            "data_source_id": self.data_source_id,
            "message": self.message,
        }
        record.update({k: v for k, v in optional.items() if v})
        return record

    @classmethod
    def from_json(cls, record: Mapping[str, object]) -> JournalEntry | None:
        """The entry of a parsed line; None when it is not one of ours."""
        fields = {k: record.get(k) for k in ("plan", "change", "event")}
        if not all(isinstance(v, str) and v for v in fields.values()):
            return None
        if fields["event"] not in {event.value for event in JournalEvent}:
            return None

        def text(name: str) -> str | None:
            value = record.get(name)
            return value if isinstance(value, str) else None

        return cls(
            plan=str(fields["plan"]),
            change=str(fields["change"]),
            event=JournalEvent(str(fields["event"])),
            time=text("time") or "",
            page_id=text("page_id"),
            database_id=text("database_id"),
            data_source_id=text("data_source_id"),
            message=text("message") or "",
        )


def _read(path: Path) -> Iterator[JournalEntry]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return
    for line in raw.split(b"\n"):
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a line torn by a crash (only ever the last one written)
        entry = JournalEntry.from_json(record) if isinstance(record, dict) else None
        if entry is not None:
            yield entry


class Journal:
    """An append-only, fsync'd JSON-lines journal; thread-safe."""

    def __init__(
        self,
        path: Path,
        *,
        compact_above: int = COMPACT_ABOVE_BYTES,
        keep_plans: int = KEEP_PLANS,
    ) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._last: dict[tuple[str, str], JournalEntry] = {}
        self._done: dict[tuple[str, str], JournalEntry] = {}
        self._plans: dict[str, None] = {}  # every plan, the most recently written last
        for entry in _read(path):
            self._remember(entry)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and path.stat().st_size > compact_above:
                self._compact(keep_plans)
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as exc:
            raise ApplyError(
                f"cannot open the apply journal {path} ({exc.strerror})",
                hint="pass --journal FILE in a writable folder",
            ) from None
        if path.stat().st_size and not path.read_bytes().endswith(b"\n"):
            os.write(self._fd, b"\n")  # end a torn line so the next record stands alone

    def _compact(self, keep_plans: int) -> None:
        """Rewrite the journal with the last record of each change of the plans still needed:
        those with an unfinished change, and the ``keep_plans`` most recent. Atomic: the new file
        replaces the old one only once it is complete and on disk."""
        plans = list(self._plans)  # least recently written first
        keep = set(plans[-keep_plans:]) if keep_plans > 0 else set()
        keep |= {e.plan for e in self._last.values() if e.event not in _CLOSING}
        by_plan: dict[str, list[JournalEntry]] = {}
        for (plan, _change), entry in self._last.items():
            if plan in keep:
                by_plan.setdefault(plan, []).append(entry)
        kept = [entry for plan in plans for entry in by_plan.get(plan, ())]
        text = "".join(canonical_json(entry.to_json()) + "\n" for entry in kept)
        partial = self.path.with_name(self.path.name + ".compacting")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, text.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        partial.replace(self.path)
        folder = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
        self._last, self._done, self._plans = {}, {}, {}
        for entry in kept:
            self._remember(entry)

    def _remember(self, entry: JournalEntry) -> None:
        self._plans.pop(entry.plan, None)
        self._plans[entry.plan] = None
        key = (entry.plan, entry.change)
        self._last[key] = entry
        if entry.event is JournalEvent.DONE:
            self._done[key] = entry
        elif entry.event is JournalEvent.VOIDED:
            self._done.pop(key, None)

    # --- reading -----------------------------------------------------------------------------

    def done(self, plan: str) -> dict[str, JournalEntry]:
        """The changes of this plan recorded done, by change id, with what they created."""
        with self._lock:
            return {change: e for (p, change), e in self._done.items() if p == plan}

    def last(self, plan: str) -> dict[str, JournalEntry]:
        """The last record of each change of this plan, by change id."""
        with self._lock:
            return {change: e for (p, change), e in self._last.items() if p == plan}

    def unfinished(self) -> tuple[JournalEntry, ...]:
        """Changes of any plan started (or failed) and never settled: their outcome is unknown."""
        with self._lock:
            return tuple(e for e in self._last.values() if e.event not in _CLOSING)

    # --- writing -----------------------------------------------------------------------------

    def record(self, entry: JournalEntry) -> None:
        """Append one record and fsync it before returning."""
        stamped = entry if entry.time else _stamped(entry)
        line = (canonical_json(stamped.to_json()) + "\n").encode("utf-8")
        with self._lock:
            os.write(self._fd, line)
            os.fsync(self._fd)
            self._remember(stamped)

    def started(self, plan: str, change: str) -> None:
        self.record(JournalEntry(plan, change, JournalEvent.STARTED))

    def finished(
        self,
        plan: str,
        change: str,
        *,
        page_id: str | None = None,
        database_id: str | None = None,
        data_source_id: str | None = None,
    ) -> None:
        self.record(
            JournalEntry(
                plan,
                change,
                JournalEvent.DONE,
                page_id=page_id,
                database_id=database_id,
                data_source_id=data_source_id,
            )
        )

    def failed(self, plan: str, change: str, message: str) -> None:
        self.record(JournalEntry(plan, change, JournalEvent.FAILED, message=redact(message)))

    def absent(self, plan: str, change: str) -> None:
        """An unfinished create that a look-up showed never happened."""
        self.record(JournalEntry(plan, change, JournalEvent.ABSENT))

    def voided(self, plan: str, change: str, reason: str) -> None:
        """A ``done`` change that Notion no longer shows: no longer done (see ``recheck``)."""
        self.record(JournalEntry(plan, change, JournalEvent.VOIDED, message=redact(reason)))

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1


def _stamped(entry: JournalEntry) -> JournalEntry:
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return dataclasses.replace(entry, time=now)
