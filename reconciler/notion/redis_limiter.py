"""A rate limiter shared through Redis by every process that uses one integration token.

The same GCRA token bucket with adaptive rate as ``TokenBucket``, kept in one Redis hash and
updated by an atomic Lua script that reads Redis's own clock, so processes on different machines
agree on time and never race. The hash's key is derived from a sha256 of the base URL and the
token: the token itself never reaches Redis. The ``redis`` package is an optional extra
(``pip install 'notion-reconciler[redis]'``), imported only when a Redis URL is configured.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from types import ModuleType
from typing import Protocol, cast
from urllib.parse import urlsplit

from reconciler.config import Secret
from reconciler.errors import ConfigError

__all__ = ["RedisTokenBucket", "bucket_key", "connect_redis"]

_KEY_PREFIX = "notion-reconciler:rate:"
_EXPIRY_MS = 3_600_000  # an idle bucket is forgotten after an hour

# Returns "<seconds to wait> <current rate>" as text: a Lua number would be truncated to an integer.
_SCRIPT = """
local key = KEYS[1]
local rps = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local decrease = tonumber(ARGV[3])
local floor = rps * tonumber(ARGV[4])
local recovery = tonumber(ARGV[5])
local mode = ARGV[6]
local retry_after = tonumber(ARGV[7])
local expiry = tonumber(ARGV[8])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', key, 'tat', 'rate', 'stamp')
local tat = tonumber(state[1]) or now
local rate = tonumber(state[2]) or rps
local stamp = tonumber(state[3]) or now
if rate < rps then
  local per_second = rps * 1000000000
  if recovery > 0 then per_second = rps / recovery end
  rate = math.min(rps, rate + math.max(0, now - stamp) * per_second)
end
if rate > rps then rate = rps end
local wait = 0
if mode == 'penalize' then
  rate = math.max(floor, rate * decrease)
  local interval = 1 / rate
  tat = math.max(tat, now + math.max(retry_after, interval) + (burst - 1) * interval)
else
  local interval = 1 / rate
  tat = math.max(tat, now)
  wait = math.max(0, tat - (burst - 1) * interval - now)
  tat = tat + interval
end
redis.call('HSET', key, 'tat', string.format('%.6f', tat), 'rate', string.format('%.9f', rate),
           'stamp', string.format('%.6f', now))
redis.call('PEXPIRE', key, expiry)
return string.format('%.6f %.9f', wait, rate)
"""


class _Script(Protocol):
    def __call__(self, keys: list[str], args: list[object]) -> object: ...


def bucket_key(base_url: str, token: Secret) -> str:
    """The Redis key of the bucket for this token at this API (a hash: the token stays here)."""
    digest = hashlib.sha256(f"{base_url}\0{token.reveal()}".encode()).hexdigest()
    return _KEY_PREFIX + digest[:32]


def _safe_url(url: str) -> str:
    """The Redis URL without its password, for error messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _redis_module() -> ModuleType:
    """The optional ``redis`` package, or a clear ConfigError saying how to install it."""
    try:
        import redis
    except ImportError:
        raise ConfigError(
            "rate_limit.redis_url is set but the Python package 'redis' is not installed",
            hint="pip install 'notion-reconciler[redis]', or remove rate_limit.redis_url",
        ) from None
    return redis


def connect_redis(url: str) -> object:
    """A Redis client for ``url`` (the connection opens on first use)."""
    redis = _redis_module()
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


class RedisTokenBucket:
    """A ``RateLimiter`` whose bucket lives in Redis, shared by every process of one token."""

    def __init__(
        self,
        client: object,
        key: str,
        rps: float,
        burst: int,
        *,
        sleep: Callable[[float], None] = time.sleep,
        decrease: float = 0.5,
        floor: float = 0.1,
        recovery_seconds: float = 30.0,
        url_for_errors: str = "redis",
    ) -> None:
        if rps <= 0 or burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")
        register = getattr(client, "register_script", None)
        if register is None:
            raise TypeError("the Redis client has no register_script method")
        self._script = cast(_Script, register(_SCRIPT))
        self._redis_error: type[Exception] = _redis_module().RedisError
        self._key = key
        self._params: list[object] = [rps, burst, decrease, floor, recovery_seconds]
        self._sleep = sleep
        self._where = _safe_url(url_for_errors)
        self._last_rate = rps

    @classmethod
    def from_url(
        cls, url: str, base_url: str, token: Secret, rps: float, burst: int
    ) -> RedisTokenBucket:
        """The shared bucket of ``token`` at ``base_url`` in the Redis at ``url``."""
        return cls(connect_redis(url), bucket_key(base_url, token), rps, burst, url_for_errors=url)

    def _run(self, mode: str, retry_after: float) -> tuple[float, float]:
        args = [*self._params, mode, retry_after, _EXPIRY_MS]
        try:
            reply = self._script(keys=[self._key], args=args)
        except self._redis_error as exc:
            raise ConfigError(
                f"the shared rate limiter's Redis at {self._where} failed: {type(exc).__name__}",
                hint="check that Redis is running and rate_limit.redis_url is right,"
                " or remove rate_limit.redis_url to limit this process alone",
            ) from None
        text = reply.decode() if isinstance(reply, bytes) else str(reply)
        wait, rate = text.split()
        self._last_rate = float(rate)
        return float(wait), float(rate)

    @property
    def rate(self) -> float:
        """The shared rate as of this process's last request."""
        return self._last_rate

    def acquire(self) -> float:
        wait, _rate = self._run("acquire", 0.0)
        if wait > 0:
            self._sleep(wait)
        return wait

    def done(self, *, answered: bool) -> None:
        """Nothing to account: other processes' requests are in flight unseen, so the shared
        bucket always keeps the headroom."""

    def penalize(self, retry_after: float | None) -> None:
        self._run("penalize", retry_after or 0.0)
