"""Identifiers as Notion writes them: object uuids, short property ids, urls, request ids.

Used by every part of the emulator that names an object. Notion accepts ids with or without
dashes and checks them as the ``uuid`` package of JavaScript validates: a version nibble of 1 to 8
and a variant nibble of 8, 9, a or b, or the nil and max uuids (recorded: a 400 "should be a valid
uuid" for ``12345678-1234-1234-1234-123456789abc``, whose variant nibble is 1, and a 404 for
``00000000-0000-0000-0000-000000000000``, a well-formed id nothing has).
"""

from __future__ import annotations

import re
import secrets
import uuid
from urllib.parse import quote, unquote

__all__ = [
    "ROOT_PAGE_ID",
    "WORKSPACE_ID",
    "WORKSPACE_NAME",
    "compact",
    "new_id",
    "new_property_id",
    "normalize_property_id",
    "object_url",
    "parse_uuid",
    "request_id",
    "stable_id",
]

ROOT_PAGE_ID = "00000000-0000-4000-8000-000000000001"
"""The one page of a freshly reset workspace, shared with every configured integration."""

WORKSPACE_ID = "00000000-0000-4000-8000-0000000000f0"
"""The emulated workspace (formulas name it in their rewritten property references)."""

WORKSPACE_NAME = "Emulated workspace"
"""Its name, as the bot user and webhook events show it."""

_UUID = re.compile(
    r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[1-8][0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$", re.IGNORECASE
)
_SPECIAL_UUIDS = frozenset({"0" * 32, "f" * 32})  # nil and max: valid whatever their nibbles
_SHAPE = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.I)

# encodeURIComponent leaves these unescaped; Notion's property ids are escaped the same way.
_URI_SAFE = "-_.!~*'()"
_PROPERTY_ID_ALPHABET = (
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&()*+,:;<=>?@[]^_`{|}~"
)


def parse_uuid(text: str) -> str | None:
    """The dashed lower-case form of a uuid Notion would accept, or None."""
    special = bool(_SHAPE.match(text)) and text.replace("-", "").lower() in _SPECIAL_UUIDS
    if not (_UUID.match(text) or special):
        return None
    return str(uuid.UUID(text.replace("-", "")))


def new_id() -> str:
    """A fresh object id."""
    return str(uuid.uuid4())


def stable_id(seed: str) -> str:
    """An id derived from a name (bot users of integrations keep theirs across restarts)."""
    digest = uuid.uuid5(uuid.NAMESPACE_URL, f"notion-emulator:{seed}").hex
    return str(uuid.UUID(digest[:12] + "4" + digest[13:16] + "8" + digest[17:]))


def compact(object_id: str) -> str:
    """The 32-hex form Notion uses in urls."""
    return object_id.replace("-", "")


def new_property_id(taken: set[str]) -> str:
    """A short url-encoded property id, unused in this data source (never ``title``)."""
    while True:
        raw = "".join(secrets.choice(_PROPERTY_ID_ALPHABET) for _ in range(4))
        encoded = quote(raw, safe=_URI_SAFE)
        if encoded not in taken and encoded != "title":
            return encoded


def normalize_property_id(text: str) -> str:
    """A property id as stored, whether sent raw, encoded once, or encoded twice.

    notion-client percent-encodes ``%`` again when it builds ``filter_properties`` query
    strings, so ``%253DSK%253B`` and ``%3DSK%3B`` and ``=SK;`` all name the same property.
    """
    raw = text
    for _ in range(3):
        decoded = unquote(raw)
        if decoded == raw:
            break
        raw = decoded
    return quote(raw, safe=_URI_SAFE)


def object_url(object_id: str, title: str = "") -> str:
    """The ``url`` of a page or database, in Notion's ``<slug>-<32hex>`` form."""
    slug = re.sub(r"[^0-9A-Za-z]+", "-", title).strip("-")
    tail = compact(object_id)
    return f"https://www.notion.so/{slug}-{tail}" if slug else f"https://www.notion.so/{tail}"


def request_id() -> str:
    """A fresh ``request_id`` for one response."""
    return str(uuid.uuid4())
