"""Benchmark: plan and apply of 1,000 rows with page bodies, 1% of the bodies changed.

The emulator runs in a child process served over TCP, its rate limit on at ``--rps`` (burst 10)
and ``--latency-ms`` (jitter a fifth) added to every answer. This process writes a manifest of
``--rows`` rows whose bodies come from ``content/{Slug}.md`` (a heading, paragraphs with inline
styles, a nested list, a to-do, a code block: about 1 KB each) and then:

1. applies it to the empty workspace (every row created with its body, read back): measured;
2. moves the emulator's clock past the two-minute margin of the read cache, and plans once
   with an empty cache (every body read): measured;
3. changes ``--changed`` percent of the body files and plans again (the cache vouches for every
   unedited page: no body is read): measured;
4. applies that plan (a body write per changed row, each body read again first so that an edit
   made in Notion since the plan is never overwritten): measured.

Each step is reported with its requests by endpoint, the minimum requests it needs, and its wall
time against the rate-limit floor (requests made / rate). ``--scale N`` runs N times faster on
both sides (rate x N, latency / N); the report says so.

Run: ``python benchmarks/body_sync.py [--rows 1000] [--changed 1] [--rps 3] [--latency-ms 200]
[--scale 10] [--report]``. ``--report`` appends the run to benchmarks/REPORT-bodies.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml

from reconciler import logs
from reconciler.apply import ApplyOptions, ApplySession
from reconciler.config import RateLimitSettings, Secret
from reconciler.manifest import load_desired_state
from reconciler.notion import NotionGateway, RequestStats
from reconciler.plan import Plan, read_and_plan

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(REPO))

from benchmarks.scenarios.machine import one_line  # noqa: E402

TOKEN = "secret_benchmark_bodies"
ROOT_PAGE = "00000000-0000-4000-8000-000000000001"
REPORT = Path(__file__).with_name("REPORT-bodies.md")
BURST = 10

# The child process: an empty workspace, served; prints the URL, then its stats at the end.
SERVER = """
import json, sys
from reconciler.emulator import Emulator
rps, latency, token = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
emu = Emulator(tokens={token: "Benchmark"}, rate_limit=None)
emu.configure({"rate_limit": {"rps": rps, "burst": BURST},
               "latency_ms": {"mean": latency, "jitter": latency / 5}})
with emu.serve() as server:
    print(server.url, flush=True)
    sys.stdin.read()
    print(json.dumps(emu.stats()), flush=True)
""".replace("BURST", str(BURST))


def body(n: int, version: int = 1) -> str:
    """A row's page content: about 1 KB of the constructs people write."""
    return (
        f"Version {version} of page {n}, with **bold**, *italic*, `code` and a"
        f" [link](https://example.com/{n}).\n\n"
        "## Checklist\n\n"
        "- first point\n- second point\n    - a nested point\n"
        "- [ ] something to do\n- [x] something done\n\n"
        "1. one\n1. two\n\n"
        "> A quote worth keeping.\n\n"
        "```python\ndef answer():\n    return 42\n```\n\n"
        + "A longer paragraph of plain words to give the page some weight. " * 8
        + "\n"
    )


def write_manifest(root: Path, rows: int) -> None:
    manifest = {
        "database": "pages",
        "parent": ROOT_PAGE,
        "title": "Pages",
        "key": "Slug",
        "body_from": "content/{Slug}.md",
        "properties": {"Name": "title", "Slug": "rich_text"},
        "rows": [{"Slug": f"page-{n:05}", "Name": f"Page {n}"} for n in range(rows)],
    }
    content = root / "manifests" / "content"
    content.mkdir(parents=True)
    (root / "manifests" / "pages.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    for n in range(rows):
        (content / f"page-{n:05}.md").write_text(body(n), encoding="utf-8")


def _counts(stats: RequestStats) -> dict[str, int]:
    return {endpoint: sum(outcomes.values()) for endpoint, outcomes in stats.by_endpoint.items()}


def measured(gateway: NotionGateway, rps: float, step: Callable[[], Any]) -> dict[str, Any]:
    """Run ``step``; its requests, wall time and the floor of those requests at ``rps``."""
    time.sleep(BURST / rps)  # an idle API's bucket is full: let the emulator's refill
    before = gateway.stats()
    wall = time.perf_counter()
    step()
    wall = time.perf_counter() - wall
    stats = gateway.stats().since(before)
    floor = max(0.0, (stats.requests - BURST) / rps)
    return {
        "requests": stats.requests,
        "by_endpoint": _counts(stats),
        "rate_limited": stats.rate_limited,
        "wall_seconds": round(wall, 1),
        "floor_seconds": round(floor, 1),
        "ratio_to_floor": round(wall / floor, 3) if floor else None,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    rps, latency = args.rps * args.scale, args.latency_ms / args.scale
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(rps), str(latency), TOKEN],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdin is not None
    assert server.stdout is not None
    url = server.stdout.readline().strip()
    root = Path(tempfile.mkdtemp(prefix="bodies-bench-"))
    write_manifest(root, args.rows)
    state = root / ".reconciler"

    def gateway() -> NotionGateway:
        limit = RateLimitSettings(rps=rps, burst=BURST)
        return NotionGateway(
            Secret(TOKEN), base_url=url, rate_limit=limit, body_cache=state / "cache"
        )

    def plan(through: NotionGateway) -> Plan:
        desired = load_desired_state(["manifests"], cwd=root, root=root)
        return read_and_plan(through, desired)[0]

    def apply(through: NotionGateway, planned: Plan) -> None:
        options = ApplyOptions(state_dir=state, workers=args.workers)
        with ApplySession(through, options, actor="benchmark") as session:
            assert session.apply(planned).complete

    results: dict[str, Any] = {"rows": args.rows, "rps": rps, "scale": args.scale,
                               "latency_ms": latency, "workers": args.workers}  # fmt: skip
    first = gateway()
    created = plan(first)
    results["create"] = measured(first, rps, lambda: apply(first, created))
    first.close()
    httpx.put(f"{url}/_emulator/config", json={"clock_offset_s": 600}).raise_for_status()
    cold = gateway()
    results["plan_cold"] = measured(cold, rps, lambda: plan(cold))
    cold.close()
    changed = max(1, args.rows * args.changed // 100)
    for n in range(changed):
        path = root / "manifests" / "content" / f"page-{n * (100 // args.changed):05}.md"
        path.write_text(body(n * (100 // args.changed), version=2), encoding="utf-8")
    warm = gateway()
    planned: list[Plan] = []
    results["plan_warm"] = measured(warm, rps, lambda: planned.append(plan(warm)))
    results["changes"] = len(planned[0].changes)
    results["estimate"] = planned[0].estimate.requests
    results["apply"] = measured(warm, rps, lambda: apply(warm, planned[0]))
    warm.close()
    server.stdin.close()
    emulator = json.loads(server.stdout.readline())
    server.wait(timeout=30)
    results["emulator_429s"] = emulator["by_status"].get("429", 0)
    results["minimum"] = {
        "create": 2 * args.rows,
        # users, the bot and its workspace (the plan records where it was made), the database,
        # its data source, the block children of the parent page, the rows' queries, the bodies
        "plan_cold": 5 + -(-args.rows // 100) + args.rows,
        "plan_warm": 5 + -(-args.rows // 100),
        "apply": changed,
    }
    return results


def report_lines(result: dict[str, Any]) -> list[str]:
    lines = []
    for step in ("create", "plan_cold", "plan_warm", "apply"):
        done = result[step]
        ratio = done["ratio_to_floor"]
        lines.append(
            f"| {result['rows']:,} | {step} | {result['rps']:g}/s (x{result['scale']:g}) |"
            f" {done['requests']} | {result['minimum'][step]} | {done['wall_seconds']} s |"
            f" {done['floor_seconds']} s | {f'{ratio:.1%}' if ratio else '—'} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--changed", type=int, default=1, help="percent of bodies changed")
    parser.add_argument("--rps", type=float, default=3.0, help="Notion's rate (default 3/s)")
    parser.add_argument("--latency-ms", type=float, default=200.0)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--scale", type=float, default=1.0, help="run N times faster")
    parser.add_argument("--report", action="store_true", help="append to REPORT-bodies.md")
    args = parser.parse_args()
    logs.configure()  # warnings and errors only, on stderr
    result = run(args)
    print(json.dumps(result, indent=2))
    if args.report:
        with REPORT.open("a", encoding="utf-8") as out:
            out.writelines(f"{line} <!-- {one_line()} -->\n" for line in report_lines(result))


if __name__ == "__main__":
    main()
