"""``NotionGateway``: the ``Gateway`` over notion-client, and how to build one from the settings.

The CLI builds it with ``NotionGateway.from_settings(settings, token, base_url)``, or with
``http_client=`` an ``httpx.Client`` whose transport is the embedded emulator (``--local``),
and ``body_cache=`` the state folder's ``cache/`` (page bodies read, and those written).
A rate of 0 requests per second turns the client-side limiter off (useful against a local
emulator without a limit); a ``rate_limit.redis_url`` shares the limiter between processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

import httpx

from reconciler.config import (
    DEFAULT_BASE_URL,
    SUPPORTED_NOTION_VERSIONS,
    RateLimitSettings,
    Secret,
    Settings,
    resolve_base_url,
)
from reconciler.errors import ConfigError
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
from reconciler.notion.api import NotionApi
from reconciler.notion.body_store import BodyStore
from reconciler.notion.content import BodyProgress, PageContent
from reconciler.notion.gateway import CreatedDatabase, WrittenPage
from reconciler.notion.limiter import RateLimiter, TokenBucket, bucket_burst
from reconciler.notion.reader import LiveReader
from reconciler.notion.redis_limiter import RedisTokenBucket
from reconciler.notion.retry import RetryPolicy
from reconciler.notion.stats import RequestAccounting, RequestStats
from reconciler.notion.writer import LiveWriter
from reconciler.properties.references import WorkspaceReferences
from reconciler.readspec import ReadSpec

__all__ = ["NotionGateway", "Unlimited", "limiter_for"]


class Unlimited:
    """A ``RateLimiter`` that never waits (rate 0: no client-side limit)."""

    rate = float("inf")

    def acquire(self) -> float:
        return 0.0

    def done(self, *, answered: bool) -> None:
        """Nothing is paced, so nothing to account."""

    def penalize(self, retry_after: float | None) -> None:
        """Nothing to slow down; the retry policy still honours Retry-After."""


def limiter_for(rate_limit: RateLimitSettings, base_url: str, token: Secret) -> RateLimiter:
    """The limiter the settings ask for: none, local, or shared through Redis."""
    if rate_limit.rps <= 0:
        return Unlimited()
    burst = bucket_burst(rate_limit.burst)
    if rate_limit.redis_url:
        return RedisTokenBucket.from_url(
            rate_limit.redis_url, base_url, token, rate_limit.rps, burst
        )
    return TokenBucket(rate_limit.rps, burst, limit_burst=rate_limit.burst)


class NotionGateway:
    """The ``Gateway`` implementation (see ``reconciler.notion.gateway`` for the contract).

    ``location`` names where it talks for ``read_workspace`` (default: the base URL); an
    embedded workspace passes its store, since every store answers at the same address."""

    def __init__(
        self,
        token: Secret,
        *,
        base_url: str = DEFAULT_BASE_URL,
        notion_version: str = "2025-09-03",
        rate_limit: RateLimitSettings | None = None,
        retry: RetryPolicy | None = None,
        http_client: httpx.Client | None = None,
        concurrency: int = 4,
        timeout_seconds: float = 60.0,
        query_cap: int = 10_000,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        body_cache: Path | None = None,
        location: str | None = None,
    ) -> None:
        if not isinstance(token, Secret) or not token:
            raise ConfigError(
                "the gateway needs the Notion token as a non-empty Secret",
                hint="resolve it with reconciler.config.resolve_token()",
            )
        if notion_version not in SUPPORTED_NOTION_VERSIONS:
            raise ConfigError(
                f"Notion-Version {notion_version!r} is not supported",
                hint="use one of " + ", ".join(SUPPORTED_NOTION_VERSIONS),
            )
        base_url = resolve_base_url({"NOTION_BASE_URL": base_url})
        rate_limit = rate_limit or RateLimitSettings()
        self._rps = rate_limit.rps
        self._accounting = RequestAccounting()
        self._api = NotionApi(
            token,
            base_url=base_url,
            notion_version=notion_version,
            limiter=limiter or limiter_for(rate_limit, base_url, token),
            policy=retry or RetryPolicy(),
            accounting=self._accounting,
            http_client=http_client,
            timeout_seconds=timeout_seconds,
            sleep=sleep,
        )
        self._location = location or base_url
        self._content = PageContent(self._api, BodyStore(body_cache), concurrency=concurrency)
        self._reader = LiveReader(
            self._api, concurrency=concurrency, query_cap=query_cap, content=self._content
        )
        self._writer = LiveWriter(self._api, self._reader, WorkspaceReferences(), self._content)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        token: Secret,
        base_url: str,
        *,
        http_client: httpx.Client | None = None,
        concurrency: int = 4,
        body_cache: Path | None = None,
    ) -> NotionGateway:
        """The gateway reconciler.yaml describes (version, rate limit, optional Redis); page
        bodies cached in ``body_cache`` (None: in memory)."""
        return cls(
            token,
            base_url=base_url,
            notion_version=settings.notion_version,
            rate_limit=settings.rate_limit,
            http_client=http_client,
            concurrency=concurrency,
            body_cache=body_cache,
        )

    def __repr__(self) -> str:
        return f"NotionGateway({self._api.base_url!r}, version={self._api.notion_version!r})"

    def __enter__(self) -> NotionGateway:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def requests_per_second(self) -> float:
        return self._rps

    # --- reading -----------------------------------------------------------------------------

    def read_me(self) -> LiveUser:
        return self._reader.read_me()

    def read_workspace(self) -> WorkspaceIdentity:
        return self._reader.read_workspace(self._location)

    def read_users(self) -> tuple[LiveUser, ...]:
        return self._reader.read_users()

    def read_state(
        self, specs: Sequence[ReadSpec], *, progress: BodyProgress | None = None
    ) -> LiveState:
        state = self._reader.read_state(specs, progress)
        for handle, database in state.databases.items():
            self._writer.know(handle, database)
        return state

    def read_schemas(
        self, specs: Sequence[ReadSpec], *, sources: Mapping[str, str]
    ) -> Mapping[str, LiveDatabase]:
        return self._reader.read_schemas(specs, sources)

    def read_bodies(
        self, rows: Sequence[LiveRow], *, database: str, progress: BodyProgress | None = None
    ) -> Mapping[str, LiveBody]:
        return self._content.read_bodies(rows, database=database, progress=progress)

    def read_body(self, page_id: str, *, database: str) -> LiveBody:
        return self._content.read_body(page_id, database=database)

    def read_rows(self, spec: ReadSpec, page_ids: Collection[str]) -> Mapping[str, LiveRow]:
        return self._reader.read_rows(spec, page_ids)

    def rows_written(self, spec: ReadSpec, pages: Sequence[WrittenPage]) -> Mapping[str, LiveRow]:
        answers = [page.answer for page in pages if page.answer is not None]
        return self._reader.rows_answered(spec, answers)

    def find_rows(self, spec: ReadSpec, keys: Collection[RowKey]) -> tuple[LiveRow, ...]:
        return self._reader.find_rows(spec, keys)

    def database_exists(self, database_id: str, *, database: str) -> bool:
        return self._reader.database_exists(database_id, database)

    # --- writing -----------------------------------------------------------------------------

    def create_database(
        self,
        handle: str,
        parent_page_id: str,
        title: str,
        properties: Mapping[str, JSON],
        page: Mapping[str, JSON] | None = None,
    ) -> CreatedDatabase:
        return self._writer.create_database(handle, parent_page_id, title, properties, page)

    def update_database_title(self, database_id: str, title: str, *, database: str) -> None:
        self._writer.update_database(database_id, database=database, title=title)

    def update_database(
        self,
        database_id: str,
        *,
        database: str,
        title: str | None = None,
        page: Mapping[str, JSON] | None = None,
    ) -> None:
        self._writer.update_database(database_id, database=database, title=title, page=page)

    def update_data_source(
        self, data_source_id: str, properties: Mapping[str, JSON], *, database: str
    ) -> tuple[LiveProperty, ...]:
        return self._writer.update_data_source(data_source_id, properties, database=database)

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
        return self._writer.create_row(
            data_source_id,
            properties,
            key_property,
            key_type,
            key,
            database=database,
            page=page,
            markdown=markdown,
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
        return self._writer.update_row(
            page_id, properties, database=database, row_key=row_key, page=page
        )

    def write_body(
        self, page_id: str, markdown: str, *, database: str, row_key: RowKey
    ) -> LiveBody:
        return self._content.write_body(page_id, markdown, database=database, row_key=row_key)

    def set_row_trashed(
        self, page_id: str, in_trash: bool, *, database: str, row_key: RowKey
    ) -> WrittenPage:
        return self._writer.set_row_trashed(page_id, in_trash, database=database, row_key=row_key)

    # --- accounting --------------------------------------------------------------------------

    def stats(self) -> RequestStats:
        return self._accounting.snapshot()

    def close(self) -> None:
        self._content.store.save()
        self._api.close()
