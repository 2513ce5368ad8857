"""Pagination as Notion does it: ``page_size`` checks, opaque cursors and list envelopes.

Lists answer ``{"object": "list", "results", "next_cursor", "has_more", "type", <type>: {}}``.
Cursors are opaque to clients: block children, users and search use the id of the next result;
property items and queries use their own token formats. Used by every list endpoint.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any

from reconciler.emulator.errors import should_be, validation_error
from reconciler.emulator.identity import parse_uuid

__all__ = [
    "body_page_size",
    "decode_offset",
    "encode_offset",
    "id_cursor_position",
    "list_envelope",
    "query_page_size",
    "query_value",
]


def query_value(query: Sequence[tuple[str, str]], name: str) -> str | None:
    """The last value of a query-string parameter, or None."""
    found = None
    for key, value in query:
        if key == name:
            found = value
    return found


def query_page_size(query: Sequence[tuple[str, str]]) -> int:
    """``page_size`` from the query string: 1 to 100, default 100."""
    raw = query_value(query, "page_size")
    if raw is None:
        return 100
    try:
        size = int(raw)
    except ValueError:
        raise should_be("query", "query.page_size", "a number or `undefined`", raw) from None
    if size > 100:
        raise should_be("query", "query.page_size", "≤ `100` or `undefined`", size)
    if size < 1:
        raise should_be("query", "query.page_size", "≥ `1` or `undefined`", size)
    return size


def body_page_size(body: Mapping[str, Any]) -> int:
    """``page_size`` from a JSON body: 1 to 100, default 100 (0 too, as reported of Notion)."""
    size = body.get("page_size")
    if size is None or (size == 0 and not isinstance(size, bool)):
        return 100
    if isinstance(size, bool) or not isinstance(size, int):
        raise should_be("body", "body.page_size", "a number or `undefined`", size)
    if size > 100:
        raise should_be("body", "body.page_size", "≤ `100`", size)
    if size < 1:
        raise should_be("body", "body.page_size", "≥ `1`", size)
    return size


def id_cursor_position(cursor: str | None, ids: Sequence[str], where: str) -> int:
    """Where a list resumes for a cursor that names the next result's id."""
    if cursor is None:
        return 0
    parsed = parse_uuid(cursor)
    if parsed is None:
        raise should_be(where, f"{where}.start_cursor", "a valid uuid or `undefined`", cursor)
    try:
        return list(ids).index(parsed)
    except ValueError:
        raise validation_error(f"The start_cursor provided is invalid: {cursor}") from None


def encode_offset(prefix: str, offset: int) -> str:
    """An opaque cursor for an offset into a list that has no ids."""
    return base64.urlsafe_b64encode(f"{prefix}:{offset}".encode()).decode().rstrip("=")


def decode_offset(prefix: str, cursor: str | None) -> int:
    """The offset an :func:`encode_offset` cursor holds (refused in Notion's words if not one)."""
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        head, _, number = text.rpartition(":")
        if head == prefix:
            return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise validation_error(f"The start_cursor provided is invalid: {cursor}")


def list_envelope(
    results: list[dict[str, Any]], next_cursor: str | None, kind: str, extra: object = None
) -> dict[str, Any]:
    """Notion's list object around one page of results."""
    return {
        "object": "list",
        "results": results,
        "next_cursor": next_cursor,
        "has_more": next_cursor is not None,
        "type": kind,
        kind: extra if extra is not None else {},
    }
