"""The writer: every change the applier makes, each safe to retry (see ``gateway`` for the rules).

Creates are the writes that are not idempotent by themselves. ``create_row`` settles a create
whose outcome is unknown by querying the row's key before any resend, and ``create_database``
by looking for the title under the parent page, so nothing is created twice. When the failure
means Notion may still be working on the create (a timeout, a dropped connection, a proxy's
502/504), a look-up that finds nothing is repeated once the request can no longer be in flight
(``RetryPolicy.in_flight_seconds`` after it was sent) before the create is sent again. Schema
updates re-read the schema before a resend and drop removals already done. Used by
``NotionGateway``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, TypeVar
from urllib.parse import unquote

from notion_client import Client

from reconciler.bodies import canonical_markdown
from reconciler.errors import NotionAccessError
from reconciler.logs import logger
from reconciler.model import JSON, LiveDatabase, LiveProperty, RowKey
from reconciler.notion import endpoints
from reconciler.notion.api import NotionApi
from reconciler.notion.content import PageContent
from reconciler.notion.decode import (
    ReadLayout,
    decode_schema,
    property_names,
    rich_title,
)
from reconciler.notion.failures import Failure, Subject
from reconciler.notion.gateway import CreatedDatabase, WrittenPage
from reconciler.notion.reader import LiveReader
from reconciler.notion.shapes import Body
from reconciler.properties.references import WorkspaceReferences

__all__ = ["LiveWriter"]

log = logger(__name__)

T = TypeVar("T")


def _written(page: Body, *, recovered: bool = False) -> WrittenPage:
    return WrittenPage(
        page_id=page.text("id"),
        url=page.text("url"),
        in_trash=page.in_trash(),
        last_edited_time=page.text("last_edited_time"),
        recovered=recovered,
        answer=page,
    )


class _SendClock:
    """When the latest attempt of one logical create was sent."""

    def __init__(self, api: NotionApi) -> None:
        self._api = api
        self.sent_at = api.now()

    def mark(self) -> None:
        self.sent_at = self._api.now()

    def settle(
        self, failure: Failure, look_up: Callable[[], T | None], what: str, database: str
    ) -> T | None:
        """The look-up's result; when the create may still be in flight and nothing was found,
        the look-up again once it cannot be (so a late write is found, not duplicated)."""
        found = look_up()
        if found is not None or not failure.maybe_in_flight:
            return found
        log.warning(
            "create may still be in flight at Notion; waiting before looking again",
            what=what,
            database=database,
            outcome=failure.outcome,
        )
        self._api.wait_out_in_flight(self.sent_at)
        return look_up()


class LiveWriter:
    """Sends the applier's writes through one ``NotionApi``; reads back through ``LiveReader``
    (rows, databases) and ``PageContent`` (bodies)."""

    def __init__(
        self,
        api: NotionApi,
        reader: LiveReader,
        refs: WorkspaceReferences,
        content: PageContent,
    ) -> None:
        self._api = api
        self._reader = reader
        self._refs = refs
        self._content = content

    def know(self, handle: str, database: LiveDatabase) -> None:
        """Remember a read database's data source and schema (for decoding later schemas)."""
        if database.data_source_id is not None:
            self._refs.add_data_source(handle, database.data_source_id)
            self._refs.add_schema(
                database.data_source_id, {p.id: p.name for p in database.properties}
            )

    # --- databases and schemas ---------------------------------------------------------------

    def create_database(
        self,
        handle: str,
        parent_page_id: str,
        title: str,
        properties: Mapping[str, JSON],
        page: Mapping[str, JSON] | None = None,
    ) -> CreatedDatabase:
        subject = Subject(f"new database {title!r}", database=handle)
        lookup = Subject(f"page {parent_page_id} (looking for {title!r})", database=handle)
        recovered = False
        sending = _SendClock(self._api)

        def find_by_title() -> Body | None:
            nonlocal recovered
            found = self._reader.child_databases(parent_page_id, title, lookup)
            if not found:
                return None
            log.warning("database create outcome unknown; found it by title", database=handle)
            recovered = True
            return self._api.request(
                endpoints.RETRIEVE_DATABASE, lambda c: c.databases.retrieve(found[0]), subject
            )

        def send(c: Client) -> Any:
            sending.mark()
            return c.databases.create(
                parent={"type": "page_id", "page_id": parent_page_id},
                title=rich_title(title),
                initial_data_source={"properties": dict(properties)},
                **dict(page or {}),
            )

        database = self._api.request(
            endpoints.CREATE_DATABASE,
            send,
            subject,
            before_resend=lambda f: sending.settle(f, find_by_title, f"database {title!r}", handle),
        )
        sources = database.items("data_sources")
        if not sources:
            raise NotionAccessError(
                f"the new database {title!r} ({database.text('id')}) has no data source",
                hint="check the database in Notion; the integration may lack access to it",
            )
        source = self._reader.retrieve_data_source(sources[0].text("id"), handle)
        self._refs.add_data_source(handle, source.text("id"))
        return CreatedDatabase(
            database_id=database.text("id"),
            data_source_id=source.text("id"),
            properties=self._schema(source),
            url=database.optional_text("url"),
            recovered=recovered,
        )

    def _schema(self, source: Body) -> tuple[LiveProperty, ...]:
        self._refs.add_schema(source.text("id"), property_names(source))
        return decode_schema(source, self._refs)

    def update_database(
        self,
        database_id: str,
        *,
        database: str,
        title: str | None = None,
        page: Mapping[str, JSON] | None = None,
    ) -> None:
        body: dict[str, JSON] = dict(page or {})
        if title is not None:
            body["title"] = rich_title(title)
        self._api.request(
            endpoints.UPDATE_DATABASE,
            lambda c: c.databases.update(database_id, **body),
            Subject(f"database {database_id}", database=database),
        )

    def update_data_source(
        self, data_source_id: str, properties: Mapping[str, JSON], *, database: str
    ) -> tuple[LiveProperty, ...]:
        payload = dict(properties)
        subject = Subject(
            f"the schema of data source {data_source_id}",
            database=database,
            properties=tuple(properties),
        )

        def drop_done_removals(_failure: Failure) -> Body | None:
            # Removing a property that is already gone is refused; everything else may be resent.
            live = self._reader.retrieve_data_source(data_source_id, database)
            present = [(name, p.text("id")) for name, p in live.child("properties").entries()]
            for key in [k for k, v in payload.items() if v is None]:
                # Property ids are case-sensitive and arrive URL-encoded or not.
                if not any(key == name or unquote(key) == unquote(pid) for name, pid in present):
                    del payload[key]
            return live if not payload else None

        source = self._api.request(
            endpoints.UPDATE_DATA_SOURCE,
            lambda c: c.data_sources.update(data_source_id, properties=dict(payload)),
            subject,
            before_resend=drop_done_removals,
        )
        return self._schema(source)

    # --- rows --------------------------------------------------------------------------------

    def create_row(
        self,
        data_source_id: str,
        properties: Mapping[str, JSON],
        key_property: str,
        key_type: str,
        key: RowKey,
        *,
        database: str,
        page: Mapping[str, JSON] | None = None,
        markdown: str | None = None,
    ) -> WrittenPage:
        """Create the row (see ``_create_page``); with ``markdown``, its body too, read back
        and recorded. A body that starts with a level-one heading is written after the create:
        sent with it, Notion takes that heading for the page's title."""
        with_body = markdown is not None and not canonical_markdown(markdown).startswith("# ")
        created = self._create_page(
            data_source_id,
            properties,
            (key_property, key_type, key),
            database=database,
            page={**(page or {}), **({"markdown": markdown} if with_body else {})},
        )
        if markdown is None:
            return created
        if with_body:
            body = self._content.read_back(created.page_id, markdown, database=database)
        else:
            body = self._content.write_body(
                created.page_id, markdown, database=database, row_key=key
            )
        return replace(created, body=body)

    def _create_page(
        self,
        data_source_id: str,
        properties: Mapping[str, JSON],
        keyed: tuple[str, str, RowKey],
        *,
        database: str,
        page: Mapping[str, JSON],
    ) -> WrittenPage:
        key_property, key_type, key = keyed
        subject = Subject("a new row", database=database, row_key=key, properties=tuple(properties))
        # The key property may be named by name or id: the layout matches either.
        layout = ReadLayout(
            managed=(), key=LiveProperty(id=key_property, name=key_property, type=key_type)
        )

        sending = _SendClock(self._api)

        def find_by_key() -> WrittenPage | None:
            found = self._reader.find_by_key(data_source_id, layout, [key], subject, False)
            alive = [row for row in found if not row.in_trash and row.key == key]
            if not alive:
                return None
            log.warning(
                "row create outcome unknown; found the row by its key",
                database=database,
                matches=len(alive),
            )
            row = alive[0]
            return WrittenPage(row.page_id, row.url, False, row.last_edited_time, recovered=True)

        def send(c: Client) -> Any:
            sending.mark()
            return c.pages.create(
                parent={"type": "data_source_id", "data_source_id": data_source_id},
                properties=dict(properties),
                **dict(page),
            )

        def create() -> WrittenPage:
            return _written(self._api.attempt(endpoints.CREATE_PAGE, send))

        return self._api.settle(
            endpoints.CREATE_PAGE,
            create,
            subject,
            lambda failure: sending.settle(failure, find_by_key, f"row {key!r}", database),
        )

    def update_row(
        self,
        page_id: str,
        properties: Mapping[str, JSON],
        *,
        database: str,
        row_key: RowKey,
        page: Mapping[str, JSON] | None = None,
    ) -> WrittenPage:
        subject = Subject(
            f"row page {page_id}", database=database, row_key=row_key, properties=tuple(properties)
        )
        body: dict[str, JSON] = dict(page or {})
        if properties or not body:
            body["properties"] = dict(properties)
        return self._patch_page(page_id, body, subject)

    def set_row_trashed(
        self, page_id: str, in_trash: bool, *, database: str, row_key: RowKey
    ) -> WrittenPage:
        subject = Subject(f"row page {page_id}", database=database, row_key=row_key)
        return self._patch_page(page_id, {"in_trash": in_trash}, subject)

    def _patch_page(self, page_id: str, body: Mapping[str, JSON], subject: Subject) -> WrittenPage:
        def reread_on_conflict(failure: Failure) -> Body | None:
            if failure.conflict:
                # The page must still be there; a 404 here ends the write with a clear error.
                self._api.request(
                    endpoints.RETRIEVE_PAGE,
                    lambda c: c.pages.retrieve(page_id, filter_properties=["title"]),
                    subject,
                )
            return None  # absolute values: resending is harmless

        page = self._api.request(
            endpoints.UPDATE_PAGE,
            lambda c: c.pages.update(page_id, **body),
            subject,
            before_resend=reread_on_conflict,
        )
        return _written(page)
