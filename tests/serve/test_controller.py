"""The controller's cycles against the emulator: convergence, events, gates, manifests, breaker."""

from __future__ import annotations

import json
from pathlib import Path

from reconciler.emulator import Emulator
from reconciler.model import DesiredState, LiveState
from tests.serve.conftest import (
    Rig,
    manifest,
    page_event,
    status_of,
    write_repository,
)

UNMANAGED_PAGE = "7c4b1f2e-9a3d-4e5f-8a6b-0c1d2e3f4a5b"


def test_the_first_cycle_creates_the_managed_database_and_is_ready(rig: Rig) -> None:
    """After one cycle with --auto-apply safe the rows exist and /readyz answers 200."""
    tasks = rig.tasks()
    assert sorted(tasks.pages) == ["ship-it", "tell-people", "write-docs"]
    assert rig.http.get("/readyz").status_code == 200
    assert rig.status()["databases"]["tasks"]["status"] == "in_sync"


def test_before_any_cycle_readyz_says_the_first_cycle_has_not_finished(
    emulator: Emulator, repo: Path
) -> None:
    """A controller that has not finished a cycle is not ready, and says why."""
    fresh = Rig(emulator, repo)
    try:
        answer = fresh.http.get("/readyz")
        assert answer.status_code == 503
        assert "the first cycle has not finished" in answer.text
    finally:
        fresh.close()


def test_a_hand_edit_announced_by_an_event_is_reverted_with_a_few_requests(rig: Rig) -> None:
    """An edited row, named by a signed page.properties_updated event, is put back with no query
    of the database: four requests, the re-read of the page, the stale check, the write and the
    read-back into the snapshot (the undo plan takes the row from the write's answer)."""
    tasks = rig.tasks()
    page = tasks.pages["write-docs"]
    rig.notion.pages.update(page["id"], properties={"Status": {"select": {"name": "Done"}}})
    rig.mark()
    answer = rig.deliver(
        page_event(
            "page.properties_updated",
            page["id"],
            database_id=tasks.database_id,
            data_source_id=tasks.data_source_id,
        )
    )
    assert answer.status_code == 200
    rig.cycle()
    made = [f"{r['method']} {r['path']}" for r in rig.requests()]
    assert status_of(rig.tasks().pages["write-docs"]) == "Todo"
    assert [m for m in made if "query" in m] == []
    assert len(made) <= 4
    assert made.count(f"PATCH /v1/pages/{page['id']}") == 1


def test_an_event_that_arrives_during_the_first_read_is_not_lost_as_unmanaged(
    emulator: Emulator, repo: Path
) -> None:
    """A controller knows no database until its first read ends. A row edited after that read
    (the event arriving while the cycle still runs) is held, placed in the catalogue the cycle
    makes, and the next cycle re-reads the row and reverts it."""
    creator = Rig(emulator, repo)
    creator.cycle()
    creator.close()
    fresh = Rig(emulator, repo)
    tasks = fresh.tasks()
    page = tasks.pages["ship-it"]
    read_all = fresh.service._engine.read_all

    def read_then_edit(desired: DesiredState) -> LiveState:
        live = read_all(desired)
        fresh.notion.pages.update(page["id"], properties={"Status": {"select": {"name": "Todo"}}})
        fresh.deliver(
            page_event(
                "page.properties_updated",
                page["id"],
                database_id=tasks.database_id,
                data_source_id=tasks.data_source_id,
            )
        )
        return live

    fresh.service._engine.read_all = read_then_edit  # type: ignore[method-assign]
    try:
        fresh.cycle()
        assert status_of(fresh.tasks().pages["ship-it"]) == "Todo"
        fresh.service._engine.read_all = read_all  # type: ignore[method-assign]
        fresh.cycle()
        assert status_of(fresh.tasks().pages["ship-it"]) == "Done"
    finally:
        fresh.close()


def test_an_event_about_an_unmanaged_page_costs_no_request(rig: Rig) -> None:
    """A signed event for a page outside the managed databases is acknowledged and ignored."""
    rig.mark()
    answer = rig.deliver(page_event("page.properties_updated", UNMANAGED_PAGE))
    rig.cycle()
    assert answer.status_code == 200
    assert rig.requests() == []
    assert rig.metric("reconciler_webhook_events_total", outcome="unmanaged") == 1


def test_a_lossy_drift_is_reported_and_not_applied(rig: Rig) -> None:
    """A value set by hand in a property the manifest leaves empty would be cleared (lossy): it
    stays, /status says blocked with one lossy change, and the metric counts it."""
    page = rig.tasks().pages["ship-it"]
    notes = {"Notes": {"rich_text": [{"type": "text", "text": {"content": "keep me"}}]}}
    rig.notion.pages.update(page["id"], properties=notes)
    rig.deliver(page_event("page.properties_updated", page["id"]))
    rig.cycle()
    after = rig.tasks().pages["ship-it"]["properties"]["Notes"]["rich_text"]
    assert [run["plain_text"] for run in after] == ["keep me"]
    database = rig.status()["databases"]["tasks"]
    assert (database["status"], database["pending"]) == ("blocked", {"lossy": 1})
    assert rig.metric("reconciler_pending_changes", database="tasks", change_class="lossy") == 1
    assert rig.metric("reconciler_database_status", database="tasks", status="blocked") == 1


def test_with_auto_apply_none_drift_is_reported_and_not_applied(
    emulator: Emulator, repo: Path
) -> None:
    """--auto-apply none plans and reports: nothing is created, and the database is drifted with
    four safe changes (the database and its three rows)."""
    watcher = Rig(emulator, repo, auto_apply="none")
    try:
        watcher.cycle()
        assert watcher.status()["databases"]["tasks"]["status"] == "drifted"
        assert watcher.status()["databases"]["tasks"]["pending"] == {"safe": 4}
    finally:
        watcher.close()


def test_invalid_manifests_keep_the_last_good_state_and_fail_readiness(rig: Rig) -> None:
    """A broken manifest: the last good manifests stay in force (a hand edit is still reverted)
    and /readyz fails naming the file."""
    (rig.repo / "manifests" / "tasks.yaml").write_text("database: [unclosed\n", encoding="utf-8")
    page = rig.tasks().pages["tell-people"]
    rig.notion.pages.update(page["id"], properties={"Status": {"select": {"name": "Done"}}})
    rig.deliver(page_event("page.properties_updated", page["id"]))
    rig.cycle()
    assert status_of(rig.tasks().pages["tell-people"]) == "Todo"
    answer = rig.http.get("/readyz")
    assert answer.status_code == 503
    assert "the manifests are invalid" in answer.text
    assert "tasks.yaml" in answer.text
    assert rig.metric("reconciler_manifests_valid") == 0


def test_fixed_manifests_are_taken_up_and_make_it_ready_again(rig: Rig) -> None:
    """After a broken manifest is fixed (with a new row), the next cycle reads in full and
    creates the row; /readyz answers 200 again."""
    path = rig.repo / "manifests" / "tasks.yaml"
    path.write_text("database: [unclosed\n", encoding="utf-8")
    rig.cycle()
    path.write_text(manifest([*_rows(), {"Name": "celebrate", "Status": "Todo"}]), "utf-8")
    rig.cycle()
    assert "celebrate" in rig.tasks().pages
    assert rig.http.get("/readyz").status_code == 200


def test_a_replica_that_does_not_lead_plans_but_never_writes(
    emulator: Emulator, repo: Path
) -> None:
    """Without leadership the cycle reports the drift and sends no write."""
    follower = Rig(emulator, repo)
    follower.service.controller._leadership = _Follower()
    try:
        follower.mark()
        follower.cycle()
        assert follower.writes() == []
        assert follower.status()["databases"]["tasks"]["status"] == "drifted"
    finally:
        follower.close()


def test_a_write_refused_by_the_fencing_check_is_never_sent(
    emulator: Emulator, tmp_path: Path
) -> None:
    """When the fencing check refuses (the lease was lost), the change fails unsent."""
    repo = write_repository(tmp_path / "fenced")
    fenced = Rig(emulator, repo)
    fenced.service._engine._before_write = _refuse
    try:
        fenced.mark()
        fenced.cycle()
        assert fenced.writes() == []
        failed = {"database": "tasks", "change_class": "safe", "outcome": "failed"}
        assert fenced.metric("reconciler_applied_changes_total", **failed) == 1
    finally:
        fenced.close()


def test_notion_failing_opens_the_breaker_and_a_probe_closes_it(
    emulator: Emulator, repo: Path
) -> None:
    """503s past the retries open the breaker after three cycles (readiness says so); once
    Notion answers, the probe closes it."""
    from reconciler.notion.retry import RetryPolicy

    quick = RetryPolicy(max_attempts=2, initial_delay=0.001, max_delay=0.001, jitter=0.0)
    failing = Rig(emulator, repo, retry=quick)
    fault = {"method": "GET", "path": ".*", "status": 503, "code": "service_unavailable"}
    emulator.configure({"faults": [{**fault, "probability": 1.0}]})
    try:
        for _ in range(3):
            failing.cycle()
        assert failing.status()["circuit_breaker"]["state"] == "open"
        assert "circuit breaker is open" in failing.http.get("/readyz").text
        assert failing.metric("reconciler_circuit_breaker_open") == 1
        emulator.configure({"faults": []})
        assert failing.service.controller._probe() is True
        assert failing.status()["circuit_breaker"]["state"] == "closed"
    finally:
        failing.close()


def test_a_refused_token_makes_the_controller_not_ready(emulator: Emulator, repo: Path) -> None:
    """401 from Notion: /readyz names the token and the failed cycle; the breaker stays closed
    (Notion answered)."""
    refused = Rig(emulator, repo, token="secret_revoked_token_0123456789")
    try:
        refused.cycle()
        answer = refused.http.get("/readyz")
        assert answer.status_code == 503
        assert "the Notion token has not been accepted yet" in answer.text
        assert "the last cycle failed" in answer.text
        assert refused.status()["circuit_breaker"]["state"] == "closed"
    finally:
        refused.close()


class _Follower:
    def is_leader(self) -> bool:
        return False

    def fence(self) -> None:
        raise AssertionError("a follower never reaches a write")

    def start(self) -> None: ...

    def close(self) -> None: ...


def _refuse() -> None:
    from reconciler.errors import LockError

    raise LockError("not sent: this replica is no longer the leader")


def _rows() -> list[dict[str, str]]:
    from tests.serve.conftest import ROWS

    return [dict(row) for row in ROWS]


def test_a_later_handshake_never_replaces_the_token_kept_from_an_earlier_one(rig: Rig) -> None:
    """Handshakes are unsigned by nature: a second one (anyone's) is added as a line of its own
    beside the first, with the time it came, so the operator's token is never overwritten."""
    for token in ("secret_first_from_notion", "secret_second_from_anyone"):
        body = json.dumps({"verification_token": token}).encode()
        assert rig.deliver(body, {"Content-Type": "application/json"}).status_code == 200
    kept = (rig.repo / ".reconciler" / "webhook-verification-token").read_text(encoding="utf-8")
    lines = [line.split() for line in kept.splitlines()]
    assert [tokens[1:] for tokens in lines] == [
        ["secret_first_from_notion"],
        ["secret_second_from_anyone"],
    ]
    assert all(tokens[0].endswith("Z") for tokens in lines)
