"""Wiring for commands that talk to Notion: manifests, the gateway, and the ``--local`` workspace.

``plan``, ``apply``, ``import``, ``export`` and ``doctor`` call ``open_workspace`` to get a
``Gateway``: over HTTPS to Notion (token from NOTION_TOKEN, base URL from NOTION_BASE_URL), or with
``--local`` onto the embedded emulator, persisted in ``.reconciler/local.sqlite`` (or
``--local-store FILE``), where databases without an id or parent are created under the workspace's
root page and found there again by title on the next run.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, ParamSpec, TypeVar

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
from reconciler.errors import ConfigError
from reconciler.manifest import load_desired_state
from reconciler.model import DesiredState
from reconciler.notion import Gateway, NotionGateway, RequestStats
from reconciler.plan import SEAL_KEY_VARIABLE, Plan, keyed_by

__all__ = [
    "LOCAL_USERS",
    "PROGRESS_FROM_BODIES",
    "BodyProgress",
    "Workspace",
    "apply_arguments",
    "body_cache_path",
    "load_manifests",
    "local_store_path",
    "open_workspace",
    "plan_apply_arguments",
    "read_summary",
    "seals_by_workspace",
    "shown_path",
    "workspace_options",
    "workspace_secret",
]

P = ParamSpec("P")

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
        store = local_store_path(settings, root, local_store)
        with _local_workspace(store, settings, body_cache_path(settings, root)) as ws:
            yield ws
        return
    token = resolve_token(environ)
    base_url = resolve_base_url(environ)
    gateway = NotionGateway(
        token,
        base_url=base_url,
        notion_version=settings.notion_version,
        rate_limit=settings.rate_limit,
        body_cache=body_cache_path(settings, root),
    )
    try:
        yield Workspace(gateway=gateway, local=False, label=base_url)
    finally:
        gateway.close()


def seals_by_workspace(command: Callable[P, None]) -> Callable[P, None]:
    """Run a command that makes or applies plans keyed by its workspace's secret
    (``workspace_secret``; its ``local`` option says which), asked for only once a plan with a
    sensitive value is sealed."""

    @functools.wraps(command)
    def keyed(*args: P.args, **kwargs: P.kwargs) -> None:
        local = bool(kwargs.get("local"))
        with keyed_by(lambda: workspace_secret(local=local)):
            command(*args, **kwargs)

    return keyed


def workspace_secret(*, local: bool, environ: Mapping[str, str] | None = None) -> bytes:
    """What sealing keys of sensitive values are derived from (``plan.keyed_by``):
    ``RECONCILER_SEAL_KEY`` when it is set (one secret shared by the integration that plans and
    the one that applies), else the integration token (the embedded workspace's is public).
    Commands that make or apply plans (plan, apply, serve) key their whole run by it, so a
    plan's checksum, its file and its undo plans seal alike."""
    env = os.environ if environ is None else environ
    shared = env.get(SEAL_KEY_VARIABLE, "")
    if shared:
        return shared.encode("utf-8")
    token = Secret(_LOCAL_TOKEN) if local else resolve_token(environ)
    return token.reveal().encode("utf-8")


def body_cache_path(settings: Settings, root: Path) -> Path:
    """Where page bodies read and written are kept between runs (safe to delete)."""
    return state_folder(settings, root) / "cache"


@contextmanager
def _local_workspace(store: Path, settings: Settings, body_cache: Path) -> Iterator[Workspace]:
    # Imported here: a run against Notion never needs the emulator, and importing it costs a
    # tenth of a second of every start.
    from reconciler.emulator import Emulator, StoreError

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
        body_cache=body_cache,
        location=f"local:{store.resolve()}",  # every store answers at one address
    )
    try:
        yield Workspace(gateway=gateway, local=True, label=f"local workspace {store}")
    finally:
        gateway.close()
        client.close()
        emulator.close()


PROGRESS_FROM_BODIES: Final = 50
"""Reading at least this many page bodies shows progress (they cost a request each)."""


class BodyProgress:
    """Progress of reading page bodies, with an ETA, on stderr: redrawn in place on a
    terminal, a line per tenth elsewhere (CI logs). Silent below ``PROGRESS_FROM_BODIES``."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._started: dict[str, tuple[float, int]] = {}
        self._shown: dict[str, int] = {}
        self._width = 0

    def __call__(self, database: str, done: int, total: int) -> None:
        if total < PROGRESS_FROM_BODIES:
            return
        now = self._clock()
        started, first = self._started.setdefault(database, (now, done))
        tenth = done * 10 // total
        terminal = sys.stderr.isatty()
        if not terminal and (self._shown.get(database, -1) >= tenth and done < total):
            return
        self._shown[database] = tenth
        left = ""
        if done > first and done < total:
            seconds = (now - started) / (done - first) * (total - done)
            left = f", about {_duration(seconds)} left"
        line = f"{database}: {done}/{total} page bodies read{left}"
        if terminal:
            # Spaces, not an erase sequence: the output guard lets only a leading \r through.
            self._width = max(self._width, len(line))
            click.echo(f"\r{line.ljust(self._width)}", nl=done >= total, err=True)
        else:
            click.echo(line, err=True)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


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
    from reconciler.emulator import ROOT_PAGE_ID  # as in _local_workspace: --local only

    databases = tuple(
        dataclasses.replace(db, parent=ROOT_PAGE_ID) if db in orphans else db
        for db in desired.databases
    )
    return dataclasses.replace(desired, databases=databases)
