"""Page content as Markdown: ``GET``/``PATCH /v1/pages/{id}/markdown`` and ``markdown`` on create.

Reads render the page's blocks (:mod:`.markdown_render`); the path may also name a block, whose
subtree is rendered (Notion's way to fetch what a truncated read left out). Writes reduce every
operation to new Markdown for the whole page: ``replace_content`` (``new_str``), ``update_content``
(search and replace; an ``old_str`` must match once unless ``replace_all_matches``),
``replace_content_range`` and ``insert_content`` (``after`` or ``content_range`` as
``"start text...end text"`` selections; ``position`` start or end). That Markdown is read into
blocks (:mod:`.markdown_parse`) and compared with the page top-level block by top-level block:
blocks that render the same stay (same ids), the rest are trashed and created anew, and the page's
``last_edited_time`` moves only when something changed. A write that would drop a sub-page or
database is refused unless ``allow_deleting_content`` is true, as Notion does; their tags
(``<page url=...>``) keep them, as do ``<unknown>`` tags of blocks Markdown cannot show.
``allow_async`` answers with an async task (:mod:`.tasks`). Called by the router and by page
creation.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from reconciler.emulator import blocks, tasks
from reconciler.emulator.calls import Call, check_keys, require
from reconciler.emulator.errors import archived_edit, should_be, validation_error
from reconciler.emulator.markdown_parse import Node, parse_markdown
from reconciler.emulator.markdown_render import RenderedPage, render_blocks
from reconciler.emulator.richtext import normalize_rich_text, plain_text
from reconciler.emulator.store import Row
from reconciler.emulator.workspace import Caller, Workspace

__all__ = ["create_body", "retrieve_markdown", "update_markdown"]

_OPERATIONS = ("insert_content", "replace_content_range", "update_content", "replace_content")
_OPERATION_NAME = "PATCH /v1/pages/:page_id/markdown"
_BATCH = 100


# -- reading --------------------------------------------------------------------------------------


def _render(ws: Workspace, page: Row, caller: Caller) -> RenderedPage:
    rows = [c for c in ws.store.children(page.id) if not c.in_trash]
    return render_blocks(ws, page.id, rows, caller, cap=ws.limits.markdown_block_cap)


def _answer(object_id: str, rendered: RenderedPage) -> dict[str, Any]:
    return {
        "object": "page_markdown",
        "id": object_id,
        "markdown": rendered.markdown,
        "truncated": rendered.truncated,
        "unknown_block_ids": rendered.unknown_block_ids,
    }


def retrieve_markdown(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``GET /v1/pages/{page_id}/markdown`` (``include_transcript`` is accepted)."""
    row = ws.find(("page", "block"), ws.path_id(call.params["page_id"], "page_id"), caller, "page")
    if row.kind == "page":
        return _answer(row.id, _render(ws, row, caller))
    page = ws.holding_page(row)
    page_id = page.id if page is not None else row.id
    rendered = render_blocks(ws, page_id, [row], caller, cap=ws.limits.markdown_block_cap)
    return _answer(row.id, rendered)


# -- writing --------------------------------------------------------------------------------------


def update_markdown(ws: Workspace, call: Call, caller: Caller) -> dict[str, Any]:
    """``PATCH /v1/pages/{page_id}/markdown``: the page's Markdown after the edit."""
    body = call.json_body()
    check_keys(body, ("type", *_OPERATIONS, "allow_async"))
    kind = require(body, "type")
    if kind not in _OPERATIONS:
        choices = ", ".join(f'`"{o}"`' for o in _OPERATIONS)
        raise should_be("body", "body.type", f"one of {choices}", kind)
    payload = require(body, kind)
    if not isinstance(payload, dict):
        raise should_be("body", f"body.{kind}", "an object", payload)
    page = ws.find(("page",), ws.path_id(call.params["page_id"], "page_id"), caller, "page")
    if page.in_trash:
        raise archived_edit()
    current = _render(ws, page, caller)
    text = _edited(kind, payload, current)
    allow = _flag(payload, "allow_deleting_content", f"body.{kind}")
    if _replace(ws, page, current, parse_markdown(text), caller, allow_deleting=allow):
        ws.touch(page, caller)
    result = _answer(page.id, _render(ws, page, caller))
    if body.get("allow_async") is True:
        return tasks.accepted(ws, caller, _OPERATION_NAME, result)
    return result


def _flag(payload: dict[str, Any], key: str, where: str) -> bool:
    value = payload.get(key, False)
    if not isinstance(value, bool):
        raise should_be("body", f"{where}.{key}", "a boolean", value)
    return value


def _text(payload: dict[str, Any], key: str, where: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str):
        raise should_be("body", f"{where}.{key}", "a string", value, defined=key in payload)
    return value


def _edited(kind: str, payload: dict[str, Any], current: RenderedPage) -> str:
    """The page's whole Markdown after one operation."""
    where = f"body.{kind}"
    markdown = current.markdown
    if kind == "replace_content":
        check_keys(payload, ("new_str", "allow_deleting_content"), where)
        return _text(payload, "new_str", where)
    if kind == "update_content":
        check_keys(payload, ("content_updates", "allow_deleting_content"), where)
        return _search_and_replace(markdown, payload.get("content_updates"), where)
    if kind == "replace_content_range":
        check_keys(payload, ("content", "content_range", "allow_deleting_content"), where)
        start, end = _selection(markdown, _text(payload, "content_range", where), where)
        return markdown[:start] + _text(payload, "content", where) + markdown[end:]
    check_keys(payload, ("content", "after", "position"), where)
    return _inserted(current, payload, where)


def _search_and_replace(markdown: str, updates: object, where: str) -> str:
    if not isinstance(updates, list) or not updates:
        raise should_be("body", f"{where}.content_updates", "a non-empty array", updates)
    for n, update in enumerate(updates):
        path = f"{where}.content_updates[{n}]"
        if not isinstance(update, dict):
            raise should_be("body", path, "an object", update)
        check_keys(update, ("old_str", "new_str", "replace_all_matches"), path)
        old, new = _text(update, "old_str", path), _text(update, "new_str", path)
        found = markdown.count(old) if old else 0
        if found == 0:
            raise validation_error(f"{path}.old_str was not found in the page content: {old!r}.")
        if found > 1 and not _flag(update, "replace_all_matches", path):
            raise validation_error(
                f"{path}.old_str matches {found} times in the page content; make it unique or "
                "set replace_all_matches: true."
            )
        markdown = markdown.replace(old, new)
    return markdown


def _selection(markdown: str, selection: str, where: str) -> tuple[int, int]:
    """Where an ellipsis selection (``"start text...end text"``) matches in the Markdown."""
    head, dots, tail = selection.partition("...")
    start = markdown.find(head) if head else 0
    if start >= 0 and dots:
        tail_at = markdown.find(tail, start + len(head)) if tail else len(markdown)
        end = tail_at + len(tail) if tail_at >= 0 else -1
    else:
        end = start + len(head) if start >= 0 else -1
    if start < 0 or end < 0:
        raise validation_error(
            f"{where}: the selection {selection!r} does not match the page content; give "
            'the start and end of existing text as "start text...end text".'
        )
    return start, end


def _inserted(current: RenderedPage, payload: dict[str, Any], where: str) -> str:
    content = _text(payload, "content", where)
    markdown = current.markdown
    position = payload.get("position")
    if "after" in payload:
        if position is not None:
            raise validation_error(f"{where}: give after or position, not both.")
        _, end = _selection(markdown, _text(payload, "after", where), f"{where}.after")
        block_end = next((b for a, b in current.spans() if a < end <= b), len(markdown))
        return markdown[:block_end] + "\n" + content + markdown[block_end:]
    kind = position.get("type") if isinstance(position, dict) else "end"
    if position is not None and kind not in ("start", "end"):
        raise should_be("body", f"{where}.position.type", '`"start"` or `"end"`', kind)
    if not markdown:
        return content
    return content + "\n" + markdown if kind == "start" else markdown + "\n" + content


# -- applying new Markdown ------------------------------------------------------------------------


def _replace(
    ws: Workspace,
    page: Row,
    current: RenderedPage,
    nodes: list[Node],
    caller: Caller,
    *,
    allow_deleting: bool,
) -> bool:
    """Make the page's top-level blocks those of ``nodes``; whether anything changed."""
    old = {row.id: n for n, row in enumerate(current.rows)}
    wanted = _virtual_chunks(ws, page, nodes, current, caller)
    matcher = SequenceMatcher(None, current.chunks, wanted, autojunk=False)
    final: list[Row | Node] = []
    dropped: list[Row] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            final.extend(current.rows[i1:i2])
            continue
        dropped.extend(current.rows[i1:i2])
        for node in nodes[j1:j2]:
            if node.keep is None:
                final.append(node)
            elif node.keep in old:
                final.append(current.rows[old[node.keep]])
    staying = {item.id for item in final if isinstance(item, Row)}
    # What the integration cannot see it cannot delete either: such blocks stay where they are.
    dropped = [row for row in dropped if ws.visible(row, caller) and row.id not in staying]
    _guard(ws, dropped, allow_deleting)
    same = [item.id if isinstance(item, Row) else None for item in final]
    if not dropped and same == [row.id for row in current.rows if ws.visible(row, caller)]:
        return False
    for row in dropped:
        _trash(ws, row, caller)
    _place(ws, page, final, caller)
    return True


def _virtual_chunks(
    ws: Workspace, page: Row, nodes: list[Node], current: RenderedPage, caller: Caller
) -> list[str]:
    """The Markdown each new top-level block will render as, rendered together (lists are
    numbered across them); a kept sub-page, database or block renders as it is."""
    children: dict[str, list[Row]] = {}
    rows: list[Row] = []
    for n, node in enumerate(nodes):
        if node.keep is None:
            rows.append(_virtual_row(ws, node, children, f"v{n}"))
            continue
        kept = next((row for row in current.rows if row.id == node.keep), None)
        if kept is None:
            _refuse_foreign(ws, node.keep)
            kept = _unmatched_tag(ws, f"dropped {n}")
        rows.append(kept)
    rendered = render_blocks(
        ws,
        page.id,
        rows,
        caller,
        cap=10**9,
        children_of=lambda i: children[i] if i in children else ws.store.children(i),
    )
    return rendered.chunks


def _refuse_foreign(ws: Workspace, object_id: str) -> None:
    kept = ws.store.get(object_id)
    if kept is not None and kept.kind in ("page", "database"):
        raise validation_error(
            f"The Markdown names {kept.kind} {object_id}, which is not in this page; "
            "a <page> or <database> tag can only keep one of the page's own."
        )


def _unmatched_tag(ws: Workspace, at: str) -> Row:
    """A tag naming nothing the page holds: it keeps nothing and matches nothing."""
    now = ws.now()
    return Row(id=at, kind="block", created_time=now, last_edited_time=now,
               body={"type": "unsupported", "content": {}})  # fmt: skip


def _virtual_row(ws: Workspace, node: Node, children: dict[str, list[Row]], at: str) -> Row:
    """A block not stored yet, with its content as storing would normalize its rich text."""
    kind = str(node.block.get("type"))
    content = dict(node.block.get(kind) or {})
    for key in ("rich_text", "caption"):
        if key in content:
            content[key] = normalize_rich_text(content[key], "body.markdown", ws)
    if "cells" in content:
        content["cells"] = [normalize_rich_text(c, "body.markdown", ws) for c in content["cells"]]
    now = ws.now()
    row = Row(id=at, kind="block", created_time=now, last_edited_time=now,
              body={"type": kind, "content": content})  # fmt: skip
    children[at] = [
        _virtual_row(ws, child, children, f"{at}.{n}")
        for n, child in enumerate(node.children)
        if child.keep is None
    ]
    return row


def _guard(ws: Workspace, dropped: list[Row], allow_deleting: bool) -> None:
    """Notion refuses to drop sub-pages and databases unless the request allows it."""
    doomed = [row for row in dropped if row.kind in ("page", "database")]
    if not doomed or allow_deleting:
        return
    named = ", ".join(
        f'page: "{ws.page_title(r)}"'
        if r.kind == "page"
        else f'database: "{plain_text(r.body.get("title", []))}"'
        for r in doomed
    )
    raise validation_error(
        f"This operation would delete {len(doomed)} child page(s) or database(s): {named}. "
        "To proceed, either include these items in the new content or set "
        "allow_deleting_content: true."
    )


def _trash(ws: Workspace, row: Row, caller: Caller) -> None:
    row.in_trash = True
    ws.touch(row, caller)
    if row.kind == "database":
        for source_id in row.body.get("data_sources", []):
            source = ws.store.get(source_id)
            if source is not None:
                source.in_trash = True
                ws.store.save(source)


def _place(ws: Workspace, page: Row, final: list[Row | Node], caller: Caller) -> None:
    """Create the new blocks and number the page's blocks in their final order."""
    new = [item for item in final if isinstance(item, Node)]
    created = iter(_create(ws, page, new, caller, "body.markdown"))
    ordered = [item if isinstance(item, Row) else next(created) for item in final]
    for position, row in enumerate(ordered, start=1):
        if row.ord != float(position):
            row.ord = float(position)
            ws.store.save(row)


def _create(ws: Workspace, parent: Row, nodes: list[Node], caller: Caller, path: str) -> list[Row]:
    """Store new blocks (and their children, level by level) under a page or block."""
    made = [node for node in nodes if node.keep is None]
    rows: list[Row] = []
    for start in range(0, len(made), _BATCH):
        batch = made[start : start + _BATCH]
        created = blocks.insert_children(
            ws, parent, [n.block for n in batch], caller, path, after=None
        )
        for row, node in zip(created, batch, strict=True):
            if node.children:
                _create(ws, row, node.children, caller, path)
        rows.extend(created)
    return rows


def create_body(ws: Workspace, page: Row, body: dict[str, Any], caller: Caller) -> None:
    """``markdown`` on ``POST /v1/pages``: the new page's content (a leading ``# heading`` is its
    title when the request names none)."""
    if "children" in body or "content" in body:
        raise validation_error(
            "body failed validation: body.markdown can't be combined with body.children or "
            "body.content; send the page's content one way."
        )
    text = body["markdown"]
    if not isinstance(text, str):
        raise should_be("body", "body.markdown", "a string", text)
    nodes = parse_markdown(text)
    if nodes and nodes[0].block.get("type") == "heading_1" and _untitled(ws, page):
        title = normalize_rich_text(nodes.pop(0).block["heading_1"]["rich_text"], "body", ws)
        page.body.setdefault("values", {})[_title_id(ws, page)] = title
        ws.store.save(page)
    _create(ws, page, nodes, caller, "body.markdown")


def _title_id(ws: Workspace, page: Row) -> str:
    if page.data_source_id is None:
        return "title"
    source = ws.store.get(page.data_source_id)
    properties = source.body["properties"] if source is not None else {}
    return next((pid for pid, p in properties.items() if p["type"] == "title"), "title")


def _untitled(ws: Workspace, page: Row) -> bool:
    return not page.body.get("values", {}).get(_title_id(ws, page))
