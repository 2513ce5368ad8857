"""Fixtures for the controller: a repository of manifests, Notion-shaped webhook events, and a
``Service`` over the in-process emulator whose cycles a test runs one at a time.

``rig`` builds the real ``Service`` (the same wiring as ``reconciler serve``) without starting
its threads: ``rig.cycle()`` runs one cycle, ``rig.http`` calls the endpoints in-process, and
``rig.requests()`` counts what the emulator answered since a mark.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.config import RateLimitSettings, Secret
from reconciler.emulator import ROOT_PAGE_ID, WORKSPACE_ID, Emulator
from reconciler.manifest import load_desired_state
from reconciler.notion.notion_gateway import NotionGateway
from reconciler.serve import ControllerOptions, ServeConfig, Service, sign
from tests.conftest import FAST_RETRIES, TOKEN, in_process_client

WEBHOOK_TOKEN = "secret_webhookverification0123456789abcdef"

ROWS = (
    {"Name": "write-docs", "Status": "Todo"},
    {"Name": "ship-it", "Status": "Done"},
    {"Name": "tell-people", "Status": "Todo"},
)


def manifest(rows: Sequence[Mapping[str, str]] = ROWS, *, title: str = "Tasks") -> str:
    """A tasks manifest (created under the root page) with these rows."""
    lines = [
        "database: tasks",
        f"parent: {ROOT_PAGE_ID}",
        f"title: {title}",
        "key: Name",
        "properties:",
        "  Name: title",
        "  Status: {type: select, options: [Todo, Done]}",
        "  Notes: rich_text",
        "rows:",
    ]
    lines.extend("  - " + json.dumps(dict(row)) for row in rows)
    return "\n".join(lines) + "\n"


def write_repository(root: Path, text: str | None = None) -> Path:
    """A repository with reconciler.yaml (no client-side rate limit) and manifests/tasks.yaml."""
    (root / "manifests").mkdir(parents=True, exist_ok=True)
    (root / "reconciler.yaml").write_text("rate_limit: {rps: 0}\n", encoding="utf-8")
    (root / "manifests" / "tasks.yaml").write_text(text or manifest(), encoding="utf-8")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_repository(tmp_path / "repo")


def page_event(
    kind: str,
    page_id: str,
    *,
    database_id: str | None = None,
    data_source_id: str | None = None,
    event_id: str | None = None,
) -> bytes:
    """The body Notion sends for an event about one page (API version 2025-09-03): its parent is
    the database (with its data source) when given, else the workspace; page.properties_updated
    names the property ids that changed."""
    parent: dict[str, Any] = {"id": WORKSPACE_ID, "type": "space"}
    if database_id or data_source_id:
        parent = {"id": database_id, "type": "database", "data_source_id": data_source_id}
    data: dict[str, Any] = {"parent": parent}
    if kind == "page.properties_updated":
        data["updated_properties"] = ["title"]
    event = {
        "id": event_id or str(uuid.uuid4()),
        "timestamp": "2026-06-01T10:00:00.000Z",
        "workspace_id": WORKSPACE_ID,
        "workspace_name": "Acme",
        "subscription_id": "5f0c3c59-5d2b-4f0a-9a39-7b8b5ac8f001",
        "integration_id": "5f0c3c59-5d2b-4f0a-9a39-7b8b5ac8f002",
        "type": kind,
        "authors": [{"id": "0000000a-0000-4000-8000-00000000000a", "type": "person"}],
        "attempt_number": 1,
        "api_version": "2025-09-03",
        "entity": {"id": page_id, "type": "page"},
        "data": data,
    }
    return json.dumps(event).encode("utf-8")


def signed(body: bytes, token: str = WEBHOOK_TOKEN) -> dict[str, str]:
    """Headers of a delivery of ``body`` signed as Notion signs it."""
    return {"Content-Type": "application/json", "X-Notion-Signature": sign(body, token)}


@dataclass
class Tasks:
    """The tasks database as Notion holds it: ids and rows by key."""

    database_id: str
    data_source_id: str
    pages: dict[str, dict[str, Any]]


def read_tasks(notion: Any, title: str = "Tasks") -> Tasks:
    """Find the database under the root page and read its rows, as a person's client would."""
    children = notion.blocks.children.list(ROOT_PAGE_ID)["results"]
    database_id = next(
        block["id"]
        for block in children
        if block["type"] == "child_database" and block["child_database"]["title"] == title
    )
    source = notion.databases.retrieve(database_id)["data_sources"][0]["id"]
    pages = notion.data_sources.query(source)["results"]
    by_key = {
        "".join(run["plain_text"] for run in page["properties"]["Name"]["title"]): page
        for page in pages
    }
    return Tasks(database_id, source, by_key)


def status_of(page: Mapping[str, Any]) -> str | None:
    select = page["properties"]["Status"]["select"]
    return None if select is None else str(select["name"])


class Rig:
    """A ``Service`` over the in-process emulator, driven one cycle at a time."""

    def __init__(
        self, emulator: Emulator, repo: Path, *, auto_apply: str = "safe", **options: Any
    ) -> None:
        self.emulator = emulator
        self.repo = repo
        self.notion = in_process_client(emulator)
        self._client = httpx.Client(transport=httpx.WSGITransport(app=emulator))
        self.gateway = NotionGateway(
            Secret(options.pop("token", TOKEN)),
            base_url="http://127.0.0.1",
            rate_limit=RateLimitSettings(rps=0),
            retry=options.pop("retry", FAST_RETRIES),
            http_client=self._client,
        )
        config = ServeConfig(
            host="127.0.0.1",
            port=0,
            controller=ControllerOptions(auto_apply=auto_apply, **options),
            webhook_token=WEBHOOK_TOKEN,
            state_dir=repo / ".reconciler",
        )
        self.service = Service(
            self.gateway, lambda: load_desired_state((), cwd=repo, root=repo), config
        )
        self.http = httpx.Client(
            transport=httpx.WSGITransport(app=self.service.app), base_url="http://serve"
        )
        self._mark = 0

    def cycle(self) -> None:
        self.service.controller.run_cycle()

    def mark(self) -> None:
        """Count requests from now on."""
        self._mark = len(self.emulator.requests())

    def requests(self) -> list[dict[str, Any]]:
        """What the emulator answered since the mark."""
        return self.emulator.requests()[self._mark :]

    def writes(self) -> list[str]:
        """The writes (POST and PATCH but queries) since the mark, as ``METHOD path``."""
        return [
            f"{r['method']} {r['path']}"
            for r in self.requests()
            if r["method"] in ("POST", "PATCH") and not r["path"].endswith("/query")
        ]

    def deliver(self, body: bytes, headers: Mapping[str, str] | None = None) -> httpx.Response:
        """POST a webhook delivery (signed unless ``headers`` say otherwise)."""
        sent = signed(body) if headers is None else dict(headers)
        return self.http.post("/webhooks/notion", content=body, headers=sent)

    def tasks(self) -> Tasks:
        return read_tasks(self.notion)

    def status(self) -> dict[str, Any]:
        document: dict[str, Any] = self.http.get("/status").json()
        return document

    def metric(self, name: str, **labels: str) -> float | None:
        """One sample of the exposition (None: absent)."""
        registry = self.service.metrics.registry
        return registry.get_sample_value(name, labels or None)

    def close(self) -> None:
        self.service.stop()
        self.http.close()
        self.gateway.close()
        self._client.close()


@pytest.fixture
def rig(emulator: Emulator, repo: Path) -> Iterator[Rig]:
    """The controller over the emulator, auto-apply safe, databases created by a first cycle."""
    made = Rig(emulator, repo)
    made.cycle()
    yield made
    made.close()
