"""``reconciler serve`` as a process over TCP against the emulator: forged deliveries, SIGTERM.

What the emulator's own webhooks make the controller do is in test_emulator_webhooks.py; here
the deliveries are made by hand: what the emulator never sends (unsigned, mis-signed or forged
events), and a handshake whose answer is read (it must not echo the token)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import Emulator, EmulatorServer
from tests.conftest import TOKEN, tcp_client
from tests.serve.conftest import (
    WEBHOOK_TOKEN,
    manifest,
    page_event,
    read_tasks,
    write_repository,
)
from tests.serve.process import ServeProcess, poll

pytestmark = pytest.mark.resilience

FAST = ("--auto-apply", "safe", "--interval", "0.5", "--full-every", "3600")


@pytest.fixture
def serving(emulator_server: EmulatorServer, repo: Path) -> Iterator[ServeProcess]:
    process = ServeProcess(repo, emulator_server.url, *FAST)
    try:
        yield process
    finally:
        process.close()


def test_serve_refuses_unsigned_and_mis_signed_events_with_401(serving: ServeProcess) -> None:
    """Over HTTP: no signature → 401, a wrong one → 401, both counted in /metrics."""
    body = page_event("page.created", "7c4b1f2e-9a3d-4e5f-8a6b-0c1d2e3f4a5b")
    plain = {"Content-Type": "application/json"}
    wrong = {**plain, "X-Notion-Signature": "sha256=" + "ab" * 32}
    assert serving.deliver(body, plain).status_code == 401
    assert serving.deliver(body, wrong).status_code == 401
    metrics = serving.http.get("/metrics").text
    assert 'reconciler_webhook_events_total{outcome="unsigned"} 1.0' in metrics
    assert 'reconciler_webhook_events_total{outcome="bad_signature"} 1.0' in metrics


def test_a_forged_event_for_an_unmanaged_page_costs_no_request(
    serving: ServeProcess, emulator: Emulator
) -> None:
    """A signed event about a page outside the managed databases: 200 and no Notion request
    between it and the next idle cycle."""
    poll(serving.ready, "/readyz to answer 200")
    before = len(serving.events("cycle"))
    mark = len(emulator.requests())
    answer = serving.deliver(
        page_event("page.properties_updated", "0" * 8 + "-1111-4222-8333-" + "4" * 12)
    )
    assert answer.status_code == 200
    poll(lambda: len(serving.events("cycle")) > before, "a cycle after the event")
    cycle = serving.events("cycle")[before]
    assert cycle["read"] == "none"
    assert cycle["requests"] == 0
    assert emulator.requests()[mark:] == []


def _journal_unfinished(state: Path) -> list[str]:
    """Changes journaled started with no later done, failed or absent record."""
    last: dict[tuple[str, str], str] = {}
    (journal,) = state.glob("journal-*.jsonl")  # the workspace's journal
    for line in journal.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        last[(record["plan"], record["change"])] = record["event"]
    return [change for (_plan, change), event in last.items() if event == "started"]


def test_sigterm_during_an_apply_loses_nothing_and_a_restart_finishes(
    emulator: Emulator, emulator_server: EmulatorServer, tmp_path: Path
) -> None:
    """Sixty rows created slowly; SIGTERM mid-apply exits 0 with every write it sent recorded
    done; serve started again creates the rest, each row exactly once."""
    rows = [{"Name": f"row-{n:02d}", "Status": "Todo"} for n in range(60)]
    repo = write_repository(tmp_path / "repo", manifest(rows))
    emulator.configure({"latency_ms": {"mean": 40, "jitter": 0}})
    first = ServeProcess(repo, emulator_server.url, *FAST)
    try:
        poll(lambda: _created(emulator) >= 5, "the apply to be under way")
        assert first.terminate() == 0
    finally:
        first.close()
    assert "Stopped." in "".join(first.lines)
    assert _journal_unfinished(repo / ".reconciler") == []
    assert 0 < _created(emulator) < 60
    emulator.configure({"latency_ms": {"mean": 0, "jitter": 0}})
    second = ServeProcess(repo, emulator_server.url, *FAST)
    try:
        poll(second.ready, "the restarted serve to be ready", deadline=120)
        notion = tcp_client(emulator_server.url)
        keys = _keys(notion)
        assert Counter(keys) == Counter(row["Name"] for row in rows)
    finally:
        second.close()


def _created(emulator: Emulator) -> int:
    return sum(1 for r in emulator.requests() if r["method"] == "POST" and r["path"] == "/v1/pages")


def _keys(notion: Any) -> list[str]:
    tasks = read_tasks(notion)
    pages = []
    cursor = None
    while True:
        kwargs: dict[str, str] = {"start_cursor": cursor} if cursor else {}
        answer = notion.data_sources.query(tasks.data_source_id, **kwargs)
        pages.extend(answer["results"])
        if not answer["has_more"]:
            break
        cursor = answer["next_cursor"]
    return ["".join(r["plain_text"] for r in p["properties"]["Name"]["title"]) for p in pages]


def test_the_handshake_token_goes_to_the_state_folder_and_no_token_reaches_the_log(
    serving: ServeProcess, repo: Path
) -> None:
    """Notion's verification token is written to .reconciler/webhook-verification-token (0600),
    never answered back nor logged; neither the Notion token nor the webhook token is logged."""
    poll(serving.ready, "/readyz to answer 200")
    handshake = json.dumps({"verification_token": "secret_handshake_Zq8Xw2Lm5Np7"}).encode()
    answer = serving.deliver(handshake, {"Content-Type": "application/json"})
    assert answer.status_code == 200
    assert "secret_handshake" not in answer.text
    kept = repo / ".reconciler" / "webhook-verification-token"
    poll(kept.exists, "the token file")
    assert kept.read_text(encoding="utf-8").split()[1:] == ["secret_handshake_Zq8Xw2Lm5Np7"]
    assert kept.stat().st_mode & 0o777 == 0o600
    poll(lambda: serving.events("cycle"), "a cycle event")
    assert serving.terminate() == 0
    log = "".join(serving.lines)
    for secret in ("secret_handshake_Zq8Xw2Lm5Np7", WEBHOOK_TOKEN, TOKEN):
        assert secret not in log
    (told,) = [line for line in serving.lines if "verification token received" in line]
    assert "webhook-verification-token" in told
