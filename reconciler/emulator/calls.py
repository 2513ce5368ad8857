"""One API call as the endpoint functions see it, and the checks every JSON body gets.

Notion's request validator refuses keys it does not know ("body.x should be not present") and
names missing required ones ("should be defined, instead was `undefined`"). Used by the router
and every endpoint module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.emulator.errors import should_be

__all__ = ["Call", "check_keys", "icon_value", "require"]

_NOTION_ICON = re.compile(r"^https://www\.notion\.so/icons/([a-z0-9_-]+?)_([a-z]+)\.svg$")
_ICON_TYPES = ("emoji", "external", "custom_emoji", "file", "file_upload", "icon")


@dataclass(frozen=True)
class Call:
    """A parsed request: path parameters, query pairs (repeatable) and the JSON body."""

    method: str
    path: str
    params: Mapping[str, str] = field(default_factory=dict)
    query: Sequence[tuple[str, str]] = ()
    body: Any = None

    def json_body(self) -> dict[str, Any]:
        """The body as an object (an absent body counts as ``{}``)."""
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise should_be("body", "body", "an object", self.body)
        return self.body

    def query_values(self, name: str) -> list[str]:
        """Every value of a repeated query parameter, in order."""
        return [value for key, value in self.query if key in (name, f"{name}[]")]


def check_keys(body: Mapping[str, Any], allowed: Iterable[str], where: str = "body") -> None:
    """Refuse the first key Notion's validator would not accept here."""
    known = set(allowed)
    for key, value in body.items():
        if key not in known:
            raise should_be("body", f"{where}.{key}", "not present", value)


def require(body: Mapping[str, Any], key: str, where: str = "body") -> Any:
    """A required key's value, or Notion's "should be defined" refusal."""
    if key not in body or (body[key] is None and key != "properties"):
        raise should_be("body", f"{where}.{key}", "defined", None, defined=False)
    return body[key]


def icon_value(value: object, path: str) -> Any:
    """An icon or cover as stored: ``{"type": t, t: ...}`` or None.

    Observed: an external url of one of Notion's own icons comes back as ``{"type": "icon",
    "icon": {"name", "color"}}``.
    """
    if value is None:
        return None
    if not isinstance(value, dict):
        raise should_be("body", path, "an object or `null`", value)
    kind = value.get("type") or next((k for k in _ICON_TYPES if k in value), None)
    if kind not in _ICON_TYPES:
        raise should_be("body", f"{path}.type", '`"emoji"`, `"external"` or `"custom_emoji"`', kind)
    payload = value.get(kind)
    url = payload.get("url") if kind == "external" and isinstance(payload, dict) else None
    found = _NOTION_ICON.match(url) if isinstance(url, str) else None
    if found is not None:
        return {"type": "icon", "icon": {"name": found.group(1), "color": found.group(2)}}
    return {"type": kind, kind: payload}
