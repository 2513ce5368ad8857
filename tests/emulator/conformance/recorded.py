"""Small hand-written recordings in the replay's format, for the conformance unit tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reconciler.emulator.conformance.recordings import Interaction, Recording, load_recording
from tests.emulator.engines.values import rich_text

ROOT = "00000000-0000-4000-8000-000000000001"
BOT = "00000000-0000-4000-8000-0000000000f1"
WORKSPACE = "00000000-0000-4000-8000-0000000000f0"
PAGE = "38c9ce7b-60a4-81cc-a548-eaf627b9d2c1"


def page(page_id: str, title: str, parent: str = ROOT) -> dict[str, Any]:
    """A page under a page, as Notion answers it at 2026-03-11."""
    return {
        "object": "page",
        "id": page_id,
        "created_time": "2026-06-27T17:00:00.000Z",
        "last_edited_time": "2026-06-27T17:00:00.000Z",
        "created_by": {"object": "user", "id": BOT},
        "last_edited_by": {"object": "user", "id": BOT},
        "cover": None,
        "icon": None,
        "parent": {"type": "page_id", "page_id": parent},
        "in_trash": False,
        "is_archived": False,
        "is_locked": False,
        "properties": {"title": {"id": "title", "type": "title", "title": rich_text(title)}},
        "url": f"https://www.notion.so/{page_id.replace('-', '')}",
        "public_url": None,
        "request_id": "0f751800-e86f-4139-8328-85738893a709",
    }


def interaction(
    method: str,
    path: str,
    response: Any,
    *,
    body: Any = None,
    status: int = 200,
    query: tuple[tuple[str, str], ...] = (),
) -> dict[str, Any]:
    """One interaction as a recording file holds it."""
    return {
        "method": method,
        "path": path,
        "query": [list(pair) for pair in query],
        "notion_version": "2026-03-11",
        "request_body": body,
        "status": status,
        "response_headers": {"content-type": "application/json"},
        "response_body": response,
    }


def write(folder: Path, name: str, interactions: list[dict[str, Any]]) -> Path:
    """A recording file under ``folder``."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"source": f"ultimate-notion/tests/cassettes/{name}", "interactions": interactions}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def recording(tmp_path: Path, interactions: list[dict[str, Any]]) -> Recording:
    """A recording read back from a file."""
    path = write(tmp_path, "test_page/test_example.json", interactions)
    return load_recording(path, path.as_posix())


def one(method: str, path: str, body: Any = None, response: Any = None) -> Interaction:
    """A lone interaction (for the scope rules)."""
    return Interaction(0, method, path, (), "2026-03-11", body, 200, response)


def create_page(title: str, page_id: str = PAGE) -> dict[str, Any]:
    """The recorded creation of a page under the root page."""
    body = {
        "parent": {"type": "page_id", "page_id": ROOT},
        "properties": {"title": {"title": [{"text": {"content": title}}]}},
    }
    return interaction("POST", "/v1/pages", page(page_id, title), body=body)


def root_page() -> dict[str, Any]:
    """The recorded root page of the workspace."""
    root = page(ROOT, "Tests")
    root["parent"] = {"type": "workspace", "workspace": True}
    return root
