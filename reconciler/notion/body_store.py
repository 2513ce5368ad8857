"""What the gateway keeps of page bodies between runs: the read cache and what it last wrote.

Both live in ``<state folder>/cache/`` (``.reconciler/cache/`` by default), which is safe to
delete (the next plan reads every managed body again, and a body's overwrite is classed lossy
until the reconciler writes it again):

- ``bodies.json``: each page's last read body, keyed by page id with the page's
  ``created_time`` and ``last_edited_time`` and when Notion answered the read (its ``Date``
  header). A cached body is used only while the page's ``last_edited_time`` is the one it was
  read at, and only when the read came at least ``MARGIN`` after that time: Notion rounds
  ``last_edited_time`` down to the minute, so an edit in the same minute as the read would
  leave it unchanged, and a cached read from within that minute is never trusted.
- ``written.json``: for each page whose body the reconciler wrote, the hash of the Markdown it
  sent and of what Notion held right after (read back), so that a plan can tell a body still as
  the reconciler left it (overwriting it is safe) from one edited in Notion since (lossy).

A store without a folder keeps both in memory for the gateway's lifetime. Files are written
whole and atomically; a cache that cannot be read or written is ignored with a warning (it only
saves requests). Thread-safe. Used by the gateway's body reader and writer.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from reconciler.logs import logger
from reconciler.model import JSON, LiveBody, LiveRow, WrittenBody

__all__ = ["MARGIN", "SAVE_EVERY", "BodyStore"]

log = logger(__name__)

MARGIN: Final = timedelta(minutes=2)
"""How long after a page's ``last_edited_time`` a read must come to be trusted later: the minute
Notion rounds down to, and a minute for the difference between its clocks."""

MAX_CACHED: Final = 100_000
"""Pages kept in the read cache; the ones read longest ago go first."""

SAVE_EVERY: Final = 50
"""Body writes recorded between two saves of ``written.json``."""

_FORMAT: Final = 1


@dataclass(frozen=True)
class _Cached:
    created_time: str
    last_edited_time: str
    read_at: str
    body: LiveBody


def _instant(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class BodyStore:
    """The read cache and the write records of one state folder (or of memory)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder
        self._lock = threading.Lock()
        self._cache: dict[str, _Cached] = {}
        self._written: dict[str, WrittenBody] = {}
        self._changed = {"bodies": False, "written": False}
        self._unsaved = 0
        if folder is not None:
            self._cache = _load_cache(folder / "bodies.json")
            self._written = _load_written(folder / "written.json")

    def __repr__(self) -> str:
        return f"BodyStore({str(self._folder) if self._folder else 'memory'})"

    # --- the read cache ----------------------------------------------------------------------

    def cached(self, row: LiveRow) -> LiveBody | None:
        """The cached body of the row's page, when it can be trusted (see the module docs)."""
        with self._lock:
            entry = self._cache.get(row.page_id)
        if entry is None or not row.last_edited_time:
            return None
        if (entry.created_time, entry.last_edited_time) != (
            row.created_time,
            row.last_edited_time,
        ):
            return None
        edited, read = _instant(entry.last_edited_time), _instant(entry.read_at)
        if edited is None or read is None or read - edited < MARGIN:
            return None
        return entry.body

    def remember(self, row: LiveRow, body: LiveBody, read_at: datetime) -> None:
        """Keep a body just read, with the page's times and when Notion answered."""
        plain = LiveBody(body.markdown, body.truncated, body.unknown_block_ids, hash=body.hash)
        stamp = read_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
        with self._lock:
            self._cache[row.page_id] = _Cached(row.created_time, row.last_edited_time, stamp, plain)
            self._changed["bodies"] = True

    # --- what was written --------------------------------------------------------------------

    def written(self, page_id: str) -> WrittenBody | None:
        """What the reconciler last wrote to this page's body (None: nothing known)."""
        with self._lock:
            return self._written.get(page_id)

    def record_written(self, page_id: str, written: WrittenBody) -> None:
        """Remember a body write (saved every ``SAVE_EVERY`` writes and when the gateway
        closes: a record lost to a crash only makes the next overwrite of that body lossy)."""
        with self._lock:
            self._written[page_id] = written
            self._changed["written"] = True
            self._unsaved += 1
            due = self._unsaved >= SAVE_EVERY
        if due:
            self.save()

    # --- files -------------------------------------------------------------------------------

    def save(self) -> None:
        """Write what changed to the folder (nothing without one)."""
        if self._folder is None:
            return
        with self._lock:
            bodies, written = self._changed["bodies"], self._changed["written"]
            self._changed = {"bodies": False, "written": False}
            self._unsaved = 0
            cache = dict(self._cache)
            records = dict(self._written)
        if bodies:
            _write(self._folder / "bodies.json", _cache_json(cache))
        if written:
            _write(
                self._folder / "written.json",
                {p: {"sent": w.sent, "held": w.held, "raw": w.raw} for p, w in records.items()},
            )


def _cache_json(cache: dict[str, _Cached]) -> dict[str, JSON]:
    newest = sorted(cache.items(), key=lambda item: item[1].read_at, reverse=True)[:MAX_CACHED]
    return {
        page: {
            "created_time": entry.created_time,
            "last_edited_time": entry.last_edited_time,
            "read_at": entry.read_at,
            "markdown": entry.body.markdown,
            "truncated": entry.body.truncated,
            "unknown_block_ids": list(entry.body.unknown_block_ids),
            "hash": entry.body.hash,
        }
        for page, entry in newest
    }


def _read(path: Path) -> dict[str, JSON]:
    """The ``pages`` of a store file; empty when it is missing, unreadable or of another format."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        log.warning("ignoring an unreadable body cache file", path=str(path), error=str(error))
        return {}
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        return {}
    pages = document.get("pages")
    return pages if isinstance(pages, dict) else {}


def _load_cache(path: Path) -> dict[str, _Cached]:
    cache: dict[str, _Cached] = {}
    for page, raw in _read(path).items():
        if not isinstance(raw, dict):
            continue
        texts = [raw.get(k) for k in ("created_time", "last_edited_time", "read_at", "markdown")]
        unknown = raw.get("unknown_block_ids")
        if not all(isinstance(t, str) for t in texts) or not isinstance(unknown, list):
            continue
        known = raw.get("hash")
        body = LiveBody(
            str(texts[3]),
            raw.get("truncated") is True,
            tuple(map(str, unknown)),
            hash=known if isinstance(known, str) else "",
        )
        cache[page] = _Cached(str(texts[0]), str(texts[1]), str(texts[2]), body)
    return cache


def _load_written(path: Path) -> dict[str, WrittenBody]:
    written: dict[str, WrittenBody] = {}
    for page, raw in _read(path).items():
        if isinstance(raw, dict) and isinstance(raw.get("sent"), str):
            held, sent = raw.get("held"), raw.get("raw")
            if isinstance(held, str):
                written[page] = WrittenBody(
                    str(raw["sent"]), held, sent if isinstance(sent, str) else ""
                )
    return written


def _write(path: Path, pages: dict[str, JSON]) -> None:
    text = json.dumps({"format": _FORMAT, "pages": pages}, ensure_ascii=False, sort_keys=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        Path(temporary).replace(path)
    except OSError as error:
        log.warning("cannot save the body cache", path=str(path), error=error.strerror)
