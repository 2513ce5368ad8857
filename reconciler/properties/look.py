"""A page's (or a database's) icon and cover: manifest value, canonical text, Notion JSON.

The canonical form is text: an icon is its emoji or the https URL of its image, a cover the
https URL of its image, and ``""`` means none. Notion's own icons (``/icons/<name>_<colour>.svg``,
which Notion answers as ``{"type": "icon"}``) read back as that URL; uploaded files as their URL
without the expiring query string; a custom emoji as ``custom_emoji:<id>`` (a manifest cannot
write one, so it always differs from what a manifest asks for). Used by the manifest reader
(``_icon``, ``_cover``, database ``icon`` and ``cover``), the gateway (decoding pages and
databases) and the applier (request bodies).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Final
from urllib.parse import urlsplit

from reconciler.bodies import unsigned
from reconciler.model import JSON
from reconciler.properties.base import ValueProblem
from reconciler.properties.checks import MAX_URL_LENGTH

__all__ = [
    "cover_from_manifest",
    "expressible",
    "icon_from_manifest",
    "look_from_response",
    "look_to_request",
]

_NOTION_ICONS: Final = "https://www.notion.so/icons/"
_MAX_EMOJI: Final = 16
_HOSTED: Final = re.compile(r"(?i)^https://(?:[^/]*\.amazonaws\.com|file\.notion\.so)/")


def _image_url(text: str, what: str) -> str:
    parts = urlsplit(text)
    if parts.scheme.lower() != "https" or not parts.netloc:
        raise ValueProblem(
            f"{what} {text[:80]!r} is not an https URL",
            hint="give the https address of an image, e.g. https://example.com/cover.png",
        )
    if len(text) > MAX_URL_LENGTH or any(char.isspace() for char in text):
        raise ValueProblem(
            f"{what} must be an https URL of at most {MAX_URL_LENGTH} characters without spaces",
            hint="percent-encode spaces as %20",
        )
    return text


def _emoji(text: str) -> bool:
    """Whether the text can be an emoji: a few symbols, no letters, digits or spaces."""
    if not 0 < len(text) <= _MAX_EMOJI or text.isascii():
        return False
    return not any(
        char.isspace() or (char.isascii() and char.isalnum()) or unicodedata.category(char) == "Cc"
        for char in text
    )


def icon_from_manifest(value: object, what: str = "`_icon`") -> str:
    """An icon as a manifest writes it (an emoji or an https URL; null or "" for none)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise ValueProblem(f"{what} must be an emoji or an https URL, not {type(value).__name__}")
    text = value.strip()
    if text.lower().startswith(("http:", "https:")) or "/" in text:
        return _image_url(text, what)
    if not _emoji(text):
        raise ValueProblem(
            f"{what} {text[:40]!r} is neither an emoji nor an https URL",
            hint='write one emoji (`_icon: "🚀"`) or the https URL of an image',
        )
    return text


def cover_from_manifest(value: object, what: str = "`_cover`") -> str:
    """A cover as a manifest writes it (an https URL; null or "" for none)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise ValueProblem(f"{what} must be an https URL, not {type(value).__name__}")
    return _image_url(value.strip(), what)


def look_from_response(raw: JSON) -> str:
    """An icon or cover object as Notion answers it, in canonical form ("" for none)."""
    if not isinstance(raw, Mapping):
        return ""
    kind = raw.get("type")
    payload = raw.get(str(kind)) if isinstance(kind, str) else None
    if kind == "emoji" and isinstance(payload, str):
        return payload
    if isinstance(payload, Mapping):
        if kind in ("external", "file") and isinstance(payload.get("url"), str):
            return unsigned(str(payload["url"]))
        if kind == "icon":
            return f"{_NOTION_ICONS}{payload.get('name')}_{payload.get('color')}.svg"
        if kind in ("custom_emoji", "file_upload"):
            return f"{kind}:{payload.get('id')}"
    return ""


def expressible(value: str) -> bool:
    """Whether a manifest can ask for this icon or cover as Notion holds it: an emoji or an
    image by URL, not a file uploaded to Notion (its link expires) nor a custom emoji."""
    if not value or _HOSTED.match(value):
        return False
    try:
        return icon_from_manifest(value) == value
    except ValueProblem:
        return False


def look_to_request(value: str) -> JSON:
    """An icon or cover in canonical form as Notion's request object (None removes it)."""
    if not value:
        return None
    if value.lower().startswith("https:"):
        return {"type": "external", "external": {"url": value}}
    return {"type": "emoji", "emoji": value}
