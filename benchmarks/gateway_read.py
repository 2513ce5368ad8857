"""Benchmark: the gateway reading a 10,000-row database from the emulator over TCP, rate-limited.

The emulator runs in a child process (so this process's CPU time and memory are the gateway's
alone), seeded with ``--rows`` rows (title, number, select, date, rich text; ``--per-minute``
rows share each created_time minute), its rate limit on at ``--rps`` with burst 10, optionally
with ``--latency-ms`` added to every answer. The gateway reads the database with ``read_state``
through a limiter set to the same rate. Reported: requests made against the minimum (2 to locate
the database and its schema, 1 for the users, ceil(rows/100) queries, plus the created_time
window overlap past the query cap), 429s, wall time against the rate-limit floor ((minimum -
our burst) / rps), CPU seconds and peak resident memory of this process.

Run: ``python benchmarks/gateway_read.py [--rows 10000] [--rps 3] [--latency-ms 0] [--report]``;
``--report`` appends the run to benchmarks/REPORT-gateway.md (``--scale N`` multiplies the rate
of both sides by N to shorten a run; the floor scales with it and the report says so).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

from reconciler.config import RateLimitSettings, Secret, Settings
from reconciler.model import DesiredDatabase, DesiredState, PropertySpec, SourceLocation
from reconciler.notion import NotionGateway, bucket_burst
from reconciler.readspec import read_specs

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(REPO))

from benchmarks.scenarios.machine import one_line  # noqa: E402

TOKEN = "secret_benchmark"
REPORT = Path(__file__).with_name("REPORT-gateway.md")
DATABASE = "1d4f6c2a-0b3e-4f5a-8c7d-9e0f1a2b3c4d"
DATA_SOURCE = "2e5a7d3b-1c4f-4a6b-9d8e-0f1a2b3c4d5e"

# The child process: seed the workspace, serve it, print the URL, serve until stdin closes.
SERVER = """
import json, sys
from reconciler.emulator import Emulator
rows, per_minute, rps, latency, database, source, token = sys.argv[1:8]
rows, per_minute, rps, latency = int(rows), int(per_minute), float(rps), float(latency)
emu = Emulator(tokens={token: "Benchmark"}, rate_limit=None)
schema = {
    "Name": {"type": "title", "title": {}},
    "Estimate": {"type": "number", "number": {"format": "number"}},
    "Stage": {"type": "select", "select": {"options": [{"name": "Todo"}, {"name": "Done"}]}},
    "Due": {"type": "date", "date": {}},
    "Notes": {"type": "rich_text", "rich_text": {}},
}
def text(s): return [{"type": "text", "text": {"content": s}}]
def minute(n):
    h, m = divmod(n, 60); d, h = divmod(h, 24)
    return f"2026-05-{1 + d:02d}T{h:02d}:{m:02d}:00.000Z"
pages = [{
    "id": f"3f6b8e4c-2d5a-4b7c-8e9f-{n:012x}",
    "parent": {"type": "data_source_id", "data_source_id": source},
    "created_time": minute(n // per_minute),
    "properties": {
        "Name": {"title": text(f"task {n}")}, "Estimate": {"number": n % 13},
        "Stage": {"select": {"name": "Todo" if n % 3 else "Done"}},
        "Due": {"date": {"start": "2026-12-01"}}, "Notes": {"rich_text": text(f"note {n}")},
    },
} for n in range(rows)]
emu.seed({"databases": [{"id": database, "title": text("Tasks"),
                         "data_sources": [{"id": source, "properties": schema}]}],
          "pages": pages})
emu.configure({"rate_limit": {"rps": rps, "burst": 10},
               "latency_ms": {"mean": latency, "jitter": latency / 5}})
with emu.serve() as server:
    print(server.url, flush=True)
    sys.stdin.read()
    print(json.dumps(emu.stats()), flush=True)
"""


def desired() -> DesiredState:
    where = SourceLocation("manifests/tasks.yaml", 1, 1)
    specs = (
        PropertySpec("Name", "title"),
        PropertySpec("Estimate", "number", {"format": "number"}),
        PropertySpec("Stage", "select", {"options": [{"name": "Todo"}, {"name": "Done"}]}),
        PropertySpec("Due", "date"),
        PropertySpec("Notes", "rich_text"),
    )
    database = DesiredDatabase("tasks", "Tasks", "Name", specs, (), where, id=DATABASE)
    return DesiredState((database,), Settings(), Path("."))


def minimum_requests(rows: int, cap: int, per_minute: int) -> int:
    """Locate (2) + users (1) + the queries of every created_time window."""
    queries, start = 0, 0
    while True:
        in_window = min(cap, rows - start)
        queries += max(1, math.ceil(in_window / 100))
        if rows - start <= cap:
            return 3 + queries
        last = start + cap - 1
        start = (last // per_minute) * per_minute  # the next window re-reads that minute


def run(args: argparse.Namespace) -> dict[str, object]:
    rps = args.rps * args.scale
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(args.rows), str(args.per_minute), str(rps),
         str(args.latency_ms), DATABASE, DATA_SOURCE, TOKEN],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdin is not None
    assert server.stdout is not None
    url = server.stdout.readline().strip()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    gateway = NotionGateway(
        Secret(TOKEN), base_url=url, rate_limit=RateLimitSettings(rps=rps, burst=10)
    )
    time.sleep(10 / rps)  # let the emulator's bucket fill after seeding, as an idle API's is
    cpu, wall = time.process_time(), time.perf_counter()
    state = gateway.read_state(read_specs(desired()))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    stats = gateway.stats()
    gateway.close()
    server.stdin.close()
    emulator_stats = json.loads(server.stdout.readline())
    server.wait(timeout=30)
    rows = len(state.databases["tasks"].rows)
    minimum = minimum_requests(args.rows, 10_000, args.per_minute)
    return {
        "rows": rows,
        "complete": state.databases["tasks"].complete,
        "requests": stats.requests,
        "minimum_requests": minimum,
        "rate_limited": stats.rate_limited,
        "emulator_429s": emulator_stats["by_status"].get("429", 0),
        "rps": rps,
        "scale": args.scale,
        "latency_ms": args.latency_ms,
        "wall_seconds": round(wall, 2),
        "floor_seconds": round((minimum - bucket_burst(10)) / rps, 2),
        "limiter_wait_seconds": round(stats.limiter_wait_seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_before_read_mib": round(rss_before / 1024, 1),
        "bytes_received": stats.bytes_received,
    }


def report_line(result: dict[str, object]) -> str:
    return (
        f"| {result['rows']:,} | {result['rps']:g}/s (x{result['scale']:g}) |"
        f" {result['latency_ms']:g} ms | {result['requests']} / {result['minimum_requests']} |"
        f" {result['emulator_429s']} | {result['wall_seconds']} s / {result['floor_seconds']} s |"
        f" {result['cpu_seconds']} s | {result['peak_rss_mib']} MiB"
        f" ({result['rss_before_read_mib']} before) |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--per-minute", type=int, default=100)
    parser.add_argument("--rps", type=float, default=3.0, help="Notion's rate (default 3/s)")
    parser.add_argument("--scale", type=float, default=1.0, help="run both sides N times faster")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--report", action="store_true", help="append to REPORT-gateway.md")
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result, indent=2))
    if args.report:
        with REPORT.open("a", encoding="utf-8") as out:
            out.write(f"{report_line(result)} <!-- {one_line()} -->\n")


if __name__ == "__main__":
    main()
