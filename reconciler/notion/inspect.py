"""Looking at Notion without a manifest: a database's outline by id, a page, the integration.

The ``Gateway`` reads what manifests declare, rows included. ``import`` needs a database's title
and schema before any manifest exists (to write one), and ``doctor`` needs to know whether a
database or page is reachable without reading a single row. ``Inspector`` answers both with a
few GETs through the same API client, limiter, retry policy and request account as the gateway
it is taken from (``Inspector.of(gateway)``). Errors are the gateway's: a missing or unshared
object is a ``NotionAccessError`` (its ``code`` tells ``object_not_found`` from Notion's
``restricted_resource`` for a missing capability); a database with several data sources asks
for one of them with a ``PlanError``. Called by the CLI's import and doctor commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.errors import NotionAccessError, NotionValidationError, PlanError
from reconciler.model import LiveProperty
from reconciler.notion import endpoints
from reconciler.notion.api import NotionApi
from reconciler.notion.decode import decode_schema, same_id
from reconciler.notion.failures import Subject
from reconciler.notion.gateway import Gateway
from reconciler.notion.notion_gateway import NotionGateway
from reconciler.notion.reader import LiveReader
from reconciler.notion.shapes import Body
from reconciler.properties.references import WorkspaceReferences

__all__ = ["SHARING_HINT", "DataSourceName", "DatabaseOutline", "Inspector", "PageOutline"]

SHARING_HINT = (
    "share the database with the integration: open it (or a page above it) in Notion, then"
    " '...' menu → Connections → add your integration; and check the id (copy it from the"
    " database's URL or its '...' menu → Copy link)"
)


@dataclass(frozen=True)
class DataSourceName:
    """One data source of a database: its id and name."""

    id: str
    name: str


@dataclass(frozen=True)
class DatabaseOutline:
    """A database as seen without reading rows: ids, title, URL and one data source's schema.

    ``properties`` are in canonical form; relation targets are data source ids (no handle is
    known here) and formula references are resolved within the data source itself.
    """

    database_id: str
    data_source_id: str
    title: str
    url: str | None
    properties: tuple[LiveProperty, ...]
    data_sources: tuple[DataSourceName, ...]
    in_trash: bool = False


@dataclass(frozen=True)
class PageOutline:
    """A page that can be read: its id, title and whether it is in the trash."""

    id: str
    title: str
    in_trash: bool


class Inspector:
    """Reads outlines of databases and pages through one ``NotionApi``."""

    def __init__(self, api: NotionApi) -> None:
        self._api = api
        self._reader = LiveReader(api, concurrency=1)

    @classmethod
    def of(cls, gateway: Gateway) -> Inspector:
        """An inspector sharing the gateway's client, limiter, retries and request account."""
        if not isinstance(gateway, NotionGateway):
            raise TypeError(f"an Inspector needs a NotionGateway, not {type(gateway).__name__}")
        # NotionGateway keeps its API client private; the inspector belongs to the same
        # package and reuses it so that both share one rate limiter and one account.
        return cls(gateway._api)

    def outline(self, given_id: str, data_source: str | None = None) -> DatabaseOutline:
        """The database ``given_id`` names (a database id or one of its data source ids).

        A database with several data sources needs ``data_source`` (a name or an id).
        """
        database = self._probe_database(given_id)
        if database is None:
            source = self._data_source_or_missing(given_id)
            parent = source.child("parent").text("database_id")
            database = self._retrieve_database(parent)
        else:
            chosen = _choose(given_id, database, data_source)
            source = self._reader.retrieve_data_source(chosen, None)
        return self._outline(database, source)

    def page(self, page_id: str) -> PageOutline:
        """The page ``page_id`` (raises ``NotionAccessError`` when missing or unshared)."""
        body = self._api.request(
            endpoints.RETRIEVE_PAGE,
            lambda c: c.pages.retrieve(page_id),
            Subject(f"page {page_id}"),
        )
        title = ""
        for _name, prop in body.child("properties").entries():
            if prop.optional_text("type") == "title":
                title = prop.plain_text("title")
        return PageOutline(id=body.text("id"), title=title, in_trash=body.in_trash())

    def databases_titled(self, parent_page_id: str, title: str) -> list[str]:
        """Ids of the databases titled ``title`` directly under the page ``parent_page_id``."""
        subject = Subject(f"page {parent_page_id} (the `parent` of a manifest)")
        return self._reader.child_databases(parent_page_id, title, subject)

    # --- internals ---------------------------------------------------------------------------

    def _retrieve_database(self, database_id: str) -> Body:
        return self._api.request(
            endpoints.RETRIEVE_DATABASE,
            lambda c: c.databases.retrieve(database_id),
            Subject(f"database {database_id}"),
        )

    def _probe_database(self, given_id: str) -> Body | None:
        """The database, or None when the id is not a database's (it may be a data source's)."""
        try:
            return self._retrieve_database(given_id)
        except (NotionAccessError, NotionValidationError) as error:
            if error.status in (400, 404):
                return None
            raise

    def _data_source_or_missing(self, given_id: str) -> Body:
        try:
            return self._reader.retrieve_data_source(given_id, None)
        except (NotionAccessError, NotionValidationError) as error:
            if error.status not in (400, 404):
                raise
            raise NotionAccessError(
                f"database {given_id} cannot be reached: no database or data source with this"
                " id is shared with the integration (404 object_not_found)",
                hint=SHARING_HINT,
                status=404,
                code="object_not_found",
                request_id=error.request_id,
            ) from None

    def _outline(self, database: Body, source: Body) -> DatabaseOutline:
        source_id = source.text("id")
        refs = WorkspaceReferences()
        refs.add_schema(
            source_id, {p.text("id"): name for name, p in source.child("properties").entries()}
        )
        names = tuple(
            DataSourceName(s.text("id"), s.optional_text("name") or "")
            for s in database.items("data_sources")
        )
        return DatabaseOutline(
            database_id=database.text("id"),
            data_source_id=source_id,
            title=database.plain_text("title"),
            url=database.optional_text("url"),
            properties=decode_schema(source, refs),
            data_sources=names,
            in_trash=database.in_trash(),
        )


def _choose(given_id: str, database: Body, wanted: str | None) -> str:
    """The id of the data source to read: the only one, or the one ``wanted`` names."""
    sources = database.items("data_sources")
    title = database.plain_text("title")
    if not sources:
        raise PlanError(
            f"database {title!r} ({given_id}) has no data source",
            hint="add a data source to it in Notion, or give the id of another database",
        )
    if wanted is None and len(sources) == 1:
        return sources[0].text("id")
    for source in sources:
        name, source_id = source.optional_text("name"), source.text("id")
        if wanted is not None and (wanted == name or same_id(wanted, source_id)):
            return source_id
    listed = ", ".join(f"{s.optional_text('name') or ''!r} ({s.text('id')})" for s in sources)
    if wanted is None:
        raise PlanError(
            f"database {title!r} ({given_id}) has {len(sources)} data sources: {listed}",
            hint="give the id of the data source to use instead of the database id",
        )
    raise PlanError(
        f"database {title!r} ({given_id}) has no data source {wanted!r}; it has {listed}",
        hint="set `data_source:` to one of those names or ids",
    )
