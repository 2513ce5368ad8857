"""The differ end to end: a YAML manifest, a live database read from the emulator, the plan."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.config import RateLimitSettings, Secret
from reconciler.emulator import Emulator
from reconciler.manifest import load_desired_state
from reconciler.notion.notion_gateway import NotionGateway
from reconciler.plan import Action, make_plan
from reconciler.readspec import read_spec, read_specs
from tests.conftest import ROOT_PAGE_ID, TOKEN

TASKS_DB = "1d4f6c2a-0b3e-4f5a-8c7d-9e0f1a2b3c4d"
TASKS_DS = "2e5a7d3b-1c4f-4a6b-9d8e-0f1a2b3c4d5e"

MANIFEST = f"""\
database: tasks
id: {TASKS_DB}
title: Tasks
key: Slug
prune: true
properties:
  Name: title
  Slug: rich_text
  Estimate: {{type: number, format: number}}
rows:
  - {{Slug: write-brief, Name: Write the brief, Estimate: 2}}
  - {{Slug: design-pages, Name: Design the pages, Estimate: 8}}
  - {{Slug: archive-old, Name: Archive old pages, Estimate: 1}}
"""


def _text(content: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": content}}]


def _task(
    n: int, slug: str, name: str, estimate: float, *, in_trash: bool = False
) -> dict[str, Any]:
    return {
        "id": f"3f6b8e4c-2d5a-4b7c-8e9f-{n:012x}",
        "parent": {"type": "data_source_id", "data_source_id": TASKS_DS},
        "created_time": f"2026-05-01T10:{n:02d}:00.000Z",
        "in_trash": in_trash,
        "properties": {
            "Name": {"title": _text(name)},
            "Slug": {"rich_text": _text(slug)},
            "Estimate": {"number": estimate},
            "Notes": {"rich_text": _text("kept by hand")},
        },
    }


@pytest.fixture
def gateway(emulator: Emulator) -> Iterator[NotionGateway]:
    """A gateway onto the emulator, which holds the tasks database with four rows."""
    schema = {
        "Name": {"type": "title", "title": {}},
        "Slug": {"type": "rich_text", "rich_text": {}},
        "Estimate": {"type": "number", "number": {"format": "number"}},
        "Notes": {"type": "rich_text", "rich_text": {}},
    }
    emulator.seed(
        {
            "databases": [
                {
                    "id": TASKS_DB,
                    "parent": {"type": "page_id", "page_id": ROOT_PAGE_ID},
                    "title": _text("Tasks"),
                    "data_sources": [{"id": TASKS_DS, "properties": schema}],
                }
            ],
            "pages": [
                _task(1, "write-brief", "Write the brief", 2),
                _task(2, "design-pages", "Design the pages", 5),
                _task(3, "archive-old", "Archive old pages", 1, in_trash=True),
                _task(4, "stale-task", "A task nobody lists", 3),
            ],
        }
    )
    client = httpx.Client(transport=httpx.WSGITransport(app=emulator))
    gateway = NotionGateway(
        Secret(TOKEN),
        base_url="http://127.0.0.1",
        rate_limit=RateLimitSettings(rps=0),
        http_client=client,
    )
    yield gateway
    gateway.close()
    client.close()


def test_a_live_database_read_from_the_emulator_is_planned_row_by_row(
    tmp_path: Path, gateway: NotionGateway
) -> None:
    """Equal row: nothing; changed: update; in the trash: restore; not listed: trash."""
    (tmp_path / "tasks.yaml").write_text(MANIFEST, encoding="utf-8")
    desired = load_desired_state(["tasks.yaml"], environ={}, cwd=tmp_path, root=tmp_path)
    plan = make_plan(desired, gateway.read_state(read_specs(desired)))
    assert [(c.action, c.target) for c in plan.changes] == [
        (Action.RESTORE_ROW, "archive-old"),
        (Action.UPDATE_ROW, "design-pages"),
        (Action.TRASH_ROW, "stale-task"),
    ]
    tasks = plan.database("tasks")
    assert tasks is not None
    assert (tasks.live_rows, tasks.unmanaged_properties) == (3, ("Notes",))


def test_live_hashes_match_what_the_stale_check_re_reads(
    tmp_path: Path, gateway: NotionGateway
) -> None:
    """Each change's live_hash equals the content hash of the row read_rows returns for it."""
    (tmp_path / "tasks.yaml").write_text(MANIFEST, encoding="utf-8")
    desired = load_desired_state(["tasks.yaml"], environ={}, cwd=tmp_path, root=tmp_path)
    live = gateway.read_state(read_specs(desired))
    plan = make_plan(desired, live)
    touched = {c.page_id: c.live_hash for c in plan.changes if c.page_id is not None}
    database = desired.database("tasks")
    assert database is not None
    reread = gateway.read_rows(read_spec(database).located(live.databases["tasks"]), list(touched))
    assert {page: row.content_hash for page, row in reread.items()} == touched
