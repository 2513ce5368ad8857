"""The controller: requests and seconds from one edit in Notion to convergence, event versus poll.

Usage::

    python benchmarks/serve_convergence.py [--sizes 1000 10000] [--scale 10] [--output DIR]

For each size, a database of that many rows is seeded into the emulator (in-process), managed by
a manifest pinning its id, and the controller (``reconciler.serve.Service``, auto-apply safe)
reads it once. Then one row is edited by hand through notion_client and the controller
converges in two ways:

- ``event``: a signed ``page.properties_updated`` webhook names the page; one cycle re-reads
  that page, plans from the snapshot and reverts the edit;
- ``full re-plan``: a cycle that reads every row again (what a controller without webhooks, or
  ``reconciler plan && reconciler apply`` on a schedule, does for each edit).

The emulator runs at Notion's rate and latency scaled by ``--scale`` (default 10: 30 requests/s
and 20 ms standing for 3 and 200 ms); seconds are measured at that scale, and the time Notion's
own rate limit alone would take for those requests (3 a second) is shown beside them. Writes
``REPORT-serve.md`` and ``report-serve.json`` into ``--output`` (default ``benchmarks/``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from notion_client import Client  # noqa: E402

from reconciler.config import RateLimitSettings, Secret  # noqa: E402
from reconciler.emulator import ROOT_PAGE_ID, Emulator  # noqa: E402
from reconciler.manifest import load_desired_state  # noqa: E402
from reconciler.notion.notion_gateway import NotionGateway  # noqa: E402
from reconciler.serve import ControllerOptions, ServeConfig, Service, sign  # noqa: E402

TOKEN = "secret_benchmark_serve_0123456789"
WEBHOOK_TOKEN = "secret_benchmark_webhook_0123456789"
DATABASE = "6a0e1c2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d"
SOURCE = "7b1f2d3e-4c5a-4b6c-9d7e-8f9a0b1c2d3e"


def _title(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": text}}]


def _seed(emulator: Emulator, size: int) -> None:
    properties = {
        "Name": {"type": "title", "title": {}},
        "Status": {"type": "select", "select": {"options": [{"name": "Todo"}, {"name": "Done"}]}},
    }
    emulator.seed(
        {
            "databases": [
                {
                    "id": DATABASE,
                    "parent": {"type": "page_id", "page_id": ROOT_PAGE_ID},
                    "title": _title("Catalogue"),
                    "data_sources": [{"id": SOURCE, "properties": properties}],
                }
            ],
            "pages": [
                {
                    "id": f"8c2a3e4f-5d6b-4c7d-8e9f-{n:012x}",
                    "parent": {"type": "data_source_id", "data_source_id": SOURCE},
                    "properties": {
                        "Name": {"title": _title(f"item-{n:05d}")},
                        "Status": {"select": {"name": "Todo"}},
                    },
                }
                for n in range(size)
            ],
        }
    )


def _repository(root: Path, size: int) -> Path:
    (root / "manifests").mkdir(parents=True)
    (root / "reconciler.yaml").write_text("rate_limit: {rps: 0}\n", encoding="utf-8")
    rows = "".join(f"  - {{Name: item-{n:05d}, Status: Todo}}\n" for n in range(size))
    (root / "manifests" / "catalogue.yaml").write_text(
        f"database: catalogue\nid: {DATABASE}\ntitle: Catalogue\nkey: Name\nproperties:\n"
        "  Name: title\n  Status: {type: select, options: [Todo, Done]}\nrows:\n" + rows,
        encoding="utf-8",
    )
    return root


def _service(emulator: Emulator, root: Path, *, events: bool) -> tuple[Service, httpx.Client]:
    client = httpx.Client(transport=httpx.WSGITransport(app=emulator))
    gateway = NotionGateway(
        Secret(TOKEN),
        base_url="http://127.0.0.1",
        rate_limit=RateLimitSettings(rps=0),
        http_client=client,
    )
    config = ServeConfig(
        port=0,
        controller=ControllerOptions(auto_apply="safe", events=events),
        webhook_token=WEBHOOK_TOKEN,
        state_dir=root / ".reconciler",
    )
    service = Service(gateway, lambda: load_desired_state((), cwd=root, root=root), config)
    http = httpx.Client(transport=httpx.WSGITransport(app=service.app), base_url="http://serve")
    return service, http


def _edit(notion: Any, page_id: str) -> None:
    notion.pages.update(page_id, properties={"Status": {"select": {"name": "Done"}}})


def _event(page_id: str, n: int) -> bytes:
    return json.dumps(
        {
            "id": f"event-{n}",
            "timestamp": "2026-06-01T10:00:00.000Z",
            "type": "page.properties_updated",
            "entity": {"id": page_id, "type": "page"},
            "data": {
                "parent": {"id": DATABASE, "type": "database", "data_source_id": SOURCE},
                "updated_properties": ["title"],
            },
        }
    ).encode()


def _converge(emulator: Emulator, service: Service, notion: Any, page_id: str) -> dict[str, Any]:
    mark = len(emulator.requests())
    started = time.perf_counter()
    service.controller.run_cycle()
    seconds = time.perf_counter() - started
    requests = len(emulator.requests()) - mark
    status = notion.pages.retrieve(page_id)["properties"]["Status"]["select"]["name"]
    return {"requests": requests, "seconds": round(seconds, 3), "converged": status == "Todo"}


def measure(size: int, scale: float, work: Path) -> dict[str, Any]:
    """Both ways to converge after one edit in a database of ``size`` rows."""
    emulator = Emulator(tokens={TOKEN: "benchmark"}, rate_limit=None)
    _seed(emulator, size)
    notion = Client(
        auth=TOKEN, client=httpx.Client(transport=httpx.WSGITransport(app=emulator)),
        base_url="http://notion.emulator", retry=False,
    )  # fmt: skip
    root = _repository(work / f"rows-{size}", size)
    results: dict[str, Any] = {"rows": size}
    for name, events in (("event", True), ("full re-plan", False)):
        service, http = _service(emulator, root, events=events)
        service.controller.run_cycle()  # the first, full read (the snapshot)
        emulator.configure(
            {"rate_limit": {"rps": 3 * scale, "burst": 10}, "latency_ms": {"mean": 200 / scale}}
        )
        page_id = f"8c2a3e4f-5d6b-4c7d-8e9f-{size // 2:012x}"
        _edit(notion, page_id)
        if events:
            body = _event(page_id, size)
            headers = {"X-Notion-Signature": sign(body, WEBHOOK_TOKEN)}
            http.post("/webhooks/notion", content=body, headers=headers)
        result = _converge(emulator, service, notion, page_id)
        result["notion_rate_seconds"] = round(result["requests"] / 3, 1)
        results[name] = result
        emulator.configure({"rate_limit": None, "latency_ms": {"mean": 0}})
        service.stop()
    emulator.close()
    return results


def render(results: list[dict[str, Any]], scale: float) -> str:
    lines = [
        "# Controller: from one Notion edit to convergence",
        "",
        (
            "`python benchmarks/serve_convergence.py` (emulator in-process, at Notion's rate and"
            f" latency scaled by {scale:g}; the last column but one is what Notion's 3 requests"
            " a second alone would take for those requests)."
        ),
        (
            "One row of the database is edited by hand; the controller (auto-apply safe) puts it"
            " back. *event*: a signed webhook names the page, the cycle re-reads it and plans from"
            " its snapshot. *full re-plan*: the cycle reads every row again, as polling does."
        ),
        "",
        "| rows | way | requests | seconds (measured) | requests at 3/s | converged |",
        "|---:|---|---:|---:|---:|---|",
    ]
    for result in results:
        for way in ("event", "full re-plan"):
            r = result[way]
            lines.append(
                f"| {result['rows']:,} | {way} | {r['requests']} | {r['seconds']} |"
                f" {r['notion_rate_seconds']} s | {'yes' if r['converged'] else 'NO'} |"
            )
    lines += [
        "",
        (
            "The event way costs the same five requests whatever the size: the page re-read, the"
            " stale check, the write, the undo plan's read and the read-back into the snapshot."
            " The full re-plan grows with the rows (one query per 100 rows). The seconds left in"
            " the event way are the plan itself: planning from the snapshot still diffs every"
            " row in memory, twice (before the apply and after the read-back)."
        ),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        results = [measure(size, args.scale, Path(work)) for size in args.sizes]
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "report-serve.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.output / "REPORT-serve.md").write_text(render(results, args.scale), encoding="utf-8")
    print(render(results, args.scale))


if __name__ == "__main__":
    main()
