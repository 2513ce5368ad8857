"""Page content through Notion's Markdown endpoints: read through the cache, written and read back.

Request costs: reading a body is one ``GET /v1/pages/{id}/markdown``, or none when the
``BodyStore`` holds a body it can trust for the page's ``last_edited_time``; writing one is one
``PATCH /v1/pages/{id}/markdown`` (``replace_content``), whose answer is the page's Markdown
after the write: that answer is the read-back, recorded with the hash of what was sent. Notion's
guard against deleting sub-pages and databases is left on (``allow_deleting_content`` is never
sent), so a body that would drop one is refused by Notion, with its message, rather than
deleting it. A create's body (``markdown`` on ``POST /v1/pages``) is read back with one GET.

Bodies are read only for the rows the caller names (the manifest's managed bodies): page
content is never read nor written anywhere else. Used by the reader (``read_state``), the
writer and the gateway (``read_bodies``, ``read_body``, ``write_body``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime

from reconciler.bodies import body_hash, raw_hash
from reconciler.logs import logger
from reconciler.model import LiveBody, LiveRow, RowKey, WrittenBody
from reconciler.notion import endpoints
from reconciler.notion.api import NotionApi
from reconciler.notion.body_store import BodyStore
from reconciler.notion.failures import Subject
from reconciler.notion.shapes import Body

__all__ = ["BodyProgress", "PageContent"]

log = logger(__name__)

BodyProgress = Callable[[str, int, int], None]
"""Hears (database handle, bodies done, bodies to read) as bodies are read."""


def _live_body(answer: Body) -> LiveBody:
    markdown = answer.text("markdown")
    return LiveBody(
        markdown=markdown,
        truncated=answer.flag("truncated", default=False),
        unknown_block_ids=tuple(_strings(answer, "unknown_block_ids")),
        hash=body_hash(markdown),
    )


def _strings(answer: Body, name: str) -> list[str]:
    if not answer.has(name):
        return []
    value = answer.value(name)
    return [str(item) for item in value] if isinstance(value, list) else []


class PageContent:
    """Reads and writes page bodies through one ``NotionApi`` and one ``BodyStore``."""

    def __init__(self, api: NotionApi, store: BodyStore, *, concurrency: int = 4) -> None:
        self._api = api
        self._store = store
        self._concurrency = max(1, concurrency)

    @property
    def store(self) -> BodyStore:
        return self._store

    # --- reading -----------------------------------------------------------------------------

    def read_body(self, page_id: str, *, database: str) -> LiveBody:
        """A page's body as Notion holds it now (never from the cache), with what the
        reconciler last wrote there."""
        body, _ = self._fetch(page_id, database)
        return replace(body, written=self._store.written(page_id))

    def read_bodies(
        self, rows: Sequence[LiveRow], *, database: str, progress: BodyProgress | None = None
    ) -> dict[str, LiveBody]:
        """The bodies of these rows by page id: from the cache where it can be trusted, else
        read (concurrently, within the one rate limiter), then the cache saved."""
        wanted = list({row.page_id: row for row in rows}.values())
        found: dict[str, LiveBody] = {}
        to_read: list[LiveRow] = []
        for row in wanted:
            cached = self._store.cached(row)
            if cached is None:
                to_read.append(row)
            else:
                found[row.page_id] = cached
        done = len(found)
        if progress is not None and to_read:
            progress(database, done, len(wanted))
        with ThreadPoolExecutor(self._concurrency, thread_name_prefix="notion-body") as pool:
            for row, (body, read_at) in zip(
                to_read, pool.map(lambda r: self._fetch(r.page_id, database), to_read), strict=True
            ):
                self._store.remember(row, body, read_at)
                found[row.page_id] = body
                done += 1
                if progress is not None:
                    progress(database, done, len(wanted))
        self._store.save()
        log.debug("read bodies", database=database, cached=len(wanted) - len(to_read))
        return {
            page: replace(body, written=self._store.written(page)) for page, body in found.items()
        }

    def _fetch(self, page_id: str, database: str) -> tuple[LiveBody, datetime]:
        answer = self._api.request(
            endpoints.RETRIEVE_MARKDOWN,
            lambda c: c.pages.retrieve_markdown(page_id),
            Subject(f"the content of page {page_id}", database=database),
        )
        return _live_body(answer), self._api.answered_at()

    # --- writing -----------------------------------------------------------------------------

    def write_body(
        self, page_id: str, markdown: str, *, database: str, row_key: RowKey
    ) -> LiveBody:
        """Replace the page's content with ``markdown``; what Notion holds after (recorded).

        ``replace_content`` sets the whole content, so a resend after an unknown outcome is
        harmless. Without ``allow_deleting_content`` Notion refuses to drop a sub-page or a
        database (a 400 with its message)."""
        answer = self._api.request(
            endpoints.UPDATE_MARKDOWN,
            lambda c: c.pages.update_markdown(
                page_id, type="replace_content", replace_content={"new_str": markdown}
            ),
            Subject(f"the content of page {page_id}", database=database, row_key=row_key),
        )
        held = _live_body(answer)
        return self._record(page_id, markdown, held)

    def read_back(self, page_id: str, markdown: str, *, database: str) -> LiveBody:
        """Read a body written with a create, and record it as what the reconciler wrote."""
        held, _ = self._fetch(page_id, database)
        return self._record(page_id, markdown, held)

    def _record(self, page_id: str, markdown: str, held: LiveBody) -> LiveBody:
        written = WrittenBody(body_hash(markdown), held.hash, raw_hash(markdown))
        self._store.record_written(page_id, written)
        return replace(held, written=written)
