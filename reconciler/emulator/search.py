"""``POST /v1/search`` and the users endpoints.

Search finds pages and data sources shared with the caller whose title shares a word with the
query (ignoring case and a plural ``s``) or contains it whole; no query finds everything. As
recorded: "Tests" finds "Markdown Text Test", "Task DB" finds every "... DB". Newest edit first
unless sorted ascending; the filter narrows to ``page`` or ``data_source`` (since 2025-09-03).
Trashed pages never show; trashed data sources do (recorded, days after their trashing).
Users: the workspace's people and bots; ``/v1/users/me`` is the bot of the caller's integration.
Called by the router.
"""

from __future__ import annotations

import re
from typing import Any

from reconciler.emulator.calls import Call, check_keys
from reconciler.emulator.databases import render_data_source
from reconciler.emulator.errors import should_be, validation_error
from reconciler.emulator.pages import render_page
from reconciler.emulator.paging import (
    body_page_size,
    id_cursor_position,
    list_envelope,
    query_page_size,
    query_value,
)
from reconciler.emulator.richtext import plain_text
from reconciler.emulator.store import Row
from reconciler.emulator.workspace import Caller, Workspace

__all__ = ["list_users", "me", "retrieve_user", "search"]

_KEYS = ("query", "filter", "sort", "start_cursor", "page_size")


def search(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``POST /v1/search``."""
    body = call.json_body()
    check_keys(body, _KEYS)
    text = body.get("query") or ""
    if not isinstance(text, str):
        raise should_be("body", "body.query", "a string or `undefined`", text)
    kinds = _kinds(body.get("filter"))
    ascending = _ascending(body.get("sort"))
    size = body_page_size(body)
    found = [
        row
        for kind in kinds
        for row in ws.store.of_kind(kind)
        if not (row.in_trash and row.kind == "page")
        and ws.visible(row, caller)
        and _matches(text, _title(ws, row))
    ]
    found.sort(key=lambda r: (r.last_edited_time, r.seq), reverse=not ascending)
    ids = [r.id for r in found]
    cursor = body.get("start_cursor")
    start = id_cursor_position(cursor if isinstance(cursor, str) else None, ids, "body")
    chunk = found[start : start + size]
    next_cursor = ids[start + size] if start + size < len(ids) else None
    results = [_render(ws, row, caller) for row in chunk]
    return list_envelope(results, next_cursor, "page_or_data_source")


def _matches(query: str, title: str) -> bool:
    """Whether a search for ``query`` finds this title (see the module docstring)."""
    if query.lower() in title.lower():
        return True
    return bool(_words(query) & _words(title))


def _words(text: str) -> set[str]:
    """The words of a text, lower-cased, a plural ``s`` dropped (``tests`` is ``test``)."""
    words = re.findall(r"\w+", text.lower())
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words}


def _kinds(condition: object) -> tuple[str, ...]:
    if condition is None:
        return ("page", "data_source")
    if not isinstance(condition, dict):
        raise should_be("body", "body.filter", "an object or `undefined`", condition)
    if condition.get("property") != "object":
        raise should_be("body", "body.filter.property", '`"object"`', condition.get("property"))
    value = condition.get("value")
    if value not in ("page", "data_source"):
        raise should_be("body", "body.filter.value", '`"page"` or `"data_source"`', value)
    return (str(value),)


def _ascending(sort: object) -> bool:
    if sort is None:
        return False
    if not isinstance(sort, dict):
        raise should_be("body", "body.sort", "an object or `undefined`", sort)
    if sort.get("timestamp") != "last_edited_time":
        raise validation_error(
            'body.sort.timestamp should be "last_edited_time" when sorting by timestamp.'
        )
    direction = sort.get("direction")
    if direction not in (None, "ascending", "descending"):
        raise should_be(
            "body",
            "body.sort.direction",
            '`"ascending"`, `"descending"`, or `undefined`',
            direction,
        )
    return direction == "ascending"


def _title(ws: Workspace, row: Row) -> str:
    if row.kind == "page":
        return ws.page_title(row)
    return plain_text(row.body.get("title", [])) or ws.database_title(row)


def _render(ws: Workspace, row: Row, caller: Caller) -> dict[str, Any]:
    if row.kind == "page":
        return render_page(ws, row, caller)
    return render_data_source(ws, row, caller)


def list_users(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``GET /v1/users``."""
    size = query_page_size(call.query)
    # Observed order: people first, then bots, each in the order they joined.
    users = sorted(ws.store.of_kind("user"), key=lambda u: u.body.get("type") == "bot")
    ids = [u.id for u in users]
    cursor = query_value(call.query, "start_cursor")
    if cursor is not None and cursor not in ids:
        raise validation_error(f"The start_cursor provided is invalid: {cursor}")
    start = id_cursor_position(cursor, ids, "query")
    chunk = users[start : start + size]
    next_cursor = ids[start + size] if start + size < len(ids) else None
    return list_envelope([ws.full_user(u, caller) for u in chunk], next_cursor, "user")


def retrieve_user(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``GET /v1/users/{user_id}``."""
    user_id = ws.path_id(call.params["user_id"], "user_id")
    row = ws.user_row(user_id)
    if row is None:
        raise ws.refuse("user", user_id, caller)
    return ws.full_user(row, caller)


def me(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``GET /v1/users/me``: the bot of the caller's integration."""
    del call
    row = ws.user_row(caller.bot_id)
    if row is None:
        raise ws.refuse("user", caller.bot_id, caller)
    return ws.full_user(row, caller)
