"""What the emulator is meant to answer: each recorded interaction is in scope or skipped, with why.

The emulator serves the endpoints a database reconciler needs (issue 2): databases, data sources,
pages, property items, block children of plain pages, search and users. Anything else a recording
exercises is skipped with a reason: comments, views, file uploads, custom emojis, page templates,
block updates, traffic to other services, and blocks other than text, child pages and child
databases. Page content as Markdown (and the async task a Markdown write may answer with) is in
scope (issue 16). A recording is skipped whole when what it checks is out of
scope: it has an out-of-scope interaction and no in-scope read (its in-scope writes only build
and tear down the objects the out-of-scope calls work on). Used by the replay.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from reconciler.emulator.conformance.catalog import dicts_in
from reconciler.emulator.conformance.recordings import Interaction

__all__ = ["MODELLED_BLOCK_TYPES", "is_read", "out_of_scope", "recording_out_of_scope"]

MODELLED_BLOCK_TYPES = frozenset(
    {
        "paragraph",
        "heading_1",
        "heading_2",
        "heading_3",
        "bulleted_list_item",
        "numbered_list_item",
        "to_do",
        "toggle",
        "quote",
        "callout",
        "code",
        "divider",
        "child_page",
        "child_database",
    }
)
"""Blocks whose payload and defaults the emulator models (the content of plain pages)."""

_OUT_OF_SCOPE_PATHS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^/v1/comments"), "comments are out of the emulator's scope"),
    (re.compile(r"^/v1/views"), "views are out of the emulator's scope"),
    (re.compile(r"^/v1/file_uploads"), "file uploads are out of the emulator's scope"),
    (re.compile(r"^/v1/custom_emojis"), "custom emojis are out of the emulator's scope"),
    (re.compile(r"^/v1/pages/[^/]+/move$"), "moving pages is out of the emulator's scope"),
)
_BLOCK_UPDATE = re.compile(r"^/v1/blocks/[^/]+$")


def out_of_scope(interaction: Interaction) -> str | None:
    """Why this interaction is not replayed, or None when the emulator should answer it."""
    path = interaction.path
    if not path.startswith("/v1/"):
        return f"{path.split('?')[0]} is not the Notion API (another service or a client test)"
    for pattern, reason in _OUT_OF_SCOPE_PATHS:
        if pattern.search(path):
            return reason
    if interaction.method == "PATCH" and _BLOCK_UPDATE.match(path):
        return "block updates are out of the emulator's scope"
    if _uses_template(interaction.request_body):
        return "page templates are out of the emulator's scope"
    for kind in _block_types(interaction):
        if kind not in MODELLED_BLOCK_TYPES:
            return f"{kind} blocks are out of the emulator's scope (it models text blocks)"
    return None


def is_read(interaction: Interaction) -> bool:
    """Whether the interaction reads (a GET, a query or a search) rather than writes."""
    return interaction.method == "GET" or interaction.path.endswith(("/query", "/search"))


def recording_out_of_scope(interactions: Sequence[Interaction]) -> str | None:
    """Why a whole recording is skipped: it checks only out-of-scope behaviour."""
    reasons = [r for r in (out_of_scope(i) for i in interactions) if r is not None]
    if not reasons:
        return None
    if any(is_read(i) for i in interactions if out_of_scope(i) is None):
        return None
    return reasons[0]


def _uses_template(body: object) -> bool:
    return isinstance(body, dict) and isinstance(body.get("template"), dict)


def _block_types(interaction: Interaction) -> Iterator[str]:
    """Block types the request creates and the response shows."""
    body = interaction.request_body
    if isinstance(body, dict) and isinstance(body.get("children"), list):
        yield from _request_blocks(body["children"])
    yield from _response_blocks(interaction.response_body)


def _request_blocks(children: list[Any]) -> Iterator[str]:
    for block in children:
        if not isinstance(block, dict):
            continue
        kind = block.get("type") or next((k for k in block if k != "object"), None)
        if not isinstance(kind, str):
            continue
        yield kind
        payload = block.get(kind)
        if isinstance(payload, dict) and isinstance(payload.get("children"), list):
            yield from _request_blocks(payload["children"])


def _response_blocks(body: object) -> Iterator[str]:
    for found in dicts_in(body):
        if found.get("object") == "block" and isinstance(found.get("type"), str):
            yield found["type"]
