"""A lease in Redis: one holder at a time, renewed while held, with a fencing token.

The controller's replicas elect their leader with it (``reconciler.serve.leadership``), and the
cross-machine apply lock (``shared_lock``) takes it as it is. A lease is one Redis key whose
value names the holder and its *fencing token*, a number from ``INCR`` on a companion key that
grows with every grant, so an old grant can never be mistaken for a newer one:

- ``acquire()``: ``SET key NX PX ttl`` and ``INCR`` in one Lua script; the new token, or None
  while someone else holds the lease (a holder that still holds it keeps its grant, renewed);
- ``renew()``: extends the lease only while the key still holds this grant;
- ``check(margin)``: whether this grant still holds with at least ``margin`` seconds left, the
  fencing check made right before each write. A holder paused past its lease (a long GC, a
  stopped VM) finds another grant there and does not write. The margin covers the write that
  follows the check: a lease longer than a write's timeout keeps the two from overlapping,
  since Notion itself cannot refuse a stale token;
- ``release()``: deletes the key only while it holds this grant;
- ``held_by()``: who holds it now, for the message of one who waited in vain.

Every script compares the whole value (holder and token) and runs atomically in Redis on
Redis's clock, so the holders' clocks do not matter. The Redis client is passed in (anything
with ``register_script``; ``RedisLease.from_url`` connects with the optional ``redis`` package).
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Callable
from typing import Protocol, cast

from reconciler.errors import ConfigError, LockError
from reconciler.notion.redis_limiter import connect_redis

__all__ = ["RedisLease", "holder_name"]

_KEY_PREFIX = "notion-reconciler:lease:"

_ACQUIRE = """
local current = redis.call('GET', KEYS[1])
if current then
  local holder = string.match(current, '^(.*) %d+$')
  if holder == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return tonumber(string.match(current, ' (%d+)$'))
  end
  return false
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. token, 'PX', ARGV[2])
return token
"""

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

_REMAINING = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PTTL', KEYS[1])
end
return -1
"""

_HOLDER = """
return redis.call('GET', KEYS[1])
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class _Script(Protocol):
    def __call__(self, keys: list[str], args: list[object]) -> object: ...


def _redis_error() -> type[Exception]:
    """The ``redis`` package's base error (the package is an optional extra)."""
    try:
        from redis.exceptions import RedisError
    except ImportError:
        raise ConfigError(
            "a Redis lease needs the Python package 'redis', which is not installed",
            hint="pip install 'notion-reconciler[redis]'",
        ) from None
    error: type[Exception] = RedisError
    return error


def holder_name() -> str:
    """A name for this process that no other holder shares: host, process id and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class RedisLease:
    """One named lease in Redis, held by ``holder`` (see the module docstring)."""

    def __init__(
        self,
        client: object,
        name: str,
        *,
        holder: str | None = None,
        ttl_seconds: float = 30.0,
        where: str = "redis",
    ) -> None:
        if ttl_seconds <= 0:
            raise ValueError("a lease needs a positive time to live")
        register = getattr(client, "register_script", None)
        if register is None:
            raise TypeError("the Redis client has no register_script method")
        scripts: Callable[[str], object] = register
        self._acquire = cast(_Script, scripts(_ACQUIRE))
        self._renew = cast(_Script, scripts(_RENEW))
        self._remaining = cast(_Script, scripts(_REMAINING))
        self._release = cast(_Script, scripts(_RELEASE))
        self._holder = cast(_Script, scripts(_HOLDER))
        self.key = _KEY_PREFIX + name
        self.holder = holder or holder_name()
        self.ttl_seconds = ttl_seconds
        self._where = where
        self._redis_error = _redis_error()
        self._token: int | None = None

    @classmethod
    def from_url(
        cls, url: str, name: str, *, holder: str | None = None, ttl_seconds: float = 30.0
    ) -> RedisLease:
        """The lease ``name`` in the Redis at ``url`` (connects on first use)."""
        host = url.rsplit("@", 1)[-1]  # never the password in messages
        return cls(connect_redis(url), name, holder=holder, ttl_seconds=ttl_seconds, where=host)

    @property
    def token(self) -> int | None:
        """The fencing token of this holder's grant (None: not granted)."""
        return self._token

    @property
    def _value(self) -> str:
        return f"{self.holder} {self._token}"

    def _ttl_ms(self) -> int:
        return max(1, round(self.ttl_seconds * 1000))

    def _run(self, script: _Script, args: list[object]) -> object:
        try:
            return script(keys=[self.key, self.key + ":fence"], args=args)
        except self._redis_error as exc:
            raise LockError(
                f"the lease {self.key!r} in Redis at {self._where} cannot be reached"
                f" ({type(exc).__name__})",
                hint="check that Redis is running and the lock URL is right",
            ) from None

    def acquire(self) -> int | None:
        """Take the lease (or keep it, renewed); the fencing token, or None if another holds it."""
        reply = self._run(self._acquire, [self.holder, self._ttl_ms()])
        if reply is None or reply is False:
            self._token = None
            return None
        self._token = int(cast("int", reply))
        return self._token

    def renew(self) -> bool:
        """Extend this grant by the lease's time to live; False when it no longer holds."""
        if self._token is None:
            return False
        held = bool(self._run(self._renew, [self._value, self._ttl_ms()]))
        if not held:
            self._token = None
        return held

    def check(self, margin_seconds: float = 0.0) -> bool:
        """Whether this grant still holds, with at least ``margin_seconds`` of it left."""
        if self._token is None:
            return False
        remaining = int(cast("int", self._run(self._remaining, [self._value])))
        return remaining >= 0 and remaining >= margin_seconds * 1000

    def held_by(self) -> str | None:
        """Who holds the lease now, as its holder named itself (None: nobody)."""
        value = self._run(self._holder, [])
        if value is None or value is False:
            return None
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        return text.rsplit(" ", 1)[0]

    def release(self) -> None:
        """Give the lease up if this grant still holds it (another's grant is left alone)."""
        if self._token is not None:
            self._run(self._release, [self._value])
            self._token = None
