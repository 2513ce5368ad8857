"""A data source schema and page builder for the filter and sort tests."""

from __future__ import annotations

import zlib
from typing import Any

from tests.emulator.engines import values as v


def _options(*names: str) -> dict[str, Any]:
    return {
        "options": [
            {"id": f"opt-{name}", "name": name, "color": "default", "description": None}
            for name in names
        ]
    }


def _config(
    identifier: str, name: str, kind: str, config: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {"id": identifier, "name": name, "description": None, "type": kind, kind: config or {}}


SCHEMA: dict[str, Any] = {
    "Name": _config("title", "Name", "title"),
    "Notes": _config("txt", "Notes", "rich_text"),
    "Website": _config("url", "Website", "url"),
    "Mail": _config("mail", "Mail", "email"),
    "Phone": _config("tel", "Phone", "phone_number"),
    "Price": _config("%5Di%3BB", "Price", "number", {"format": "dollar"}),
    "Ticket": _config("uid", "Ticket", "unique_id", {"prefix": "TASK"}),
    "Done": _config("chk", "Done", "checkbox"),
    "Stage": _config("sel", "Stage", "select", _options("Backlog", "Doing", "Done")),
    "Status": _config("sts", "Status", "status", _options("Not started", "In progress", "Done")),
    "Tags": _config("tags", "Tags", "multi_select", _options("Red", "Blue", "Green")),
    "Due": _config("due", "Due", "date"),
    "Created": _config("ct", "Created", "created_time"),
    "Edited": _config("et", "Edited", "last_edited_time"),
    "Owners": _config("ppl", "Owners", "people"),
    "Author": _config("cb", "Author", "created_by"),
    "Editor": _config("eb", "Editor", "last_edited_by"),
    "Related": _config("rel", "Related", "relation"),
    "Attachments": _config("fls", "Attachments", "files"),
    "Score": _config("fnum", "Score", "formula", {"expression": "1"}),
    "Label": _config("fstr", "Label", "formula", {"expression": '"x"'}),
    "Flag": _config("fbool", "Flag", "formula", {"expression": "true"}),
    "When": _config("fdate", "When", "formula", {"expression": "now()"}),
    "Total": _config("rnum", "Total", "rollup", {"function": "sum"}),
    "Titles": _config("rarr", "Titles", "rollup", {"function": "show_original"}),
    "Earliest": _config("rdate", "Earliest", "rollup", {"function": "earliest_date"}),
    "Verified": _config("ver", "Verified", "verification"),
}
CREATED = "2026-06-27T10:00:00.000Z"


def _empty(name: str) -> dict[str, Any]:
    config = SCHEMA[name]
    kind = config["type"]
    empty: dict[str, Any] = {
        "title": [], "rich_text": [], "url": None, "email": None, "phone_number": None,
        "number": None, "unique_id": {"prefix": "TASK", "number": 1}, "checkbox": False,
        "select": None, "status": None, "multi_select": [], "date": None,
        "created_time": CREATED, "last_edited_time": CREATED, "people": [],
        "created_by": v.BOT, "last_edited_by": v.BOT, "relation": [], "files": [],
        "formula": {"type": "string", "string": None},
        "rollup": {"type": "number", "number": None, "function": "sum"},
        "verification": {"state": "unverified", "date": None, "verified_by": None},
    }  # fmt: skip
    value = {"id": config["id"], "type": kind, kind: empty[kind]}
    if kind == "relation":
        value["has_more"] = False
    return value


def page(
    name: str, created: str = CREATED, edited: str = CREATED, **values: dict[str, Any]
) -> dict[str, Any]:
    """A page of SCHEMA titled `name`; each keyword sets one property to an API value."""
    properties = {prop: _empty(prop) for prop in SCHEMA}
    properties["Name"] = v.title(name)
    for prop, value in values.items():
        properties[prop] = {**value, "id": SCHEMA[prop]["id"]}
    return {
        "object": "page",
        "id": f"00000000-0000-4000-8000-{zlib.crc32(name.encode()):012d}",
        "created_time": created,
        "last_edited_time": edited,
        "properties": properties,
    }
