"""Fixtures of the apply suite: a workspace over the emulator, manifests on disk, plan and apply.

``project`` gives a ``Project``: manifests written as YAML into a temporary repository, a
``NotionGateway`` bound in-process to the ``emulator`` fixture (people seeded), and helpers to
plan (read + differ) and apply (``ApplySession``) the way the ``apply`` command does. ``writes``
lists the write requests the emulator logged, the proof that something was or was not written.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from reconciler.apply import ApplyOptions, ApplyResult, ApplySession, ProgressListener
from reconciler.cli.runtime import LOCAL_USERS
from reconciler.config import RateLimitSettings, Secret
from reconciler.emulator import Emulator
from reconciler.manifest import load_desired_state
from reconciler.model import DesiredState, LiveState
from reconciler.notion.gateway import Gateway
from reconciler.notion.notion_gateway import NotionGateway
from reconciler.plan import Plan, make_plan
from reconciler.readspec import read_specs
from tests.conftest import FAST_RETRIES, ROOT_PAGE_ID, TOKEN

# The emulator never holds a request after it answered or dropped the connection: nothing is
# left in flight, so a create is resent as soon as a look-up finds nothing.
WRITES = (("POST", "/v1/pages"), ("PATCH", "/v1/"), ("POST", "/v1/databases"))

PEOPLE = [dict(user) for user in LOCAL_USERS]
"""Ada, Grace and Alan: the people of a new ``--local`` workspace."""

PROJECTS: dict[str, Any] = {
    "database": "projects",
    "parent": ROOT_PAGE_ID,
    "title": "Projects",
    "key": "Name",
    "prune": True,
    "properties": {
        "Name": "title",
        "Lead": "people",
        "Stage": {"type": "select", "options": ["Idea", "Active", "Done"]},
        "Budget": {"type": "number", "format": "euro"},
    },
    "rows": [
        {"Name": "Website", "Lead": ["ada@example.com"], "Stage": "Active", "Budget": 12000},
        {"Name": "Handbook", "Lead": ["grace@example.com"], "Stage": "Idea", "Budget": 3000},
    ],
}

TASKS: dict[str, Any] = {
    "database": "tasks",
    "parent": ROOT_PAGE_ID,
    "title": "Tasks",
    "key": "Slug",
    "prune": True,
    "properties": {
        "Name": "title",
        "Slug": "rich_text",
        "Project": {"type": "relation", "database": "projects"},
        "Blocked by": {"type": "relation", "database": "tasks"},
        "Due": "date",
        "Estimate": "number",
        "Done": "checkbox",
    },
    "rows": [
        {
            "Slug": "write-brief",
            "Name": "Write the brief",
            "Project": ["Website"],
            "Due": "2026-09-15",
            "Estimate": 2,
            "Done": True,
        },
        {
            "Slug": "design-pages",
            "Name": "Design the pages",
            "Project": ["Website"],
            "Blocked by": ["write-brief"],
            "Estimate": 5,
        },
        {"Slug": "outline", "Name": "Outline the handbook", "Project": ["Handbook"]},
    ],
}


def writes(emulator: Emulator, since: int = 0) -> list[str]:
    """The write requests the emulator answered (``"PATCH /v1/pages/…"``), after ``since``."""
    logged = emulator.requests()[since:]
    return [
        f"{r['method']} {r['path']}"
        for r in logged
        if any(r["method"] == m and str(r["path"]).startswith(p) for m, p in WRITES)
        and not str(r["path"]).endswith("/query")
    ]


class Project:
    """A repository of manifests applied to the emulated workspace."""

    def __init__(self, root: Path, emulator: Emulator, gateway: Gateway) -> None:
        self.root = root
        self.emulator = emulator
        self.gateway = gateway
        self.state_dir = root / ".reconciler"
        self.manifests: dict[str, dict[str, Any]] = {}

    def write(self, *manifests: Mapping[str, Any]) -> None:
        """Write (or rewrite) these manifests, one file per database."""
        folder = self.root / "manifests"
        folder.mkdir(exist_ok=True)
        for manifest in manifests:
            self.manifests[manifest["database"]] = copy.deepcopy(dict(manifest))
            text = yaml.safe_dump(dict(manifest), sort_keys=False, allow_unicode=True)
            (folder / f"{manifest['database']}.yaml").write_text(text, encoding="utf-8")

    def desired(self) -> DesiredState:
        return load_desired_state(["manifests"], cwd=self.root, root=self.root)

    def plan(self) -> tuple[Plan, LiveState]:
        desired = self.desired()
        live = self.gateway.read_state(read_specs(desired))
        return make_plan(desired, live), live

    @property
    def journal_path(self) -> Path:
        """The journal of the workspace (one per workspace: ``journal-<id>.jsonl``), once an
        apply opened it."""
        (path,) = self.state_dir.glob("journal-*.jsonl")
        return path

    def options(self, **overrides: Any) -> ApplyOptions:
        return ApplyOptions(state_dir=self.state_dir, **overrides)

    def apply(
        self,
        plan: Plan,
        *,
        live: LiveState | None = None,
        listener: ProgressListener | None = None,
        gateway: Gateway | None = None,
        current: bool = False,
        **options: Any,
    ) -> ApplyResult:
        session = ApplySession(
            gateway or self.gateway,
            self.options(**options),
            listener=listener,
            actor="ada",
        )
        with session:
            return session.apply(plan, live=live, current=current)

    def converge(self) -> ApplyResult:
        """Plan and apply the manifests as they are."""
        plan, live = self.plan()
        return self.apply(plan, live=live)

    def planned_estimate_change(self) -> tuple[Plan, LiveState]:
        """Converge, then plan design-pages' estimate from 5 to 8 (one update)."""
        self.converge()
        tasks = copy.deepcopy(TASKS)
        tasks["rows"][1]["Estimate"] = 8
        self.write(tasks)
        return self.plan()

    def mark(self) -> int:
        """The emulator's request count now, for ``writes(since=...)``."""
        return len(self.emulator.requests())


def gateway_for(
    emulator: Emulator, *, rps: float = 0, body_cache: Path | None = None
) -> NotionGateway:
    """A gateway onto the emulator, in-process; page bodies cached in ``body_cache`` (None: in
    memory, for the gateway's lifetime)."""
    client = httpx.Client(transport=httpx.WSGITransport(app=emulator))
    return NotionGateway(
        Secret(TOKEN),
        base_url="http://127.0.0.1:8787",
        notion_version="2025-09-03",
        rate_limit=RateLimitSettings(rps=rps),
        retry=FAST_RETRIES,
        http_client=client,
        body_cache=body_cache,
    )


@pytest.fixture
def project(tmp_path: Path, emulator: Emulator) -> Iterator[Project]:
    """Projects and tasks manifests over an emulated workspace with two people."""
    emulator.seed({"users": PEOPLE})
    gateway = gateway_for(emulator)
    repo = Project(tmp_path, emulator, gateway)
    repo.write(PROJECTS, TASKS)
    yield repo
    gateway.close()
