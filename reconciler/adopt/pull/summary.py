"""What a pull did, in words: lines for the terminal, and Markdown for a pull request's body.

``report_lines`` says per row what Notion changed and who last edited it there and when, where the
page bodies it pulled go (``body_places``: files and rows, never the bodies' text), then the schema
differences, the edits left out (a value from ``${VAR}``, ...), the hand edits kept and what was
left alone. ``markdown_summary`` says the same as a pull-request body for the drift workflow: a
table of the rows with who edited each and when, the page bodies' files, at most ``MAX_BODY`` bytes,
every text from Notion or a manifest escaped (``reconciler.render.escape``). Called by the ``pull``
command."""

from __future__ import annotations

import re
from collections.abc import Iterator

from reconciler.adopt.edit import SetBody
from reconciler.adopt.pull.findings import Pulled, RowChange, RowDrift
from reconciler.render import MAX_COMMENT, edited_words, escape, moment, plural

__all__ = ["MARKER", "MAX_BODY", "body_places", "markdown_summary", "report_lines"]

MARKER = "<!-- notion-reconciler:pull -->"
MAX_BODY = MAX_COMMENT
"""Bytes of UTF-8: GitHub refuses longer pull-request bodies (see ``render.MAX_COMMENT``)."""
_MAX_ROWS = 300
"""Rows listed in the body before "and N more"."""
_NOTION_URL = re.compile(r"https://[A-Za-z0-9.\-]+/[A-Za-z0-9._~/?=&%#\-]*\Z")

_REVIEW = (
    "\n<sub>Merge to accept these edits: the manifests then say what Notion holds. To keep the"
    " manifests' values instead, close this pull request and apply them (the next apply writes"
    " them back into Notion).</sub>\n"
)

_WHAT = {
    RowChange.CHANGED: "changed in Notion",
    RowChange.TRASHED: "moved to the trash in Notion: removed here",
    RowChange.ADDED: "created in Notion: added here",
}


def _row_words(row: RowDrift) -> str:
    origin = row.origin
    what = _WHAT[origin.change]
    if row.properties:
        what += f" ({', '.join(row.properties)})"
    edited = edited_words(origin.edited_by, origin.edited_time)
    return f"{origin.database}, row {origin.key!r}: {what}" + (f"; {edited}" if edited else "")


def body_places(pulled: Pulled) -> list[str]:
    """Where the page bodies pull writes go: their files, or the rows whose ``_body`` it sets
    (never the bodies' text)."""
    places = [
        edit.file or f"{edit.database}, row {edit.key!r}: its _body"
        for edit in pulled.outcome.applied
        if isinstance(edit, SetBody)
    ]
    files = {change.path for change in pulled.outcome.files if change.created}
    places.extend(sorted(files))
    return places


def report_lines(pulled: Pulled) -> Iterator[str]:
    """What the pull did and left alone, one line each (the diffs are printed apart)."""
    yield from (_row_words(row) for row in pulled.rows)
    places = body_places(pulled)
    if places:
        yield f"{plural(len(places), 'page body', 'page bodies')} from Notion: {', '.join(places)}"
    for drift in pulled.schema:
        state = "written" if drift.written else "not written"
        yield f"{drift.database}: {drift.words} ({state})"
    for refused in pulled.outcome.not_applied:
        yield f"not written: {refused}"
    for kept in pulled.kept:
        yield f"kept: {kept}"
    for note in pulled.notes:
        yield f"left alone: {note}"


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _row_cell(row: RowDrift, links: bool) -> str:
    key = escape(row.origin.key)
    url = row.origin.url
    return f"[{key}]({url})" if links and _NOTION_URL.match(url) else key


def _table(pulled: Pulled, room: int, links: bool) -> Iterator[str]:
    yield "| Database | Row | In Notion | Properties | Last edited by | When |\n"
    yield "| --- | --- | --- | --- | --- | --- |\n"
    left = room
    for index, row in enumerate(pulled.rows):
        origin = row.origin
        line = (
            f"| {escape(origin.database)} | {_row_cell(row, links)} | {_WHAT[origin.change]}"
            f" | {escape(', '.join(row.properties)) or '—'} | {escape(origin.edited_by) or '—'}"
            f" | {escape(moment(origin.edited_time)) or '—'} |\n"
        )
        if index >= _MAX_ROWS or _size(line) > left:
            yield f"\n… and {plural(len(pulled.rows) - index, 'more row')}.\n"
            return
        left -= _size(line)
        yield line


def _section(title: str, items: list[str]) -> str:
    if not items:
        return ""
    return f"\n### {title}\n\n" + "".join(f"- {escape(item)}\n" for item in items)


def markdown_summary(pulled: Pulled, *, links: bool = True) -> str:
    """The pull-request body: who edited which rows in Notion and when, and what to review;
    ``links`` False leaves the rows' Notion URLs out (a ``--local`` workspace has none that open
    anywhere)."""
    files = plural(len(pulled.outcome.files), "file")
    head = f"{MARKER}\n## Notion edits to accept into the manifests\n\n"
    if pulled.rows or pulled.outcome.files:
        head += (
            f"`reconciler pull` found {plural(len(pulled.rows), 'row')} edited in Notion and"
            f" wrote {'them' if len(pulled.rows) != 1 else 'it'} into {files}.\n\n"
        )
    else:
        head += "No Notion edits to pull: the manifests say what Notion holds.\n\n"
    places = body_places(pulled)
    bodies = f"{plural(len(places), 'page body', 'page bodies')} written" if places else ""
    tail = "".join(
        (
            _section(bodies.capitalize(), places),
            _section("Schema", [f"{d.database}: {d.words}" for d in pulled.schema]),
            _section("Not written", [str(refused) for refused in pulled.outcome.not_applied]),
            _section("Left alone", list(pulled.notes)),
            _REVIEW,
        )
    )
    room = MAX_BODY - _size(head) - _size(tail) - 200
    table = "".join(_table(pulled, room, links)) if pulled.rows else ""
    body = head + table + tail
    if _size(body) > MAX_BODY:  # the sections alone are too long: cut, and say so
        body = body.encode("utf-8")[: MAX_BODY - 100].decode("utf-8", errors="ignore")
        body += "\n\n(cut at GitHub's size limit)\n"
    return body
