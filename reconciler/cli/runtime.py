"""Wiring for commands that talk to Notion: manifests, the gateway, and the ``--local`` workspace.

``plan``, ``apply``, ``import``, ``export`` and ``doctor`` call ``open_workspace`` to get a
``Gateway``: over HTTPS to Notion (token from NOTION_TOKEN, base URL from NOTION_BASE_URL), or with
``--local`` onto the embedded emulator, persisted in ``.reconciler/local.sqlite`` (or
``--local-store FILE``), where databases without an id or parent are created under the workspace's
root page and found there again by title on the next run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, TypeVar

import click
import httpx

from reconciler.config import (
    RateLimitSettings,
    Secret,
    Settings,
    resolve_base_url,
    resolve_token,
    state_folder,
)
from reconciler.emulator import ROOT_PAGE_ID, Emulator, StoreError
from reconciler.errors import ConfigError
from reconciler.manifest import load_desired_state
from reconciler.model import DesiredState
from reconciler.notion import Gateway, NotionGateway, RequestStats
from reconciler.plan import Plan

__all__ = [
    "LOCAL_USERS",
    "Workspace",
    "apply_arguments",
    "load_manifests",
    "local_store_path",
    "open_workspace",
    "plan_apply_arguments",
    "read_summary",
    "shown_path",
    "workspace_options",
]

_LOCAL_TOKEN: Final = "secret_reconciler_local_workspace"  # noqa: S105 - embedded, never remote
_LOCAL_INTEGRATION: Final = "reconciler (local)"
_LOCAL_RATE: Final = RateLimitSettings(rps=10_000.0, burst=10_000)

LOCAL_USERS: Final[tuple[Mapping[str, Any], ...]] = tuple(
    {
        "object": "user",
        "id": user_id,
        "name": name,
        "avatar_url": None,
        "type": "person",
        "person": {"email": email},
    }
    for user_id, name, email in (
        ("0000000a-0000-4000-8000-00000000000a", "Ada Lovelace", "ada@example.com"),
        ("0000000b-0000-4000-8000-00000000000b", "Grace Hopper", "grace@example.com"),
        ("0000000c-0000-4000-8000-00000000000c", "Alan Turing", "alan@example.com"),
    )
)
"""People of a new local workspace, so the example manifests' people values resolve."""

F = TypeVar("F", bound=Callable[..., Any])


def workspace_options(func: F) -> F:
    """Add ``--local`` and ``--local-store`` to a command that talks to Notion."""
    func = click.option(
        "--local-store",
        type=click.Path(dir_okay=False),
        default=None,
        help="SQLite file of the --local workspace (default .reconciler/local.sqlite).",
    )(func)
    return click.option(
        "--local",
        is_flag=True,
        help="Use the embedded emulated workspace instead of Notion (no token needed).",
    )(func)


def apply_arguments(
    paths: Sequence[str],
    databases: Sequence[str],
    *,
    local: bool,
    local_store: str | None,
    yes: bool = False,
) -> list[str]:
    """The words after ``reconciler apply`` that apply the same manifests, databases and
    workspace as a command given these (for the commands the CLI suggests); ``yes``: with
    ``--yes``, for a command suggested where there is no terminal to confirm on."""
    words: list[str] = ["--yes"] if yes else []
    if local:
        words.append("--local")
    if local_store:
        words.extend(["--local-store", local_store])
    for handle in databases:
        words.extend(["--database", handle])
    return [*words, *paths]


def shown_path(path: Path) -> str:
    """A path relative to the current folder when it is below it (as a person would type it)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def plan_apply_arguments(plan: Plan, plan_file: str, *, yes: bool) -> list[str]:
    """The words after ``reconciler apply`` that apply a saved plan where it was made: the
    --local store it names, if any (a plan records its workspace)."""
    api = plan.workspace.api if plan.workspace is not None else ""
    store = shown_path(Path(api.removeprefix("local:"))) if api.startswith("local:") else None
    return apply_arguments([plan_file], (), local=store is not None, local_store=store, yes=yes)


@dataclasses.dataclass(frozen=True)
class Workspace:
    """A connected workspace: the gateway and how to describe it to the user."""

    gateway: Gateway
    local: bool
    label: str


def local_store_path(settings: Settings, root: Path, local_store: str | None) -> Path:
    """Where the --local workspace lives."""
    if local_store:
        return Path(local_store)
    return state_folder(settings, root) / "local.sqlite"


@contextmanager
def open_workspace(
    settings: Settings,
    root: Path,
    *,
    local: bool,
    local_store: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Iterator[Workspace]:
    """A gateway onto Notion or onto the embedded workspace, closed when the block ends."""
    if local:
        with _local_workspace(local_store_path(settings, root, local_store), settings) as ws:
            yield ws
        return
    token = resolve_token(environ)
    base_url = resolve_base_url(environ)
    gateway = NotionGateway(
        token,
        base_url=base_url,
        notion_version=settings.notion_version,
        rate_limit=settings.rate_limit,
    )
    try:
        yield Workspace(gateway=gateway, local=False, label=base_url)
    finally:
        gateway.close()


@contextmanager
def _local_workspace(store: Path, settings: Settings) -> Iterator[Workspace]:
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cannot create the local workspace folder {store.parent} ({exc.strerror})",
            hint="pass --local-store FILE in a writable folder",
        ) from None
    is_new = not store.exists()
    try:
        emulator = Emulator(
            store=str(store), tokens={_LOCAL_TOKEN: _LOCAL_INTEGRATION}, rate_limit=None
        )
    except StoreError as exc:
        raise ConfigError(
            f"the local workspace {store} cannot be opened: {exc}",
            hint="move the file away to start a fresh local workspace, or pass --local-store FILE",
        ) from None
    if is_new:
        emulator.seed({"users": [dict(user) for user in LOCAL_USERS]})
    client = httpx.Client(transport=httpx.WSGITransport(app=emulator))
    gateway = NotionGateway(
        Secret(_LOCAL_TOKEN),
        base_url="http://127.0.0.1",
        notion_version=settings.notion_version,
        rate_limit=_LOCAL_RATE,
        http_client=client,
        location=f"local:{store.resolve()}",  # every store answers at one address
    )
    try:
        yield Workspace(gateway=gateway, local=True, label=f"local workspace {store}")
    finally:
        gateway.close()
        client.close()
        emulator.close()


def read_summary(stats: RequestStats, seconds: float, databases: int) -> str:
    """``Read 3 databases: 7 requests (0 retries, 0 rate-limited) in 0.4 s``."""
    noun = "database" if databases == 1 else "databases"
    return (
        f"Read {databases} {noun}: {stats.requests} requests ({stats.retries} retries,"
        f" {stats.rate_limited} rate-limited) in {seconds:.1f} s"
    )


def load_manifests(paths: Sequence[str], *, local: bool) -> DesiredState:
    """The desired state; in --local mode databases without id or parent go under the root page.

    Against Notion a database needs an ``id`` or a ``parent`` page to be found or created in.
    """
    desired = load_desired_state(paths)
    orphans = [db for db in desired.databases if db.id is None and db.parent is None]
    if not orphans:
        return desired
    if not local:
        names = ", ".join(f"{db.handle} ({db.location})" for db in orphans)
        raise ConfigError(
            f"these databases have neither `id` nor `parent`: {names}",
            hint="set `id:` to adopt an existing database, or `parent:` to a page id shared"
            " with the integration where it should be created (or use --local)",
        )
    databases = tuple(
        dataclasses.replace(db, parent=ROOT_PAGE_ID) if db in orphans else db
        for db in desired.databases
    )
    return dataclasses.replace(desired, databases=databases)
