"""Fixtures of the emulator suite: data sources holding every property type, and text helpers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ROOT_PAGE_ID


def text(content: str) -> list[dict[str, Any]]:
    """A one-run rich text request."""
    return [{"type": "text", "text": {"content": content}}]


def plain(items: list[dict[str, Any]]) -> str:
    """The plain text of response rich text."""
    return "".join(i["plain_text"] for i in items)


EVERY_TYPE_SCHEMA: dict[str, Any] = {
    "Name": {"title": {}},
    "Notes": {"rich_text": {}},
    "Estimate": {"number": {"format": "dollar"}},
    "Stage": {
        "select": {
            "options": [{"name": "Todo", "color": "gray"}, {"name": "Done", "color": "green"}]
        }
    },
    "Tags": {"multi_select": {"options": [{"name": "docs"}, {"name": "web", "color": "blue"}]}},
    "Progress": {"status": {}},
    "Due": {"date": {}},
    "Owner": {"people": {}},
    "Attachments": {"files": {}},
    "Done": {"checkbox": {}},
    "Link": {"url": {}},
    "Mail": {"email": {}},
    "Phone": {"phone_number": {}},
    "Where": {"place": {}},
    "Checked": {"verification": {}},
    "Created": {"created_time": {}},
    "Creator": {"created_by": {}},
    "Edited": {"last_edited_time": {}},
    "Editor": {"last_edited_by": {}},
    "Ticket": {"unique_id": {"prefix": "TSK"}},
    "Double": {"formula": {"expression": 'prop("Estimate") * 2'}},
    "Press": {"button": {}},
}


def create_database(notion: Any, title: str, properties: dict[str, Any]) -> tuple[str, str]:
    """(database id, data source id) of a new database under the root page."""
    database = notion.databases.create(
        parent={"type": "page_id", "page_id": ROOT_PAGE_ID},
        title=text(title),
        initial_data_source={"properties": properties},
    )
    return database["id"], database["data_sources"][0]["id"]


@pytest.fixture
def every_type(notion: Any) -> str:
    """The data source id of a "Tasks" database with a property of every type."""
    return create_database(notion, "Tasks", EVERY_TYPE_SCHEMA)[1]


@pytest.fixture
def people(emulator: Any) -> dict[str, str]:
    """Two seeded people, by name: Ada and Grace."""
    emulator.seed(
        {
            "users": [
                {
                    "id": "5a0c6f4e-2c4b-4f1e-9d4a-0a1b2c3d4e5f",
                    "name": "Ada Lovelace",
                    "type": "person",
                    "person": {"email": "ada@example.com"},
                },
                {
                    "id": "6b1d7a5f-3d5c-4a2f-8e5b-1b2c3d4e5f60",
                    "name": "Grace Hopper",
                    "type": "person",
                    "person": {"email": "grace@example.com"},
                },
            ]
        }
    )
    return {
        "Ada": "5a0c6f4e-2c4b-4f1e-9d4a-0a1b2c3d4e5f",
        "Grace": "6b1d7a5f-3d5c-4a2f-8e5b-1b2c3d4e5f60",
    }
