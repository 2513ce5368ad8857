"""Benchmark: applying 1,000 row updates against the emulator over TCP at Notion's rate and latency.

The emulator runs in a child process, seeded with ``--rows`` rows (title key, a number), its
rate limit on at ``--rps`` with burst 10 and ``--latency-ms`` (jitter a fifth of it) added to
every answer. This process plans a change of the number of every row (manifests → read → differ,
not timed) and then applies the plan through ``ApplySession`` (timed): the stale-check read, the
updates on the executor's thread pool within the gateway's limiter, and the read-back for the
undo plan. Reported: wall time against the rate-limit floor (``rows / rps``, as the issue states
it, and the exact floor of the requests made, ``(requests - our burst) / rps``), requests by
kind, 429s seen by the emulator, CPU seconds.

Run: ``python benchmarks/apply_updates.py [--rows 1000] [--rps 3] [--latency-ms 200]
[--workers 8] [--scale 1] [--report]``. ``--scale N`` runs N times faster on both sides (rate
x N, latency / N: the same ratio of latency to request slot); the report says so.
``--report`` appends the run to benchmarks/REPORT-apply.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from reconciler.apply import ApplyOptions, ApplySession, Status
from reconciler.config import RateLimitSettings, Secret
from reconciler.manifest import load_desired_state
from reconciler.notion import NotionGateway, bucket_burst
from reconciler.plan import make_plan
from reconciler.readspec import read_specs

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(REPO))

from benchmarks.scenarios.machine import one_line  # noqa: E402

TOKEN = "secret_benchmark_apply"
REPORT = Path(__file__).with_name("REPORT-apply.md")
DATABASE = "1d4f6c2a-0b3e-4f5a-8c7d-9e0f1a2b3c4d"
DATA_SOURCE = "2e5a7d3b-1c4f-4a6b-9d8e-0f1a2b3c4d5e"
BURST = 10

# The child process: seed the workspace, serve it, print the URL, serve until stdin closes.
SERVER = """
import json, sys
from reconciler.emulator import Emulator
rows, rps, latency, database, source, token = sys.argv[1:7]
rows, rps, latency = int(rows), float(rps), float(latency)
emu = Emulator(tokens={token: "Benchmark"}, rate_limit=None)
schema = {"Name": {"type": "title", "title": {}},
          "Estimate": {"type": "number", "number": {"format": "number"}}}
def text(s): return [{"type": "text", "text": {"content": s}}]
pages = [{"id": f"3f6b8e4c-2d5a-4b7c-8e9f-{n:012x}",
          "parent": {"type": "data_source_id", "data_source_id": source},
          "properties": {"Name": {"title": text(f"item-{n:05}")}, "Estimate": {"number": n}}}
         for n in range(rows)]
emu.seed({"databases": [{"id": database, "title": text("Items"),
                         "data_sources": [{"id": source, "properties": schema}]}],
          "pages": pages})
emu.configure({"rate_limit": {"rps": rps, "burst": BURST},
               "latency_ms": {"mean": latency, "jitter": latency / 5}})
with emu.serve() as server:
    print(server.url, flush=True)
    sys.stdin.read()
    print(json.dumps(emu.stats()), flush=True)
""".replace("BURST", str(BURST))


def write_manifest(root: Path, rows: int) -> None:
    """Every row's Estimate one more than seeded: ``rows`` updates."""
    manifest = {
        "database": "items",
        "id": DATABASE,
        "title": "Items",
        "key": "Name",
        "properties": {"Name": "title", "Estimate": {"type": "number", "format": "number"}},
        "rows": [{"Name": f"item-{n:05}", "Estimate": n + 1} for n in range(rows)],
    }
    (root / "manifests").mkdir()
    (root / "manifests" / "items.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))


def run(args: argparse.Namespace) -> dict[str, object]:
    rps, latency = args.rps * args.scale, args.latency_ms / args.scale
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(args.rows), str(rps), str(latency), DATABASE,
         DATA_SOURCE, TOKEN],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdin is not None
    assert server.stdout is not None
    url = server.stdout.readline().strip()
    root = Path(tempfile.mkdtemp(prefix="apply-bench-"))
    write_manifest(root, args.rows)
    desired = load_desired_state(["manifests"], cwd=root, root=root)
    gateway = NotionGateway(
        Secret(TOKEN), base_url=url, rate_limit=RateLimitSettings(rps=rps, burst=BURST)
    )
    live = gateway.read_state(read_specs(desired))
    plan = make_plan(desired, live, requests_per_second=rps)
    time.sleep(BURST / rps)  # an idle API's bucket is full; let the emulator's refill
    options = ApplyOptions(state_dir=root / ".reconciler", workers=args.workers)
    with ApplySession(gateway, options, actor="benchmark") as session:
        before = gateway.stats()
        cpu, wall = time.process_time(), time.perf_counter()
        result = session.apply(plan, live=live)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        stats = gateway.stats().since(before)
    gateway.close()
    server.stdin.close()
    emulator_stats = json.loads(server.stdout.readline())
    server.wait(timeout=30)
    ours = bucket_burst(BURST)
    return {
        "updates": result.count(Status.DONE),
        "failed": result.count(Status.FAILED),
        "planned": len(plan.changes),
        "requests": stats.requests,
        "by_endpoint": {e: sum(o.values()) for e, o in stats.by_endpoint.items()},
        "rate_limited_seen": stats.rate_limited,
        "emulator_429s": emulator_stats["by_status"].get("429", 0),
        "retries": stats.retries,
        "rps": rps,
        "scale": args.scale,
        "latency_ms": latency,
        "workers": args.workers,
        "wall_seconds": round(wall, 1),
        "floor_seconds": round(args.rows / rps, 1),
        "exact_floor_seconds": round((stats.requests - ours) / rps, 1),
        "ratio_to_floor": round(wall / (args.rows / rps), 3),
        "cpu_seconds": round(cpu, 1),
    }


def report_line(result: dict[str, object]) -> str:
    return (
        f"| {result['updates']:,} | {result['rps']:g}/s (x{result['scale']:g}) |"
        f" {result['latency_ms']:g} ms | {result['workers']} | {result['requests']} |"
        f" {result['emulator_429s']} | {result['wall_seconds']} s |"
        f" {result['floor_seconds']} s ({result['exact_floor_seconds']} s) |"
        f" {float(str(result['ratio_to_floor'])):.1%} | {result['cpu_seconds']} s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--rps", type=float, default=3.0, help="Notion's rate (default 3/s)")
    parser.add_argument("--latency-ms", type=float, default=200.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--scale", type=float, default=1.0, help="run N times faster")
    parser.add_argument("--report", action="store_true", help="append to REPORT-apply.md")
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result, indent=2))
    if args.report:
        with REPORT.open("a", encoding="utf-8") as out:
            out.write(f"{report_line(result)} <!-- {one_line()} -->\n")


if __name__ == "__main__":
    main()
