"""Settings (reconciler.yaml, environment) and the Secret type that keeps the token out of sight.

The manifest loader reads and schema-checks reconciler.yaml and hands the mapping to
``Settings.from_mapping``; the CLI resolves the token and base URL from the environment here.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Final
from urllib.parse import urlsplit

from reconciler.errors import ConfigError
from reconciler.logs import looks_secret, register_secret

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_ENV",
    "LOCK_URL_VARIABLE",
    "STATE_DIR_HINT",
    "STATE_DIR_VARIABLE",
    "SUPPORTED_NOTION_VERSIONS",
    "GateSettings",
    "RateLimitSettings",
    "Secret",
    "Settings",
    "env_pattern_problem",
    "resolve_base_url",
    "resolve_lock_url",
    "resolve_token",
    "state_folder",
]

SUPPORTED_NOTION_VERSIONS: Final = ("2025-09-03", "2026-03-11")
DEFAULT_BASE_URL: Final = "https://api.notion.com"
DEFAULT_ENV: Final = ("*_ID", "*_PAGE")
"""The variables ``${VAR}`` may read when reconciler.yaml has no ``env:``: names ending in _ID or
_PAGE (ids of databases, data sources and pages, such as TASKS_DATABASE_ID, NOTION_ROOT_PAGE)."""
STATE_DIR_VARIABLE: Final = "RECONCILER_STATE_DIR"
"""Moves the state folder for one run; the only way to put it outside the repository."""
STATE_DIR_HINT: Final = (
    "use a folder inside the repository (default .reconciler); to keep the state elsewhere for"
    f" a run, set {STATE_DIR_VARIABLE}=/absolute/path in its environment"
)
_ENV_PATTERN = re.compile(r"[A-Za-z0-9_*]+\Z")


class Secret:
    """A string that never shows itself: str, repr and format print a mask.

    Only ``reveal()`` gives the value, and only the gateway calls it to build the client.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return "********"

    def __format__(self, spec: str) -> str:
        return "********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret is not pickled, so it cannot leak into files or other processes")


@dataclass(frozen=True)
class RateLimitSettings:
    """Requests per second for one integration token, and the burst the bucket allows."""

    rps: float = 3.0
    burst: int = 10
    redis_url: str | None = None


@dataclass(frozen=True)
class GateSettings:
    """Thresholds above which deletes need approval even with --allow-destroy."""

    max_delete_fraction: float = 0.3
    min_rows_for_fraction: int = 10
    max_deletes: int = 25


@dataclass(frozen=True)
class Settings:
    """The repository's settings (reconciler.yaml), with defaults for everything."""

    manifests: str = "manifests"
    notion_version: str = "2025-09-03"
    rate_limit: RateLimitSettings = field(default_factory=RateLimitSettings)
    gates: GateSettings = field(default_factory=GateSettings)
    state_dir: str = ".reconciler"
    env: tuple[str, ...] = DEFAULT_ENV
    lock: str | None = None
    """``redis://host:port/db``: applies from every checkout and machine take this Redis's lock
    (``resolve_lock_url``; RECONCILER_LOCK_URL wins over it)."""

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> Settings:
        """Build settings from a schema-checked reconciler.yaml mapping."""
        rate = _section(data, "rate_limit")
        gates = _section(data, "gates")
        version = str(data.get("notion_version", cls.notion_version))
        if version not in SUPPORTED_NOTION_VERSIONS:
            raise ConfigError(
                f"reconciler.yaml: notion_version {version!r} is not supported",
                hint="use one of " + ", ".join(SUPPORTED_NOTION_VERSIONS),
            )
        rate_defaults, gate_defaults = RateLimitSettings(), GateSettings()
        redis_url = rate.get("redis_url")
        return cls(
            manifests=str(data.get("manifests", cls.manifests)),
            notion_version=version,
            rate_limit=RateLimitSettings(
                rps=_number(rate, "rps", rate_defaults.rps),
                burst=int(_number(rate, "burst", rate_defaults.burst)),
                redis_url=str(redis_url) if redis_url else None,
            ),
            gates=GateSettings(
                max_delete_fraction=_number(
                    gates, "max_delete_fraction", gate_defaults.max_delete_fraction
                ),
                min_rows_for_fraction=int(
                    _number(gates, "min_rows_for_fraction", gate_defaults.min_rows_for_fraction)
                ),
                max_deletes=int(_number(gates, "max_deletes", gate_defaults.max_deletes)),
            ),
            state_dir=_state_dir(data.get("state_dir", cls.state_dir)),
            env=_env(data.get("env", list(DEFAULT_ENV))),
            lock=_lock(data.get("lock"), "reconciler.yaml: lock"),
        )


def env_pattern_problem(pattern: str) -> str | None:
    """Why an ``env:`` entry cannot be allowed (not a name or ``*`` pattern, or a secret's
    name); None when it can."""
    if not _ENV_PATTERN.match(pattern) or (pattern != "*" and not pattern.strip("*")):
        return f"env: {pattern!r} is not a variable name or a pattern such as *_ID"
    if looks_secret(pattern.replace("*", "")):
        return f"env: {pattern} looks like a secret, and secrets are never read into manifests"
    return None


def _env(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(
            "reconciler.yaml: env must be a list of variable names or patterns",
            hint='write env: ["*_ID", "*_PAGE", TEAM]',
        )
    for pattern in value:
        problem = env_pattern_problem(pattern)
        if problem is not None:
            raise ConfigError(
                f"reconciler.yaml: {problem}",
                hint='list the variables manifests may read, e.g. env: ["*_ID", "*_PAGE"];'
                " never a token, secret, key or password",
            )
    return tuple(value)


def _state_dir(value: object) -> str:
    text = str(value)
    hint = STATE_DIR_HINT
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute():
        raise ConfigError(
            f"reconciler.yaml: state_dir {text!r} is an absolute path; the repository's"
            " settings keep the state inside the repository",
            hint=hint,
        )
    if os.path.normpath(text).replace("\\", "/").split("/")[0] == "..":
        raise ConfigError(
            f"reconciler.yaml: state_dir {text!r} leads out of the repository", hint=hint
        )
    return text


LOCK_URL_VARIABLE: Final = "RECONCILER_LOCK_URL"
_LOCK_HINT: Final = (
    "give redis://HOST:PORT/DB (or rediss:// for TLS); a password goes in RECONCILER_LOCK_URL,"
    " a secret of the environment, never in reconciler.yaml"
)


def _lock(value: object, where: str) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises for a port that is no number or out of range
    except ValueError as exc:
        raise ConfigError(f"{where} is not a valid URL ({exc})", hint=_LOCK_HINT) from None
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        shown = text if parts.password is None else text.replace(parts.password, "********")
        raise ConfigError(f"{where} {shown!r} is not a redis:// URL", hint=_LOCK_HINT)
    if parts.password:
        register_secret(parts.password)  # masked wherever the URL might show
    return text


def resolve_lock_url(settings: Settings, environ: Mapping[str, str] | None = None) -> str | None:
    """The Redis every apply of this repository locks in: RECONCILER_LOCK_URL, else ``lock:`` in
    reconciler.yaml, else None (the lock file covers one checkout only). Its password is
    registered as a secret."""
    env = os.environ if environ is None else environ
    override = _lock(env.get(LOCK_URL_VARIABLE, ""), LOCK_URL_VARIABLE)
    return override or settings.lock


def state_folder(settings: Settings, root: Path, environ: Mapping[str, str] | None = None) -> Path:
    """Where locks, the journal, the audit log, undo plans and the --local workspace live:
    RECONCILER_STATE_DIR when set (relative to the current directory), else the settings'
    state_dir inside the repository."""
    env = os.environ if environ is None else environ
    override = env.get(STATE_DIR_VARIABLE, "").strip()
    if override:
        return Path(override).absolute()
    return root / settings.state_dir


def _section(data: Mapping[str, object], name: str) -> Mapping[str, object]:
    section = data.get(name) or {}
    if not isinstance(section, Mapping):
        raise ConfigError(f"reconciler.yaml: {name} must be a mapping")
    return section


def _number(section: Mapping[str, object], name: str, default: float) -> float:
    value = section.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(
            f"reconciler.yaml: {name} must be a non-negative number, not {value!r}",
            hint=f"remove {name} to use the default ({default})",
        )
    return float(value)


def resolve_token(environ: Mapping[str, str] | None = None) -> Secret:
    """The token from NOTION_TOKEN, or from the file NOTION_TOKEN_FILE names.

    The token is registered for redaction at once, and a token that cannot be sent in an HTTP
    header (a line break, a non-ASCII character, a space) is refused here with a message about
    the token, rather than failing every request later.
    """
    env = os.environ if environ is None else environ
    token = env.get("NOTION_TOKEN", "").strip()
    if token:
        return _checked_token(token, "NOTION_TOKEN")
    token_file = env.get("NOTION_TOKEN_FILE", "").strip()
    if token_file:
        path = Path(token_file)
        try:
            token = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"NOTION_TOKEN_FILE {token_file!r} cannot be read ({exc.strerror})",
                hint="point NOTION_TOKEN_FILE at a readable file holding only the token",
            ) from None
        except UnicodeDecodeError:
            raise ConfigError(
                f"NOTION_TOKEN_FILE {token_file!r} is not UTF-8 text",
                hint="write the integration token into that file, and nothing else",
            ) from None
        if token:
            return _checked_token(token, f"the file NOTION_TOKEN_FILE names ({token_file})")
        raise ConfigError(
            f"NOTION_TOKEN_FILE {token_file!r} is empty",
            hint="write the integration token into that file",
        )
    raise ConfigError(
        "no Notion token: NOTION_TOKEN is not set",
        hint="export NOTION_TOKEN=<your integration's secret> (Notion: Settings > Integrations),"
        " or use --local to work against the embedded workspace",
    )


def _checked_token(token: str, source: str) -> Secret:
    register_secret(token)  # masked from now on, wherever it might show
    for position, char in enumerate(token, start=1):
        if char in "\r\n\x85\u2028\u2029":
            found = "a line break"
        elif not char.isascii():
            found = "a non-ASCII character"
        elif char.isspace() or not char.isprintable():
            found = "a space or control character"
        else:
            continue
        raise ConfigError(
            f"the Notion token in {source} holds {found} (character {position} of"
            f" {len(token)}): a token is one word of ASCII letters, digits and _, and Notion"
            " would refuse every request",
            hint="copy the integration's secret again (Notion: Settings > Integrations) and set"
            " it alone, without quotes, spaces or line breaks",
        )
    return Secret(token)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_base_url(environ: Mapping[str, str] | None = None) -> str:
    """NOTION_BASE_URL if set (https anywhere, http on loopback only), else Notion's API."""
    env = os.environ if environ is None else environ
    raw = env.get("NOTION_BASE_URL", "").strip()
    if not raw:
        return DEFAULT_BASE_URL
    hint = "use https://api.notion.com, or http://127.0.0.1:PORT for a local emulator"
    try:
        parts = urlsplit(raw)
        host = parts.hostname or ""
        _ = parts.port  # raises for a port that is no number or out of range
    except ValueError as exc:
        raise ConfigError(
            f"NOTION_BASE_URL {raw!r} is not a valid URL ({exc})", hint=hint
        ) from None
    secure = parts.scheme == "https" and bool(host)
    local = parts.scheme == "http" and bool(host) and _is_loopback(host)
    if not (secure or local):
        if parts.scheme == "http" and host:
            raise ConfigError(
                f"NOTION_BASE_URL {raw!r} uses plain http on a non-loopback host;"
                " the token would travel unencrypted",
                hint=hint,
            )
        raise ConfigError(f"NOTION_BASE_URL {raw!r} is not an http(s) URL", hint=hint)
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ConfigError(
            f"NOTION_BASE_URL {raw!r} must be an origin only (scheme, host, port)",
            hint="drop the path: the client adds /v1/ itself",
        )
    return f"{parts.scheme}://{parts.netloc}"
