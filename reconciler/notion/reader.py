"""The live reader: users, and every managed database located, its schema and all of its rows.

Request costs (n = rows, c = the query cap, 10,000 on Notion):

- locating: a database id costs 1 GET, a data source id 3 (the database GET fails first), a
  database found by title 1 GET per 100 blocks under the parent plus 1; the schema 1 GET;
- rows: ceil(n/100) queries when n <= c; ``read_state`` sends the first of them together with
  the schema's GET (``FirstPage``), asking for the properties by the names the matching rule
  can find them under, since their ids are not known yet; when that page cannot serve the read
  (Notion refused the names, or a managed property is missing from it) it is asked again by
  ids: one query more, in that rare case only; past the cap each created_time window re-reads
  the rows of the minute it starts in, so roughly ceil(n/100) plus one query per window;
- plus one GET per 100 items of every relation, people or text list longer than 25;
- trash: only keys the manifest has and no live row has are looked for in the trash, up to 100
  keys per query (none when every desired key is live, as in a steady state);
- bodies: one GET per managed body the cache cannot vouch for (``reconciler.notion.content``),
  none for a body of a page unedited since a trusted read;
- reading some rows again (``read_rows``): a GET per page, or one query over the data source
  (ceil(n/100) requests, n the spec's ``row_count``) when that costs fewer requests, then a GET
  for each wanted page the query did not return (it was moved to the trash); a page that now
  lives outside the data source (moved away) is absent, as from a query. This rule lives
  here alone (``reads_by_query``); the plan's estimate counts by it.

Every read takes ``ReadSpec`` values (``reconciler.readspec``). Used by ``NotionGateway``;
``read_state`` reads the databases concurrently, all within the one rate limiter.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TypeVar
from urllib.parse import quote

from reconciler.errors import NotionAccessError, NotionValidationError, PlanError
from reconciler.logs import logger
from reconciler.model import (
    JSON,
    LiveDatabase,
    LiveProperty,
    LiveRow,
    LiveState,
    LiveUser,
    WorkspaceIdentity,
)
from reconciler.notion import endpoints
from reconciler.notion.api import NotionApi, Send
from reconciler.notion.content import BodyProgress, PageContent
from reconciler.notion.decode import (
    ReadLayout,
    decode_look,
    decode_row,
    decode_schema,
    decode_user,
    decode_workspace,
    key_filter,
    property_names,
    same_id,
)
from reconciler.notion.failures import Subject
from reconciler.notion.shapes import Body
from reconciler.properties.references import WorkspaceReferences
from reconciler.readspec import ReadSpec

__all__ = ["FirstPage", "LiveReader", "Location", "queries_for", "reads_by_query"]

log = logger(__name__)

PAGE_SIZE = 100
KEYS_PER_TRASH_QUERY = 100
_BY_CREATED_TIME: list[JSON] = [{"timestamp": "created_time", "direction": "ascending"}]

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class FirstPage:
    """The first page of a data source's rows, asked for while its schema was being read.

    Its property ids were not known yet, so ``asked`` names the properties instead (Notion's
    ``filter_properties`` takes names as well as ids): every name a managed property or the key
    can have live by the matching rule, its own and the one it is ``renamed_from``. ``page`` is
    the answer, done (its failure raised by ``result``)."""

    asked: tuple[str, ...]
    page: Future[Body]

    def serving(self, layout: ReadLayout) -> Body | None:
        """The page when it holds what reading under ``layout`` decodes: every live property the
        layout reads was asked for by its name, and each row of the page has it under that name.
        None when not (the rows are then asked for again by ids); a failure other than Notion
        refusing the request (400, which the names could cause) is raised, as the query would
        have raised it."""
        try:
            body = self.page.result()
        except NotionValidationError:
            return None
        needed = [prop.name for prop in layout.managed]
        if layout.key is not None:
            needed.append(layout.key.name)
        if not set(needed).issubset(self.asked):
            return None
        results = body.raw.get("results")
        if not isinstance(results, list):
            return body  # reading it reports what is wrong with it, as reading by ids would
        for result in results:
            if not isinstance(result, dict) or result.get("object") not in (None, "page"):
                continue
            properties = result.get("properties")
            if not isinstance(properties, dict) or not all(n in properties for n in needed):
                return None
        return body


def _names_to_ask(spec: ReadSpec) -> tuple[str, ...]:
    """The names under which a read of the spec's rows may find what it decodes before the
    schema is known: each writable managed property's name and the name it is renamed from
    (``matched_properties`` matches by one of those), and the key's."""
    names: dict[str, None] = {}
    for prop in spec.properties:
        if prop.writable or prop.name == spec.key:
            names[prop.name] = None
            if prop.renamed_from:
                names[prop.renamed_from] = None
    return tuple(names) or ("title",)


FIRST_PAGE_NAMES_MAX = 2_000
"""The most characters the names a first page asks for may take in its URL, quoted, in all
(``filter_properties`` is a query parameter, repeated per name). A database with more or longer
names than that is read as before: its query waits for the schema and asks by ids, a few
characters each, rather than risk a URL a server refuses."""


def _quoted_length(names: Sequence[str]) -> int:
    """What ``names`` take in a query string as ``filter_properties`` parameters."""
    return sum(len("&filter_properties=") + len(quote(name, safe="")) for name in names)


@dataclass(frozen=True)
class Location:
    """Where a managed database lives (``database_id`` None: not found, to be created), and the
    first page of its rows when it was asked for together with the schema."""

    database_id: str | None
    data_source_id: str | None
    title: str
    url: str | None = None
    schema: Body | None = None
    icon: str = ""
    cover: str = ""
    first_page: FirstPage | None = field(default=None, compare=False, repr=False)


@dataclass
class _Window:
    """One created_time window of a query: what it read and whether the cap cut it short."""

    count: int = 0
    first_created: str | None = None
    last_created: str | None = None
    capped: bool = False


@dataclass
class RowsRead:
    """Rows of one data source by page id, in created_time order, and whether that is all."""

    rows: dict[str, LiveRow] = field(default_factory=dict)
    incomplete_reasons: list[str] = field(default_factory=list)


def queries_for(row_count: int, wanted: int = 0) -> int:
    """Queries that read every live row of a data source (``row_count`` of them, or at least
    the ``wanted`` ones): one per 100."""
    return max(1, math.ceil(max(row_count, wanted) / PAGE_SIZE))


def reads_by_query(wanted: int, row_count: int) -> bool:
    """The reader's rule for reading ``wanted`` rows again: one query over the data source when
    that costs fewer requests than a GET per page (the plan's estimate counts by it)."""
    return wanted > queries_for(row_count, wanted)


def _run_all(pool: ThreadPoolExecutor, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``fn`` over ``items`` in the pool; the first failure cancels what has not started."""
    futures: list[Future[R]] = [pool.submit(fn, item) for item in items]
    try:
        return [future.result() for future in futures]
    except BaseException:
        for future in futures:
            future.cancel()
        raise


class LiveReader:
    """Reads users and managed databases through one ``NotionApi``."""

    def __init__(
        self,
        api: NotionApi,
        *,
        concurrency: int = 4,
        query_cap: int = 10_000,
        content: PageContent | None = None,
    ) -> None:
        self._api = api
        self._concurrency = max(1, concurrency)
        self._query_cap = query_cap
        self._content = content

    # --- users -------------------------------------------------------------------------------

    def read_me(self) -> LiveUser:
        body = self._api.request(endpoints.USERS_ME, lambda c: c.users.me(), Subject("the bot"))
        return decode_user(body)

    def read_workspace(self, api: str) -> WorkspaceIdentity:
        """The workspace this token reaches, named ``api`` for where it is (one request)."""
        body = self._api.request(endpoints.USERS_ME, lambda c: c.users.me(), Subject("the bot"))
        return decode_workspace(body, api)

    def read_users(self) -> tuple[LiveUser, ...]:
        subject = Subject("the users list")
        pages = self._paginate(
            endpoints.USERS,
            lambda cursor: lambda c: c.users.list(start_cursor=cursor, page_size=PAGE_SIZE),
            subject,
        )
        return tuple(decode_user(user) for page in pages for user in page.items("results"))

    # --- state -------------------------------------------------------------------------------

    def read_state(
        self, specs: Sequence[ReadSpec], progress: BodyProgress | None = None
    ) -> LiveState:
        chosen = list(specs)
        with ThreadPoolExecutor(self._concurrency, thread_name_prefix="notion-read") as pool:
            users = pool.submit(self.read_users)
            locations = _run_all(pool, lambda spec: self.locate(spec, rows=True), chosen)
            refs = WorkspaceReferences(users.result())
            for database, location in zip(chosen, locations, strict=True):
                if location.data_source_id is not None and location.schema is not None:
                    refs.add_data_source(database.handle, location.data_source_id)
                    refs.add_schema(location.data_source_id, property_names(location.schema))
            schemas = [
                decode_schema(loc.schema, refs) if loc.schema is not None else ()
                for loc in locations
            ]
            live = _run_all(
                pool,
                lambda job: self._read_database(*job, progress=progress),
                list(zip(chosen, locations, schemas, strict=True)),
            )
        return LiveState(databases={db.handle: db for db in live}, users=users.result())

    def read_schemas(
        self, specs: Sequence[ReadSpec], sources: Mapping[str, str]
    ) -> dict[str, LiveDatabase]:
        """These databases located, with title, look and schema, and no row read (``complete``
        False); relation targets named by handle for ``sources`` (handle: data source id)."""
        chosen = list(specs)
        with ThreadPoolExecutor(self._concurrency, thread_name_prefix="notion-read") as pool:
            locations = _run_all(pool, self.locate, chosen)
        refs = WorkspaceReferences()
        for handle, source in sources.items():
            refs.add_data_source(handle, source)
        for spec, location in zip(chosen, locations, strict=True):
            if location.data_source_id is not None and location.schema is not None:
                refs.add_data_source(spec.handle, location.data_source_id)
                refs.add_schema(location.data_source_id, property_names(location.schema))
        read: dict[str, LiveDatabase] = {}
        for spec, location in zip(chosen, locations, strict=True):
            schema = decode_schema(location.schema, refs) if location.schema is not None else ()
            read[spec.handle] = LiveDatabase(
                handle=spec.handle,
                database_id=location.database_id,
                data_source_id=location.data_source_id,
                title=location.title,
                properties=schema,
                rows=(),
                url=location.url,
                complete=False,
                incomplete_reasons=("only the schema was read",),
                icon=location.icon,
                cover=location.cover,
            )
        return read

    def _read_database(
        self,
        spec: ReadSpec,
        location: Location,
        schema: tuple[LiveProperty, ...],
        *,
        progress: BodyProgress | None = None,
    ) -> LiveDatabase:
        if location.database_id is None or location.data_source_id is None:
            return LiveDatabase(spec.handle, None, None, location.title, (), ())
        layout = ReadLayout.of(spec.matched(schema))
        subject = Subject("the rows", database=spec.handle)
        first = location.first_page
        if first is not None and first.serving(layout) is None:
            log.debug("first page asked again by ids", database=spec.handle)
            first = None
        read = self.query_all(location.data_source_id, layout, subject, first=first)
        missing = self._missing_keys(spec, read)
        if missing and read.incomplete_reasons:
            # The query cap hid rows: look the manifest's unseen keys up directly, so a row that
            # exists is updated rather than created a second time. Only unmanaged rows stay
            # unseen, and the differ withholds deletes while the read is incomplete.
            found = self.find_by_key(location.data_source_id, layout, missing, subject, False)
            for row in found:
                read.rows.setdefault(row.page_id, row)
            missing = self._missing_keys(spec, read)
        if missing and layout.key is not None:
            for row in self.find_by_key(location.data_source_id, layout, missing, subject, True):
                if row.in_trash and row.page_id not in read.rows:
                    read.rows[row.page_id] = row
        log.debug(
            "read database", database=spec.handle, rows=len(read.rows), trash_keys=len(missing)
        )
        return LiveDatabase(
            handle=spec.handle,
            database_id=location.database_id,
            data_source_id=location.data_source_id,
            title=location.title,
            properties=schema,
            rows=self._with_bodies(spec, tuple(read.rows.values()), progress),
            url=location.url,
            complete=not read.incomplete_reasons,
            incomplete_reasons=tuple(read.incomplete_reasons),
            icon=location.icon,
            cover=location.cover,
        )

    def _with_bodies(
        self, spec: ReadSpec, rows: tuple[LiveRow, ...], progress: BodyProgress | None
    ) -> tuple[LiveRow, ...]:
        """The rows, those whose body the spec manages with their bodies read."""
        wanted = [row for row in rows if row.key is not None and row.key in spec.bodies]
        if not wanted or self._content is None:
            return rows
        bodies = self._content.read_bodies(wanted, database=spec.handle, progress=progress)
        return tuple(
            replace(row, body=bodies[row.page_id]) if row.page_id in bodies else row for row in rows
        )

    @staticmethod
    def _missing_keys(spec: ReadSpec, read: RowsRead) -> list[str]:
        """Keys the manifest has and no row read so far has."""
        live_keys = {row.key for row in read.rows.values() if row.key is not None}
        return sorted(set(spec.keys) - live_keys)

    # --- locating ----------------------------------------------------------------------------

    def locate(self, spec: ReadSpec, *, rows: bool = False) -> Location:
        """Find the database and data source a spec means, with the data source's schema; with
        ``rows`` also the first page of its rows, asked for together with the schema."""
        if spec.id:
            return self._locate_by_id(spec, spec.id, rows)
        if not spec.parent:
            raise PlanError(
                f"{spec.where}: database {spec.handle!r} has neither `id` nor `parent`",
                hint="set `id:` to the database id, or `parent:` to the page that holds it",
            )
        return self._locate_by_title(spec, spec.parent, rows)

    def _locate_by_id(self, spec: ReadSpec, given_id: str, rows: bool) -> Location:
        database = self._retrieve_database(given_id, spec, probe=True)
        if database is not None:
            source_id = self._choose_data_source(database, spec)
            source, first = self._source_and_rows(source_id, spec, rows)
        else:
            # Not a database id: a data source id, whose parent is the database.
            source, first = self._source_and_rows(given_id, spec, rows)
            wanted = spec.data_source
            if wanted and not _names_source(wanted, source.text("id"), source.plain_text("title")):
                raise PlanError(
                    f"{spec.where}: `id` {given_id} is a data source, and `data_source:`"
                    f" {wanted!r} names another",
                    hint="remove `data_source:` or set `id:` to the database id",
                )
            parent_id = source.child("parent").text("database_id")
            found = self._retrieve_database(parent_id, spec, probe=False)
            assert found is not None
            database = found
        if database.in_trash():
            raise PlanError(
                f"{spec.where}: database {spec.handle!r} ({database.text('id')}) is in"
                " the Notion trash",
                hint="restore it in Notion (Trash → Restore), or remove `id:` to create a new one",
            )
        return Location(
            database_id=database.text("id"),
            data_source_id=source.text("id"),
            title=database.plain_text("title"),
            url=database.optional_text("url"),
            schema=source,
            icon=decode_look(database, "icon"),
            cover=decode_look(database, "cover"),
            first_page=first,
        )

    def _source_and_rows(
        self, source_id: str, spec: ReadSpec, rows: bool
    ) -> tuple[Body, FirstPage | None]:
        """The data source (its schema) and, with ``rows``, the first page of its rows asked for
        at the same time, by names (``FirstPage``). The data source's failure is raised once
        both have answered, whatever the page's was; the page's own failure waits for it to be
        read (``FirstPage.serving``)."""
        asked = _names_to_ask(spec) if rows else ()
        if not rows or _quoted_length(asked) > FIRST_PAGE_NAMES_MAX:
            return self.retrieve_data_source(source_id, spec.handle), None
        send = self._query_send(source_id, list(asked), None, False)
        subject = Subject("the rows", database=spec.handle)
        with ThreadPoolExecutor(1, thread_name_prefix="notion-rows") as ahead:
            page = ahead.submit(self._api.request, endpoints.QUERY_DATA_SOURCE, send(None), subject)
            source = self.retrieve_data_source(source_id, spec.handle)
        return source, FirstPage(asked, page)

    def _retrieve_database(self, database_id: str, spec: ReadSpec, *, probe: bool) -> Body | None:
        subject = Subject(f"database {database_id}", database=spec.handle)
        try:
            return self._api.request(
                endpoints.RETRIEVE_DATABASE,
                lambda c: c.databases.retrieve(database_id),
                subject,
            )
        except (NotionAccessError, NotionValidationError) as error:
            if probe and error.status in (400, 404):
                return None
            raise

    def database_exists(self, database_id: str, handle: str) -> bool:
        """Whether the database exists outside the trash (False: Notion answers 404, or it is in
        the trash; any other error is raised)."""
        subject = Subject(f"database {database_id}", database=handle)
        try:
            database = self._api.request(
                endpoints.RETRIEVE_DATABASE,
                lambda c: c.databases.retrieve(database_id),
                subject,
            )
        except NotionAccessError as error:
            if error.status == 404:
                return False
            raise
        return not database.in_trash()

    def retrieve_data_source(self, data_source_id: str, handle: str | None) -> Body:
        return self._api.request(
            endpoints.RETRIEVE_DATA_SOURCE,
            lambda c: c.data_sources.retrieve(data_source_id),
            Subject(f"data source {data_source_id}", database=handle),
        )

    def _choose_data_source(self, database: Body, spec: ReadSpec) -> str:
        sources = database.items("data_sources")
        described = ", ".join(f"{s.text('name')!r} ({s.text('id')})" for s in sources)
        wanted = spec.data_source
        if wanted:
            for source in sources:
                if _names_source(wanted, source.text("id"), source.text("name")):
                    return source.text("id")
            raise PlanError(
                f"{spec.where}: database {spec.handle!r} has no data source"
                f" {wanted!r}; it has {described or 'none'}",
                hint="set `data_source:` to one of those names or ids",
            )
        if len(sources) == 1:
            return sources[0].text("id")
        raise PlanError(
            f"{spec.where}: database {spec.handle!r} has {len(sources)} data sources"
            f" ({described or 'none'}); say which one the manifest manages",
            hint="add `data_source: <name or id>` to the manifest",
        )

    def _locate_by_title(self, spec: ReadSpec, parent: str, rows: bool) -> Location:
        subject = Subject(f"page {parent} (the `parent` of the manifest)", database=spec.handle)
        matches = self.child_databases(parent, spec.title, subject)
        if len(matches) > 1:
            raise PlanError(
                f"{spec.where}: {len(matches)} databases titled {spec.title!r} under"
                f" page {parent}: {', '.join(matches)}",
                hint="pin the one to manage with `id:` in the manifest",
            )
        if not matches:
            return Location(database_id=None, data_source_id=None, title=spec.title)
        return self._locate_by_id(spec, matches[0], rows)

    def child_databases(self, parent: str, title: str, subject: Subject) -> list[str]:
        """Ids of the databases titled ``title`` among the child blocks of page ``parent``."""
        pages = self._paginate(
            endpoints.BLOCK_CHILDREN,
            lambda cursor: (
                lambda c: c.blocks.children.list(parent, start_cursor=cursor, page_size=PAGE_SIZE)
            ),
            subject,
        )
        return [
            block.text("id")
            for page in pages
            for block in page.items("results")
            if block.optional_text("type") == "child_database"
            and block.child("child_database").text("title") == title
        ]

    # --- rows --------------------------------------------------------------------------------

    def query_all(
        self,
        data_source_id: str,
        layout: ReadLayout,
        subject: Subject,
        *,
        first: FirstPage | None = None,
    ) -> RowsRead:
        """Every row, in created_time windows past the query cap, each exactly once; the first
        window continues ``first`` when given (it must serve ``layout``)."""
        read = RowsRead()
        start: str | None = None
        while True:
            window = self._query_window(
                data_source_id, layout, start, read.rows, subject, first=first
            )
            first = None
            if not window.capped:
                return read
            if window.first_created == window.last_created or window.last_created is None:
                read.incomplete_reasons.append(
                    f"more than {window.count} rows were created in the minute"
                    f" {window.last_created}; Notion's query cap hides the rest of them, so"
                    " rows may be missing from this read"
                )
                return read
            start = window.last_created

    def _query_window(
        self,
        data_source_id: str,
        layout: ReadLayout,
        start: str | None,
        rows: dict[str, LiveRow],
        subject: Subject,
        *,
        first: FirstPage | None = None,
    ) -> _Window:
        window = _Window()
        window_filter: dict[str, JSON] | None = None
        if start is not None:
            window_filter = {"timestamp": "created_time", "created_time": {"on_or_after": start}}
        last: Body | None = None
        pages = self._query_pages(
            data_source_id, layout, subject, window_filter, False, first=first
        )
        for page in pages:
            last = page
            for result in page.items("results"):
                if result.optional_text("object") not in (None, "page"):
                    continue
                created = result.text("created_time")
                window.count += 1
                window.first_created = window.first_created or created
                window.last_created = created
                page_id = result.text("id")
                if page_id not in rows:
                    rows[page_id] = decode_row(result, layout, self.fetch_items)
        window.capped = last is not None and self._capped(last, window.count)
        return window

    def _capped(self, last: Body, count: int) -> bool:
        status = last.optional_child("request_status")
        if status is not None:
            return status.optional_text("type") == "incomplete"
        # Without Notion's marker, a window that reached the cap exactly is taken as cut.
        return 0 < self._query_cap <= count

    def _query_pages(
        self,
        data_source_id: str,
        layout: ReadLayout,
        subject: Subject,
        query_filter: Mapping[str, JSON] | None,
        in_trash: bool,
        *,
        first: FirstPage | None = None,
    ) -> Iterator[Body]:
        """The pages of a query; following ``first`` (asked already, without a filter) by the
        same names it asked for, so its cursor continues the query it began."""
        if first is not None:
            assert query_filter is None, "a first page is asked for without a filter"
            query = self._query_send(data_source_id, list(first.asked), None, False)
            return self._paginate(
                endpoints.QUERY_DATA_SOURCE, query, subject, first=first.page.result()
            )
        query = self._query_send(data_source_id, layout.filter_properties, query_filter, in_trash)
        return self._paginate(endpoints.QUERY_DATA_SOURCE, query, subject)

    @staticmethod
    def _query_send(
        data_source_id: str,
        filter_properties: list[str],
        query_filter: Mapping[str, JSON] | None,
        in_trash: bool,
    ) -> Callable[[str | None], Send]:
        """The query at a cursor (None: its first page), rows sorted by created_time."""

        def query(cursor: str | None) -> Send:
            body: dict[str, object] = {
                "sorts": _BY_CREATED_TIME,
                "page_size": PAGE_SIZE,
                "filter_properties": filter_properties,
                "start_cursor": cursor,
            }
            if query_filter is not None:
                body["filter"] = query_filter
            if in_trash:
                body["in_trash"] = True
            return lambda c: c.data_sources.query(data_source_id, **body)

        return query

    def find_by_key(
        self,
        data_source_id: str,
        layout: ReadLayout,
        keys: Sequence[str],
        subject: Subject,
        in_trash: bool,
    ) -> list[LiveRow]:
        """Rows whose key is one of ``keys`` (in the trash or not), up to 100 keys a query."""
        key = layout.key
        if key is None or not keys:
            return []
        found: list[LiveRow] = []
        for start in range(0, len(keys), KEYS_PER_TRASH_QUERY):
            chunk = keys[start : start + KEYS_PER_TRASH_QUERY]
            leaves: list[JSON] = [key_filter(key.id, key.type, k) for k in chunk]
            query_filter: Mapping[str, JSON] = {"or": leaves}
            wanted = set(chunk)
            for page in self._query_pages(data_source_id, layout, subject, query_filter, in_trash):
                for result in page.items("results"):
                    row = decode_row(result, layout, self.fetch_items)
                    if row.key in wanted:
                        found.append(row)
        return found

    def fetch_items(self, page_id: str, prop: LiveProperty) -> list[Mapping[str, JSON]]:
        """Every item of a list property through the page property endpoint (past 25)."""
        subject = Subject(f"property {prop.name!r} of page {page_id}")
        pages = self._paginate(
            endpoints.RETRIEVE_PAGE_PROPERTY,
            lambda cursor: (
                lambda c: c.pages.properties.retrieve(
                    page_id, prop.id, start_cursor=cursor, page_size=PAGE_SIZE
                )
            ),
            subject,
        )
        return [item.raw for page in pages for item in page.items("results")]

    def read_rows(self, spec: ReadSpec, page_ids: Collection[str]) -> dict[str, LiveRow]:
        """Current content of these rows, read under the spec's known live properties: a GET
        per page, or one query when that costs fewer requests (see the module docstring); the
        bodies of those the spec names in ``bodies`` (the controller's re-read of a page)."""
        layout = ReadLayout.of(spec)
        wanted = list(dict.fromkeys(page_ids))
        found: dict[str, LiveRow] = {}
        if spec.data_source_id is not None and reads_by_query(len(wanted), spec.row_count):
            subject = Subject("the rows", database=spec.handle)
            everything = self.query_all(spec.data_source_id, layout, subject).rows
            found = {pid: everything[pid] for pid in wanted if pid in everything}
        for page_id in wanted:
            if page_id not in found:
                row = self._retrieve_row(page_id, layout, spec)
                if row is not None:
                    found[page_id] = row
        rows = self._with_bodies(spec, tuple(found.values()), None)
        return {row.page_id: row for row in rows}

    def rows_answered(self, spec: ReadSpec, answers: Sequence[Body]) -> dict[str, LiveRow]:
        """Pages Notion answered a write with, as ``read_rows`` reads them: decoded under the
        spec's known live properties (lists past 25 completed); a page no longer in the spec's
        data source is left out, as a read leaves it out."""
        layout = ReadLayout.of(spec)
        source = spec.data_source_id
        rows = (
            decode_row(page, layout, self.fetch_items)
            for page in answers
            if source is None or _in_data_source(page, source)
        )
        return {row.page_id: row for row in rows}

    def find_rows(self, spec: ReadSpec, keys: Collection[str]) -> tuple[LiveRow, ...]:
        """Rows outside the trash whose key is one of ``keys`` (one query per 100 keys)."""
        if spec.data_source_id is None:
            return ()
        layout = ReadLayout.of(spec)
        subject = Subject("the rows", database=spec.handle)
        wanted = sorted(set(keys))
        found = self.find_by_key(spec.data_source_id, layout, wanted, subject, False)
        return tuple(row for row in found if not row.in_trash)

    def _retrieve_row(self, page_id: str, layout: ReadLayout, spec: ReadSpec) -> LiveRow | None:
        """The page as a row of the spec's data source; None when Notion says it does not
        exist, or when it now lives elsewhere (moved out of the database, it is gone from it
        as it is gone from its queries, and it no longer has the database's properties)."""
        try:
            page = self._api.request(
                endpoints.RETRIEVE_PAGE,
                lambda c: c.pages.retrieve(page_id, filter_properties=layout.filter_properties),
                Subject(f"page {page_id}", database=spec.handle),
            )
        except NotionAccessError as error:
            if error.status == 404:
                return None
            raise
        if spec.data_source_id is not None and not _in_data_source(page, spec.data_source_id):
            log.debug("page moved out of the database", database=spec.handle, page=page_id)
            return None
        return decode_row(page, layout, self.fetch_items)

    # --- pagination --------------------------------------------------------------------------

    def _paginate(
        self,
        endpoint: str,
        send_at: Callable[[str | None], Send],
        subject: Subject,
        *,
        first: Body | None = None,
    ) -> Iterator[Body]:
        """Each page of a paginated list, following ``next_cursor`` while ``has_more`` (from
        ``first`` when its first page was asked for already).

        The next page is asked for as soon as a page's cursor is known, before the caller
        decodes that page: a list is read one round trip after another, and the decoding then
        overlaps the next round trip instead of adding to it. The requests are the same ones,
        in the same order; a failure surfaces when the caller reaches that page.
        """
        with ThreadPoolExecutor(1, thread_name_prefix="notion-page") as ahead:
            page = (
                first if first is not None else self._api.request(endpoint, send_at(None), subject)
            )
            while True:
                cursor = page.optional_text("next_cursor")
                following: Future[Body] | None = None
                if page.flag("has_more", default=False) and cursor:
                    following = ahead.submit(self._api.request, endpoint, send_at(cursor), subject)
                yield page
                if following is None:
                    return
                page = following.result()


def _names_source(wanted: str, source_id: str, source_name: str) -> bool:
    return wanted == source_name or same_id(wanted, source_id)


def _in_data_source(page: Body, data_source_id: str) -> bool:
    """Whether a retrieved page is a row of this data source (its parent names it)."""
    parent = page.optional_child("parent")
    found = parent.optional_text("data_source_id") if parent is not None else None
    return found is not None and same_id(found, data_source_id)
