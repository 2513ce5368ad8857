"""Benchmark: planning 10,000 rows with 1% changed, against a naive whole-state DeepDiff.

An in-process emulator holds one tasks database of ``--rows`` rows (title, rich text key,
select, number, people, multi_select, date, checkbox). The manifest (YAML + a CSV through
``rows_from``) asks for the same rows except 1%: 60% of those changed (one or two fields each),
20% new and 20% missing (``prune: true``, so trashed). Measured, each step on its own:

- the live read through the gateway: requests against the minimum (1 to retrieve the database,
  1 its data source, 1 users list, ceil(rows/100) queries), and the apply requests the plan
  estimates against the minimum for its changes;
- CPU seconds (``time.process_time``) of the differ (``make_plan``) and of rendering text,
  markdown and JSON; the target is under 3 s for diff and render together;
- peak memory of diff + render (``tracemalloc``, a separate run, since tracing slows Python),
  target under 150 MB, and the whole process's peak resident set (emulator included);
- the naive baseline in the same run: one ``DeepDiff`` of every desired row against every live
  row (both resolved to the same comparable values, keyed by row key), CPU and peak memory.

Run: ``python benchmarks/plan_diff.py [--rows 10000] [--report]``; ``--report`` rewrites the
results section of benchmarks/REPORT-plan.md.
"""

from __future__ import annotations

import argparse
import copy
import csv
import datetime as dt
import math
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx
from deepdiff import DeepDiff

from reconciler import logs
from reconciler.config import RateLimitSettings, Secret
from reconciler.emulator import ROOT_PAGE_ID, Emulator
from reconciler.manifest import load_desired_state
from reconciler.model import DesiredState, LiveState
from reconciler.notion.notion_gateway import NotionGateway
from reconciler.plan import Plan, make_plan
from reconciler.plan.comparable import RowLayout
from reconciler.properties import WorkspaceReferences
from reconciler.readspec import read_specs
from reconciler.render import render_json, render_markdown, render_text

TOKEN = "secret_benchmark"
REPORT = Path(__file__).with_name("REPORT-plan.md")
DATABASE = "1d4f6c2a-0b3e-4f5a-8c7d-9e0f1a2b3c4d"
DATA_SOURCE = "2e5a7d3b-1c4f-4a6b-9d8e-0f1a2b3c4d5e"
USERS = [
    ("0000000a-0000-4000-8000-00000000000a", "Ada Lovelace", "ada@example.com"),
    ("0000000b-0000-4000-8000-00000000000b", "Grace Hopper", "grace@example.com"),
]
STATUSES = ("Todo", "Doing", "Done")
TAGS = ("docs", "frontend", "backend", "data")
MANIFEST = """\
database: tasks
id: {database}
title: Tasks
key: Slug
prune: true
properties:
  Name: title
  Slug: rich_text
  Status: {{type: select, options: [Todo, Doing, Done]}}
  Estimate: {{type: number, format: number}}
  Owner: people
  Tags: {{type: multi_select, options: [docs, frontend, backend, data]}}
  Due: date
  Done: checkbox
rows_from: tasks.csv
"""


def _row(n: int) -> dict[str, Any]:
    """The manifest values of task n."""
    return {
        "Slug": f"task-{n:05d}",
        "Name": f"Task number {n}: write the {TAGS[n % 4]} part",
        "Status": STATUSES[n % 3],
        "Estimate": n % 13,
        "Owner": USERS[n % 2][2],
        "Tags": ";".join(sorted({TAGS[n % 4], TAGS[(n // 4) % 4]})),
        "Due": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "Done": "true" if n % 5 == 0 else "false",
    }


def _text(content: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": content}}]


def _page(n: int, values: dict[str, Any]) -> dict[str, Any]:
    user = next(u for u in USERS if u[2] == values["Owner"])[0]
    return {
        "id": f"3f6b8e4c-2d5a-4b7c-8e9f-{n:012x}",
        "parent": {"type": "data_source_id", "data_source_id": DATA_SOURCE},
        "created_time": f"2026-05-{1 + n // 1440:02d}T{(n // 60) % 24:02d}:{n % 60:02d}:00.000Z",
        "properties": {
            "Name": {"title": _text(values["Name"])},
            "Slug": {"rich_text": _text(values["Slug"])},
            "Status": {"select": {"name": values["Status"]}},
            "Estimate": {"number": values["Estimate"]},
            "Owner": {"people": [{"object": "user", "id": user}]},
            "Tags": {"multi_select": [{"name": t} for t in values["Tags"].split(";")]},
            "Due": {"date": {"start": values["Due"]}},
            "Done": {"checkbox": values["Done"] == "true"},
        },
    }


def _schema() -> dict[str, Any]:
    def choices(names: tuple[str, ...]) -> dict[str, Any]:
        return {"options": [{"name": name} for name in names]}

    return {
        "Name": {"type": "title", "title": {}},
        "Slug": {"type": "rich_text", "rich_text": {}},
        "Status": {"type": "select", "select": choices(STATUSES)},
        "Estimate": {"type": "number", "number": {"format": "number"}},
        "Owner": {"type": "people", "people": {}},
        "Tags": {"type": "multi_select", "multi_select": choices(TAGS)},
        "Due": {"type": "date", "date": {}},
        "Done": {"type": "checkbox", "checkbox": {}},
    }


def build(rows: int, folder: Path) -> tuple[Emulator, int]:
    """Seed the emulator with ``rows`` rows and write the manifest asking for 1% changes."""
    changed = max(1, rows // 100)
    updates, creates = changed * 6 // 10, changed * 2 // 10
    trashes = changed - updates - creates
    live = [_row(n) for n in range(rows)]
    wanted = [dict(values) for values in live[: rows - trashes]]
    for index in range(updates):  # spread over the table, one or two fields each
        row = wanted[(index * 97) % len(wanted)]
        row["Status"] = STATUSES[(STATUSES.index(row["Status"]) + 1) % 3]
        if index % 2:
            row["Name"] = row["Name"] + " and review it"
    wanted += [_row(rows + n) for n in range(creates)]
    emulator = Emulator(tokens={TOKEN: "Benchmark"}, rate_limit=None)
    users = [
        {"object": "user", "id": uid, "name": name, "type": "person", "person": {"email": mail}}
        for uid, name, mail in USERS
    ]
    emulator.seed(
        {
            "users": users,
            "databases": [
                {
                    "id": DATABASE,
                    "parent": {"type": "page_id", "page_id": ROOT_PAGE_ID},
                    "title": _text("Tasks"),
                    "data_sources": [{"id": DATA_SOURCE, "properties": _schema()}],
                }
            ],
            "pages": [_page(n, values) for n, values in enumerate(live)],
        }
    )
    (folder / "tasks.yaml").write_text(MANIFEST.format(database=DATABASE), encoding="utf-8")
    with (folder / "tasks.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(wanted[0]))
        writer.writeheader()
        writer.writerows(wanted)
    return emulator, changed


def cpu(action: Callable[[], Any]) -> tuple[Any, float]:
    start = time.process_time()
    result = action()
    return result, time.process_time() - start


def peak_mb(action: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def gateway_copy(live: LiveState) -> LiveState:
    """A deep copy of the live state: what holding it costs (measured under tracemalloc)."""
    return copy.deepcopy(live)


def diff_and_render(desired: DesiredState, live: LiveState) -> Plan:
    plan = make_plan(desired, live, requests_per_second=3.0)
    render_text(plan)
    render_markdown(plan)
    render_json(plan)
    return plan


def naive(desired: DesiredState, live: LiveState) -> int:
    """DeepDiff of the whole desired state against the whole live state (resolved alike)."""
    refs = WorkspaceReferences.from_live(live)
    database = desired.databases[0]
    layout = RowLayout.of(database, live.databases[database.handle])
    wanted = {row.key: layout.desired(row, refs) for row in database.rows}
    have = {
        row.key: layout.live(row, refs)
        for row in live.databases[database.handle].rows
        if row.key is not None
    }
    return len(DeepDiff(have, wanted, ignore_numeric_type_changes=True).affected_root_keys)


def run(rows: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        emulator, changed = build(rows, folder)
        tracemalloc.start()
        desired, load_cpu = cpu(
            lambda: load_desired_state(["tasks.yaml"], environ={}, cwd=folder, root=folder)
        )
        desired_mb = tracemalloc.get_traced_memory()[0] / 1e6
        tracemalloc.stop()
    client = httpx.Client(transport=httpx.WSGITransport(app=emulator))
    gateway = NotionGateway(
        Secret(TOKEN), base_url="http://127.0.0.1", rate_limit=RateLimitSettings(rps=0),
        http_client=client,
    )  # fmt: skip
    live, read_cpu = cpu(lambda: gateway.read_state(read_specs(desired)))
    read_requests = gateway.stats().requests
    gateway.close()
    live_mb = peak_mb(lambda: gateway_copy(live))
    plan, diff_cpu = cpu(lambda: make_plan(desired, live, requests_per_second=3.0))
    _, text_cpu = cpu(lambda: render_text(plan))
    _, markdown_cpu = cpu(lambda: render_markdown(plan))
    _, json_cpu = cpu(lambda: render_json(plan))
    naive_rows, naive_cpu = cpu(lambda: naive(desired, live))
    plan_peak = peak_mb(lambda: diff_and_render(desired, live))
    naive_peak = peak_mb(lambda: naive(desired, live))
    emulator.close()
    writes = len(plan.changes)
    touched = len({c.page_id for c in plan.changes if c.live_hash is not None})
    return {
        "rows": rows,
        "changed": changed,
        "changes": writes,
        "counts": {cls.value: n for cls, n in plan.counts().items()},
        "read_requests": read_requests,
        "read_minimum": 3 + math.ceil(rows / 100),
        "apply_requests": plan.estimate.requests,
        "apply_minimum": writes + min(touched, math.ceil(rows / 100)),
        "load_cpu": load_cpu,
        "read_cpu": read_cpu,
        "diff_cpu": diff_cpu,
        "render_cpu": {"text": text_cpu, "markdown": markdown_cpu, "json": json_cpu},
        "plan_peak_mb": plan_peak,
        "naive_cpu": naive_cpu,
        "naive_peak_mb": naive_peak,
        "naive_rows": naive_rows,
        "desired_mb": desired_mb,
        "live_mb": live_mb,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def describe(result: dict[str, Any]) -> str:
    r = result
    render = r["render_cpu"]
    total = r["diff_cpu"] + sum(render.values())
    counts = r["counts"]
    held = r["desired_mb"] + r["live_mb"]
    versions = ", ".join(
        f"{name} {metadata.version(name)}" for name in ("deepdiff", "notion-client", "httpx")
    )
    renders = f"{render['text']:.3f} / {render['markdown']:.3f} / {render['json']:.3f} s"
    classes = f"{counts['safe']} safe, {counts['lossy']} lossy, {counts['destructive']} destructive"
    rows = [
        ("CPU: diff", f"{r['diff_cpu']:.2f} s", f"{r['naive_cpu']:.2f} s"),
        ("CPU: render text / markdown / JSON", renders, "(no plan to render)"),
        ("CPU: diff + render (target < 3 s)", f"**{total:.2f} s**", ""),
        (
            "Memory allocated by diff + render at peak",
            f"{r['plan_peak_mb']:.1f} MB",
            f"{r['naive_peak_mb']:.1f} MB",
        ),
        (
            "Peak with both states held (target < 150 MB)",
            f"**{r['plan_peak_mb'] + held:.1f} MB**",
            f"{r['naive_peak_mb'] + held:.1f} MB",
        ),
        ("Found different", f"{r['changes']} changes ({classes})", f"{r['naive_rows']} rows"),
    ]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    return f"""\
Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs,
{platform.system()} {platform.release()}; Python {platform.python_version()}, {versions}.
Date: {dt.date.today().isoformat()}.
Command: `python benchmarks/plan_diff.py --rows {r["rows"]}`.

| | plan (hash, then DeepDiff per changed row) | naive (one DeepDiff of everything) |
| --- | ---: | ---: |
{table}

- Rows: {r["rows"]:,} live, {r["changed"]} changed (1%): updates, creates and trashes.
- Live read: **{r["read_requests"]} requests against a minimum of {r["read_minimum"]}**
  (database, data source, users, one query per 100 rows); {r["read_cpu"]:.2f} CPU s in this
  process, emulator included (it runs in-process here).
- Apply, as the plan estimates it: **{r["apply_requests"]} requests**: {r["changes"]} writes
  (one per change) and {r["apply_requests"] - r["changes"]} for the stale-plan re-read of the
  rows the plan touches (one GET each, or one query per 100 live rows when that is fewer); the
  fewest an apply that checks for staleness can make ({r["apply_minimum"]}).
- Loading the manifest (YAML + CSV, not part of the diff; under tracemalloc, which slows it):
  {r["load_cpu"]:.2f} CPU s.
  States (tracemalloc): desired {r["desired_mb"]:.1f} MB, live {r["live_mb"]:.1f} MB.
  Whole process peak RSS, the in-process emulator and its rows included: {r["max_rss_mb"]:.0f} MB.
"""


def main() -> None:
    logs.configure(debug=False)
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--report", action="store_true", help="rewrite REPORT-plan.md's results")
    args = parser.parse_args()
    text = describe(run(args.rows))
    sys.stdout.write(text)
    if args.report:
        head = REPORT.read_text(encoding="utf-8").split("## Results", 1)[0]
        REPORT.write_text(f"{head}## Results\n\n{text}", encoding="utf-8")


if __name__ == "__main__":
    main()
