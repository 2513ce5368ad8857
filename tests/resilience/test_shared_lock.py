"""Two applies from two checkouts of one repository: with `lock:` in reconciler.yaml they take
one Redis lock and never interleave (issue 14, item 7).

Each checkout has its own state folder, so the lock file keeps neither from the other: only the
lease in Redis does. A real redis-server on a free loopback port, started by the test; two real
CLI processes against the emulator over TCP, each with its own token of the same integration so
that the recording wrapper tells their requests apart. The only request an apply sends before
it holds the lock is ``GET /v1/users/me`` (which workspace: the lease is the workspace's).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reconciler.emulator import EmulatorServer
from tests.conftest import TOKEN
from tests.notion.conftest import redis_url  # noqa: F401 - the fixture
from tests.resilience.cli import finish, start
from tests.resilience.test_concurrent_applies import (
    APPLY,
    SECOND,
    Call,
    Recorded,
    assert_not_interleaved,
    ended,
    holding_the_lock,
    recorded,  # noqa: F401 - the fixture
)
from tests.resilience.workspace import ResilienceWorkspace

pytestmark = [pytest.mark.resilience, pytest.mark.redis]

WHO = "GET /v1/users/me"


def _locked_checkouts(resilient: ResilienceWorkspace, url: str) -> tuple[Path, Path]:
    """The repository and a second checkout of it, both locking in the Redis at ``url`` and
    applying at 15 requests/s (a few seconds each)."""
    resilient.write_manifests(rps=15)
    config = resilient.root / "reconciler.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"lock: {url}\n", encoding="utf-8")
    other = resilient.root.parent / f"{resilient.root.name}-other-checkout"
    shutil.copytree(resilient.root / "manifests", other / "manifests")
    shutil.copy(config, other / "reconciler.yaml")
    return resilient.root, other


def _after_the_lock(calls: list[Call]) -> list[Call]:
    return [call for call in calls if f"{call.method} {call.path}" != WHO]


def test_a_second_checkout_refuses_naming_the_first(
    resilient: ResilienceWorkspace,
    recorded: tuple[Recorded, EmulatorServer],  # noqa: F811
    redis_url: str,  # noqa: F811
) -> None:
    """--lock-wait 0 in the other checkout: exit 1 naming the holder (its pid), and no request
    but the question of the workspace."""
    app, server = recorded
    one, other = _locked_checkouts(resilient, redis_url)
    app.hold_writes(TOKEN)
    first = start(one, server.url, *APPLY)
    holding_the_lock(first)
    second = start(other, server.url, *APPLY, "--lock-wait", "0", token=SECOND)
    refused = ended(second)
    app.release()
    applied = ended(first)
    assert (applied.exit_code, refused.exit_code) == (0, 1), refused.stderr
    assert "another apply to this workspace holds its lock in Redis" in refused.stderr
    assert f"pid {first.pid} on " in refused.stderr
    assert _after_the_lock(app.of(SECOND)) == []


def test_a_second_checkout_waits_then_finds_nothing_to_do(
    resilient: ResilienceWorkspace,
    recorded: tuple[Recorded, EmulatorServer],  # noqa: F811
    redis_url: str,  # noqa: F811
) -> None:
    """--lock-wait 120 in the other checkout: it reads only after the first apply ended (and
    released the lease), and then has nothing to do."""
    app, server = recorded
    one, other = _locked_checkouts(resilient, redis_url)
    first = start(one, server.url, *APPLY)
    holding_the_lock(first)
    second = start(other, server.url, *APPLY, "--lock-wait", "120", token=SECOND)
    applied, waited = ended(first), ended(second)
    assert (applied.exit_code, waited.exit_code) == (0, 0), waited.stderr[-2000:]
    assert "Nothing to apply." in waited.stdout
    assert_not_interleaved(app.of(TOKEN), _after_the_lock(app.of(SECOND)))


def test_without_a_lock_two_checkouts_do_not_wait_for_each_other(
    resilient: ResilienceWorkspace,
    recorded: tuple[Recorded, EmulatorServer],  # noqa: F811
) -> None:
    """What the README says of one checkout's lock file: another checkout does not see it, so
    only `lock:` (or the workflows' concurrency group) serialises applies across checkouts."""
    app, server = recorded
    resilient.write_manifests(rps=15)
    other = resilient.root.parent / f"{resilient.root.name}-other-checkout"
    shutil.copytree(resilient.root / "manifests", other / "manifests")
    shutil.copy(resilient.root / "reconciler.yaml", other / "reconciler.yaml")
    app.hold_writes(TOKEN)
    first = start(resilient.root, server.url, *APPLY)
    holding_the_lock(first)
    planned = finish(other, server.url, "apply", "--lock-wait", "0", token=SECOND)
    app.release()
    ended(first)
    assert "another apply" not in planned.stderr
    assert "Read " in planned.stderr  # it read the workspace while the first apply held its lock


def test_an_apply_holding_the_lease_asks_which_workspace_once(
    resilient: ResilienceWorkspace,
    recorded: tuple[Recorded, EmulatorServer],  # noqa: F811
    redis_url: str,  # noqa: F811
) -> None:
    """The lease is taken before the plan's read, which keeps the session's answer rather than
    asking ``GET /v1/users/me`` a second time."""
    app, server = recorded
    one, _ = _locked_checkouts(resilient, redis_url)
    applied = finish(one, server.url, *APPLY)
    assert applied.exit_code == 0, applied.stderr[-2000:]
    asked = [call for call in app.of(TOKEN) if f"{call.method} {call.path}" == WHO]
    assert len(asked) == 1
