"""What the emulator is meant to answer: each recorded interaction is in scope or skipped, with why.

The emulator serves what a reconciler of databases and their pages needs: databases, data
sources, pages (moving them too), property items, blocks (their content, updates and trash),
page content as Markdown (with the async task a Markdown write may answer with), search and
users. What else a recording exercises is skipped, each skip in one of the
:data:`SKIP_CATEGORIES` with the reason it stays out. A recording is skipped whole when what it
checks is out of scope: it has an out-of-scope interaction and no in-scope read (its in-scope
writes only build and tear down the objects the out-of-scope calls work on). Used by the replay
and its report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.emulator.conformance.catalog import dicts_in
from reconciler.emulator.conformance.recordings import Interaction

__all__ = [
    "MODELLED_BLOCK_TYPES",
    "SKIP_CATEGORIES",
    "Skip",
    "SkipCategory",
    "is_read",
    "out_of_scope",
    "recording_out_of_scope",
    "recording_skip",
    "skip_of",
]


@dataclass(frozen=True)
class SkipCategory:
    """A kind of recorded traffic the replay leaves out, and why."""

    key: str
    title: str
    why: str


@dataclass(frozen=True)
class Skip:
    """Why one interaction is not replayed: its category and the reason shown for it."""

    category: str
    reason: str


SKIP_CATEGORIES = {
    c.key: c
    for c in (
        SkipCategory(
            "other-services",
            "Traffic to other services",
            "Requests that are not to the Notion API: a recorded Google Tasks sync, and client "
            "tests of malformed URLs.",
        ),
        SkipCategory(
            "comments",
            "Comments",
            "Manifests describe databases and their rows; the reconciler never reads or writes "
            "comments, and the emulator does not model them.",
        ),
        SkipCategory(
            "views",
            "Database views",
            "Saved views (layouts, filters, sorts of the Notion app) are not part of what a "
            "manifest describes.",
        ),
        SkipCategory(
            "file-uploads",
            "File uploads",
            "Uploads need Notion's file storage; manifests name files by URL.",
        ),
        SkipCategory(
            "custom-emojis",
            "The custom emoji list",
            "A workspace's own emoji catalogue is not modelled (a mention of one is).",
        ),
        SkipCategory(
            "templates",
            "Page templates",
            "A page made from a template takes the template's content, which no recording shows.",
        ),
        SkipCategory(
            "unmodelled-blocks",
            "Blocks the emulator does not model",
            "Link previews, templates, meeting notes and unsupported blocks: Notion makes them "
            "itself or refuses them through the API.",
        ),
        SkipCategory(
            "old-blocks",
            "Content blocks made before the recording",
            "The admin seed takes users, pages and databases; blocks that existed before a "
            "recording began cannot be installed, so reads of them are not replayed.",
        ),
        SkipCategory(
            "dependent",
            "Uses what a skipped call made or changed",
            "An interaction that uses or shows an object a skipped interaction created or "
            "changed cannot be answered as recorded.",
        ),
    )
}
"""Every category of skipped traffic, in the order the report lists them."""

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
        "bookmark",
        "embed",
        "equation",
        "image",
        "video",
        "file",
        "pdf",
        "audio",
        "breadcrumb",
        "table_of_contents",
        "link_to_page",
        "column_list",
        "column",
        "table",
        "table_row",
        "synced_block",
        "tab",
    }
)
"""Blocks whose payload and defaults the emulator models (the content of pages)."""

_OUT_OF_SCOPE_PATHS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^/v1/comments"), "comments", "comments are"),
    (re.compile(r"^/v1/views"), "views", "views are"),
    (re.compile(r"^/v1/file_uploads"), "file-uploads", "file uploads are"),
    (re.compile(r"^/v1/custom_emojis"), "custom-emojis", "custom emojis are"),
)
"""(path pattern, skip category, what is out of the emulator's scope)."""


def skip_of(interaction: Interaction) -> Skip | None:
    """Why this interaction is not replayed, or None when the emulator should answer it."""
    path = interaction.path
    if not path.startswith("/v1/"):
        reason = f"{path.split('?')[0]} is not the Notion API (another service or a client test)"
        return Skip("other-services", reason)
    for pattern, category, what in _OUT_OF_SCOPE_PATHS:
        if pattern.search(path):
            return Skip(category, f"{what} out of the emulator's scope")
    if _uses_template(interaction.request_body):
        return Skip("templates", "page templates are out of the emulator's scope")
    for kind in _block_types(interaction):
        if kind not in MODELLED_BLOCK_TYPES:
            return Skip("unmodelled-blocks", f"{kind} blocks are out of the emulator's scope")
    return None


def out_of_scope(interaction: Interaction) -> str | None:
    """The reason this interaction is not replayed, or None when it is."""
    skip = skip_of(interaction)
    return skip.reason if skip is not None else None


def is_read(interaction: Interaction) -> bool:
    """Whether the interaction reads (a GET, a query or a search) rather than writes."""
    return interaction.method == "GET" or interaction.path.endswith(("/query", "/search"))


def recording_skip(interactions: Sequence[Interaction]) -> Skip | None:
    """Why a whole recording is skipped: it checks only out-of-scope behaviour."""
    skips = [s for s in (skip_of(i) for i in interactions) if s is not None]
    if not skips:
        return None
    if any(is_read(i) for i in interactions if skip_of(i) is None):
        return None
    return skips[0]


def recording_out_of_scope(interactions: Sequence[Interaction]) -> str | None:
    """The reason a whole recording is skipped, or None when some of it is replayed."""
    skip = recording_skip(interactions)
    return skip.reason if skip is not None else None


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
