"""The admin API refuses what a web page could send: cross-site requests, DNS rebinding, non-JSON.

A page open in the user's browser can post to a local port (``Origin: http://attacker.example``,
``Content-Type: text/plain`` needs no preflight), and a DNS-rebinding page reaches it under its own
host name. Such a request is refused with a JSON reason and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.emulator import Emulator
from tests.conftest import INTEGRATION, ROOT_PAGE_ID, TOKEN, tcp_client
from tests.emulator.conftest import text
from tests.emulator.test_admin import admin_call

ATTACKER = {"Origin": "http://attacker.example", "Content-Type": "text/plain"}


@pytest.fixture
def stored(tmp_path: Path) -> Iterator[Emulator]:
    """An emulator on a file store (the workspace an attack would wipe)."""
    emulator = Emulator(str(tmp_path / "workspace.sqlite"), {TOKEN: INTEGRATION}, rate_limit=None)
    yield emulator
    emulator.close()


def _page_titles(url: str) -> list[str]:
    found = tcp_client(url).search(query="Keep", filter={"property": "object", "value": "page"})
    return [
        "".join(t["plain_text"] for t in p["properties"]["title"]["title"])
        for p in found["results"]
    ]


def test_a_cross_site_reset_of_a_persistent_store_is_refused_and_changes_nothing(
    stored: Emulator,
) -> None:
    """A browser's text/plain POST from another origin gets 403 and the workspace stays."""
    with stored.serve() as server:
        tcp_client(server.url).pages.create(
            parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Keep me")}
        )
        refused = httpx.post(f"{server.url}/_emulator/reset", content=b"{}", headers=ATTACKER)
        expected = (403, ["Keep me"])
        assert expected == (refused.status_code, _page_titles(server.url))
    assert refused.json()["error"].startswith("the admin API refuses requests from web pages")


def test_a_host_that_is_not_loopback_is_refused(stored: Emulator) -> None:
    """DNS rebinding: the right socket reached under another host name answers 403."""
    with stored.serve() as server:
        port = server.url.rsplit(":", 1)[1]
        refused = httpx.post(
            f"{server.url}/_emulator/reset", headers={"Host": f"rebind.attacker.example:{port}"}
        )
        allowed = httpx.get(f"{server.url}/_emulator/stats", headers={"Host": f"localhost:{port}"})
    assert (refused.status_code, allowed.status_code) == (403, 200)
    assert "refuses Host 'rebind.attacker.example:" in refused.json()["error"]


def test_a_body_that_is_not_declared_json_is_refused(emulator: Emulator) -> None:
    """415 naming the content type; the config is left as it was."""
    before = emulator.controls.describe()
    status, body = admin_call(
        emulator, "PUT", "/_emulator/config", {"seed": 9}, headers={"Content-Type": "text/plain"}
    )
    assert (415, before) == (status, emulator.controls.describe())
    assert body["error"] == (
        "the admin API takes JSON bodies only (Content-Type: application/json), got "
        "Content-Type text/plain"
    )


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Host": "localhost:8787"},
        {"Host": "127.0.0.1:8787"},
        {"Host": "[::1]:8787"},
        {"Origin": "http://localhost:3000"},
        {"Origin": "http://127.0.0.1:8787"},
    ],
    ids=["no-host", "localhost", "ipv4", "ipv6", "local-origin", "local-origin-ip"],
)
def test_loopback_hosts_and_origins_are_answered(
    emulator: Emulator, headers: dict[str, str]
) -> None:
    """Scripts, the CLI and pages served from loopback itself keep working."""
    status, _ = admin_call(emulator, "PUT", "/_emulator/config", {"seed": 3}, headers=headers)
    assert status == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "null"},
        {"Origin": "https://notion.so"},
        {"Host": "example.com"},
        {"Host": "127.0.0.1.nip.io:8787"},
    ],
    ids=["null-origin", "foreign-origin", "foreign-host", "rebinding-name"],
)
def test_foreign_hosts_and_origins_are_refused(emulator: Emulator, headers: dict[str, str]) -> None:
    """403 and the seed is not installed."""
    status, _ = admin_call(emulator, "POST", "/_emulator/reset", {}, headers=headers)
    assert status == 403


def test_the_api_itself_is_not_affected(notion: Any) -> None:
    """The Notion endpoints keep answering in-process clients (they need a token anyway)."""
    assert notion.users.me()["object"] == "user"
