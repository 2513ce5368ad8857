"""The Redis-shared rate limiter, against a real redis-server this module starts on loopback."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from reconciler.config import Secret
from reconciler.errors import ConfigError
from reconciler.notion.redis_limiter import RedisTokenBucket, bucket_key, connect_redis

pytestmark = pytest.mark.redis

TOKEN = Secret("ntn_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d")
BASE_URL = "https://api.notion.com"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def fresh_key(redis_url: str, request: pytest.FixtureRequest) -> str:
    key = bucket_key(BASE_URL, Secret(f"ntn_{request.node.name}"))
    client = connect_redis(redis_url)
    client.delete(key)  # type: ignore[attr-defined]
    return key


# Each process acquires `count` slots from the shared bucket and prints when it got each one.
ACQUIRER = """
import json, sys, time
from reconciler.notion.redis_limiter import RedisTokenBucket, connect_redis
url, key, rps, burst, count = sys.argv[1:6]
bucket = RedisTokenBucket(connect_redis(url), key, float(rps), int(burst))
stamps = []
for _ in range(int(count)):
    bucket.acquire()
    stamps.append(time.time())
print(json.dumps(stamps))
"""


def test_two_processes_sharing_redis_stay_within_the_limit_together(
    redis_url: str, fresh_key: str
) -> None:
    """Two processes at 20/s each, sharing one bucket, get 20/s together (not 40/s)."""
    rps, burst, count = 20.0, 4, 40
    args = [redis_url, fresh_key, str(rps), str(burst), str(count)]
    processes = [
        subprocess.Popen([sys.executable, "-c", ACQUIRER, *args], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    stamps = sorted(s for p in processes for s in json.loads(p.communicate(timeout=60)[0]))
    # Past the burst, slots are 1/rps apart: 80 slots need at least (80 - burst) / rps seconds.
    achieved = (len(stamps) - burst) / (stamps[-1] - stamps[0])
    assert len(stamps) == 2 * count
    assert achieved <= rps * 1.05


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
