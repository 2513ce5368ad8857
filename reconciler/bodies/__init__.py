"""Page bodies in Notion-flavoured Markdown: one canonical form, its hash, diffs and HTML.

A body is compared in one canonical form whichever side it comes from, what a manifest asks
for or what ``GET /v1/pages/{id}/markdown`` answers: ``canonical_markdown`` reads the text into
blocks and rich-text runs (``blocks``, ``inline``) and writes them back the way Notion answers
(``canonical``), so what Notion normalises never shows as a difference: line endings, blank
lines, trailing spaces, indentation (spaces or tabs), list markers and numbering, ``*`` or ``_``
emphasis, ``__bold__``, backslash escapes, ``<br/>``, colour names, code-language aliases, pipe
tables, the query strings of signed file URLs, and the titles Notion shows for mentions and
sub-pages. ``body_hash`` is the sha256 of that form: bodies are compared by it, never by
timestamps. ``body_diff`` gives a unified diff of two bodies' canonical forms, ``body_html`` a
body as escaped HTML (``html``), ``subpages`` the sub-pages and databases a body holds.

Used by the gateway (the hash of what it wrote and read back), the differ, the renderers and
export. It imports nothing else of the reconciler.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from typing import Final

__all__ = [
    "EMPTY_BODY_HASH",
    "body_diff",
    "body_hash",
    "body_html",
    "canonical_markdown",
    "raw_hash",
    "subpages",
    "unsigned",
]

_OBJECT_TAG: Final = re.compile(r'<(page|database) url="https://www\.notion\.so/([0-9a-f]{32})"/>')


def canonical_markdown(markdown: str) -> str:
    """The body in canonical form (see the module docstring)."""
    # Imported by the first body read or written: every command imports this package (the
    # gateway, the differ), few of them meet a body.
    from reconciler.bodies.blocks import parse_blocks
    from reconciler.bodies.canonical import render_markdown

    return render_markdown(parse_blocks(markdown))


def body_hash(markdown: str) -> str:
    """sha256 of the body's canonical form: equal hashes, equal content."""
    return hashlib.sha256(canonical_markdown(markdown).encode("utf-8")).hexdigest()


def raw_hash(markdown: str) -> str:
    """sha256 of the Markdown exactly as given (to recognise a text already canonicalised)."""
    return hashlib.sha256(markdown.encode("utf-8")).hexdigest()


EMPTY_BODY_HASH: Final = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
"""The hash of a page without content: ``body_hash("")``, the sha256 of no bytes (written out,
so that importing this package parses nothing)."""


def body_diff(old: str, new: str, *, context: int = 2) -> tuple[str, ...]:
    """The unified diff of two bodies' canonical forms (``-``/``+``/`` `` lines and ``@@``
    hunk headers, no file headers); empty when they are equal."""
    before, after = canonical_markdown(old), canonical_markdown(new)
    lines = list(
        difflib.unified_diff(
            before.split("\n") if before else [],
            after.split("\n") if after else [],
            n=context,
            lineterm="",
        )
    )
    return tuple(lines[2:])  # past the two file headers


def unsigned(url: str) -> str:
    """A URL without the query string of a signed file link (it changes on every read)."""
    # The inline parser is imported by the first icon, cover or file link that has a URL.
    from reconciler.bodies.inline import unsigned as without_signature

    return without_signature(url)


def body_html(markdown: str) -> str:
    """The body as an HTML fragment, every text escaped (see ``html``)."""
    from reconciler.bodies.blocks import parse_blocks
    from reconciler.bodies.html import render_html

    return render_html(parse_blocks(markdown))


def subpages(markdown: str) -> frozenset[tuple[str, str]]:
    """(``page`` or ``database``, compact id) of each sub-page and database the body holds."""
    return frozenset(_OBJECT_TAG.findall(canonical_markdown(markdown)))
