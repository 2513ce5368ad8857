"""What the admin config steers: rate limits, latency, faults, caps; and the request log.

- Rate limiting is a token bucket per bearer token (Notion limits per integration): ``rps``
  tokens a second up to ``burst``; an empty bucket answers 429 ``rate_limited`` with an integer
  ``Retry-After`` (seconds until a token is back, rounded up) and
  ``additional_data.rate_limit_reason``.
- Faults match a method (optional) and a path regex (``re.search`` on the path). Each fires always,
  the first ``times`` matches, or with ``probability`` drawn from a generator seeded by ``seed``,
  so a run is reproducible. Status 0 drops the connection; ``after_write`` lets the request do its
  work first.
- Latency ``{"mean", "jitter"}`` in milliseconds, drawn from the same seeded generator.
- ``clock_offset_s`` moves the emulator's clock that many seconds ahead (negative: behind), for
  everything time-based; ``webhooks`` subscribes receivers (see :mod:`.webhooks`).
Used by the WSGI application and the admin API.
"""

from __future__ import annotations

import math
import random
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.emulator.errors import ApiError
from reconciler.emulator.webhooks import TargetError, WebhookTarget, parse_targets
from reconciler.emulator.workspace import Limits

__all__ = ["ConfigError", "Controls", "Fault", "RateLimit", "RequestLog", "fault_error"]

_DEFAULT_ERRORS: dict[int, tuple[str, str]] = {
    400: ("validation_error", "Injected validation failure."),
    401: ("unauthorized", "API token is invalid."),
    403: ("restricted_resource", "API token does not have access to this resource."),
    404: ("object_not_found", "Could not find object."),
    409: ("conflict_error", "Conflict occurred while saving. Please try again."),
    429: ("rate_limited", "You have been rate limited. Please try again in a few minutes."),
    500: ("internal_server_error", "Unexpected error occurred."),
    502: ("bad_gateway", "Bad gateway."),
    503: ("service_unavailable", "Notion is unavailable, please try again later."),
    504: ("gateway_timeout", "Gateway timeout."),
    529: ("service_overload", "Notion is temporarily overloaded, please try again later."),
}


class ConfigError(ValueError):
    """An admin config that cannot be applied (the admin API answers 400 with this message)."""


@dataclass(frozen=True)
class RateLimit:
    """Average requests per second and the burst a bucket holds."""

    rps: float
    burst: int = 10


@dataclass
class Fault:
    """One configured fault and how many more times it may fire."""

    path: re.Pattern[str]
    status: int
    method: str | None = None
    code: str | None = None
    message: str | None = None
    times: int | None = None
    probability: float | None = None
    after_write: bool = False
    retry_after: int = 1

    def describe(self) -> dict[str, Any]:
        """The fault as the config endpoint shows it."""
        out: dict[str, Any] = {"path": self.path.pattern, "status": self.status}
        for key in ("method", "code", "message", "times", "probability"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        out["after_write"] = self.after_write
        return out


def fault_error(fault: Fault) -> ApiError:
    """The Notion-shaped error a fault answers with."""
    code, message = _DEFAULT_ERRORS.get(fault.status, ("internal_server_error", "Injected fault."))
    extra: dict[str, Any] | None = None
    if fault.status == 429:
        extra = {"rate_limit_reason": "public_api_request_rate_limit"}
    return ApiError(fault.status, fault.code or code, fault.message or message, extra)


@dataclass
class _Bucket:
    tokens: float
    stamp: float


@dataclass
class Controls:
    """The live settings of one emulator (thread-safe)."""

    rate_limit: RateLimit | None = None
    latency_mean: float = 0.0
    latency_jitter: float = 0.0
    faults: list[Fault] = field(default_factory=list)
    seed: int | None = None
    limits: Limits = field(default_factory=Limits)
    clock_offset_s: float = 0.0
    webhooks: tuple[WebhookTarget, ...] = ()
    ticker: Callable[[], float] = time.monotonic
    """Seconds on a monotonic clock (tests replace it to measure rates without waiting)."""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, _Bucket] = {}
        self._random = random.Random(self.seed)  # noqa: S311 - reproducible, not secure

    # -- config -------------------------------------------------------------------------------

    def describe(self) -> dict[str, Any]:
        """The current config, in the shape ``PUT /_emulator/config`` takes."""
        limit = self.rate_limit
        return {
            "rate_limit": {"rps": limit.rps, "burst": limit.burst} if limit else None,
            "latency_ms": {"mean": self.latency_mean, "jitter": self.latency_jitter},
            "query_result_cap": self.limits.query_result_cap,
            "relation_page_cap": self.limits.relation_page_cap,
            "markdown_block_cap": self.limits.markdown_block_cap,
            "faults": [f.describe() for f in self.faults],
            "seed": self.seed,
            "clock_offset_s": self.clock_offset_s,
            "webhooks": [target.describe() for target in self.webhooks],
        }

    def configure(self, config: Mapping[str, Any]) -> None:
        """Apply the keys given (others keep their value); ConfigError names a bad one."""
        unknown = set(config) - {
            "rate_limit", "latency_ms", "query_result_cap", "relation_page_cap", "faults", "seed",
            "markdown_block_cap", "clock_offset_s", "webhooks",
        }  # fmt: skip
        if unknown:
            raise ConfigError(f"unknown config keys: {', '.join(sorted(unknown))}")
        with self._lock:
            if "clock_offset_s" in config:
                self.clock_offset_s = _seconds(config["clock_offset_s"])
            if "webhooks" in config:
                try:
                    self.webhooks = parse_targets(config["webhooks"])
                except TargetError as error:
                    raise ConfigError(str(error)) from None
            if "rate_limit" in config:
                self.rate_limit = _rate_limit(config["rate_limit"])
                self._buckets.clear()
            if "latency_ms" in config:
                self.latency_mean, self.latency_jitter = _latency(config["latency_ms"])
            for key in ("query_result_cap", "relation_page_cap", "markdown_block_cap"):
                if key in config:
                    setattr(self.limits, key, _positive_int(config[key], key))
            if "faults" in config:
                self.faults = _faults(config["faults"])
            if "seed" in config:
                seed = config["seed"]
                if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
                    raise ConfigError("seed must be an integer or null")
                self.seed = seed
                self._random = random.Random(seed)  # noqa: S311 - reproducible, not secure

    # -- per request --------------------------------------------------------------------------

    def retry_after(self, token: str) -> int | None:
        """Take a token from this bearer token's bucket; seconds to wait if it was empty."""
        with self._lock:
            limit = self.rate_limit
            if limit is None:
                return None
            now = self.ticker()
            bucket = self._buckets.setdefault(token, _Bucket(float(limit.burst), now))
            bucket.tokens = min(
                float(limit.burst), bucket.tokens + (now - bucket.stamp) * limit.rps
            )
            bucket.stamp = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return max(1, math.ceil((1.0 - bucket.tokens) / limit.rps))

    def latency(self) -> float:
        """Seconds this request should take longer (0 without configured latency)."""
        with self._lock:
            if self.latency_mean <= 0 and self.latency_jitter <= 0:
                return 0.0
            spread = self._random.uniform(-self.latency_jitter, self.latency_jitter)
        return max(0.0, self.latency_mean + spread) / 1000.0

    def fault_for(self, method: str, path: str) -> Fault | None:
        """The fault that fires for this request, if any (counts and draws are consumed)."""
        with self._lock:
            for fault in self.faults:
                if fault.method is not None and fault.method != method:
                    continue
                if not fault.path.search(path):
                    continue
                if fault.times is not None:
                    if fault.times <= 0:
                        continue
                    fault.times -= 1
                    return fault
                if fault.probability is not None:
                    if self._random.random() < fault.probability:
                        return fault
                    continue
                return fault
        return None


def _rate_limit(value: object) -> RateLimit | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ConfigError("rate_limit must be {'rps': number, 'burst': integer} or null")
    rps = value.get("rps", 3)
    burst = value.get("burst", 10)
    if isinstance(rps, bool) or not isinstance(rps, int | float) or rps < 0:
        raise ConfigError("rate_limit.rps must be a number ≥ 0 (0 disables the limit)")
    if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
        raise ConfigError("rate_limit.burst must be an integer ≥ 1")
    return RateLimit(float(rps), burst) if rps > 0 else None


def _latency(value: object) -> tuple[float, float]:
    if value is None:
        return 0.0, 0.0
    if not isinstance(value, Mapping):
        raise ConfigError("latency_ms must be {'mean': ms, 'jitter': ms}")
    out = []
    for key in ("mean", "jitter"):
        number = value.get(key, 0)
        if isinstance(number, bool) or not isinstance(number, int | float) or number < 0:
            raise ConfigError(f"latency_ms.{key} must be a number of milliseconds ≥ 0")
        out.append(float(number))
    return out[0], out[1]


def _seconds(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError("clock_offset_s must be a number of seconds (negative: behind)")
    return float(value)


def _positive_int(value: object, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{key} must be an integer ≥ 1")
    return value


def _faults(value: object) -> list[Fault]:
    if not isinstance(value, list):
        raise ConfigError("faults must be a list")
    return [_fault(item, n) for n, item in enumerate(value)]


def _fault(item: object, n: int) -> Fault:
    where = f"faults[{n}]"
    if not isinstance(item, Mapping):
        raise ConfigError(f"{where} must be an object")
    known = {
        "method",
        "path",
        "status",
        "code",
        "message",
        "times",
        "probability",
        "after_write",
        "retry_after",
    }
    if set(item) - known:
        raise ConfigError(f"{where} has unknown keys: {', '.join(sorted(set(item) - known))}")
    try:
        pattern = re.compile(str(item.get("path", ".*")))
    except re.error as error:
        raise ConfigError(f"{where}.path is not a valid regex: {error}") from None
    status = item.get("status", 500)
    if (
        isinstance(status, bool)
        or not isinstance(status, int)
        or not (status == 0 or 400 <= status <= 599)
    ):
        raise ConfigError(f"{where}.status must be 0 (drop the connection) or an HTTP error status")
    times = item.get("times")
    probability = item.get("probability")
    if times is not None and probability is not None:
        raise ConfigError(f"{where}: give times or probability, not both")
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 0):
        raise ConfigError(f"{where}.times must be an integer ≥ 0")
    if probability is not None and (
        isinstance(probability, bool)
        or not isinstance(probability, int | float)
        or not 0 <= probability <= 1
    ):
        raise ConfigError(f"{where}.probability must be between 0 and 1")
    method = item.get("method")
    retry_after = item.get("retry_after", 1)
    if isinstance(retry_after, bool) or not isinstance(retry_after, int) or retry_after < 0:
        raise ConfigError(f"{where}.retry_after must be an integer number of seconds")
    return Fault(
        path=pattern,
        status=status,
        method=str(method).upper() if method is not None else None,
        code=str(item["code"]) if item.get("code") is not None else None,
        message=str(item["message"]) if item.get("message") is not None else None,
        times=times,
        probability=float(probability) if probability is not None else None,
        after_write=bool(item.get("after_write", False)),
        retry_after=retry_after,
    )


@dataclass
class RequestLog:
    """Every API request answered: method, path, status, duration; counts per endpoint."""

    capacity: int = 100_000

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=self.capacity)
        self._counts: Counter[tuple[str, int]] = Counter()

    def record(self, method: str, path: str, endpoint: str, status: int, seconds: float) -> None:
        """Log one request (``endpoint`` is the route template, e.g. ``GET /v1/pages/{id}``)."""
        entry = {
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round(seconds * 1000, 3),
        }
        with self._lock:
            self._entries.append(entry)
            self._counts[(endpoint, status)] += 1

    def requests(self) -> list[dict[str, Any]]:
        """The log, oldest first."""
        with self._lock:
            return list(self._entries)

    def stats(self) -> dict[str, Any]:
        """``{"total", "by_status", "endpoints": {endpoint: {status: count}}}``."""
        with self._lock:
            endpoints: dict[str, dict[str, int]] = {}
            by_status: Counter[str] = Counter()
            for (endpoint, status), count in sorted(self._counts.items()):
                endpoints.setdefault(endpoint, {})[str(status)] = count
                by_status[str(status)] += count
            return {
                "total": sum(by_status.values()),
                "by_status": dict(sorted(by_status.items())),
                "endpoints": endpoints,
            }

    def clear(self) -> None:
        """Forget every request (a reset clears the log)."""
        with self._lock:
            self._entries.clear()
            self._counts.clear()
