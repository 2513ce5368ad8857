"""``reconciler serve`` over TCP, subscribed to the emulator's own webhooks: no hand-signed event.

The emulator sends what Notion sends (the verification handshake, then a signed event for every
change made through its API), so these tests make their changes as a person's client would, with
notion_client, and watch the controller react. The controller runs with ``--interval 3600``: no
timer tick falls within a test, so a cycle that runs was woken by an event. What the controller
spent is read from its own ``cycle`` log events (each carries the requests it sent), the
emulator's log shows the order of the requests, and every wait polls with a generous deadline.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import ROOT_PAGE_ID, Emulator, EmulatorServer
from tests.conftest import TOKEN, tcp_client
from tests.serve.conftest import read_tasks, status_of
from tests.serve.process import ServeProcess, poll

pytestmark = pytest.mark.resilience

VERIFICATION_TOKEN = "secret_emulator_subscription_7Hq2Lx9Vb4Nw"
EVENT_DRIVEN = ("--auto-apply", "safe", "--interval", "3600", "--full-every", "3600")


def start_subscribed(
    emulator: Emulator, url: str, repo: Path, *, webhook_token: str
) -> ServeProcess:
    """The controller, ready (its first cycle created the rows), then the emulator's webhooks
    pointed at it with VERIFICATION_TOKEN, once its handshake has arrived."""
    serving = ServeProcess(repo, url, *EVENT_DRIVEN, webhook_token=webhook_token)
    try:
        poll(serving.ready, "/readyz to answer 200")
        target = {"url": f"{serving.url}/webhooks/notion", "verification_token": VERIFICATION_TOKEN}
        emulator.configure({"webhooks": [target]})
        poll(
            lambda: serving.metric("reconciler_webhook_events_total", outcome="verification"),
            "the handshake",
        )
    except BaseException:
        serving.close()
        raise
    return serving


@pytest.fixture
def serving(
    emulator: Emulator, emulator_server: EmulatorServer, repo: Path
) -> Iterator[ServeProcess]:
    """The controller with NOTION_WEBHOOK_TOKEN set to the subscription's verification token."""
    process = start_subscribed(
        emulator, emulator_server.url, repo, webhook_token=VERIFICATION_TOKEN
    )
    try:
        yield process
    finally:
        process.close()


@pytest.fixture
def notion(emulator_server: EmulatorServer) -> Any:
    """A person's client: notion_client over TCP (its changes make the emulator send events)."""
    return tcp_client(emulator_server.url)


def cycles_since(serving: ServeProcess, count: int) -> list[dict[str, Any]]:
    """The controller's cycle log events after the first ``count``."""
    return serving.events("cycle")[count:]


def sent_since(emulator: Emulator, mark: int) -> list[str]:
    """Every request the emulator answered since ``mark``, as ``METHOD path``."""
    return [f"{r['method']} {r['path']}" for r in emulator.requests()[mark:]]


def test_the_handshake_reaches_serve_and_the_token_is_kept_in_the_state_folder(
    serving: ServeProcess, emulator: Emulator, repo: Path
) -> None:
    """The emulator's verification request is answered 200 and its token written to
    .reconciler/webhook-verification-token (0600), as docs/controller.md says; neither it nor
    the Notion token appears in the controller's log, which names the file instead."""
    kept = repo / ".reconciler" / "webhook-verification-token"
    poll(kept.exists, "the token file")
    assert kept.read_text(encoding="utf-8").split()[1:] == [VERIFICATION_TOKEN]
    assert kept.stat().st_mode & 0o777 == 0o600
    poll(lambda: emulator.stats()["webhooks"]["delivered"] == 1, "the handshake to be delivered")
    assert serving.terminate() == 0
    log = "".join(serving.lines)
    assert VERIFICATION_TOKEN not in log
    assert TOKEN not in log
    (told,) = [line for line in serving.lines if "verification token received" in line]
    assert json.loads(told)["file"].endswith("webhook-verification-token")


def test_a_hand_edit_in_notion_is_reverted_through_the_emulators_event(
    serving: ServeProcess, emulator: Emulator, notion: Any
) -> None:
    """A row edited through notion_client is put back by the cycle its page.properties_updated
    event wakes: four requests and one write, no query. The write comes back as an event too,
    whose cycle re-reads the page once and writes nothing: five requests in all."""
    before = len(serving.events("cycle"))
    page = read_tasks(notion).pages["ship-it"]
    mark = len(emulator.requests())
    notion.pages.update(page["id"], properties={"Status": {"select": {"name": "Todo"}}})
    cycles = poll(
        lambda: _two_page_cycles(serving, before), "the reverting cycle and its own event's cycle"
    )
    reverting, echo = cycles
    assert (reverting["applied"], reverting["requests"]) == (1, 4)
    assert ("applied" not in echo, echo["requests"]) == (True, 1)
    assert sum(c["requests"] for c in cycles_since(serving, before)) == 5
    assert status_of(notion.pages.retrieve(page["id"])) == "Done"
    sent = sent_since(emulator, mark)
    assert sent.count(f"PATCH /v1/pages/{page['id']}") == 2  # the hand edit and the revert
    assert [request for request in sent if request.endswith("/query")] == []


def _two_page_cycles(serving: ServeProcess, before: int) -> list[dict[str, Any]] | None:
    pages = [c for c in cycles_since(serving, before) if c["read"] == "pages"]
    return pages if len(pages) >= 2 else None


def test_a_lossy_drift_is_reported_in_status_and_metrics_and_not_applied(
    serving: ServeProcess, emulator: Emulator, notion: Any
) -> None:
    """Notes written by hand in a row whose manifest leaves them empty would be cleared (lossy):
    the event's cycle reports the database blocked with one lossy change, in /status and in the
    metrics, and the value stays in Notion (the only write is the hand edit)."""
    page = read_tasks(notion).pages["write-docs"]
    mark = len(emulator.requests())
    notes = {"Notes": {"rich_text": [{"type": "text", "text": {"content": "keep me"}}]}}
    notion.pages.update(page["id"], properties=notes)
    database = poll(
        lambda: _blocked(serving.status()["databases"]["tasks"]), "the database to be blocked"
    )
    assert database["pending"] == {"lossy": 1}
    pending = {"database": "tasks", "change_class": "lossy"}
    assert serving.metric("reconciler_pending_changes", **pending) == 1
    assert serving.metric("reconciler_database_status", database="tasks", status="blocked") == 1
    kept = notion.pages.retrieve(page["id"])["properties"]["Notes"]["rich_text"]
    assert [run["plain_text"] for run in kept] == ["keep me"]
    writes = [r for r in sent_since(emulator, mark) if r.startswith(("PATCH", "POST /v1/pages"))]
    assert writes == [f"PATCH /v1/pages/{page['id']}"]


def _blocked(database: dict[str, Any]) -> dict[str, Any] | None:
    return database if database["status"] == "blocked" else None


def test_a_row_trashed_in_notion_is_retrieved_before_it_is_restored(
    serving: ServeProcess, emulator: Emulator, notion: Any
) -> None:
    """page.deleted names a row the manifest wants: the controller's first request after it is a
    GET of that page (a trashed page no longer shows in queries), and it restores that same page
    instead of creating another: no query, no new page, one live row with the key."""
    before = len(serving.events("cycle"))
    page = read_tasks(notion).pages["tell-people"]
    mark = len(emulator.requests())
    notion.pages.update(page["id"], in_trash=True)
    poll(lambda: _applying_cycle(serving, before), "the cycle that restores the row")
    sent = sent_since(emulator, mark)
    path = f"/v1/pages/{page['id']}"
    assert sent[:2] == [f"PATCH {path}", f"GET {path}"]
    assert sent.count(f"PATCH {path}") == 2  # the trashing and the restore
    assert [r for r in sent if r.endswith("/query") or r == "POST /v1/pages"] == []
    assert notion.pages.retrieve(page["id"])["in_trash"] is False
    assert read_tasks(notion).pages["tell-people"]["id"] == page["id"]


def _applying_cycle(serving: ServeProcess, before: int) -> dict[str, Any] | None:
    applied = [c for c in cycles_since(serving, before) if c.get("applied")]
    return applied[0] if applied else None


def test_events_about_an_unmanaged_page_cost_no_request(
    serving: ServeProcess, emulator: Emulator, notion: Any
) -> None:
    """A page created and edited under the root page, outside every managed database: its events
    are acknowledged and counted unmanaged, wake no cycle, and the controller sends nothing."""
    before = len(serving.events("cycle"))
    mark = len(emulator.requests())
    title = {"title": [{"type": "text", "text": {"content": "Meeting notes"}}]}
    created = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties=title)
    renamed = {"title": [{"type": "text", "text": {"content": "Meeting notes (old)"}}]}
    notion.pages.update(created["id"], properties=renamed)
    poll(
        lambda: serving.metric("reconciler_webhook_events_total", outcome="unmanaged") == 2,
        "both events to be received",
    )
    assert serving.metric("reconciler_webhook_events_total", outcome="accepted") is None
    assert sent_since(emulator, mark) == ["POST /v1/pages", f"PATCH /v1/pages/{created['id']}"]
    assert cycles_since(serving, before) == []


def test_with_another_webhook_token_the_emulators_events_are_refused_with_401(
    emulator: Emulator, emulator_server: EmulatorServer, repo: Path, notion: Any
) -> None:
    """NOTION_WEBHOOK_TOKEN that is not the subscription's verification token: the handshake
    still arrives (it is unsigned), but the signed event of a hand edit fails the check: 401,
    counted as bad_signature, the emulator counts a failed delivery, and the edit stays."""
    serving = start_subscribed(
        emulator, emulator_server.url, repo, webhook_token="secret_some_other_subscription_0000"
    )
    try:
        before = len(serving.events("cycle"))
        page = read_tasks(notion).pages["ship-it"]
        notion.pages.update(page["id"], properties={"Status": {"select": {"name": "Todo"}}})
        poll(lambda: emulator.stats()["webhooks"]["failed"], "the event to be refused")
        assert emulator.stats()["webhooks"] == {"delivered": 1, "failed": 1, "dropped": 0}
        assert serving.metric("reconciler_webhook_events_total", outcome="bad_signature") == 1
        assert serving.metric("reconciler_webhook_events_total", outcome="accepted") is None
        assert cycles_since(serving, before) == []
        assert status_of(notion.pages.retrieve(page["id"])) == "Todo"
    finally:
        serving.close()


def test_a_row_moved_out_of_the_database_is_created_again(
    serving: ServeProcess, emulator: Emulator, notion: Any
) -> None:
    """A row moved under another page (page.moved) is gone from the database: the event's cycle
    re-reads the page, finds it elsewhere, and creates the row the manifest wants; the moved
    page is left where it now lives."""
    before = len(serving.events("cycle"))
    page = read_tasks(notion).pages["ship-it"]
    notion.request(
        path=f"pages/{page['id']}/move", method="POST", body={"parent": {"page_id": ROOT_PAGE_ID}}
    )
    poll(lambda: _applying_cycle(serving, before), "the cycle that creates the row again")
    again = read_tasks(notion).pages["ship-it"]
    assert (again["id"] != page["id"], status_of(again)) == (True, "Done")
    moved = notion.pages.retrieve(page["id"])
    assert (moved["parent"]["page_id"], moved["in_trash"]) == (ROOT_PAGE_ID, False)
    assert poll(lambda: serving.status()["databases"]["tasks"]["status"] == "in_sync", "in sync")


def test_a_property_removed_by_hand_is_added_back_after_a_full_read(
    serving: ServeProcess, notion: Any
) -> None:
    """data_source.schema_updated names the managed data source: the cycle it wakes reads the
    database in full (a schema change reshapes every row) and adds the property back."""
    before = len(serving.events("cycle"))
    tasks = read_tasks(notion)
    notion.data_sources.update(tasks.data_source_id, properties={"Notes": None})
    poll(lambda: _applying_cycle(serving, before), "the cycle that adds Notes back")
    assert cycles_since(serving, before)[0]["read"] == "full"
    schema = notion.data_sources.retrieve(tasks.data_source_id)["properties"]
    assert schema["Notes"]["type"] == "rich_text"
