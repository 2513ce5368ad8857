"""API-shaped page property values, as Notion returns them, for the engine tests."""

from __future__ import annotations

from typing import Any

BOT: dict[str, Any] = {
    "object": "user",
    "id": "00000000-0000-4000-8000-0000000000f1",
    "name": "Reconciler Bot",
    "avatar_url": None,
    "type": "bot",
    "bot": {},
}
ADA: dict[str, Any] = {
    "object": "user",
    "id": "00000000-0000-4000-8000-0000000000fa",
    "name": "Ada Lovelace",
    "avatar_url": None,
    "type": "person",
    "person": {"email": "ada@example.com"},
}


def rich_text(content: str) -> list[dict[str, Any]]:
    """One plain text item, as in a response."""
    if not content:
        return []
    return [
        {
            "type": "text",
            "text": {"content": content, "link": None},
            "annotations": {
                "bold": False,
                "italic": False,
                "strikethrough": False,
                "underline": False,
                "code": False,
                "color": "default",
            },
            "plain_text": content,
            "href": None,
        }
    ]


def title(content: str, property_id: str = "title") -> dict[str, Any]:
    return {"id": property_id, "type": "title", "title": rich_text(content)}


def text(content: str, property_id: str = "txt") -> dict[str, Any]:
    return {"id": property_id, "type": "rich_text", "rich_text": rich_text(content)}


def number(value: float | None, property_id: str = "num") -> dict[str, Any]:
    return {"id": property_id, "type": "number", "number": value}


def checkbox(value: bool, property_id: str = "chk") -> dict[str, Any]:
    return {"id": property_id, "type": "checkbox", "checkbox": value}


def select(name: str | None, property_id: str = "sel", kind: str = "select") -> dict[str, Any]:
    option = {"id": f"opt-{name}", "name": name, "color": "blue"} if name else None
    return {"id": property_id, "type": kind, kind: option}


def status(name: str | None, property_id: str = "sts") -> dict[str, Any]:
    return select(name, property_id, "status")


def multi_select(*names: str, property_id: str = "tags") -> dict[str, Any]:
    options = [{"id": f"opt-{n}", "name": n, "color": "gray"} for n in names]
    return {"id": property_id, "type": "multi_select", "multi_select": options}


def date(start: str | None, end: str | None = None, property_id: str = "due") -> dict[str, Any]:
    payload = {"start": start, "end": end, "time_zone": None} if start else None
    return {"id": property_id, "type": "date", "date": payload}


def people(*users: dict[str, Any], property_id: str = "ppl") -> dict[str, Any]:
    return {"id": property_id, "type": "people", "people": list(users)}


def relation(*page_ids: str, property_id: str = "rel") -> dict[str, Any]:
    refs = [{"id": page_id} for page_id in page_ids]
    return {"id": property_id, "type": "relation", "relation": refs, "has_more": False}


def files(*names: str, property_id: str = "fls") -> dict[str, Any]:
    items = [
        {"name": n, "type": "external", "external": {"url": f"https://example.com/{n}"}}
        for n in names
    ]
    return {"id": property_id, "type": "files", "files": items}


def url(value: str | None, property_id: str = "url", kind: str = "url") -> dict[str, Any]:
    return {"id": property_id, "type": kind, kind: value}


def unique_id(value: int, prefix: str | None = None, property_id: str = "uid") -> dict[str, Any]:
    return {
        "id": property_id,
        "type": "unique_id",
        "unique_id": {"prefix": prefix, "number": value},
    }


def formula(kind: str, value: Any, property_id: str = "fml") -> dict[str, Any]:
    return {"id": property_id, "type": "formula", "formula": {"type": kind, kind: value}}


def created_time(value: str, property_id: str = "ct") -> dict[str, Any]:
    return {"id": property_id, "type": "created_time", "created_time": value}


def created_by(user: dict[str, Any], property_id: str = "cb") -> dict[str, Any]:
    return {"id": property_id, "type": "created_by", "created_by": user}


def verification(state: str, property_id: str = "ver") -> dict[str, Any]:
    payload: dict[str, Any] = {"state": state, "date": None, "verified_by": None}
    return {"id": property_id, "type": "verification", "verification": payload}


def rollup(kind: str, value: Any, function: str, property_id: str = "rlp") -> dict[str, Any]:
    return {
        "id": property_id,
        "type": "rollup",
        "rollup": {"type": kind, kind: value, "function": function},
    }


# A page holding a value of every property type, as the API returns it.
RELATED_IDS = ("38c9ce7b-60a4-811b-b44c-d1e3c3f63f40", "38c9ce7b-60a4-8115-a712-d10ea87e020b")
EVERY_TYPE: dict[str, Any] = {
    "Name": title("Ship the release"),
    "Notes": text(""),
    "Price": number(42, property_id="%5Di%3BB"),
    "Empty number": number(None),
    "Done": checkbox(True),
    "Stage": select("Doing"),
    "No stage": select(None),
    "Status": status("Done"),
    "Tags": multi_select("Red", "Blue"),
    "Due": date("2026-07-01"),
    "No due": date(None),
    "Meeting": date("2026-06-27T09:30:00.000+02:00"),
    "Span": date("2026-07-01", "2026-07-05"),
    "Owners": people(ADA, BOT),
    "Related": relation(*RELATED_IDS),
    "Attachments": files("plan.pdf", "budget.xlsx"),
    "Website": url("https://example.com"),
    "Mail": url("ada@example.com", kind="email"),
    "No phone": url(None, kind="phone_number"),
    "Ticket": unique_id(7, "TASK"),
    "Sequence": unique_id(3),
    "Score": formula("number", 9),
    "Label": formula("string", "hot"),
    "Created": created_time("2026-06-26T13:45:00.000Z"),
    "Author": created_by(ADA),
    "Verified": verification("verified"),
    "Total": rollup("number", 12, "sum"),
    "Titles": rollup(
        "array",
        [
            {"type": "title", "title": rich_text("A")},
            {"type": "title", "title": rich_text("B")},
        ],
        "show_original",
    ),
}
