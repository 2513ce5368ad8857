"""Page property values: written as Notion validates them, stored compactly, rendered as returned.

Writes are checked per type with Notion's messages and limits (rich text 2,000 UTF-16 units per
item and 100 items, 100 multi_select options, relations and people, url 2,000, email and phone
200); an unknown select/multi_select name creates the option, an unknown status name is refused;
dates are cut to the minute with an offset. Stored forms: options by id, people and relations by
id, rich text and dates already normalized. Rendering resolves them again (renamed options show
their new name, removed ones vanish) and caps people and relations at the page cap (relations then
say ``has_more``). Formula and rollup values come from :mod:`reconciler.emulator.computed`.
Called by the workspace for page create/update/read and by the property item endpoint.
"""

from __future__ import annotations

import math
from datetime import tzinfo
from typing import Any, Protocol

from reconciler.emulator.clock import date_value_text, minute_time, zone
from reconciler.emulator.errors import ApiError, should_be, validation_error
from reconciler.emulator.identity import new_id, parse_uuid
from reconciler.emulator.richtext import MentionResolver, normalize_rich_text, utf16_length
from reconciler.emulator.schema import OPTION_COLORS, option_color_for
from reconciler.emulator.store import Row

__all__ = [
    "ValueHost",
    "WrongType",
    "default_value",
    "parse_value",
    "render_simple_value",
]

_TEXT_LIMITS = {"url": 2000, "email": 200, "phone_number": 200}


class WrongType(ApiError):
    """A value of another type than its property's (reported together with other such problems)."""

    def __init__(self, name: str, kind: str) -> None:
        super().__init__(400, "validation_error", f"{name} is expected to be {kind}.")


class ValueHost(MentionResolver, Protocol):
    """What value checks and rendering need from the workspace."""

    def page_exists(self, page_id: str) -> bool:
        """Whether a page with this id exists (relations may only point at pages)."""

    def person_or_bot(self, user_id: str) -> dict[str, Any]:
        """The user object shown in people values (bots with an empty ``bot``)."""


def default_value(kind: str, config: dict[str, Any]) -> Any:
    """The stored value of a property a page never set."""
    if kind in ("title", "rich_text", "multi_select", "people", "files", "relation"):
        return []
    if kind == "checkbox":
        return False
    if kind == "status":
        groups = config.get("groups") or []
        first = groups[0]["option_ids"] if groups and groups[0]["option_ids"] else []
        return first[0] if first else None
    if kind == "verification":
        return {"state": "unverified", "date": None, "verified_by": None}
    if kind == "button":
        return {}
    return None


# -- writing --------------------------------------------------------------------------------------


def parse_value(prop: dict[str, Any], raw: object, path: str, host: ValueHost) -> Any:
    """The stored form of a request value for this schema property (may add select options)."""
    kind = prop["type"]
    payload = _payload(prop, raw)
    where = f"{path}.{kind}"
    if kind in ("title", "rich_text"):
        return normalize_rich_text(payload, where, host)
    if kind == "number":
        return _number(payload, where)
    if kind in ("select", "status"):
        return _option(prop, payload, where)
    if kind == "multi_select":
        return _multi(prop, payload, where)
    if kind == "date":
        return _date(payload, where)
    if kind == "checkbox":
        if not isinstance(payload, bool):
            raise should_be("body", where, "a boolean", payload)
        return payload
    if kind in _TEXT_LIMITS:
        return _limited_text(payload, where, _TEXT_LIMITS[kind])
    if kind == "people":
        return _references(payload, where, "people")
    if kind == "relation":
        return _relation(payload, where, host)
    if kind == "files":
        return _files(payload, where)
    if kind == "place":
        return _place(payload, where)
    if kind == "verification":
        return _verification(payload, where)
    raise validation_error(f"{prop['name']} is a {kind} property and cannot be written.")


def _payload(prop: dict[str, Any], raw: object) -> object:
    """The type's payload out of ``{"type"?, "<type>": payload}`` (arrays for text as sent)."""
    kind = prop["type"]
    if isinstance(raw, list) and kind in (
        "title",
        "rich_text",
        "multi_select",
        "people",
        "relation",
        "files",
    ):
        return raw
    if isinstance(raw, dict):
        declared = raw.get("type")
        if declared is not None and declared != kind:
            raise WrongType(prop["name"], kind)
        if kind in raw:
            return raw[kind]
        other = [k for k in raw if k not in ("type", "id", "name", "has_more")]
        if other:
            raise WrongType(prop["name"], kind)
    raise WrongType(prop["name"], kind)


def _number(payload: object, where: str) -> float | int | None:
    if payload is None:
        return None
    if isinstance(payload, bool) or not isinstance(payload, int | float):
        raise should_be("body", where, "a number or `null`", payload)
    if isinstance(payload, float) and not math.isfinite(payload):
        raise should_be("body", where, "a finite number", payload)
    return payload


def _option(prop: dict[str, Any], payload: object, where: str) -> str | None:
    if payload is None:
        return None
    if not isinstance(payload, dict):
        raise should_be("body", where, "an object or `null`", payload)
    return _option_id(prop, payload, where)


def _option_id(prop: dict[str, Any], payload: dict[str, Any], where: str) -> str:
    """The id of the option named or identified; select creates unknown names, status refuses."""
    options: list[dict[str, Any]] = prop["config"].setdefault("options", [])
    wanted_id = payload.get("id")
    name = payload.get("name")
    if wanted_id is not None:
        found = next((o for o in options if o["id"] == wanted_id), None)
        if found is not None:
            return str(found["id"])
        if name is None:
            raise validation_error(f"Invalid {prop['type']} option id: {wanted_id}")
    if not isinstance(name, str) or not name:
        raise should_be(
            "body", f"{where}.name", "a non-empty string", name, defined=name is not None
        )
    found = next((o for o in options if o["name"] == name), None)
    if found is not None:
        return str(found["id"])
    if prop["type"] == "status":
        raise validation_error(
            f'Invalid status option. Status option "{name}" does not exist in property '
            f'"{prop["name"]}".'
        )
    if "," in name:
        raise validation_error(f"Invalid select option, commas not allowed: {name}")
    if utf16_length(name) > 100:
        raise should_be("body", f"{where}.name.length", "≤ `100`", utf16_length(name))
    color = payload.get("color") or option_color_for(name)
    if color not in OPTION_COLORS:
        raise should_be("body", f"{where}.color", "a select colour", color)
    option = {"id": new_id(), "name": name, "color": color, "description": None}
    options.append(option)
    return str(option["id"])


def _multi(prop: dict[str, Any], payload: object, where: str) -> list[str]:
    if not isinstance(payload, list):
        raise should_be("body", where, "an array", payload)
    if len(payload) > 100:
        raise should_be("body", f"{where}.length", "≤ `100`", len(payload))
    out: list[str] = []
    for n, item in enumerate(payload):
        if not isinstance(item, dict):
            raise should_be("body", f"{where}[{n}]", "an object", item)
        option_id = _option_id(prop, item, f"{where}[{n}]")
        if option_id not in out:
            out.append(option_id)
    return out


def _date(payload: object, where: str) -> dict[str, Any] | None:
    if payload is None:
        return None
    if not isinstance(payload, dict):
        raise should_be("body", where, "an object or `null`", payload)
    tz_name = payload.get("time_zone")
    tz = None
    if tz_name is not None:
        tz = zone(tz_name) if isinstance(tz_name, str) else None
        if tz is None:
            raise should_be(
                "body", f"{where}.time_zone", "a valid IANA time zone or `null`", tz_name
            )
    start = _instant(payload.get("start"), f"{where}.start", tz, required=True)
    end = _instant(payload.get("end"), f"{where}.end", tz, required=False)
    return {"start": start, "end": end, "time_zone": None}


def _instant(value: object, where: str, tz: tzinfo | None, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    shown = date_value_text(value, tz) if isinstance(value, str) else None
    if shown is None:
        raise should_be(
            "body", where, "a valid ISO 8601 date string", value, defined=value is not None
        )
    return shown


def _limited_text(payload: object, where: str, limit: int) -> str | None:
    if payload is None:
        return None
    if not isinstance(payload, str):
        raise should_be("body", where, "a string or `null`", payload)
    length = utf16_length(payload)
    if length > limit:
        raise should_be("body", f"{where}.length", f"≤ `{limit}`", length)
    return payload


def _references(payload: object, where: str, what: str) -> list[str]:
    if not isinstance(payload, list):
        raise should_be("body", where, "an array", payload)
    if len(payload) > 100:
        raise should_be("body", f"{where}.length", "≤ `100`", len(payload))
    out: list[str] = []
    for n, item in enumerate(payload):
        raw = item.get("id") if isinstance(item, dict) else None
        ref = parse_uuid(raw) if isinstance(raw, str) else None
        if ref is None:
            raise should_be(
                "body", f"{where}[{n}].id", "a valid uuid", raw, defined=raw is not None
            )
        if ref not in out:
            out.append(ref)
    del what
    return out


def _relation(payload: object, where: str, host: ValueHost) -> list[str]:
    refs = _references(payload, where, "relation")
    missing = [r for r in refs if not host.page_exists(r)]
    if missing:
        raise validation_error(
            f"Could not find page with ID: {missing[0]}. Relation values must be pages "
            f"(body failed validation: {where})."
        )
    return refs


def _files(payload: object, where: str) -> list[dict[str, Any]]:
    if not isinstance(payload, list):
        raise should_be("body", where, "an array", payload)
    if len(payload) > 100:
        raise should_be("body", f"{where}.length", "≤ `100`", len(payload))
    out = []
    for n, item in enumerate(payload):
        at = f"{where}[{n}]"
        if not isinstance(item, dict):
            raise should_be("body", at, "an object", item)
        external = item.get("external")
        if not isinstance(external, dict) or not isinstance(external.get("url"), str):
            raise should_be("body", f"{at}.external", "an object with a `url` string", external)
        url = str(external["url"])
        if utf16_length(url) > 2000:
            raise should_be("body", f"{at}.external.url.length", "≤ `2000`", utf16_length(url))
        name = item.get("name", url)
        if not isinstance(name, str) or utf16_length(name) > 100:
            raise should_be("body", f"{at}.name", "a string of at most 100 characters", name)
        out.append({"name": name, "type": "external", "external": {"url": url}})
    return out


def _place(payload: object, where: str) -> dict[str, Any] | None:
    if payload is None:
        return None
    if not isinstance(payload, dict):
        raise should_be("body", where, "an object or `null`", payload)
    for key in ("lat", "lon"):
        value = payload.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise should_be("body", f"{where}.{key}", "a number", value, defined=key in payload)
    out: dict[str, Any] = {"lat": payload["lat"], "lon": payload["lon"]}
    for key in ("name", "address", "aws_place_id", "google_place_id"):
        value = payload.get(key)
        if value is not None and not isinstance(value, str):
            raise should_be("body", f"{where}.{key}", "a string or `null`", value)
        out[key] = value
    return out


def _verification(payload: object, where: str) -> dict[str, Any]:
    if not isinstance(payload, dict) or payload.get("state") not in ("verified", "unverified"):
        state = payload.get("state") if isinstance(payload, dict) else payload
        raise should_be("body", f"{where}.state", '`"verified"` or `"unverified"`', state)
    if payload["state"] == "unverified":
        return {"state": "unverified", "date": None, "verified_by": None}
    date = _date(payload.get("date"), f"{where}.date") if payload.get("date") else None
    return {"state": "verified", "date": date, "verified_by": None}


# -- reading --------------------------------------------------------------------------------------


def render_simple_value(
    prop: dict[str, Any], pid: str, stored: Any, page: Row, host: ValueHost, *, cap: int | None
) -> dict[str, Any]:
    """A page's value of a stored or timestamp property, in the response shape.

    ``cap`` limits people and relation references (25 in page objects, None elsewhere).
    """
    kind = prop["type"]
    config = prop.get("config", {})
    out: dict[str, Any] = {"id": pid, "type": kind}
    if kind in ("select", "status"):
        out[kind] = _shown_option(config, stored)
    elif kind == "multi_select":
        shown = [_shown_option(config, o) for o in stored or []]
        out[kind] = [o for o in shown if o is not None]
    elif kind == "people":
        users = [host.person_or_bot(u) for u in stored or []]
        out[kind] = users[:cap] if cap is not None else users
    elif kind == "relation":
        refs = [{"id": r} for r in stored or []]
        out[kind] = refs[:cap] if cap is not None else refs
        out["has_more"] = cap is not None and len(refs) > cap
    elif kind in ("created_time", "last_edited_time"):
        moment = page.created_time if kind == "created_time" else page.last_edited_time
        out[kind] = minute_time(moment)
    elif kind in ("created_by", "last_edited_by"):
        out[kind] = host.person_or_bot(str(page.body.get(kind)))
    elif kind == "unique_id":
        out[kind] = {"prefix": config.get("prefix"), "number": stored}
    else:
        out[kind] = stored
    return out


def _shown_option(config: dict[str, Any], option_id: object) -> dict[str, Any] | None:
    for option in config.get("options", []):
        if option["id"] == option_id:
            return {"id": option["id"], "name": option["name"], "color": option["color"]}
    return None
