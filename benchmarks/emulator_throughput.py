"""Benchmark: in-process emulator throughput through the real notion-client.

Creates ``--rows`` pages (default 10,000; title, number, select, date and rich text each) in one
data source, then reads them all back by queries of 100 (following ``next_cursor``), then runs a
filtered and sorted read and a read of every row by ``created_time`` windows (the 10,000-row cap
workaround). Everything goes through ``notion_client.Client`` over httpx's WSGI transport, rate
limit off, store in memory (``--store FILE`` for a SQLite file). Times are wall-clock; the
emulator's own share comes from its request log. Run:
``python benchmarks/emulator_throughput.py [--rows 10000] [--store FILE] [--report]``;
``--report`` rewrites benchmarks/REPORT-emulator.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
from notion_client import Client

from reconciler.emulator import ROOT_PAGE_ID, Emulator

TOKEN = "secret_benchmark"
REPORT = Path(__file__).with_name("REPORT-emulator.md")
SCHEMA = {
    "Name": {"title": {}},
    "Estimate": {"number": {"format": "number"}},
    "Stage": {"select": {"options": [{"name": "Todo"}, {"name": "Doing"}, {"name": "Done"}]}},
    "Due": {"date": {}},
    "Notes": {"rich_text": {}},
}
STAGES = ("Todo", "Doing", "Done")
Measure = tuple[str, int, float, float]
"""(what, operations, wall-clock seconds, CPU seconds)."""


def client(emulator: Emulator) -> Any:
    """notion-client bound in-process to the emulator (retry off)."""
    return Client(
        auth=TOKEN,
        client=httpx.Client(transport=httpx.WSGITransport(app=emulator)),
        base_url="http://notion.emulator",
        retry=False,
    )


def timed(label: str, results: list[Measure], count: int, action: Callable[[], Any]) -> Any:
    """Run an action, record (label, operations, wall seconds, CPU seconds), return its result."""
    start, cpu = time.perf_counter(), time.process_time()
    out = action()
    results.append((label, count, time.perf_counter() - start, time.process_time() - cpu))
    return out


def create_rows(notion: Any, source: str, rows: int) -> None:
    """``rows`` pages, one request each."""
    for n in range(rows):
        notion.pages.create(
            parent={"data_source_id": source},
            properties={
                "Name": {"title": [{"text": {"content": f"Task {n}"}}]},
                "Estimate": {"number": n % 13},
                "Stage": {"select": {"name": STAGES[n % 3]}},
                "Due": {"date": {"start": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}"}},
                "Notes": {"rich_text": [{"text": {"content": f"Notes for task {n}"}}]},
            },
        )


def read_all(notion: Any, source: str, body: dict[str, Any]) -> tuple[int, int]:
    """(rows, queries) of a query read to its end by pages of 100."""
    rows = queries = 0
    cursor = None
    while True:
        extra: dict[str, Any] = {"start_cursor": cursor} if cursor else {}
        answer = notion.data_sources.query(data_source_id=source, page_size=100, **body, **extra)
        rows, queries = rows + len(answer["results"]), queries + 1
        cursor = answer["next_cursor"]
        if not cursor:
            return rows, queries


def read_by_windows(notion: Any, source: str) -> tuple[int, int]:
    """(distinct rows, queries) read by created_time windows, as past the 10,000 cap."""
    seen: set[str] = set()
    queries = 0
    since: str | None = None
    while True:
        condition = (
            {"timestamp": "created_time", "created_time": {"on_or_after": since}} if since else None
        )
        body: dict[str, Any] = {"sorts": [{"timestamp": "created_time", "direction": "ascending"}]}
        if condition:
            body["filter"] = condition
        cursor, last, fresh = None, None, 0
        while True:
            extra: dict[str, Any] = {"start_cursor": cursor} if cursor else {}
            answer = notion.data_sources.query(
                data_source_id=source, page_size=100, **body, **extra
            )
            queries += 1
            for row in answer["results"]:
                fresh += row["id"] not in seen
                seen.add(row["id"])
                last = row["created_time"]
            cursor = answer["next_cursor"]
            if not cursor:
                break
        if not answer.get("request_status") or fresh == 0:
            return len(seen), queries
        since = last


def simulated_clock() -> Callable[[], dt.datetime]:
    """A clock one second further at every reading: rows spread over minutes as when a real
    client creates them at Notion's pace, so created_time windows can make progress."""
    moments = iter(
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=n) for n in range(10**9)
    )
    return lambda: next(moments)


def run(rows: int, store: str) -> list[Measure]:
    """Every measurement, as (what, operations, seconds)."""
    emulator = Emulator(
        store=store, tokens={TOKEN: "Benchmark"}, rate_limit=None, clock=simulated_clock()
    )
    notion = client(emulator)
    database = notion.databases.create(
        parent={"page_id": ROOT_PAGE_ID},
        title=[{"text": {"content": "Benchmark"}}],
        initial_data_source={"properties": SCHEMA},
    )
    source = database["data_sources"][0]["id"]
    results: list[Measure] = []
    timed(
        f"create {rows} pages (1 request each)",
        results,
        rows,
        lambda: create_rows(notion, source, rows),
    )
    created = emulator.requests()
    read, queries = timed(
        "read every row, queries of 100", results, 0, lambda: read_all(notion, source, {})
    )
    results[-1] = (f"read {read} rows by {queries} queries of 100", queries, *results[-1][2:])
    body = {
        "filter": {"property": "Stage", "select": {"equals": "Done"}},
        "sorts": [{"property": "Estimate", "direction": "descending"}],
    }
    done, queries = timed("filtered", results, 0, lambda: read_all(notion, source, body))
    results[-1] = (
        f"read {done} rows filtered (select) and sorted (number), {queries} queries",
        queries,
        *results[-1][2:],
    )
    windows, queries = timed("windows", results, 0, lambda: read_by_windows(notion, source))
    results[-1] = (
        f"read {windows} rows by created_time windows, {queries} queries",
        queries,
        *results[-1][2:],
    )
    inside = sum(r["duration_ms"] for r in created) / 1000
    results.append(("emulator's own wall time inside the creates (request log)", rows, inside, 0.0))
    emulator.close()
    return results


def environment() -> str:
    """Machine and versions, for the report."""
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("notion-client", "httpx"))
    cpu = platform.processor() or platform.machine()
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; {versions}"
    )


def table(results: list[Measure]) -> str:
    """The measurements as a markdown table."""
    lines = [
        "| what | wall s | CPU s | per wall second | per CPU second |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, count, wall, cpu in results:
        rate = f"{count / wall:,.0f}" if count and wall else ""
        cpu_rate = f"{count / cpu:,.0f}" if count and cpu else ""
        shown_cpu = f"{cpu:.2f}" if cpu else ""
        lines.append(f"| {label} | {wall:.2f} | {shown_cpu} | {rate} | {cpu_rate} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--store", default=":memory:", help="SQLite file (default: in memory)")
    parser.add_argument(
        "--report", action="store_true", help="rewrite benchmarks/REPORT-emulator.md"
    )
    args = parser.parse_args()
    results = run(args.rows, args.store)
    shown = table(results)
    print(shown)
    print(environment())
    if args.report:
        REPORT.write_text(
            REPORT.read_text(encoding="utf-8").split("<!-- figures -->")[0]
            + "<!-- figures -->\n"
            + f"Run on {dt.date.today().isoformat()}: {environment()}; store {args.store}.\n\n"
            + shown
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
