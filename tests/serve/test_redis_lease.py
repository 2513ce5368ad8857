"""The Redis lease: one holder, renewal, fencing tokens, takeover after expiry, safe release."""

from __future__ import annotations

import time

import pytest

from reconciler.apply.records.redis_lease import RedisLease
from reconciler.errors import LockError
from reconciler.notion.redis_limiter import connect_redis
from tests.notion.conftest import free_port, redis_url  # noqa: F401 - the fixture

pytestmark = pytest.mark.redis


@pytest.fixture
def name(request: pytest.FixtureRequest) -> str:
    return f"lease-{request.node.name}"


def lease(url: str, name: str, holder: str, ttl: float = 5.0) -> RedisLease:
    return RedisLease(connect_redis(url), name, holder=holder, ttl_seconds=ttl)


def test_one_holder_at_a_time(redis_url: str, name: str) -> None:  # noqa: F811
    """The first acquire gets a fencing token; a second holder gets nothing while it holds."""
    first, second = lease(redis_url, name, "a"), lease(redis_url, name, "b")
    assert first.acquire() is not None
    assert second.acquire() is None
    assert (first.check(), second.check()) == (True, False)


def test_acquiring_again_keeps_the_grant_and_its_token(redis_url: str, name: str) -> None:  # noqa: F811
    """The holder acquiring again renews its own grant: same fencing token."""
    holder = lease(redis_url, name, "a")
    token = holder.acquire()
    assert holder.acquire() == token
    assert holder.renew() is True


def test_after_expiry_another_takes_over_with_a_larger_token_and_the_old_grant_is_fenced(
    redis_url: str,  # noqa: F811
    name: str,
) -> None:
    """A holder that stops renewing loses the lease; the new holder's token is larger, and the
    old holder's fencing check and renewal both fail (it must not write)."""
    old, new = lease(redis_url, name, "old", ttl=0.3), lease(redis_url, name, "new", ttl=5)
    old_token = old.acquire()
    time.sleep(0.5)
    new_token = new.acquire()
    assert old_token is not None
    assert new_token is not None
    assert new_token > old_token
    assert old.check() is False
    assert old.renew() is False
    assert new.check() is True


def test_the_fencing_check_wants_a_margin_of_the_lease_left(redis_url: str, name: str) -> None:  # noqa: F811
    """With less than the margin left the check refuses, though the grant still holds."""
    holder = lease(redis_url, name, "a", ttl=1.0)
    holder.acquire()
    assert holder.check(margin_seconds=0.5) is True
    assert holder.check(margin_seconds=2.0) is False


def test_release_frees_the_lease_and_never_deletes_another_grant(redis_url: str, name: str) -> None:  # noqa: F811
    """Release lets the next holder in; a released (or expired) holder cannot delete the next
    holder's grant."""
    first, second = lease(redis_url, name, "a"), lease(redis_url, name, "b")
    first.acquire()
    first.release()
    assert second.acquire() is not None
    first.release()
    assert second.check() is True


def test_an_unreachable_redis_is_a_lock_error_without_the_password() -> None:
    """Redis down: LockError naming host and port, never the URL's password."""
    url = f"redis://:hunter2pass@127.0.0.1:{free_port()}/0"
    with pytest.raises(LockError) as caught:
        RedisLease.from_url(url, "x", ttl_seconds=1).acquire()
    assert "127.0.0.1" in str(caught.value)
    assert "hunter2pass" not in str(caught.value)
