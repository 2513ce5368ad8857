"""Settings (reconciler.yaml, environment) and the Secret type that keeps the token out of sight.

The manifest loader reads and schema-checks reconciler.yaml and hands the mapping to
``Settings.from_mapping``; the CLI resolves the token and base URL from the environment here.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from reconciler.errors import ConfigError

__all__ = [
    "DEFAULT_BASE_URL",
    "SUPPORTED_NOTION_VERSIONS",
    "GateSettings",
    "RateLimitSettings",
    "Secret",
    "Settings",
    "resolve_base_url",
    "resolve_token",
]

SUPPORTED_NOTION_VERSIONS: Final = ("2025-09-03", "2026-03-11")
DEFAULT_BASE_URL: Final = "https://api.notion.com"


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
            state_dir=str(data.get("state_dir", cls.state_dir)),
        )


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
    """The token from NOTION_TOKEN, or from the file NOTION_TOKEN_FILE names."""
    env = os.environ if environ is None else environ
    token = env.get("NOTION_TOKEN", "").strip()
    if token:
        return Secret(token)
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
        if token:
            return Secret(token)
        raise ConfigError(
            f"NOTION_TOKEN_FILE {token_file!r} is empty",
            hint="write the integration token into that file",
        )
    raise ConfigError(
        "no Notion token: NOTION_TOKEN is not set",
        hint="export NOTION_TOKEN=<your integration's secret> (Notion: Settings > Integrations),"
        " or use --local to work against the embedded workspace",
    )


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
    if secure or local:
        pass
    elif parts.scheme == "http" and host:
        raise ConfigError(
            f"NOTION_BASE_URL {raw!r} uses plain http on a non-loopback host;"
            " the token would travel unencrypted",
            hint=hint,
        )
    else:
        raise ConfigError(f"NOTION_BASE_URL {raw!r} is not an http(s) URL", hint=hint)
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ConfigError(
            f"NOTION_BASE_URL {raw!r} must be an origin only (scheme, host, port)",
            hint="drop the path: the client adds /v1/ itself",
        )
    return f"{parts.scheme}://{parts.netloc}"
