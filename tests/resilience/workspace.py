"""The resilience suite's workspace: managed and unmanaged data side by side, and its checks.

``ResilienceWorkspace.seed(emulator, tasks=30)`` installs, with fixed ids:

- ``projects`` (managed, ``prune: true``): P-01..P-06 live; the manifest keeps P-01..P-04
  (budgets of P-01 and P-02 changed), drops P-05 and P-06 (trashed) and adds P-07 and P-08;
- ``tasks`` (managed, ``prune: false``): task-000.. live with an unmanaged ``Notes`` property;
  the manifest changes the status of every third task, the estimate of every fifth, points
  every fourth at a new project (a link after its create) and adds a tenth more tasks; five
  rows keyed ``human-*`` are not in the manifest and stay unmanaged;
- ``archive``: a database no manifest names, with three rows.

``unmanaged()`` snapshots everything the reconciler must never touch: the archive's schema and
pages, the unmanaged task rows and the unmanaged Notes values of every task, each as the raw
JSON the API returns (last_edited_time included, so a rewrite with equal values still shows).
``check_converged(gateway)`` asserts the end state every resilience test requires: an empty
plan (no lost update), each key live once (no duplicate), every manifest row present.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reconciler.emulator import Emulator
from reconciler.manifest import load_desired_state
from reconciler.model import DesiredState, LiveState
from reconciler.notion.gateway import Gateway
from reconciler.plan import Plan, make_plan
from reconciler.readspec import read_specs
from tests.conftest import ROOT_PAGE_ID, in_process_client

PROJECTS_DB = "4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
PROJECTS_DS = "5b2c3d4e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
TASKS_DB = "1d4f6c2a-0b3e-4f5a-8c7d-9e0f1a2b3c4d"
TASKS_DS = "2e5a7d3b-1c4f-4a6b-9d8e-0f1a2b3c4d5e"
ARCHIVE_DB = "6c3d4e5f-7a8b-4c9d-8e0f-2a3b4c5d6e7f"
ARCHIVE_DS = "7d4e5f6a-8b9c-4d0e-9f1a-3b4c5d6e7f8a"
ADA = "0000000a-0000-4000-8000-00000000000a"
GRACE = "0000000b-0000-4000-8000-00000000000b"
STATUSES = ("Todo", "Doing", "Done")
HUMAN_ROWS = 5

PEOPLE = [
    {"object": "user", "id": uid, "name": name, "type": "person", "person": {"email": mail}}
    for uid, name, mail in (
        (ADA, "Ada Lovelace", "ada@example.com"),
        (GRACE, "Grace Hopper", "grace@example.com"),
    )
]


def text(content: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": content}}]


def page_id(kind: int, n: int) -> str:
    """A fixed page id: kind 1 projects, 2 tasks, 3 archive."""
    return f"{kind:08x}-aaaa-4bbb-8ccc-{n:012x}"


def _projects_seed() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    schema = {
        "Name": {"type": "title", "title": {}},
        "Budget": {"type": "number", "number": {"format": "euro"}},
    }
    database = {
        "id": PROJECTS_DB,
        "parent": {"type": "page_id", "page_id": ROOT_PAGE_ID},
        "title": text("Projects"),
        "data_sources": [{"id": PROJECTS_DS, "properties": schema}],
    }
    pages = [
        {
            "id": page_id(1, n),
            "parent": {"type": "data_source_id", "data_source_id": PROJECTS_DS},
            "properties": {"Name": {"title": text(f"P-{n:02}")}, "Budget": {"number": n * 1000}},
        }
        for n in range(1, 7)
    ]
    return database, pages


def _task_values(n: int) -> dict[str, Any]:
    return {
        "Name": f"Task {n}",
        "Status": STATUSES[n % 3],
        "Estimate": n % 8,
        "Owner": [ADA if n % 2 else GRACE],
        "Done": n % 7 == 0,
        "Project": [f"P-{1 + n % 4:02}"],
    }


def _task_page(n: int, key: str, created_minute: int) -> dict[str, Any]:
    values = _task_values(n)
    return {
        "id": page_id(2, n),
        "parent": {"type": "data_source_id", "data_source_id": TASKS_DS},
        "created_time": f"2026-05-{1 + created_minute // 1440:02d}T"
        f"{(created_minute // 60) % 24:02d}:{created_minute % 60:02d}:00.000Z",
        "properties": {
            "Name": {"title": text(values["Name"] if key.startswith("task") else f"Human {n}")},
            "Slug": {"rich_text": text(key)},
            "Status": {"select": {"name": values["Status"]}},
            "Estimate": {"number": values["Estimate"]},
            "Owner": {"people": [{"object": "user", "id": values["Owner"][0]}]},
            "Done": {"checkbox": values["Done"]},
            "Notes": {"rich_text": text(f"hand-written note {n}")},
            "Project": {"relation": [{"id": page_id(1, 1 + n % 4)}]},
        },
    }


def _tasks_seed(count: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    schema = {
        "Name": {"type": "title", "title": {}},
        "Slug": {"type": "rich_text", "rich_text": {}},
        "Status": {"type": "select", "select": {"options": [{"name": s} for s in STATUSES]}},
        "Estimate": {"type": "number", "number": {"format": "number"}},
        "Owner": {"type": "people", "people": {}},
        "Done": {"type": "checkbox", "checkbox": {}},
        "Notes": {"type": "rich_text", "rich_text": {}},
        "Project": {
            "type": "relation",
            "relation": {"data_source_id": PROJECTS_DS, "single_property": {}},
        },
    }
    database = {
        "id": TASKS_DB,
        "parent": {"type": "page_id", "page_id": ROOT_PAGE_ID},
        "title": text("Tasks"),
        "data_sources": [{"id": TASKS_DS, "properties": schema}],
    }
    pages = [_task_page(n, f"task-{n:05}", n // 100) for n in range(count)]
    pages += [_task_page(count + h, f"human-{h:03}", (count + h) // 100) for h in range(HUMAN_ROWS)]
    return database, pages


def _archive_seed() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    database = {
        "id": ARCHIVE_DB,
        "parent": {"type": "page_id", "page_id": ROOT_PAGE_ID},
        "title": text("Archive"),
        "data_sources": [
            {"id": ARCHIVE_DS, "properties": {"Name": {"type": "title", "title": {}}}}
        ],
    }
    pages = [
        {
            "id": page_id(3, n),
            "parent": {"type": "data_source_id", "data_source_id": ARCHIVE_DS},
            "properties": {"Name": {"title": text(f"Old record {n}")}},
        }
        for n in range(3)
    ]
    return database, pages


def projects_manifest() -> dict[str, Any]:
    budgets = {1: 1500, 2: 2500, 3: 3000, 4: 4000, 7: 7000, 8: 8000}
    return {
        "database": "projects",
        "id": PROJECTS_DB,
        "title": "Projects",
        "key": "Name",
        "prune": True,
        "properties": {"Name": "title", "Budget": {"type": "number", "format": "euro"}},
        "rows": [{"Name": f"P-{n:02}", "Budget": budget} for n, budget in budgets.items()],
    }


def tasks_manifest(count: int) -> dict[str, Any]:
    rows = []
    for n in range(count + count // 10):
        values = _task_values(n)
        row: dict[str, Any] = {"Slug": f"task-{n:05}", **values}
        row["Owner"] = ["ada@example.com" if values["Owner"] == [ADA] else "grace@example.com"]
        if n % 3 == 0:
            row["Status"] = STATUSES[(n + 1) % 3]
        if n % 5 == 0:
            row["Estimate"] = values["Estimate"] + 10
        if n % 4 == 0:
            row["Project"] = ["P-07" if n % 8 == 0 else "P-08"]
        rows.append(row)
    return {
        "database": "tasks",
        "id": TASKS_DB,
        "title": "Tasks",
        "key": "Slug",
        "prune": False,
        "properties": {
            "Name": "title",
            "Slug": "rich_text",
            "Status": {"type": "select", "options": list(STATUSES)},
            "Estimate": "number",
            "Owner": "people",
            "Done": "checkbox",
            "Project": {"type": "relation", "database": "projects"},
        },
        "rows": rows,
    }


@dataclass
class ResilienceWorkspace:
    """A seeded emulator and a repository whose manifests ask for a mix of changes."""

    emulator: Emulator
    root: Path
    tasks: int

    @classmethod
    def seed(cls, emulator: Emulator, root: Path, *, tasks: int = 30) -> ResilienceWorkspace:
        seeds = [_projects_seed(), _tasks_seed(tasks), _archive_seed()]
        emulator.seed({"users": PEOPLE, "databases": [database for database, _ in seeds]})
        for _, pages in seeds:
            for start in range(0, len(pages), 5000):
                emulator.seed({"pages": pages[start : start + 5000]})
        workspace = cls(emulator, root, tasks)
        workspace.write_manifests()
        return workspace

    def write_manifests(self, rps: float = 0) -> None:
        folder = self.root / "manifests"
        folder.mkdir(parents=True, exist_ok=True)
        (self.root / "reconciler.yaml").write_text(
            f"manifests: manifests\nrate_limit: {{rps: {rps:g}}}\n", encoding="utf-8"
        )
        for manifest in (projects_manifest(), tasks_manifest(self.tasks)):
            text_ = yaml.safe_dump(manifest, sort_keys=False)
            (folder / f"{manifest['database']}.yaml").write_text(text_, encoding="utf-8")

    @property
    def expected_keys(self) -> set[str]:
        projects = {row["Name"] for row in projects_manifest()["rows"]}
        tasks = {row["Slug"] for row in tasks_manifest(self.tasks)["rows"]}
        humans = {f"human-{h:03}" for h in range(HUMAN_ROWS)}
        return {f"projects/{k}" for k in projects} | {f"tasks/{k}" for k in tasks | humans}

    def desired(self) -> DesiredState:
        return load_desired_state(["manifests"], environ={}, cwd=self.root, root=self.root)

    def plan(self, gateway: Gateway) -> tuple[Plan, LiveState]:
        desired = self.desired()
        live = gateway.read_state(read_specs(desired))
        return make_plan(desired, live), live

    # -- what must never be touched ---------------------------------------------------------

    def unmanaged(self) -> dict[str, str]:
        """Everything unmanaged, as the canonical JSON text of what the API returns."""
        with self._uncapped():
            return self._unmanaged()

    def _unmanaged(self) -> dict[str, str]:
        client = in_process_client(self.emulator)
        snapshot = {"archive schema": canonical_json(client.data_sources.retrieve(ARCHIVE_DS))}
        for n in range(3):
            snapshot[f"archive page {n}"] = canonical_json(client.pages.retrieve(page_id(3, n)))
        for h in range(HUMAN_ROWS):
            snapshot[f"human row {h}"] = canonical_json(
                client.pages.retrieve(page_id(2, self.tasks + h))
            )
        for page in _query_all(client, TASKS_DS):
            notes = page["properties"]["Notes"]
            snapshot[f"notes of {page['id']}"] = canonical_json(notes)
        tasks_schema = client.data_sources.retrieve(TASKS_DS)["properties"]
        snapshot["notes property"] = canonical_json(tasks_schema["Notes"])
        return snapshot

    @contextmanager
    def _uncapped(self) -> Iterator[None]:
        """The emulator's 10,000-row query cap lifted: checks read every row by plain queries,
        independently of the reconciler's own reader."""
        cap = self.emulator.controls.describe()["query_result_cap"]
        self.emulator.configure({"query_result_cap": 10**9})
        try:
            yield
        finally:
            self.emulator.configure({"query_result_cap": cap})

    def unmanaged_ids(self) -> set[str]:
        """Ids of the pages and the database no manifest manages."""
        humans = {page_id(2, self.tasks + h) for h in range(HUMAN_ROWS)}
        archive = {page_id(3, n) for n in range(3)}
        return humans | archive | {ARCHIVE_DB, ARCHIVE_DS}

    def unmanaged_writes(self) -> list[str]:
        """Write requests the emulator answered that named an unmanaged page or database.

        Last-edited times have Notion's minute precision, so a rewrite of equal values within
        the minute leaves the JSON alike; the request log still shows it.
        """
        ids = self.unmanaged_ids()
        return [
            f"{r['method']} {r['path']}"
            for r in self.emulator.requests()
            if r["method"] in ("PATCH", "POST", "PUT", "DELETE")
            and any(unmanaged in str(r["path"]) for unmanaged in ids)
        ]

    def check_untouched(self, before: dict[str, str]) -> None:
        """Nothing unmanaged was written to, and its JSON is as ``before`` (a snapshot)."""
        nothing: list[str] = []
        assert nothing == self.unmanaged_writes()
        after = self.unmanaged()
        assert before == {key: after.get(key) for key in before}

    # -- the end state ----------------------------------------------------------------------

    def live_keys(self) -> Counter[str]:
        """How many live (not trashed) rows carry each key, per managed database."""
        sources = (("projects", PROJECTS_DS, "Name"), ("tasks", TASKS_DS, "Slug"))
        counted: Counter[str] = Counter()
        with self._uncapped():
            client = in_process_client(self.emulator)
            for handle, source, key in sources:
                for page in _query_all(client, source):
                    value = page["properties"][key]
                    plain = "".join(part["plain_text"] for part in value[value["type"]])
                    counted[f"{handle}/{plain}"] += 1
        return counted

    def check_converged(self, gateway: Gateway, expected_keys: set[str] | None = None) -> None:
        """An empty plan, every expected key live exactly once, no other key."""
        plan, _ = self.plan(gateway)
        nothing: list[str] = []
        assert nothing == [change.id for change in plan.changes]
        counted = self.live_keys()
        assert nothing == sorted(key for key, count in counted.items() if count > 1)
        assert (expected_keys or self.expected_keys) == set(counted)


def canonical_json(value: Any) -> str:
    """The JSON text of an API answer without its per-request id, keys sorted."""
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k != "request_id"}
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _query_all(client: Any, source: str) -> Iterator[dict[str, Any]]:
    cursor = None
    while True:
        extra: dict[str, Any] = {"start_cursor": cursor} if cursor else {}
        answer = client.data_sources.query(data_source_id=source, page_size=100, **extra)
        yield from answer["results"]
        if not answer["has_more"]:
            return
        cursor = answer["next_cursor"]
