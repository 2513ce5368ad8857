"""The checks of ``reconciler doctor``: each one a finding with what to do about it.

``run_checks`` yields findings in order as they are made, so the command can print them at
once: settings, token, Notion-Version, the integration's capabilities as far as the API shows
them (user information; read content through the databases; update and insert cannot be seen
without writing), the manifests, each manifest's database (reachable and shared, or where it
will be created), rate-limit headroom, and whether the state folder is writable. No check
writes anything to Notion. A check failing on an error logs it at debug level, traceback
included, so ``--debug`` shows why. Called by ``cmd_doctor``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import structlog

from reconciler.cli.permissions import container_fix
from reconciler.cli.runtime import Workspace, load_manifests, open_workspace
from reconciler.config import (
    STATE_DIR_VARIABLE,
    SUPPORTED_NOTION_VERSIONS,
    Settings,
    resolve_base_url,
    resolve_token,
    state_folder,
)
from reconciler.errors import (
    ConfigError,
    ManifestError,
    NotionAccessError,
    NotionAuthError,
    NotionError,
    NotionUnavailableError,
    PlanError,
    ReconcilerError,
)
from reconciler.manifest import Repository, find_repository, shown
from reconciler.model import DesiredDatabase, DesiredState
from reconciler.notion import SHARING_HINT, Gateway, Inspector, NotionGateway, RetryPolicy
from reconciler.versions import describe_versions, versions_in_use

__all__ = ["NOTION_RPS", "Finding", "Status", "run_checks"]

NOTION_RPS: Final = 3.0
"""Notion's documented average request rate per integration."""

Status = Literal["ok", "fail", "warn", "note"]

_log = structlog.get_logger(__name__)

_DOCTOR_RETRY: Final = RetryPolicy(max_attempts=3, max_total_seconds=10.0, max_delay=5.0)
"""A diagnosis should not wait minutes for an API that does not answer."""

_CAPABILITIES = (
    "Notion: Settings → Connections → Develop or manage integrations → your integration →"
    " Capabilities"
)


def _failed_on(error: BaseException) -> None:
    """With --debug: the error behind a failed check, traceback included (redacted as every log)."""
    _log.debug("doctor check failed", error=type(error).__name__, exc_info=error)


@dataclass(frozen=True)
class Finding:
    """One line of the checklist: its status, what was checked and found, and the fix."""

    status: Status
    text: str
    fix: str = ""


@dataclass
class _Run:
    """What the checks learn as they go."""

    paths: Sequence[str]
    local: bool
    local_store: str | None
    repository: Repository | None = None
    read_content: bool | None = None


def run_checks(
    paths: Sequence[str], *, local: bool, local_store: str | None, versions: bool = False
) -> Iterator[Finding]:
    """Every finding, in order; a check that cannot run says why instead. ``versions`` (with
    --debug) first notes Python's, notion-reconciler's and each dependency's version in use."""
    run = _Run(paths, local, local_store)
    if versions:
        yield Finding("note", f"versions: {describe_versions(versions_in_use())}")
    yield from _settings(run)
    settings = run.repository.settings if run.repository else Settings()
    root = run.repository.root if run.repository else Path.cwd()
    if not local:
        credentials = list(_credentials())
        yield from credentials
        if any(f.status == "fail" for f in credentials):
            yield from _offline_only(run, settings, root)
            return
    try:
        with _workspace(run, settings, root) as workspace:
            yield from _online(run, workspace, settings)
    except ConfigError as error:
        _failed_on(error)
        yield Finding("fail", f"workspace: {error.message}", error.hint or "")
    yield from _rate_limit(settings, local=local)
    yield from _state_folder(settings, root)


@contextmanager
def _workspace(run: _Run, settings: Settings, root: Path) -> Iterator[Workspace]:
    """The workspace to check; Notion with few retries, so an unreachable API shows quickly."""
    if run.local:
        with open_workspace(settings, root, local=True, local_store=run.local_store) as workspace:
            yield workspace
        return
    base_url = resolve_base_url()
    gateway = NotionGateway(
        resolve_token(),
        base_url=base_url,
        notion_version=settings.notion_version,
        rate_limit=settings.rate_limit,
        retry=_DOCTOR_RETRY,
    )
    try:
        yield Workspace(gateway=gateway, local=False, label=base_url)
    finally:
        gateway.close()


def _settings(run: _Run) -> Iterator[Finding]:
    start = Path(run.paths[0]) if run.paths else None
    try:
        run.repository = find_repository(start)
    except ManifestError as error:
        yield Finding("fail", f"reconciler.yaml: {error.message}", "fix reconciler.yaml as shown")
        return
    config = run.repository.root / "reconciler.yaml"
    where = f"{shown(config)}" if config.is_file() else "no reconciler.yaml, defaults"
    yield Finding("ok", f"settings: {where} (repository {shown(run.repository.root)})")


def _credentials() -> Iterator[Finding]:
    try:
        base_url = resolve_base_url()
    except ConfigError as error:
        yield Finding("fail", f"NOTION_BASE_URL: {error.message}", error.hint or "")
        return
    try:
        resolve_token()
    except ConfigError as error:
        yield Finding("fail", f"token: {error.message}", error.hint or "")
        return
    source = "NOTION_TOKEN" if os.environ.get("NOTION_TOKEN", "").strip() else "NOTION_TOKEN_FILE"
    yield Finding("ok", f"token: found in {source}; API {base_url}")


def _offline_only(run: _Run, settings: Settings, root: Path) -> Iterator[Finding]:
    yield Finding("note", "Notion checks skipped: no usable token or base URL")
    yield _manifests(run)[0]
    yield from _rate_limit(settings, local=False)
    yield from _state_folder(settings, root)


def _online(run: _Run, workspace: Workspace, settings: Settings) -> Iterator[Finding]:
    gateway = workspace.gateway
    try:
        me = gateway.read_me()
    except NotionError as error:
        _failed_on(error)
        yield _token_problem(error, settings)
        yield _manifests(run)[0]
        return
    who = f"integration bot {me.name!r}" if me.name else "the integration's bot"
    yield Finding("ok", f"token valid: {who} ({me.id}), {workspace.label}")
    supported = ", ".join(SUPPORTED_NOTION_VERSIONS)
    yield Finding(
        "ok", f"Notion-Version {settings.notion_version}: accepted (supported: {supported})"
    )
    yield _users(gateway)
    finding, desired = _manifests(run)
    yield finding
    if desired is not None:
        inspector = Inspector.of(gateway)
        for database in desired.databases:
            yield _database(run, inspector, database)
    yield from _capabilities(run)
    if gateway.stats().rate_limited:
        yield Finding(
            "warn",
            f"Notion answered 429 (rate limited) {gateway.stats().rate_limited} times during"
            " these checks: another process may be using this token",
            "share one limiter between processes: rate_limit.redis_url in reconciler.yaml",
        )


def _token_problem(error: NotionError, settings: Settings) -> Finding:
    if isinstance(error, NotionAuthError):
        return Finding("fail", "token rejected by Notion (401 unauthorized)", error.hint or "")
    if error.status == 400 and "version" in error.message.lower():
        return Finding(
            "fail",
            f"Notion-Version {settings.notion_version} refused: {error.message}",
            "set notion_version in reconciler.yaml to one of "
            + ", ".join(SUPPORTED_NOTION_VERSIONS),
        )
    if isinstance(error, NotionUnavailableError) and error.status is None:
        return Finding(
            "fail",
            f"Notion cannot be reached: {error.message}",
            "check the network connection (and NOTION_BASE_URL if it is set)",
        )
    return Finding("fail", f"Notion cannot be reached: {error.message}", error.hint or "")


def _users(gateway: Gateway) -> Finding:
    try:
        users = gateway.read_users()
    except NotionAccessError as error:
        _failed_on(error)
        return Finding(
            "fail",
            "user information: the integration may not read users (403), so people cannot be"
            " named by e-mail",
            f"{_CAPABILITIES} → User capabilities: 'Read user information including email"
            " addresses'",
        )
    except NotionError as error:
        _failed_on(error)
        return Finding("fail", f"user information: {error.message}", error.hint or "")
    people = [u for u in users if u.type == "person"]
    with_email = [u for u in people if u.email]
    text = f"user information readable: {len(people)} people, {len(with_email)} with e-mail"
    if people and not with_email:
        return Finding(
            "warn",
            text + "; people values by e-mail will not resolve",
            f"{_CAPABILITIES} → 'Read user information including email addresses'",
        )
    return Finding("ok", text)


def _manifests(run: _Run) -> tuple[Finding, DesiredState | None]:
    """What the manifests are like, and the desired state when they load."""
    if not run.paths and run.repository is not None and not run.repository.manifests.exists():
        folder = shown(run.repository.manifests)
        return Finding("note", f"manifests: none ({folder}/ does not exist)"), None
    try:
        desired = load_manifests(run.paths, local=run.local)
    except ReconcilerError as error:
        _failed_on(error)
        first = str(error).splitlines()[0]
        return Finding("fail", f"manifests: {first}", "run `reconciler validate` for all"), None
    count = len(desired.databases)
    noun = "database" if count == 1 else "databases"
    return Finding("ok", f"manifests: {count} {noun} valid"), desired


def _database(run: _Run, inspector: Inspector, database: DesiredDatabase) -> Finding:
    name = f"database {database.handle}"
    try:
        if database.id is None:
            return _by_title(inspector, database, local=run.local)
        outline = inspector.outline(database.id, database.data_source)
    except NotionAccessError as error:
        _failed_on(error)
        return _access_problem(run, name, error)
    except (PlanError, NotionError) as error:
        _failed_on(error)
        return Finding("fail", f"{name}: {error.message}", error.hint or "")
    run.read_content = True
    if outline.in_trash:
        return Finding(
            "fail", f"{name}: {outline.title!r} is in the Notion trash", "restore it in Notion"
        )
    count = len(outline.properties)
    return Finding("ok", f"{name}: {outline.title!r} reachable, {count} properties")


def _by_title(inspector: Inspector, database: DesiredDatabase, *, local: bool) -> Finding:
    name = f"database {database.handle}"
    assert database.parent is not None
    page = inspector.page(database.parent)
    found = inspector.databases_titled(database.parent, database.title)
    where = f"page {page.title!r}" if page.title else f"page {page.id}"
    if not found:
        return Finding("ok", f"{name}: not created yet; apply creates it under {where}")
    if len(found) > 1:
        return Finding(
            "fail",
            f"{name}: {len(found)} databases titled {database.title!r} under {where}",
            "pin the one to manage with `id:` in the manifest",
        )
    found_it = f"{name}: found by title under {where} ({found[0]})"
    if local:  # the local workspace's ids mean nothing in Notion: never pin them
        return Finding("ok", found_it)
    return Finding("ok", found_it, f"pin it in the manifest: id: {found[0]}")


def _access_problem(run: _Run, name: str, error: NotionAccessError) -> Finding:
    if error.code == "restricted_resource" or error.status == 403:
        run.read_content = False
        return Finding(
            "fail",
            f"{name}: the integration may not read it (403 restricted_resource)",
            f"{_CAPABILITIES} → Content capabilities: 'Read content'",
        )
    return Finding("fail", f"{name}: not found or not shared with the integration", SHARING_HINT)


def _capabilities(run: _Run) -> Iterator[Finding]:
    if run.local:
        yield Finding("ok", "capabilities: the local workspace's integration has all of them")
        return
    if run.read_content is True:
        yield Finding("ok", "capability 'Read content': databases could be read")
    yield Finding(
        "note",
        "capabilities 'Update content' and 'Insert content' cannot be seen without writing;"
        " an apply without them stops at its first write with 403 restricted_resource",
        f"check them in {_CAPABILITIES}",
    )


def _rate_limit(settings: Settings, *, local: bool) -> Iterator[Finding]:
    rate = settings.rate_limit
    if local:
        yield Finding("note", "rate limit: the local workspace has none")
        return
    if rate.rps <= 0:
        yield Finding(
            "fail",
            "rate limit: off (rate_limit.rps is 0); bursts will meet Notion's 429s",
            f"set rate_limit: {{rps: {NOTION_RPS:g}}} in reconciler.yaml",
        )
    elif rate.rps > NOTION_RPS:
        yield Finding(
            "fail",
            f"rate limit: {rate.rps:g} requests/s is above Notion's average of {NOTION_RPS:g}/s;"
            " expect 429s, retried after waits, so slower overall",
            f"set rate_limit: {{rps: {NOTION_RPS:g}}} in reconciler.yaml",
        )
    else:
        spare = NOTION_RPS - rate.rps
        room = (
            f"{spare:g}/s left for other clients of this token"
            if spare > 0
            else "no headroom: other clients of this token share its 429s"
        )
        yield Finding(
            "ok",
            f"rate limit: {rate.rps:g} requests/s (burst {rate.burst}) within Notion's"
            f" {NOTION_RPS:g}/s; {room}",
        )
    if rate.redis_url:
        yield Finding("note", "rate limit: shared between processes through Redis")


def _state_folder(settings: Settings, root: Path) -> Iterator[Finding]:
    folder = state_folder(settings, root)
    existing = folder if folder.is_dir() else folder.parent
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        _failed_on(exc)
        fix = (
            "make it writable, or set state_dir in reconciler.yaml to a writable folder inside"
            f" the repository (or {STATE_DIR_VARIABLE} to one outside it)"
        )
        in_container = container_fix(exc)
        yield Finding(
            "fail",
            f"state folder {shown(folder)}/ is not writable ({exc.strerror})",
            f"{fix}; {in_container}" if in_container else fix,
        )
        return
    made = "" if folder.is_dir() else " (created on first use)"
    yield Finding("ok", f"state folder {shown(folder)}/ writable{made}")
