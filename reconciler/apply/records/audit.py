"""The audit log: one JSON line per operation an apply performed, failed or skipped.

Fields: ``time`` (UTC), ``actor`` (``GITHUB_ACTOR`` in GitHub Actions, else the local user),
``plan`` (checksum), ``operation`` (the change's action), ``database`` (handle), ``key`` (the
row key or property name), ``page_id``, ``request_id`` (Notion's, when an error carried one),
``outcome`` (done, recovered, failed, skipped, not_started) and ``message``. Messages pass through
the log redaction, so the token never reaches the file. Written by the apply session, appended
to ``.reconciler/audit.jsonl`` by default; each line is flushed at once.
"""

from __future__ import annotations

import getpass
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reconciler.apply.running.outcome import ChangeOutcome
from reconciler.errors import ApplyError
from reconciler.logs import redact
from reconciler.model import canonical_json

__all__ = ["AuditLog", "AuditRecord", "current_actor"]


def current_actor(environ: Mapping[str, str] | None = None) -> str:
    """Who runs the apply: the GitHub actor in Actions, else the local user name."""
    env = os.environ if environ is None else environ
    actor = env.get("GITHUB_ACTOR", "").strip()
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


@dataclass(frozen=True)
class AuditRecord:
    """One operation and how it ended."""

    plan: str
    operation: str
    database: str
    key: str
    outcome: str
    page_id: str | None = None
    request_id: str | None = None
    message: str = ""

    @classmethod
    def of(cls, plan: str, outcome: ChangeOutcome) -> AuditRecord:
        """The record of one change's outcome in the plan with this checksum."""
        change = outcome.change
        return cls(
            plan=plan,
            operation=change.action.value,
            database=change.database,
            key=change.target,
            outcome="recovered" if outcome.recovered else outcome.status.value,
            page_id=outcome.page_id or change.page_id,
            request_id=outcome.request_id,
            message=outcome.message,
        )


class AuditLog:
    """Appends ``AuditRecord`` lines for one actor; thread-safe."""

    def __init__(self, path: Path, actor: str) -> None:
        self.path = path
        self.actor = actor
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a", encoding="utf-8")
        except OSError as exc:
            raise ApplyError(
                f"cannot open the audit log {path} ({exc.strerror})",
                hint="pass --audit-log FILE in a writable folder",
            ) from None

    def write(self, record: AuditRecord) -> None:
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "actor": self.actor,
            "plan": record.plan,
            "operation": record.operation,
            "database": record.database,
            "key": record.key,
            "page_id": record.page_id,
            "request_id": record.request_id,
            "outcome": record.outcome,
            "message": record.message,
        }
        with self._lock:
            self._file.write(redact(canonical_json(line)) + "\n")
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()
