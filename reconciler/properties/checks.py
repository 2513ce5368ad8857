"""Checks shared by the codecs: kinds of manifest values, ids, URLs, e-mails and Notion's limits.

Every function raises ``ValueProblem`` with a message saying what was expected and what came,
so the manifest loader can show it at the offending line. Called by the codec modules only.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Final
from urllib.parse import urlsplit

from reconciler.model import JSON
from reconciler.properties.base import ValueProblem

__all__ = [
    "ALLOWED_URL_SCHEMES",
    "CANONICAL_ID",
    "MAX_EMAIL_LENGTH",
    "MAX_LIST_ITEMS",
    "MAX_PHONE_LENGTH",
    "MAX_URL_LENGTH",
    "check_email",
    "check_item_count",
    "check_mapping_keys",
    "check_url",
    "describe_kind",
    "expect_bool",
    "expect_list",
    "expect_mapping",
    "expect_str",
    "finite_number",
    "json_list",
    "list_items",
    "looks_like_notion_id",
    "normalise_id",
    "optional_str",
    "parses_as_notion_id",
]

MAX_URL_LENGTH = 2000
MAX_EMAIL_LENGTH = 200
MAX_PHONE_LENGTH = 200
MAX_LIST_ITEMS = 100
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")
CANONICAL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
"""A Notion id as Notion writes it (dashed, lower case): what ``normalise_id`` gives back."""


def json_list(items: Iterable[JSON]) -> list[JSON]:
    """A list typed as JSON (mypy sees ``list[str]`` and ``list[JSON]`` as unrelated)."""
    return list(items)


def list_items(value: object) -> list[JSON]:
    """The value when it is a JSON list, else an empty list (absent or null in a response)."""
    return value if isinstance(value, list) else []


def describe_kind(value: object) -> str:
    """What kind of YAML value this is, in words a manifest author knows."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"a string ({shown!r})"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def expect_str(value: object, what: str, *, path: tuple[str | int, ...] = ()) -> str:
    """The value when it is a string."""
    if not isinstance(value, str):
        raise ValueProblem(f"{what} must be a string, not {describe_kind(value)}", path=path)
    return value


def optional_str(value: object, what: str, *, path: tuple[str | int, ...] = ()) -> str | None:
    """The value when it is a string, None when null."""
    return None if value is None else expect_str(value, what, path=path)


def expect_bool(value: object, what: str, *, path: tuple[str | int, ...] = ()) -> bool:
    """The value when it is a boolean."""
    if not isinstance(value, bool):
        raise ValueProblem(f"{what} must be true or false, not {describe_kind(value)}", path=path)
    return value


def expect_list(value: object, what: str, *, path: tuple[str | int, ...] = ()) -> Sequence[object]:
    """The value when it is a list (a tuple counts: YAML loaders may give either)."""
    if not isinstance(value, list | tuple):
        raise ValueProblem(f"{what} must be a list, not {describe_kind(value)}", path=path)
    return value


def expect_mapping(
    value: object, what: str, *, path: tuple[str | int, ...] = ()
) -> Mapping[str, object]:
    """The value when it is a mapping with string keys."""
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ValueProblem(f"{what} must be a mapping, not {describe_kind(value)}", path=path)
    return value


def check_mapping_keys(
    value: Mapping[str, object],
    what: str,
    allowed: frozenset[str],
    *,
    required: frozenset[str] = frozenset(),
    path: tuple[str | int, ...] = (),
) -> None:
    """Refuse keys outside ``allowed`` and missing ``required`` keys, naming the right ones."""
    for key in value:
        if key not in allowed:
            raise ValueProblem(
                f"{what} has no key {key!r}",
                hint=f"keys of {what}: {', '.join(sorted(allowed))}",
                path=(*path, key),
            )
    for key in sorted(required):
        if key not in value:
            raise ValueProblem(f"{what} needs the key {key!r}", path=path)


def finite_number(value: object, what: str, *, path: tuple[str | int, ...] = ()) -> int | float:
    """An int or float that is neither a boolean nor NaN nor infinite."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueProblem(f"{what} must be a number, not {describe_kind(value)}", path=path)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueProblem(f"{what} must be a finite number, not {value}", path=path)
    return value


_ID_LENGTHS: Final = frozenset({32, 33, 36})
"""The lengths an id can have: 32 hex digits (``_HEX32``'s ``$`` takes a final line break too)
or 36 characters; anything else (an e-mail, a key) is not an id, known without parsing it."""


def looks_like_notion_id(text: str) -> bool:
    """Whether the text is a Notion object id (a UUID, with or without dashes)."""
    return len(text) in _ID_LENGTHS and parses_as_notion_id(text)


def parses_as_notion_id(text: str) -> bool:
    """The whole check, by parsing, whatever the length (``looks_like_notion_id`` asks it only
    for the lengths an id can have): 32 hex digits, Notion's dashed form, or any text of 36
    characters that Python's UUID parser takes."""
    if _HEX32.match(text) or CANONICAL_ID.match(text):
        return True
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return len(text) == 36


def normalise_id(text: str, what: str, *, path: tuple[str | int, ...] = ()) -> str:
    """The dashed lower-case form of a Notion id (Notion accepts both, returns dashed)."""
    if not looks_like_notion_id(text.strip()):
        raise ValueProblem(
            f"{what} must be a Notion id (32 hex digits, dashes optional), not {text!r}",
            path=path,
        )
    parsed = uuid.UUID(text.strip())
    if parsed.variant != uuid.RFC_4122:
        # Notion refuses these too ("should be a valid uuid"): the id was mistyped.
        raise ValueProblem(
            f"{what} {text!r} is not a valid id: its 17th hex digit must be 8, 9, a or b",
            hint="copy the id again from the page's URL or from Notion's API",
            path=path,
        )
    return str(parsed)


def check_url(text: str, what: str, *, path: tuple[str | int, ...] = ()) -> str:
    """A URL Notion will accept and that is safe to show: http(s), mailto or tel, ≤2000."""
    if len(text) > MAX_URL_LENGTH:
        raise ValueProblem(
            f"{what} is {len(text)} characters long; Notion takes at most {MAX_URL_LENGTH}",
            path=path,
        )
    if any(ch.isspace() for ch in text.strip()) or text != text.strip():
        raise ValueProblem(
            f"{what} contains white space: {text!r}",
            hint="percent-encode spaces as %20",
            path=path,
        )
    scheme = urlsplit(text).scheme.lower()
    if scheme not in ALLOWED_URL_SCHEMES:
        shown = f"{scheme}:" if scheme else "no scheme"
        raise ValueProblem(
            f"{what} {text[:80]!r} has {shown}; only http, https, mailto and tel links are allowed",
            hint="write the full address, e.g. https://example.com/page",
            path=path,
        )
    if scheme in ("http", "https") and not urlsplit(text).netloc:
        raise ValueProblem(f"{what} {text[:80]!r} has no host", path=path)
    return text


def check_email(text: str, what: str, *, path: tuple[str | int, ...] = ()) -> str:
    """An e-mail address of the shape name@domain.tld, ≤200 characters."""
    if len(text) > MAX_EMAIL_LENGTH:
        raise ValueProblem(
            f"{what} is {len(text)} characters long; Notion takes at most {MAX_EMAIL_LENGTH}",
            path=path,
        )
    if not _EMAIL.match(text):
        raise ValueProblem(
            f"{what} {text!r} is not an e-mail address",
            hint="write it as name@example.com",
            path=path,
        )
    return text


def check_item_count(items: Sequence[JSON], what: str, limit: int = MAX_LIST_ITEMS) -> None:
    """Refuse more items than Notion takes in one property value."""
    if len(items) > limit:
        raise ValueProblem(
            f"{what} holds {len(items)} items; Notion takes at most {limit} in one value",
            hint="split the value or keep the extra items elsewhere",
        )
