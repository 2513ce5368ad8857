"""The benchmark's workspace: one tasks database of N rows, and manifests asking for changes.

The rows, schema and manifest are those of ``benchmarks/plan_diff.py`` (title, rich-text key
``Slug``, select, number, people, multi_select, date, checkbox; rows from a CSV file through
``rows_from``), so the figures of every report describe the same data. Here the workspace is a
SQLite file the served emulator opens (``seeded`` builds it once per size and keeps it; every
run works on a copy), rows are created 100 per minute so that reads past the 10,000-row query
cap can page by ``created_time`` windows, and the manifest may ask for 1% changes (updates,
creates, trashes), for N new rows, or for an update of every row.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.gateway_read import minimum_requests
from benchmarks.plan_diff import (
    DATA_SOURCE,
    DATABASE,
    MANIFEST,
    STATUSES,
    USERS,
    _page,
    _row,
    _schema,
    _text,
)
from benchmarks.scenarios.pace import BURST, Pace
from benchmarks.scenarios.served import TOKEN

__all__ = [
    "DATABASE",
    "DATA_SOURCE",
    "ROWS_PER_MINUTE",
    "Wanted",
    "cli_env",
    "every_row_updated",
    "fresh_copy",
    "new_rows",
    "one_percent_changed",
    "read_minimum",
    "seeded",
    "write_repository",
]

ROWS_PER_MINUTE = 100
QUERY_CAP = 10_000
_SEED_CHUNK = 5000

Row = dict[str, Any]


@dataclass(frozen=True)
class Wanted:
    """The rows a manifest asks for, and how many creates, updates and trashes that makes."""

    rows: list[Row]
    creates: int
    updates: int
    trashes: int

    @property
    def changes(self) -> int:
        return self.creates + self.updates + self.trashes


def _minute(n: int) -> str:
    hour, minute = divmod(n, 60)
    day, hour = divmod(hour, 24)
    return f"2026-05-{1 + day:02d}T{hour:02d}:{minute:02d}:00.000Z"


def _seed(store: Path, rows: int) -> None:
    from reconciler.emulator import ROOT_PAGE_ID, Emulator

    emulator = Emulator(store=str(store), tokens={TOKEN: "Benchmark"}, rate_limit=None)
    users = [
        {"object": "user", "id": uid, "name": name, "type": "person", "person": {"email": mail}}
        for uid, name, mail in USERS
    ]
    database = {
        "id": DATABASE,
        "parent": {"type": "page_id", "page_id": ROOT_PAGE_ID},
        "title": _text("Tasks"),
        "data_sources": [{"id": DATA_SOURCE, "properties": _schema()}],
    }
    emulator.seed({"users": users, "databases": [database]})
    for start in range(0, rows, _SEED_CHUNK):
        pages = []
        for n in range(start, min(rows, start + _SEED_CHUNK)):
            page = _page(n, _row(n))
            page["created_time"] = _minute(n // ROWS_PER_MINUTE)
            pages.append(page)
        emulator.seed({"pages": pages})
    emulator.close()


def seeded(work: Path, rows: int) -> Path:
    """A workspace file holding ``rows`` tasks (built on first use, then kept in ``work``)."""
    store = work / f"tasks-{rows}.sqlite"
    if not store.exists():
        partial = work / f"tasks-{rows}.partial.sqlite"
        partial.unlink(missing_ok=True)
        _seed(partial, rows)
        partial.rename(store)
    return store


def fresh_copy(seed: Path, folder: Path) -> Path:
    """A copy of a seeded workspace to run against (runs never change the seed)."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "workspace.sqlite"
    shutil.copyfile(seed, copy)
    return copy


def one_percent_changed(rows: int) -> Wanted:
    """As plan_diff: 1% of the rows differ, 60% of them updated, 20% new, 20% gone (trashed)."""
    changed = max(1, rows // 100)
    updates, creates = changed * 6 // 10, changed * 2 // 10
    trashes = changed - updates - creates
    wanted = [_row(n) for n in range(rows - trashes)]
    for index in range(updates):  # spread over the table, one or two fields each
        row = wanted[(index * 97) % len(wanted)]
        row["Status"] = STATUSES[(STATUSES.index(row["Status"]) + 1) % 3]
        if index % 2:
            row["Name"] = row["Name"] + " and review it"
    wanted += [_row(rows + n) for n in range(creates)]
    return Wanted(wanted, creates, updates, trashes)


def new_rows(count: int) -> Wanted:
    """``count`` rows for an empty database: every one a create."""
    return Wanted([_row(n) for n in range(count)], count, 0, 0)


def every_row_updated(count: int) -> Wanted:
    """Every one of ``count`` seeded rows with a new estimate: every one an update."""
    rows = [_row(n) for n in range(count)]
    for row in rows:
        row["Estimate"] = row["Estimate"] + 100
    return Wanted(rows, 0, count, 0)


def write_repository(root: Path, wanted: Wanted, pace: Pace | None) -> Path:
    """reconciler.yaml (the limiter at the pace's rate) and the tasks manifest with its CSV."""
    folder = root / "manifests"
    folder.mkdir(parents=True, exist_ok=True)
    rate = (
        f"rate_limit: {{rps: {pace.rps:g}, burst: {BURST}}}\n"
        if pace
        else "rate_limit:\n  rps: 0\n"
    )
    (root / "reconciler.yaml").write_text(
        "manifests: manifests\n"
        + rate
        + "gates: {max_delete_fraction: 1.0, max_deletes: 1000000}\n",
        encoding="utf-8",
    )
    (folder / "tasks.yaml").write_text(MANIFEST.format(database=DATABASE), encoding="utf-8")
    write_rows(folder / "tasks.csv", wanted.rows)
    return folder / "tasks.csv"


def write_rows(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["Slug"])
        writer.writeheader()
        writer.writerows(rows)


def read_minimum(rows: int) -> int:
    """Fewest requests to read the database (as ``benchmarks/gateway_read.py`` counts them)."""
    return minimum_requests(rows, QUERY_CAP, ROWS_PER_MINUTE)


def cli_env(url: str) -> dict[str, str]:
    """The environment of a CLI run against the served emulator (no approval preset)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTION_", "RECONCILER_"))}
    env.update(NOTION_TOKEN=TOKEN, NOTION_BASE_URL=url, NO_COLOR="1")
    return env
