"""Body changes of one row: compare the manifest's Markdown with Notion's, by canonical hash.

Called by the row differ for each manifest row that manages its body and has a live page. The
bodies are equal when their canonical hashes are (``reconciler.bodies``), or when Notion holds
exactly what it held right after the reconciler last wrote this very Markdown (the write record:
Notion's own normalisation of our write is no change). Otherwise the change is an
``UpdateBody``:

- ``safe`` when the live body is empty, or still holds what the reconciler last wrote;
- ``lossy`` when someone edited it in Notion since, or the reconciler never wrote it.

A live body the Markdown form cannot carry whole (blocks shown as ``<unknown>``, or a page cut
at Notion's limit) is never overwritten, nor one whose sub-pages or databases the new body
leaves out (Notion would refuse to delete them): each is a plan problem naming the row, with a
hint. Timestamps never decide anything here.
"""

from __future__ import annotations

from reconciler.bodies import EMPTY_BODY_HASH, body_hash, raw_hash, subpages
from reconciler.errors import PlanError, Problem
from reconciler.model import DesiredRow, LiveBody, LiveRow
from reconciler.plan.actions import UpdateBody
from reconciler.plan.classes import class_of
from reconciler.plan.model import Change

__all__ = ["body_change"]

_IGNORE_HINT = (
    "stop managing this row's body (remove its `_body` or `_body_from`, or its `body_from`"
    " file), or move that content to a sub-page in Notion and plan again"
)


def _problem(handle: str, row: DesiredRow, message: str, hint: str) -> Problem:
    where = row.location
    text = f"database {handle!r}, row {row.key!r}: {message}"
    return Problem(where.file, where.line, where.column, text, hint)


def _carried(handle: str, row: DesiredRow, live: LiveBody) -> Problem | None:
    """Why the live body must not be overwritten (None: it may be)."""
    if live.unknown_block_ids:
        count = len(live.unknown_block_ids)
        blocks = "a block" if count == 1 else f"{count} blocks"
        return _problem(
            handle,
            row,
            f"its page in Notion holds {blocks} that Markdown cannot show (a bookmark, an"
            " embed, a synced block...); overwriting the body would delete "
            + ("it" if count == 1 else "them"),
            _IGNORE_HINT,
        )
    if live.truncated:
        return _problem(
            handle,
            row,
            "its page in Notion is too long to read whole as Markdown (Notion cut it at its"
            " limit); overwriting the body would lose the rest",
            _IGNORE_HINT,
        )
    return None


def _kept_objects(handle: str, row: DesiredRow, old: str, new: str) -> Problem | None:
    """The sub-pages and databases the new body would drop (Notion refuses to delete them)."""
    dropped = sorted(subpages(old) - subpages(new))
    if not dropped:
        return None
    named = ", ".join(f"{kind} {object_id}" for kind, object_id in dropped)
    tags = " ".join(
        f'<{kind} url="https://www.notion.so/{object_id}"></{kind}>' for kind, object_id in dropped
    )
    return _problem(
        handle,
        row,
        f"its page in Notion holds {named}, which the manifest's body leaves out; Notion"
        " refuses to delete sub-pages and databases with a body",
        f"keep them in the body where they belong ({tags}), or move them elsewhere in Notion",
    )


def _hashes(markdown: str, body: LiveBody) -> tuple[str, str]:
    """The canonical hashes of the manifest's body and the live one, canonicalising only what
    is not known already: the Markdown last sent (by its exact text) and a body read before."""
    written = body.written
    sent = written is not None and written.raw and written.raw == raw_hash(markdown)
    wanted = written.sent if sent and written is not None else body_hash(markdown)
    return wanted, body.hash or body_hash(body.markdown)


def body_change(handle: str, row: DesiredRow, live: LiveRow) -> Change | Problem | None:
    """The change bringing ``live``'s body to the row's (None: none), or why it cannot."""
    if row.body is None:
        return None
    body = live.body
    if body is None:
        raise PlanError(
            f"the live read holds no body for row {row.key!r} of {handle!r}",
            hint="this is a bug in notion-reconciler; rerun with --debug and report it",
        )
    written = body.written
    wanted, held = _hashes(row.body.markdown, body)
    if wanted == held or (written is not None and (written.sent, written.held) == (wanted, held)):
        return None
    refusal = _carried(handle, row, body) or _kept_objects(
        handle, row, body.markdown, row.body.markdown
    )
    if refusal is not None:
        return refusal
    payload = UpdateBody(
        body.markdown, row.body.markdown, held, wanted, written.held if written else ""
    )
    ours = written is not None and written.held == held
    if held == EMPTY_BODY_HASH or ours:
        note = "Notion still holds what the reconciler last wrote" if ours else ""
    elif written is not None:
        note = "the body was edited in Notion since the reconciler last wrote it"
    else:
        note = "the reconciler has not written this body before: Notion's content is replaced"
    return Change(handle, row.key, class_of(payload), payload, page_id=live.page_id, note=note)
