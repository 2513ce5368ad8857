"""The baseline: the sync script people write by hand with notion-client, one page at a time.

``download``: only query every row (the floor a plan's read is compared with).
``sync CSV``: list the database's pages to find each key's page, then for every CSV row fetch its
page and write all of its properties (or create it when the key is new). No diff, no plan: every
row costs two requests whether it changed or not. ``dump OUT``: list the pages, fetch each one,
write them to a JSON file (what an export or adoption script does). Both pace themselves at
``--rps`` requests a second, start to start, as a careful script does with ``time.sleep`` (so
the emulator's rate limit is met, not fought), and keep notion-client's own retries on.

Run by the benchmarks (``benchmarks/scenarios``) as a child process: ``NOTION_TOKEN`` and
``NOTION_BASE_URL`` from the environment, ``--data-source ID``; prints a JSON summary.
Schema-specific on purpose (the tasks database of the benchmarks), as such scripts are.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from notion_client import Client

Call = Callable[..., Any]


class Paced:
    """Calls spaced ``1 / rps`` seconds apart, start to start; counts them."""

    def __init__(self, rps: float) -> None:
        self._gap = 1.0 / rps if rps > 0 else 0.0
        self._next = time.monotonic()
        self.requests = 0

    def __call__(self, call: Call, **kwargs: Any) -> Any:
        wait = self._next - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._next = max(self._next, time.monotonic()) + self._gap
        self.requests += 1
        return call(**kwargs)


def every_page(notion: Any, paced: Paced, data_source: str) -> Iterator[dict[str, Any]]:
    """The pages of the data source, 100 per query (what the API hands out)."""
    cursor = None
    while True:
        extra: dict[str, Any] = {"start_cursor": cursor} if cursor else {}
        answer = paced(
            notion.data_sources.query, data_source_id=data_source, page_size=100, **extra
        )
        yield from answer["results"]
        if not answer["has_more"]:
            return
        cursor = answer["next_cursor"]


def plain(rich: list[dict[str, Any]]) -> str:
    return "".join(part["plain_text"] for part in rich)


def properties(row: dict[str, str], users: dict[str, str]) -> dict[str, Any]:
    """The tasks database's properties from one CSV row."""

    def text(value: str) -> list[dict[str, Any]]:
        return [{"text": {"content": value}}]

    return {
        "Name": {"title": text(row["Name"])},
        "Slug": {"rich_text": text(row["Slug"])},
        "Status": {"select": {"name": row["Status"]}},
        "Estimate": {"number": float(row["Estimate"])},
        "Owner": {"people": [{"id": users[row["Owner"]]}]},
        "Tags": {"multi_select": [{"name": tag} for tag in row["Tags"].split(";") if tag]},
        "Due": {"date": {"start": row["Due"]}},
        "Done": {"checkbox": row["Done"] == "true"},
    }


def sync(notion: Any, paced: Paced, data_source: str, rows_csv: Path) -> dict[str, int]:
    """Fetch and write every row of the CSV; create the rows whose key is not there."""
    users = {
        user["person"]["email"]: user["id"]
        for user in paced(notion.users.list)["results"]
        if user.get("type") == "person"
    }
    pages = {
        plain(page["properties"]["Slug"]["rich_text"]): page["id"]
        for page in every_page(notion, paced, data_source)
    }
    creates = updates = 0
    with rows_csv.open(newline="", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            props = properties(row, users)
            page_id = pages.get(row["Slug"])
            if page_id is None:
                paced(notion.pages.create, parent={"data_source_id": data_source}, properties=props)
                creates += 1
                continue
            paced(notion.pages.retrieve, page_id=page_id)
            paced(notion.pages.update, page_id=page_id, properties=props)
            updates += 1
    return {"creates": creates, "updates": updates}


def dump(notion: Any, paced: Paced, data_source: str, out: Path) -> dict[str, int]:
    """Fetch every page one by one and write them to ``out`` as JSON."""
    ids = [page["id"] for page in every_page(notion, paced, data_source)]
    fetched = [paced(notion.pages.retrieve, page_id=page_id)["properties"] for page_id in ids]
    out.write_text(json.dumps(fetched, ensure_ascii=False), encoding="utf-8")
    return {"rows": len(fetched)}


def download(notion: Any, paced: Paced, data_source: str) -> dict[str, int]:
    """Only download every row, and keep them: the floor of what reading the rows costs.

    Past the 10,000-row query cap it does what the reconciler does, queries in ``created_time``
    windows (sorted by creation, the next window starting at the last row's minute, rows seen
    twice counted once), so that the CPU and memory it measures are those of the same rows.
    """
    rows: dict[str, dict[str, Any]] = {}
    start: str | None = None
    while True:
        extra: dict[str, Any] = {}
        if start is not None:
            extra["filter"] = {"timestamp": "created_time", "created_time": {"on_or_after": start}}
        cursor, count, last = None, 0, None
        while True:
            if cursor:
                extra["start_cursor"] = cursor
            answer = paced(
                notion.data_sources.query, data_source_id=data_source, page_size=100,
                sorts=[{"timestamp": "created_time", "direction": "ascending"}], **extra,
            )  # fmt: skip
            for page in answer["results"]:
                rows.setdefault(page["id"], page)
                count, last = count + 1, page["created_time"]
            if not answer["has_more"]:
                break
            cursor = answer["next_cursor"]
        status = answer.get("request_status") or {}
        if (status.get("type") != "incomplete" and count < 10_000) or last in (None, start):
            return {"rows": len(rows)}
        start = last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["sync", "dump", "download"])
    parser.add_argument(
        "path", type=Path, nargs="?", help="the CSV to sync, or the JSON file to write"
    )
    parser.add_argument("--data-source", required=True)
    parser.add_argument("--rps", type=float, default=3.0, help="requests per second to keep to")
    args = parser.parse_args()
    notion = Client(
        auth=os.environ["NOTION_TOKEN"],
        base_url=os.environ.get("NOTION_BASE_URL", "https://api.notion.com"),
        logger=logging.getLogger("naive_sync"),
    )
    paced = Paced(args.rps)
    if args.mode == "sync":
        summary = sync(notion, paced, args.data_source, args.path)
    elif args.mode == "download":
        summary = download(notion, paced, args.data_source)
    else:
        summary = dump(notion, paced, args.data_source, args.path)
    sys.stdout.write(json.dumps({**summary, "requests": paced.requests}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
