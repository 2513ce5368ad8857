"""The gateway: the one seam between the reconciler and Notion (differ reads, applier writes).

``Gateway`` is a Protocol so that plan and apply tests can run against a fake; ``NotionGateway``
(``reconciler.notion.notion_gateway``) implements it over ``notion_client``. Everything that
crosses the seam is a canonical value (``reconciler.model``) or one of the frozen results below;
no Notion JSON comes back out, and Notion JSON goes in only as the property payloads the applier
builds with the codecs.

Reading
    Every read takes ``ReadSpec`` values (``reconciler.readspec``): what to read of a database,
    built from a manifest or from a plan.

    ``read_state(specs)`` reads these databases concurrently within one rate limiter:
    it locates each database (``id`` may be a database id or a data source id; a database with
    several data sources needs ``data_source:``; without ``id`` the database is found by title
    among the ``child_database`` blocks of ``parent``: none gives ``database_id=None``, "to be
    created"; two are a ``PlanError``), decodes its schema and reads every row with
    ``filter_properties`` limited to the managed properties. Past the query cap (10,000 rows) it
    continues in created_time windows and marks the database incomplete (``complete=False`` with
    ``incomplete_reasons``) only when more rows than the cap share one created_time minute.
    Relation and people lists longer than 25 are completed through the property item endpoint.
    Rows in the trash appear (``in_trash=True``) only when the manifest asks for their key and no
    live row has it: the gateway looks those keys up in the trash (one query per 100 such keys)
    so the plan can restore instead of creating a duplicate.

    ``LiveRow.values`` holds, under the *live* property name, the canonical value of every
    writable property the spec manages (matched by name or by ``renamed_from``:
    ``reconciler.readspec.matched_properties``); relations as ``[{"page_id": ...}]``, people as
    user ids. ``LiveRow.key`` is the key property's ``key_text``. Read-only and undeclared
    properties are not read at all.

    A relation whose target is a managed database not among ``specs`` shows the target's data
    source id where the handle would be, so pass relation targets along with the databases they
    serve.

    ``read_rows(spec, page_ids)`` re-reads just those rows under the spec's known live properties
    (``ReadSpec.located`` or a plan's), so ``LiveRow.content_hash`` compares with an earlier read:
    a GET per page, or one query when that costs fewer requests by the spec's ``row_count``; a
    page that no longer exists is absent from the result.

    ``read_schemas(specs, sources=...)`` locates these databases and decodes their schemas,
    title, icon and cover, reading no row (two requests each when the database id is known):
    the apply's preflight compares a plan's schema changes with them. ``sources`` (handle:
    data source id) names the relation targets by handle, as ``read_state`` does.

    ``rows_written(spec, pages)`` decodes the answers of row writes (``WrittenPage``: Notion
    answers a create, update, trash or restore with the page as it holds it after the write)
    into rows as ``read_rows`` would read them, sending no request but for lists longer than 25
    (completed as a read completes them); a page without an answer, or no longer in the
    spec's data source, is absent from the result.

    ``find_rows(spec, keys)`` gives the rows (not in the trash) whose key is one of ``keys``, one
    filtered query per 100 keys: the apply's preflight asks it whether a row a plan creates has
    appeared since the plan was made.

    Page content is read only where asked: ``read_state`` reads the bodies of the rows a spec
    names in ``bodies`` (``LiveRow.body``), through the read cache of the state folder
    (``reconciler.notion.body_store``); ``read_bodies(rows)`` does the same for any rows
    (``pull`` and ``import`` use it); ``read_body(page_id)`` reads one body now, never cached.
    Every ``LiveRow`` carries its page's icon and cover (in canonical text form), every
    ``LiveDatabase`` the database's.

Writing
    Payloads are built by the applier: ``properties`` maps a property name or id to the request
    object Notion takes (``{"Estimate": {"number": 3}}``, schema: ``{"Due": {"date": {}}}``).
    Every write is retried on transient failures; the ones that are not idempotent are made so:

    - ``create_row`` never sends a create twice for one key. When the outcome of a create is
      unknown (timeout, dropped connection, 409, 5xx, 529: anything that may follow a performed
      write) the row is looked up by its key *before* any retry, and a found page is the result
      (``WrittenPage.recovered``). Definite refusals (400/401/403/404) are not retried; 429 is
      retried without a look-up because Notion rate-limits before it processes a request.
    - ``create_database`` likewise looks for the database by title under the parent first.
    - ``update_data_source``: key existing properties by *id* (ids survive renames, so a resent
      rename is harmless) and new ones by name; ``None`` removes. Before resending after an
      unknown outcome or a 409 the schema is re-read and removals already done are dropped.
    - ``update_row`` and ``set_row_trashed`` set absolute values, so resending is harmless; a 409
      re-reads the page (it must still exist) before the retry.
    - ``write_body`` replaces the whole content (``replace_content``), so resending is harmless;
      Notion's guard against deleting sub-pages and databases stays on. What Notion holds right
      after (its answer) is recorded with the hash of what was sent, and so is a create's body
      (read back), so a later plan can tell whether someone edited it since.

Errors (``reconciler.errors``): 401 → ``NotionAuthError``; 403/404 → ``NotionAccessError`` saying
how to share the database with the integration; 400 → ``NotionValidationError`` with Notion's
message and the database, row key and property it concerns; retries exhausted →
``NotionUnavailableError``; a response without the fields we rely on →
``UnexpectedResponseError`` naming the endpoint and field. None of them ever carries the token.

Every method is thread-safe: the applier may write from several threads, and all requests share
one rate limiter and one ``RequestStats`` account.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from reconciler.model import (
    JSON,
    LiveBody,
    LiveDatabase,
    LiveProperty,
    LiveRow,
    LiveState,
    LiveUser,
    RowKey,
    WorkspaceIdentity,
)
from reconciler.notion.content import BodyProgress
from reconciler.notion.shapes import Body
from reconciler.notion.stats import RequestStats
from reconciler.readspec import ReadSpec

__all__ = ["BodyProgress", "CreatedDatabase", "Gateway", "RequestStats", "WrittenPage"]


@dataclass(frozen=True)
class CreatedDatabase:
    """A database the gateway created (or found after an unknown outcome: ``recovered``)."""

    database_id: str
    data_source_id: str
    properties: tuple[LiveProperty, ...]
    url: str | None = None
    recovered: bool = False


@dataclass(frozen=True)
class WrittenPage:
    """A row after a create, update, trash or restore.

    ``recovered`` is True when a create's outcome was unknown and the row was found by its key
    instead of being sent again.
    """

    page_id: str
    url: str
    in_trash: bool
    last_edited_time: str
    recovered: bool = False
    body: LiveBody | None = None
    """A create's body as Notion holds it after the write, read back (None: none written)."""
    answer: Body | None = field(default=None, repr=False, compare=False)
    """Notion's answer to the write, the page after it, for ``Gateway.rows_written`` only (None:
    a create found by its key, whose answer was lost)."""


@runtime_checkable
class Gateway(Protocol):
    """Everything the differ and the applier may ask of Notion."""

    @property
    def requests_per_second(self) -> float:
        """The configured request rate, for the plan's time estimate."""
        ...

    # --- reading -----------------------------------------------------------------------------

    def read_me(self) -> LiveUser:
        """The integration's own bot user (checks the token; used by ``doctor``)."""
        ...

    def read_workspace(self) -> WorkspaceIdentity:
        """Which workspace this gateway reaches (``GET /v1/users/me``, one request each call):
        a plan records it, an apply compares it and keeps its journal by it."""
        ...

    def read_users(self) -> tuple[LiveUser, ...]:
        """Every user of the workspace (people and bots), for mapping e-mails to user ids."""
        ...

    def read_state(
        self, specs: Sequence[ReadSpec], *, progress: BodyProgress | None = None
    ) -> LiveState:
        """The live state of these databases, and the users; the bodies of the rows each spec
        names in ``bodies`` (``progress`` hears how many are read)."""
        ...

    def read_schemas(
        self, specs: Sequence[ReadSpec], *, sources: Mapping[str, str]
    ) -> Mapping[str, LiveDatabase]:
        """These databases' title, icon, cover and schema, without their rows (``complete``
        False); relation targets by handle for ``sources`` (handle: data source id)."""
        ...

    def read_bodies(
        self, rows: Sequence[LiveRow], *, database: str, progress: BodyProgress | None = None
    ) -> Mapping[str, LiveBody]:
        """The bodies of these rows' pages by page id, through the read cache."""
        ...

    def read_body(self, page_id: str, *, database: str) -> LiveBody:
        """A page's body as Notion holds it now (never from the cache)."""
        ...

    def read_rows(self, spec: ReadSpec, page_ids: Collection[str]) -> Mapping[str, LiveRow]:
        """The current content of these rows of the spec's database (by page id); absent if
        gone."""
        ...

    def rows_written(self, spec: ReadSpec, pages: Sequence[WrittenPage]) -> Mapping[str, LiveRow]:
        """These written pages as rows of the spec's database, decoded from the writes' answers
        as ``read_rows`` would read them (by page id; a page without an answer is absent)."""
        ...

    def find_rows(self, spec: ReadSpec, keys: Collection[RowKey]) -> tuple[LiveRow, ...]:
        """The rows of the spec's database outside the trash whose key is one of ``keys``."""
        ...

    def database_exists(self, database_id: str, *, database: str) -> bool:
        """Whether this database exists outside the trash, read by id (False when Notion says
        it does not exist or it is in the trash; other errors raise)."""
        ...

    # --- writing -----------------------------------------------------------------------------

    def create_database(
        self,
        handle: str,
        parent_page_id: str,
        title: str,
        properties: Mapping[str, JSON],
        page: Mapping[str, JSON] | None = None,
    ) -> CreatedDatabase:
        """Create a database with one data source of this initial schema under a page
        (``page``: its ``icon`` and ``cover`` request objects)."""
        ...

    def update_database_title(self, database_id: str, title: str, *, database: str) -> None:
        """Set the database's title (plain text)."""
        ...

    def update_database(
        self,
        database_id: str,
        *,
        database: str,
        title: str | None = None,
        page: Mapping[str, JSON] | None = None,
    ) -> None:
        """Set the database's title (None: leave it) and ``page`` fields (icon, cover)."""
        ...

    def update_data_source(
        self, data_source_id: str, properties: Mapping[str, JSON], *, database: str
    ) -> tuple[LiveProperty, ...]:
        """Add, rename, update (``{id: {...}}``) or remove (``{id: None}``); the new schema."""
        ...

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
        """Create a row, at most once per key (see the module docstring), with ``page``
        fields (icon, cover) and a body (``markdown``, read back)."""
        ...

    def update_row(
        self,
        page_id: str,
        properties: Mapping[str, JSON],
        *,
        database: str,
        row_key: RowKey,
        page: Mapping[str, JSON] | None = None,
    ) -> WrittenPage:
        """Set these property values (and ``page`` fields: icon, cover) of a row."""
        ...

    def write_body(
        self, page_id: str, markdown: str, *, database: str, row_key: RowKey
    ) -> LiveBody:
        """Replace a page's body; what Notion holds after the write (read back, recorded)."""
        ...

    def set_row_trashed(
        self, page_id: str, in_trash: bool, *, database: str, row_key: RowKey
    ) -> WrittenPage:
        """Move a row to the trash (``True``) or restore it from there (``False``)."""
        ...

    # --- accounting --------------------------------------------------------------------------

    def stats(self) -> RequestStats:
        """A snapshot of the requests made so far."""
        ...

    def close(self) -> None:
        """Release the HTTP connections the gateway opened (an injected client stays open)."""
        ...
