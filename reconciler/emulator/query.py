"""``POST /v1/data_sources/{id}/query``: filter, sort, paginate, and stop at the result cap.

The one place the emulator calls the filter and sort engines (:mod:`reconciler.emulator.filters`,
:mod:`reconciler.emulator.sorting`). A query's ordered list of matching ids is computed once, on
its first page, and kept behind its cursor (``s:<query token>:<next page id>``, Notion's observed
form), so reading 50,000 rows by pages of 100 never re-scans the data source; a cursor whose list
was evicted (or an emulator restarted) recomputes the list and resumes at the page it names.
Without filter and sorts the order comes straight from the store's index (newest first, as
Notion answers). Filters and sorts only render the properties they name, unless a formula or
rollup is involved. A query stops at ``query_result_cap`` rows with ``has_more: false`` and
``request_status`` incomplete.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from reconciler.emulator import filters, sorting
from reconciler.emulator.calls import Call, check_keys
from reconciler.emulator.computed import page_values
from reconciler.emulator.errors import should_be, validation_error
from reconciler.emulator.pages import render_page, selected_properties
from reconciler.emulator.paging import body_page_size
from reconciler.emulator.schema import api_formulas, find_property, render_schema
from reconciler.emulator.store import Row, RowStamp
from reconciler.emulator.workspace import Caller, Workspace

__all__ = ["CursorCache", "query_data_source"]

_KEYS = ("filter", "sorts", "start_cursor", "page_size", "in_trash", "result_type", "archived")


@dataclass(frozen=True)
class _Listing:
    """The ordered ids a query matched, for one data source."""

    data_source_id: str
    ids: tuple[str, ...]


class CursorCache:
    """Recent queries' id lists, by token (bounded; thread-safe)."""

    def __init__(self, capacity: int = 32) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Listing] = OrderedDict()

    def put(self, listing: _Listing) -> str:
        """Keep a listing; its token goes into the cursors."""
        token = str(uuid.uuid4())
        with self._lock:
            self._entries[token] = listing
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)
        return token

    def get(self, token: str) -> _Listing | None:
        """A kept listing, or None when evicted or never issued."""
        with self._lock:
            found = self._entries.get(token)
            if found is not None:
                self._entries.move_to_end(token)
            return found

    def clear(self) -> None:
        """Forget every listing (after a reset)."""
        with self._lock:
            self._entries.clear()


def query_data_source(
    ws: Workspace, call: Call, caller: Caller, cursors: CursorCache
) -> dict[str, Any]:
    """Answer one page of a data source query."""
    body = call.json_body()
    check_keys(body, _KEYS)
    ws.version_check_archived(body, caller)
    source_id = ws.path_id(call.params["data_source_id"], "data_source_id")
    source = ws.find(("data_source",), source_id, caller, "data_source")
    size = body_page_size(body)
    trashed = _trash_flag(body)
    cursor = body.get("start_cursor")
    if cursor is not None and not isinstance(cursor, str):
        raise should_be("body", "body.start_cursor", "a string or `undefined`", cursor)
    token, listing, start = _resume(
        ws, source, body, caller, cursors=cursors, cursor=cursor, trashed=trashed
    )
    cap = ws.limits.query_result_cap
    end = min(start + size, len(listing.ids), cap)
    rows = ws.store.get_many(list(listing.ids[start:end]))
    template = next(iter(rows.values()), None)
    only = selected_properties(ws, template, call) if template is not None else None
    results = [render_page(ws, rows[i], caller, only) for i in listing.ids[start:end] if i in rows]
    capped = end >= cap and len(listing.ids) > cap
    more = end < len(listing.ids) and not capped
    out: dict[str, Any] = {
        "object": "list",
        "results": results,
        "next_cursor": f"s:{token}:{listing.ids[end]}" if more else None,
        "has_more": more,
        "type": "page_or_data_source",
        "page_or_data_source": {},
    }
    if capped:
        out["request_status"] = {
            "type": "incomplete",
            "incomplete_reason": "query_result_limit_reached",
        }
    return out


def _trash_flag(body: dict[str, Any]) -> bool:
    value = body.get("in_trash", body.get("archived", False))
    if not isinstance(value, bool):
        raise should_be("body", "body.in_trash", "a boolean or `undefined`", value)
    return value


def _resume(
    ws: Workspace,
    source: Row,
    body: dict[str, Any],
    caller: Caller,
    *,
    cursors: CursorCache,
    cursor: str | None,
    trashed: bool,
) -> tuple[str, _Listing, int]:
    """(token, listing, offset) for a first page or a cursor."""
    if cursor is None:
        listing = _Listing(source.id, tuple(_matching_ids(ws, source, body, caller, trashed)))
        return cursors.put(listing), listing, 0
    token, next_id = _parse_cursor(cursor)
    kept = cursors.get(token)
    if kept is None or kept.data_source_id != source.id:
        listing = _Listing(source.id, tuple(_matching_ids(ws, source, body, caller, trashed)))
        token = cursors.put(listing)
    else:
        listing = kept
    try:
        return token, listing, listing.ids.index(next_id)
    except ValueError:
        raise validation_error(f"The start_cursor provided is invalid: {cursor}") from None


def _parse_cursor(cursor: str) -> tuple[str, str]:
    parts = cursor.split(":")
    if len(parts) != 3 or parts[0] != "s":
        raise validation_error(f"The start_cursor provided is invalid: {cursor}")
    return parts[1], parts[2]


def _matching_ids(
    ws: Workspace, source: Row, body: dict[str, Any], caller: Caller, trashed: bool
) -> list[str]:
    """Every matching id in the answer's order (the expensive part, done once per query)."""
    condition = body.get("filter")
    sorts = body.get("sorts")
    stamps = ws.store.row_stamps(source.id, trashed)
    if condition is None and not sorts:
        return [s.id for s in stamps]
    schema = render_schema(source, ws)
    try:
        test = (
            filters.compile_filter(
                condition,
                schema,
                now=ws.now(),
                bot_id=caller.bot_id,
                unfilterable_formulas=api_formulas(source),
            )
            if condition is not None
            else None
        )
        if sorts is not None:
            sorting.validate_sorts(sorts, schema)
    except filters.FilterError as error:
        raise validation_error(error.message) from None
    needed = _needed_properties(source, [condition, sorts])
    oldest_first = list(reversed(stamps))
    if needed == []:
        pages = [_stamp_page(s) for s in oldest_first]
    else:
        pages = list(_pages_for_matching(ws, source, oldest_first, needed))
    if test is not None:
        pages = [p for p in pages if test(p)]
    ordered = sorting.sort_pages(pages, sorts or [], schema)
    return [str(p["id"]) for p in ordered]


def _needed_properties(source: Row, parts: list[object]) -> list[str] | None:
    """Property ids a filter and sorts read (None: all, when formulas or rollups are in play)."""
    properties = source.body["properties"]
    names: set[str] = set()
    stack = list(parts)
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("property"), str):
                names.add(item["property"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    found = [pid for pid in (find_property(properties, n) for n in names) if pid is not None]
    if any(properties[pid]["type"] in ("formula", "rollup") for pid in found):
        return None
    return found


def _stamp_page(stamp: RowStamp) -> dict[str, Any]:
    """A page object with its times only: enough for timestamp filters and sorts, and cheap."""
    return {
        "object": "page",
        "id": stamp.id,
        "created_time": stamp.created_time,
        "last_edited_time": stamp.last_edited_time,
        "properties": {},
    }


def _pages_for_matching(
    ws: Workspace, source: Row, stamps: list[RowStamp], needed: list[str] | None
) -> Iterator[dict[str, Any]]:
    """Page objects (oldest first) carrying the properties a filter or sort reads."""
    pids = list(source.body["properties"]) if needed is None else needed
    for start in range(0, len(stamps), 500):
        chunk = stamps[start : start + 500]
        rows = ws.store.get_many([s.id for s in chunk])
        for stamp in chunk:
            page = _stamp_page(stamp)
            page["properties"] = page_values(ws, rows[stamp.id], source, None).by_name(pids)
            yield page
