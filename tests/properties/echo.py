"""A codec-level stand-in for Notion: a page write payload → the property value Notion answers.

It applies the normalisations the recordings show (rich text items filled out with annotations,
plain_text and href; datetimes cut to the minute and answered with an offset; options given ids
and colours; users expanded to user objects; relations with ``has_more``), so a round trip
through it checks that the codecs canonicalise Notion's answer back to what was sent. The
emulator-backed round trip in ``test_roundtrip_emulator`` checks the same against the emulator.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

ANSWER_OFFSET = dt.timezone(dt.timedelta(hours=5, minutes=30))
_DEFAULT_ANNOTATIONS = {
    "bold": False,
    "italic": False,
    "strikethrough": False,
    "underline": False,
    "code": False,
    "color": "default",
}


def _rich_text(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    answered = []
    for item in items:
        annotations = _DEFAULT_ANNOTATIONS | item.get("annotations", {})
        if item.get("type") == "equation":
            expression = item["equation"]["expression"]
            answered.append(
                {
                    "type": "equation",
                    "equation": {"expression": expression},
                    "annotations": annotations,
                    "plain_text": expression,
                    "href": None,
                }
            )
            continue
        text = item["text"]
        link = text.get("link")
        answered.append(
            {
                "type": "text",
                "text": {"content": text["content"], "link": link},
                "annotations": annotations,
                "plain_text": text["content"],
                "href": link["url"] if link else None,
            }
        )
    return answered


def _instant(text: str | None) -> str | None:
    if text is None or len(text) == 10:
        return text
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    moment = moment.replace(second=0, microsecond=0).astimezone(ANSWER_OFFSET)
    return moment.isoformat(timespec="milliseconds")


def _date(body: dict[str, Any] | None) -> dict[str, Any] | None:
    if body is None:
        return None
    return {"start": _instant(body["start"]), "end": _instant(body.get("end")), "time_zone": None}


def _option(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, body["name"])),
        "name": body["name"],
        "color": "default",
    }


def answer(type_name: str, payload: Any) -> dict[str, Any]:
    """The page property object Notion would return after this payload was written."""
    if type_name in ("title", "rich_text"):
        value: Any = _rich_text(payload)
    elif type_name in ("select", "status"):
        value = _option(payload) if payload else None
    elif type_name == "multi_select":
        value = [_option(item) for item in payload]
    elif type_name == "date":
        value = _date(payload)
    elif type_name == "people":
        value = [
            {"object": "user", "id": user["id"], "name": "Someone", "avatar_url": None}
            for user in payload
        ]
    elif type_name == "files":
        value = [
            {"name": f["name"], "type": "external", "external": f["external"]} for f in payload
        ]
    elif type_name == "relation":
        return {"id": "rel", "type": "relation", "relation": payload, "has_more": False}
    elif type_name == "place":
        value = None if payload is None else {"name": None, "address": None} | payload
    elif type_name == "verification":
        verified = payload["state"] == "verified"
        value = {
            "state": payload["state"],
            "date": _date(payload.get("date")) if verified else None,
            "verified_by": {"object": "user", "id": str(uuid.uuid4())} if verified else None,
        }
    else:
        value = payload  # number, checkbox, url, email, phone_number come back as sent
    return {"id": "prop", "type": type_name, type_name: value}
