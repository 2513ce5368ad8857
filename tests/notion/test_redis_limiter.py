"""The Redis-shared rate limiter, against a real redis-server this module starts on loopback."""

from __future__ import annotations

import sys

import pytest

from reconciler.config import Secret
from reconciler.errors import ConfigError
from reconciler.notion.redis_limiter import RedisTokenBucket, bucket_key, connect_redis
from tests.notion.conftest import free_port

pytestmark = pytest.mark.redis

TOKEN = Secret("ntn_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d")
BASE_URL = "https://api.notion.com"


@pytest.fixture
def fresh_key(redis_url: str, request: pytest.FixtureRequest) -> str:
    key = bucket_key(BASE_URL, Secret(f"ntn_{request.node.name}"))
    client = connect_redis(redis_url)
    client.delete(key)  # type: ignore[attr-defined]
    return key


def test_a_429_seen_by_one_process_holds_back_the_others(redis_url: str, fresh_key: str) -> None:
    """After one bucket is penalized with Retry-After 0.5 s, another bucket on the key waits."""
    first = RedisTokenBucket(connect_redis(redis_url), fresh_key, 10.0, 1, sleep=lambda _s: None)
    second = RedisTokenBucket(connect_redis(redis_url), fresh_key, 10.0, 1, sleep=lambda _s: None)
    first.acquire()
    first.penalize(0.5)
    wait = second.acquire()
    assert 0.45 <= wait <= 0.55
    assert second.rate == pytest.approx(5.0, rel=0.05)


def test_redis_holds_a_hash_of_the_token_never_the_token(redis_url: str) -> None:
    """Every key and value written to Redis is free of the token."""
    client = connect_redis(redis_url)
    bucket = RedisTokenBucket.from_url(redis_url, BASE_URL, TOKEN, 5.0, 2)
    bucket.acquire()
    stored = []
    for key in client.scan_iter():  # type: ignore[attr-defined]
        stored.append(key.decode())
        stored.extend(v.decode() for v in client.hgetall(key).values())  # type: ignore[attr-defined]
    assert bucket_key(BASE_URL, TOKEN) in stored
    assert [s for s in stored if "9a8b7c6d" in s] == []


def test_an_unreachable_redis_is_a_clear_error_without_its_password() -> None:
    """Redis down: a ConfigError naming host and port, hiding the URL's password."""
    url = f"redis://:hunter2pass@127.0.0.1:{free_port()}/0"
    bucket = RedisTokenBucket.from_url(url, BASE_URL, TOKEN, 3.0, 5)
    with pytest.raises(ConfigError) as caught:
        bucket.acquire()
    assert "127.0.0.1" in str(caught.value)
    assert "hunter2pass" not in str(caught.value)


def test_a_missing_redis_package_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the optional package, the error names the extra to install."""
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(ConfigError) as caught:
        connect_redis("redis://127.0.0.1:6379/0")
    assert "notion-reconciler[redis]" in str(caught.value)
