"""The emulated workspace in SQLite: one table of objects, each a few indexed columns + a JSON body.

Pages, databases, data sources, blocks and users are rows of ``objects``; the columns are what
lists and queries filter and order on (kind, parent, data source, creation order, position among
siblings, trash flag, times) and ``body`` holds the rest. A file store uses WAL and survives
restarts; ``:memory:`` lives as long as the Emulator. One connection serves all threads under a
re-entrant lock: every API request runs as one transaction (see :meth:`Store.transaction`);
:meth:`Store.recording` keeps the state before the request of every object it saves (what changed
is what webhooks tell). Used by the workspace operations, the query engine and the admin API.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = ["Row", "RowStamp", "Store", "StoreError"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    parent_id TEXT,
    data_source_id TEXT,
    seq INTEGER NOT NULL,
    ord REAL NOT NULL,
    in_trash INTEGER NOT NULL DEFAULT 0,
    created_time TEXT NOT NULL,
    last_edited_time TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS objects_rows ON objects (data_source_id, in_trash, seq);
CREATE INDEX IF NOT EXISTS objects_children ON objects (parent_id, ord);
CREATE INDEX IF NOT EXISTS objects_kind ON objects (kind, seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

_SELECT = (
    "SELECT id, kind, parent_id, data_source_id, seq, ord, in_trash, created_time, "
    "last_edited_time, body FROM objects "
)
_GET = _SELECT + "WHERE id = ?"
_OF_KIND = _SELECT + "WHERE kind = ? ORDER BY seq"
_CHILDREN = _SELECT + (
    "WHERE parent_id = ? AND kind IN ('page', 'database', 'block') ORDER BY ord, seq"
)
_ROWS_OF = _SELECT + "WHERE data_source_id = ? AND kind = 'page' ORDER BY seq DESC"
_SAVE = (
    "INSERT OR REPLACE INTO objects (id, kind, parent_id, data_source_id, seq, ord, in_trash, "
    "created_time, last_edited_time, body) VALUES (?,?,?,?,?,?,?,?,?,?)"
)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _unstamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _minute(text: str) -> str:
    """A stored UTC stamp as pages show it: ``2026-06-27T17:11:00.000Z``."""
    return text[:16] + ":00.000Z"


@dataclass
class Row:
    """One stored object: its indexed columns and its JSON body (mutated, then saved back)."""

    id: str
    kind: str
    created_time: datetime
    last_edited_time: datetime
    body: dict[str, Any]
    parent_id: str | None = None
    data_source_id: str | None = None
    seq: int = 0
    ord: float = 0.0
    in_trash: bool = False


@dataclass(frozen=True)
class RowStamp:
    """A data source row's id and times as pages show them (minute precision), for ordering
    and timestamp filters without decoding its body."""

    id: str
    seq: int
    created_time: str
    last_edited_time: str
    in_trash: bool


@dataclass
class _Counters:
    seq: int = 0


class StoreError(Exception):
    """The store file cannot be opened or is not an emulator workspace."""


def _refuse_foreign(db: sqlite3.Connection, path: str) -> None:
    """Refuse an SQLite file of another program rather than add the emulator's tables to it."""
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables and "objects" not in tables:
        raise StoreError(
            f"{path} is an SQLite database but not an emulator workspace (it holds the tables "
            f"{', '.join(sorted(tables))}); give the path of a new file or of a store this "
            "emulator wrote"
        )


class Store:
    """SQLite persistence of the workspace; thread-safe, one transaction per request."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            _refuse_foreign(self._db, path)
            if path != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            found = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM objects").fetchone()[0]
        except sqlite3.Error as error:
            raise StoreError(
                f"cannot open the emulator store {path}: {error}; give a writable file path "
                "(its folder must exist) or a file this emulator wrote, or move the file "
                "away to start an empty workspace there"
            ) from None
        self._counters = _Counters(seq=int(found))
        self._depth = 0
        self._journal: dict[str, Row | None] | None = None

    # -- transactions -------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block atomically; nested uses join the outer transaction."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                self._reload_counter()
                raise
            else:
                self._db.execute("COMMIT")
            finally:
                self._depth = 0

    @contextmanager
    def recording(self) -> Iterator[dict[str, Row | None]]:
        """Inside a transaction: each object saved in the block, as it was before (None: new)."""
        with self._lock:
            journal: dict[str, Row | None] = {}
            self._journal = journal
            try:
                yield journal
            finally:
                self._journal = None

    def _reload_counter(self) -> None:
        found = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM objects").fetchone()[0]
        self._counters.seq = int(found)

    def close(self) -> None:
        """Close the connection (the file keeps the workspace)."""
        with self._lock:
            self._db.close()

    # -- rows ---------------------------------------------------------------------------------

    def next_seq(self) -> int:
        """The next creation-order number."""
        with self._lock:
            self._counters.seq += 1
            return self._counters.seq

    @staticmethod
    def _row(record: sqlite3.Row) -> Row:
        return Row(
            id=record["id"],
            kind=record["kind"],
            parent_id=record["parent_id"],
            data_source_id=record["data_source_id"],
            seq=record["seq"],
            ord=record["ord"],
            in_trash=bool(record["in_trash"]),
            created_time=_unstamp(record["created_time"]),
            last_edited_time=_unstamp(record["last_edited_time"]),
            body=json.loads(record["body"]),
        )

    def get(self, object_id: str) -> Row | None:
        """The object with this id, of any kind."""
        with self._lock:
            found = self._db.execute(_GET, (object_id,)).fetchone()
        return self._row(found) if found is not None else None

    def get_many(self, ids: Sequence[str]) -> dict[str, Row]:
        """The objects with these ids that exist, by id."""
        out: dict[str, Row] = {}
        with self._lock:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = ",".join("?" * len(chunk))
                for record in self._db.execute(
                    _SELECT + f"WHERE id IN ({marks})",  # placeholders only
                    chunk,
                ):
                    row = self._row(record)
                    out[row.id] = row
        return out

    def save(self, row: Row) -> None:
        """Insert the row, or replace it when it exists."""
        with self._lock:
            if self._journal is not None and row.id not in self._journal:
                self._journal[row.id] = self.get(row.id)
            self._db.execute(
                _SAVE,
                (
                    row.id,
                    row.kind,
                    row.parent_id,
                    row.data_source_id,
                    row.seq,
                    row.ord,
                    int(row.in_trash),
                    _stamp(row.created_time),
                    _stamp(row.last_edited_time),
                    json.dumps(row.body, separators=(",", ":")),
                ),
            )

    def delete(self, object_id: str) -> None:
        """Remove the object for good (the API never does; reset and seed do)."""
        with self._lock:
            self._db.execute("DELETE FROM objects WHERE id = ?", (object_id,))

    def clear(self) -> None:
        """Remove every object and every meta value."""
        with self._lock:
            self._db.execute("DELETE FROM objects")
            self._db.execute("DELETE FROM meta")
            self._counters = _Counters()

    def of_kind(self, kind: str) -> list[Row]:
        """Every object of this kind, in creation order."""
        with self._lock:
            records = self._db.execute(_OF_KIND, (kind,)).fetchall()
        return [self._row(r) for r in records]

    def children(self, parent_id: str) -> list[Row]:
        """Pages, databases and blocks directly under this parent, in their order."""
        with self._lock:
            records = self._db.execute(_CHILDREN, (parent_id,)).fetchall()
        return [self._row(r) for r in records]

    def last_child_ord(self, parent_id: str) -> float:
        """The position of the last child of this parent (0 when it has none)."""
        with self._lock:
            found = self._db.execute(
                "SELECT MAX(ord) FROM objects WHERE parent_id = ?", (parent_id,)
            ).fetchone()[0]
        return float(found) if found is not None else 0.0

    def shift_children(self, parent_id: str, after: float, by: float) -> None:
        """Move every child positioned after ``after`` further down by ``by``."""
        with self._lock:
            self._db.execute(
                "UPDATE objects SET ord = ord + ? WHERE parent_id = ? AND ord > ?",
                (by, parent_id, after),
            )

    def row_stamps(self, data_source_id: str, in_trash: bool | None) -> list[RowStamp]:
        """The rows of a data source, newest first (Notion's order without sorts)."""
        sql = (
            "SELECT id, seq, created_time, last_edited_time, in_trash FROM objects "
            "WHERE data_source_id = ? AND kind = 'page'"
        )
        params: list[object] = [data_source_id]
        if in_trash is not None:
            sql += " AND in_trash = ?"
            params.append(int(in_trash))
        sql += " ORDER BY seq DESC"
        with self._lock:
            records = self._db.execute(sql, params).fetchall()
        return [
            RowStamp(
                id=r["id"],
                seq=r["seq"],
                created_time=_minute(r["created_time"]),
                last_edited_time=_minute(r["last_edited_time"]),
                in_trash=bool(r["in_trash"]),
            )
            for r in records
        ]

    def rows_of(self, data_source_id: str) -> list[Row]:
        """Every page of a data source (trashed ones too), newest first."""
        with self._lock:
            records = self._db.execute(_ROWS_OF, (data_source_id,)).fetchall()
        return [self._row(r) for r in records]

    def count(self) -> int:
        """How many objects the workspace holds."""
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM objects").fetchone()[0])

    # -- meta ---------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A stored setting, or None."""
        with self._lock:
            found = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(found[0]) if found is not None else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a setting."""
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
