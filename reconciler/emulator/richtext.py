"""Rich text as Notion takes and returns it: validation with Notion's limits, and normalization.

A request item (``text``, ``mention`` or ``equation``; ``type`` optional, extra ``plain_text`` and
``href`` accepted and ignored) becomes the response item Notion stores: full annotations,
``plain_text`` and ``href`` filled in, mentions resolved (a user mention carries the user object,
a page mention its title). Limits: 2,000 characters per text content counted in UTF-16 code units
as JavaScript counts them, 2,000 per link url, 1,000 per equation, 100 items per array. Used for
titles, descriptions, title/rich_text property values and block text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from typing import Any, Protocol

from reconciler.emulator.clock import date_value_text, zone
from reconciler.emulator.errors import js, should_be, validation_error
from reconciler.emulator.identity import compact, parse_uuid

__all__ = [
    "COLORS",
    "MentionResolver",
    "normalize_rich_text",
    "plain_text",
    "text_item",
    "utf16_length",
]

_BASE_COLORS = ("gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red")
COLORS: tuple[str, ...] = (
    "default",
    *_BASE_COLORS,
    *(f"{c}_background" for c in ("default", *_BASE_COLORS)),
)
"""Every annotation colour Notion knows (``ApiColor``)."""

_ANNOTATIONS = ("bold", "italic", "strikethrough", "underline", "code")
# The mention types Notion lists when a mention names none it knows (observed, in this order).
_MENTION_UNION = ("user", "page", "database", "date", "link_preview")


class MentionResolver(Protocol):
    """What normalization needs to know about the workspace to render mentions."""

    def user_object(self, user_id: str) -> dict[str, Any] | None:
        """The user object shown in a mention, or None if there is no such user."""

    def mention_title(self, kind: str, object_id: str) -> str | None:
        """The plain title of a page or database, or None if unknown."""


def utf16_length(text: str) -> int:
    """The length JavaScript reports: astral characters (most emoji) count twice."""
    return len(text.encode("utf-16-le")) // 2


def text_item(content: str, link: str | None = None) -> dict[str, Any]:
    """A plain response item holding this text."""
    return {
        "type": "text",
        "text": {"content": content, "link": {"url": link} if link else None},
        "annotations": _default_annotations(),
        "plain_text": content,
        "href": link,
    }


def plain_text(items: list[dict[str, Any]]) -> str:
    """The concatenated plain text of response items."""
    return "".join(str(i.get("plain_text", "")) for i in items)


def _default_annotations() -> dict[str, Any]:
    return dict.fromkeys(_ANNOTATIONS, False) | {"color": "default"}


def normalize_rich_text(
    value: object, path: str, resolver: MentionResolver, *, max_items: int = 100
) -> list[dict[str, Any]]:
    """Validate a request rich-text array and return the items as Notion stores them.

    Adjacent text runs with the same annotations and link come back as one run (observed: a
    code block sent as runs of 2,000 and 1 characters returns one run of 2,001).
    """
    if not isinstance(value, list):
        raise should_be("body", path, "an array", value)
    if len(value) > max_items:
        raise should_be("body", f"{path}.length", f"≤ `{max_items}`", len(value))
    return _merged([_item(item, f"{path}[{n}]", resolver) for n, item in enumerate(value)])


def _merged(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        last = out[-1] if out else None
        if (
            last is not None
            and item["type"] == "text" == last["type"]
            and item["annotations"] == last["annotations"]
            and item["text"]["link"] == last["text"]["link"]
        ):
            content = last["text"]["content"] + item["text"]["content"]
            last["text"] = {"content": content, "link": last["text"]["link"]}
            last["plain_text"] = content
        else:
            out.append(item)
    return out


def _item(item: object, path: str, resolver: MentionResolver) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise should_be("body", path, "an object", item)
    kind = item.get("type")
    if kind is None:
        kind = next((k for k in ("text", "mention", "equation") if k in item), None)
    annotations = _annotations(item.get("annotations"), f"{path}.annotations")
    if kind == "text":
        out = _text(item.get("text"), f"{path}.text", item)
    elif kind == "mention":
        out = _mention(item.get("mention"), f"{path}.mention", resolver)
    elif kind == "equation":
        out = _equation(item.get("equation"), f"{path}.equation")
    else:
        raise validation_error(
            "body failed validation. Fix one:\n"
            + "\n".join(
                f"{path}.{k} should be defined, instead was `undefined`."
                for k in ("text", "mention", "equation")
            )
        )
    out["annotations"] = annotations
    out["plain_text"] = out.pop("_plain")
    out["href"] = out.pop("_href")
    return out


def _annotations(value: object, path: str) -> dict[str, Any]:
    out = _default_annotations()
    if value is None:
        return out
    if not isinstance(value, dict):
        raise should_be("body", path, "an object or `undefined`", value)
    for key, flag in value.items():
        if key in _ANNOTATIONS:
            if not isinstance(flag, bool):
                raise should_be("body", f"{path}.{key}", "a boolean or `undefined`", flag)
            out[key] = flag
        elif key == "color":
            if flag not in COLORS:
                choices = ", ".join(f"`{js(c)}`" for c in COLORS)
                raise should_be("body", f"{path}.color", f"one of {choices}", flag)
            out["color"] = flag
        else:
            raise should_be("body", f"{path}.{key}", "not present", flag)
    return out


def _text(value: object, path: str, item: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise should_be("body", path, "an object", value, defined="text" in item)
    content = value.get("content")
    if not isinstance(content, str):
        raise should_be("body", f"{path}.content", "a string", content, defined="content" in value)
    length = utf16_length(content)
    if length > 2000:
        raise should_be("body", f"{path}.content.length", "≤ `2000`", length)
    link = value.get("link")
    url: str | None = None
    if link is not None:
        if not isinstance(link, dict) or not isinstance(link.get("url"), str):
            raise should_be("body", f"{path}.link", "an object with a `url` string or `null`", link)
        url = str(link["url"])
        if utf16_length(url) > 2000:
            raise should_be("body", f"{path}.link.url.length", "≤ `2000`", utf16_length(url))
    return {
        "type": "text",
        "text": {"content": content, "link": {"url": url} if url else None},
        "_plain": content,
        "_href": url,
    }


def _equation(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not isinstance(value.get("expression"), str):
        raise should_be("body", f"{path}.expression", "a string", value)
    expression = str(value["expression"])
    if utf16_length(expression) > 1000:
        raise should_be("body", f"{path}.expression.length", "≤ `1000`", utf16_length(expression))
    return {
        "type": "equation",
        "equation": {"expression": expression},
        "_plain": expression,
        "_href": None,
    }


def _mention(value: object, path: str, resolver: MentionResolver) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise should_be("body", path, "an object", value)
    kind = value.get("type") or next(
        (k for k in (*_MENTION_UNION, "custom_emoji") if k in value), None
    )
    target = value.get(str(kind)) if kind else None
    if kind in ("user", "page", "database"):
        return _object_mention(str(kind), target, f"{path}.{kind}", resolver)
    if kind == "date":
        return _date_mention(target, f"{path}.date")
    if kind == "custom_emoji":
        return _custom_emoji_mention(target, f"{path}.custom_emoji")
    if kind == "link_preview" and isinstance(target, dict) and isinstance(target.get("url"), str):
        url = str(target["url"])
        return {
            "type": "mention",
            "mention": {"type": "link_preview", "link_preview": {"url": url}},
            "_plain": url,
            "_href": url,
        }
    raise validation_error(
        "body failed validation. Fix one:\n"
        + "\n".join(
            f"{path}.{k} should be defined, instead was `undefined`." for k in _MENTION_UNION
        )
    )


def _custom_emoji_mention(target: object, path: str) -> dict[str, Any]:
    """A workspace's own emoji, shown ``:name:`` (the emulator keeps what the request names)."""
    if not isinstance(target, dict):
        raise should_be("body", path, "an object", target)
    if parse_uuid(str(target.get("id"))) is None:
        raise should_be("body", f"{path}.id", "a valid uuid", target.get("id"))
    emoji = {"id": target["id"], "name": target.get("name"), "url": target.get("url")}
    return {
        "type": "mention",
        "mention": {"type": "custom_emoji", "custom_emoji": emoji},
        "_plain": f":{emoji['name'] or ''}:",
        "_href": None,
    }


def _object_mention(
    kind: str, target: object, path: str, resolver: MentionResolver
) -> dict[str, Any]:
    raw = target.get("id") if isinstance(target, dict) else None
    object_id = parse_uuid(raw) if isinstance(raw, str) else None
    if object_id is None:
        raise should_be("body", f"{path}.id", "a valid uuid", raw, defined=raw is not None)
    if kind == "user":
        user = resolver.user_object(object_id) or {"object": "user", "id": object_id}
        name = user.get("name")
        return {
            "type": "mention",
            "mention": {"type": "user", "user": user},
            "_plain": f"@{name}" if name else "@Anonymous",
            "_href": None,
        }
    title = resolver.mention_title(kind, object_id)
    return {
        "type": "mention",
        "mention": {"type": kind, kind: {"id": object_id}},
        "_plain": title if title is not None else "Untitled",
        "_href": f"https://www.notion.so/{compact(object_id)}",
    }


def _date_mention(target: object, path: str) -> dict[str, Any]:
    if not isinstance(target, dict) or not isinstance(target.get("start"), str):
        raise should_be("body", f"{path}.start", "a string", target)
    tz_name = target.get("time_zone")
    tz = zone(tz_name) if isinstance(tz_name, str) else None
    start = _mention_instant(str(target["start"]), f"{path}.start", tz)
    end_raw = target.get("end")
    end = _mention_instant(end_raw, f"{path}.end", tz) if isinstance(end_raw, str) else None
    plain = start if end is None else f"{start} → {end}"
    return {
        "type": "mention",
        "mention": {"type": "date", "date": {"start": start, "end": end, "time_zone": None}},
        "_plain": plain,
        "_href": None,
    }


def _mention_instant(text: str, path: str, tz: tzinfo | None) -> str:
    shown = date_value_text(text, tz)
    if shown is None:
        raise should_be("body", path, "a valid ISO 8601 date string", text)
    return shown
