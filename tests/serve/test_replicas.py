"""Two ``reconciler serve`` replicas sharing a real redis-server: one leader, takeover, no
double write."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.emulator import Emulator, EmulatorServer
from tests.conftest import tcp_client
from tests.notion.conftest import redis_url  # noqa: F401 - the fixture
from tests.serve.conftest import page_event, read_tasks, status_of
from tests.serve.process import ServeProcess, poll

pytestmark = [pytest.mark.redis, pytest.mark.resilience]


def _leaders(replicas: list[ServeProcess]) -> list[ServeProcess]:
    return [r for r in replicas if r.process.poll() is None and r.status()["leader"]]


def _patches(emulator: Emulator, page_id: str, since: int) -> int:
    return sum(
        1
        for r in emulator.requests()[since:]
        if r["method"] == "PATCH" and r["path"] == f"/v1/pages/{page_id}"
    )


def _edit_and_announce(
    emulator: Emulator, url: str, receiver: ServeProcess, key: str
) -> tuple[str, int]:
    """Edit one row by hand and deliver the signed event to ``receiver`` only, as a Service in
    front of the replicas would; wait until the row is put back. (page id, request mark)"""
    notion = tcp_client(url)
    tasks = read_tasks(notion)
    page = tasks.pages[key]
    notion.pages.update(page["id"], properties={"Status": {"select": {"name": "Done"}}})
    mark = len(emulator.requests())
    body = page_event(
        "page.properties_updated",
        page["id"],
        database_id=tasks.database_id,
        data_source_id=tasks.data_source_id,
    )
    assert receiver.deliver(body).status_code == 200
    poll(lambda: status_of(notion.pages.retrieve(page["id"])) == "Todo", f"{key} reverted")
    return page["id"], mark


def test_two_replicas_elect_one_leader_take_over_and_never_write_twice(
    emulator: Emulator,
    emulator_server: EmulatorServer,
    repo: Path,
    redis_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Both serve and report; exactly one leads and creates each row once; an event delivered
    to the follower reaches the leader (through Redis), whose one PATCH reverts the edit; when
    the leader is killed the other takes over within the lease and reverts the next edit, again
    with one PATCH."""
    options = ("--auto-apply", "safe", "--interval", "0.5", "--lock-url", redis_url)
    lease = ("--lease-seconds", "2")
    replicas = [
        ServeProcess(repo, emulator_server.url, *options, *lease, state_dir=tmp_path / f"s{n}")
        for n in (1, 2)
    ]
    try:
        for replica in replicas:
            poll(replica.ready, "both replicas to be ready")
        (leader,) = poll(
            lambda: _leaders(replicas) if len(_leaders(replicas)) == 1 else None, "one leader"
        )
        follower = next(r for r in replicas if r is not leader)
        creates = [
            r for r in emulator.requests() if r["method"] == "POST" and r["path"] == "/v1/pages"
        ]
        assert len(creates) == 3
        page_id, mark = _edit_and_announce(emulator, emulator_server.url, follower, "write-docs")
        assert _patches(emulator, page_id, mark) == 1
        leader.kill()
        poll(lambda: follower.status()["leader"], "the follower to take over", deadline=30)
        page_id, mark = _edit_and_announce(emulator, emulator_server.url, follower, "tell-people")
        assert _patches(emulator, page_id, mark) == 1
        assert "reconciler_leader 1.0" in follower.http.get("/metrics").text
    finally:
        for replica in replicas:
            replica.close()
