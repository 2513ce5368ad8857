"""Webhooks: the verification handshake, then a signed event for every change made through the API.

A small receiver on 127.0.0.1 plays the subscriber; changes are made with the real notion-client.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from reconciler.emulator import WORKSPACE_ID, Emulator
from reconciler.emulator.changes import changes_of
from reconciler.emulator.control import ConfigError
from tests.conftest import INTEGRATION, ROOT_PAGE_ID, TOKEN, in_process_client
from tests.emulator.conftest import create_database, text

VERIFICATION_TOKEN = "secret_verification_abc"


@dataclass(frozen=True)
class Delivery:
    """One POST the receiver got: headers, raw body, and when it arrived (monotonic seconds)."""

    headers: dict[str, str]
    raw: bytes
    at: float

    @property
    def body(self) -> dict[str, Any]:
        """The JSON body."""
        return dict(json.loads(self.raw))


class Receiver:
    """An HTTP endpoint that records what it is sent; it may answer late or with an error."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.arrived = threading.Condition()
        self.release = threading.Event()
        self.release.set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.arrived:
                    receiver.deliveries.append(
                        Delivery(dict(self.headers.items()), raw, time.monotonic())
                    )
                    receiver.arrived.notify_all()
                receiver.release.wait(timeout=10)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                del args

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/notion"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Delivery]:
        """The first ``count`` deliveries, once they have arrived."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.deliveries) >= count, timeout=timeout)
            return list(self.deliveries[:count])

    def events(self, count: int) -> list[dict[str, Any]]:
        """The bodies of the first ``count`` events (the handshake aside)."""
        return [d.body for d in self.wait_for(count + 1)[1:]]

    def close(self) -> None:
        """Stop serving."""
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on loopback."""
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def subscribed(emulator: Emulator, receiver: Receiver) -> Receiver:
    """The receiver, subscribed without delay, its handshake already received."""
    emulator.configure(
        {"webhooks": [{"url": receiver.url, "verification_token": VERIFICATION_TOKEN}]}
    )
    receiver.wait_for(1)
    return receiver


def sign(raw: bytes, token: str = VERIFICATION_TOKEN) -> str:
    """What X-Notion-Signature must say for this body."""
    return "sha256=" + hmac.new(token.encode(), raw, hashlib.sha256).hexdigest()


def new_page(notion: Any, title: str = "Runbook") -> str:
    """A page under the root page; its id."""
    page = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={"title": text(title)})
    return str(page["id"])


def test_a_new_subscription_is_sent_the_verification_token_unsigned(
    emulator: Emulator, receiver: Receiver
) -> None:
    """The handshake: one POST whose body is the token, without a signature."""
    emulator.configure(
        {"webhooks": [{"url": receiver.url, "verification_token": VERIFICATION_TOKEN}]}
    )
    (handshake,) = receiver.wait_for(1)
    assert handshake.body == {"verification_token": VERIFICATION_TOKEN}
    assert "X-Notion-Signature" not in handshake.headers


def test_events_are_signed_with_an_hmac_of_the_raw_body(subscribed: Receiver, notion: Any) -> None:
    """X-Notion-Signature is sha256=<hex HMAC-SHA256 of the raw body keyed by the token>."""
    new_page(notion)
    event = subscribed.wait_for(2)[1]
    assert event.headers["X-Notion-Signature"] == sign(event.raw)
    assert event.headers["X-Notion-Signature"] != sign(event.raw, "another token")


def test_a_created_page_is_announced_in_notions_shape(
    emulator: Emulator, subscribed: Receiver, notion: Any
) -> None:
    """page.created: the envelope of every event, the page as entity, its parent page in data."""
    page_id = new_page(notion)
    (event,) = subscribed.events(1)
    assert sorted(event) == [
        "api_version", "attempt_number", "authors", "data", "entity", "id", "integration_id",
        "subscription_id", "timestamp", "type", "workspace_id", "workspace_name",
    ]  # fmt: skip
    assert (event["type"], event["entity"], event["data"]) == (
        "page.created",
        {"id": page_id, "type": "page"},
        {"parent": {"id": ROOT_PAGE_ID, "type": "page"}},
    )
    assert event["authors"] == [{"id": emulator.bot_id(), "type": "bot"}]
    assert (event["workspace_id"], event["attempt_number"]) == (WORKSPACE_ID, 1)


def test_every_event_has_its_own_id_and_the_subscriptions_ids(
    subscribed: Receiver, notion: Any
) -> None:
    """Event ids differ; subscription and integration ids stay the same."""
    new_page(notion, "One")
    new_page(notion, "Two")
    first, second = subscribed.events(2)
    assert first["id"] != second["id"]
    assert (first["subscription_id"], first["integration_id"]) == (
        second["subscription_id"],
        second["integration_id"],
    )


def test_a_page_created_with_content_is_announced_once(subscribed: Receiver, notion: Any) -> None:
    """Creating a page with children sends page.created only (Notion sends the meaningful one)."""
    paragraph = {"type": "paragraph", "paragraph": {"rich_text": text("Hello")}}
    notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Doc")}, children=[paragraph]
    )
    new_page(notion, "Marker")
    assert [e["type"] for e in subscribed.events(2)] == ["page.created", "page.created"]


def test_a_row_edit_names_the_updated_properties_by_id(
    emulator: Emulator, receiver: Receiver, notion: Any
) -> None:
    """page.properties_updated lists the property ids whose values changed; the parent is the
    database, with its data source."""
    database_id, source_id = create_database(
        notion,
        "Tasks",
        {"Name": {"title": {}}, "Done": {"checkbox": {}}, "Notes": {"rich_text": {}}},
    )
    row = notion.pages.create(
        parent={"data_source_id": source_id}, properties={"Name": {"title": text("Ship")}}
    )
    emulator.configure(
        {"webhooks": [{"url": receiver.url, "verification_token": VERIFICATION_TOKEN}]}
    )
    receiver.wait_for(1)
    notion.pages.update(page_id=row["id"], properties={"Done": {"checkbox": True}})
    (event,) = receiver.events(1)
    done_id = row["properties"]["Done"]["id"]
    assert (event["type"], event["data"]) == (
        "page.properties_updated",
        {
            "parent": {"id": database_id, "type": "database", "data_source_id": source_id},
            "updated_properties": [done_id],
        },
    )


def test_appended_blocks_announce_the_pages_content_update(
    subscribed: Receiver, notion: Any
) -> None:
    """page.content_updated names the page and the blocks that changed."""
    page_id = new_page(notion)
    paragraph = {"type": "paragraph", "paragraph": {"rich_text": text("Step 1")}}
    added = notion.blocks.children.append(block_id=page_id, children=[paragraph])["results"]
    event = subscribed.events(2)[1]
    assert (event["type"], event["entity"], event["data"]) == (
        "page.content_updated",
        {"id": page_id, "type": "page"},
        {
            "parent": {"id": ROOT_PAGE_ID, "type": "page"},
            "updated_blocks": [{"id": added[0]["id"], "type": "block"}],
        },
    )


def test_trashing_and_restoring_a_page_are_announced(subscribed: Receiver, notion: Any) -> None:
    """page.deleted when it goes to the trash, page.undeleted when it comes back."""
    page_id = new_page(notion)
    notion.pages.update(page_id=page_id, in_trash=True)
    notion.pages.update(page_id=page_id, in_trash=False)
    events = subscribed.events(3)
    assert [("page.created", page_id), ("page.deleted", page_id), ("page.undeleted", page_id)] == [
        (e["type"], e["entity"]["id"]) for e in events
    ]


def test_a_schema_change_is_announced_with_each_property_and_action(
    emulator: Emulator, receiver: Receiver, notion: Any
) -> None:
    """data_source.schema_updated lists {id, name, action}; the rows it rewrites stay silent."""
    _, source_id = create_database(
        notion, "Tasks", {"Name": {"title": {}}, "Notes": {"rich_text": {}}}
    )
    notion.pages.create(
        parent={"data_source_id": source_id},
        properties={"Name": {"title": text("Ship")}, "Notes": {"rich_text": text("soon")}},
    )
    emulator.configure(
        {"webhooks": [{"url": receiver.url, "verification_token": VERIFICATION_TOKEN}]}
    )
    receiver.wait_for(1)
    schema = notion.data_sources.update(
        data_source_id=source_id,
        properties={"Notes": None, "Ticket": {"unique_id": {}}, "Name": {"name": "Title"}},
    )["properties"]
    new_page(notion, "Marker")
    schema_event, marker = receiver.events(2)
    assert (schema_event["type"], schema_event["entity"]) == (
        "data_source.schema_updated",
        {"id": source_id, "type": "data_source"},
    )
    actions = sorted((p["action"], p["name"]) for p in schema_event["data"]["updated_properties"])
    assert actions == [("created", "Ticket"), ("deleted", None), ("updated", "Title")]
    assert schema["Ticket"]["id"] in [p["id"] for p in schema_event["data"]["updated_properties"]]
    assert marker["type"] == "page.created"


def test_events_leave_after_the_configured_delay(
    emulator: Emulator, receiver: Receiver, notion: Any
) -> None:
    """delay_ms holds each event back that long after the change."""
    emulator.configure(
        {
            "webhooks": [
                {"url": receiver.url, "verification_token": VERIFICATION_TOKEN, "delay_ms": 400}
            ]
        }
    )
    receiver.wait_for(1)
    changed = time.monotonic()
    new_page(notion)
    event = receiver.wait_for(2)[1]
    assert event.at - changed >= 0.4


def test_a_slow_receiver_never_holds_up_an_api_request(subscribed: Receiver, notion: Any) -> None:
    """The request returns while the receiver is still busy with the event."""
    subscribed.release.clear()
    new_page(notion, "First")
    subscribed.wait_for(2)
    page_id = new_page(notion, "Second")
    assert notion.pages.retrieve(page_id=page_id)["id"] == page_id
    subscribed.release.set()


def test_a_receiver_that_is_down_loses_the_event_and_the_api_still_answers(
    emulator: Emulator, notion: Any
) -> None:
    """At-most-once: the event to a closed port is lost (the stats count it); the write
    succeeded regardless."""
    closed = Receiver()
    url = closed.url
    closed.close()
    emulator.configure({"webhooks": [{"url": url, "verification_token": VERIFICATION_TOKEN}]})
    page_id = new_page(notion)
    assert notion.pages.retrieve(page_id=page_id)["in_trash"] is False
    deadline = time.monotonic() + 5
    while emulator.stats()["webhooks"]["failed"] < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert emulator.stats()["webhooks"] == {"delivered": 0, "failed": 2, "dropped": 0}


def test_admin_seeds_send_no_events(emulator: Emulator, subscribed: Receiver, notion: Any) -> None:
    """Only changes made through the API are announced."""
    emulator.seed(
        {
            "pages": [
                {
                    "id": "0c6f5a4e-2c4b-4f1e-9d4a-0a1b2c3d4e5f",
                    "parent": {"type": "page_id", "page_id": ROOT_PAGE_ID},
                    "properties": {"title": {"title": text("Seeded")}},
                }
            ]
        }
    )
    new_page(notion, "Marker")
    (event,) = subscribed.events(1)
    assert event["type"] == "page.created"
    assert event["entity"]["id"] != "0c6f5a4e-2c4b-4f1e-9d4a-0a1b2c3d4e5f"


def test_changes_the_subscribing_integration_cannot_see_are_not_announced(
    receiver: Receiver,
) -> None:
    """The subscription belongs to the first integration: another's private pages stay silent."""
    emu = Emulator(store=":memory:", tokens={TOKEN: INTEGRATION, "secret_other": "Other"})
    emu.configure({"rate_limit": None})
    emu.reset()
    emu.seed(
        {
            "pages": [
                {
                    "id": "1d7a5f3d-5c4a-4f2e-8e5b-1b2c3d4e5f60",
                    "parent": {"type": "page_id", "page_id": ROOT_PAGE_ID},
                    "properties": {"title": {"title": text("Private")}},
                    "_shared_with": ["Other"],
                }
            ]
        }
    )
    emu.configure({"webhooks": [{"url": receiver.url, "verification_token": VERIFICATION_TOKEN}]})
    receiver.wait_for(1)
    other = in_process_client(emu, token="secret_other")
    mine = in_process_client(emu)
    other.pages.create(
        parent={"page_id": "1d7a5f3d-5c4a-4f2e-8e5b-1b2c3d4e5f60"},
        properties={"title": text("Hidden child")},
    )
    marker = new_page(mine, "Marker")
    (event,) = receiver.events(1)
    assert event["entity"]["id"] == marker
    emu.close()


def test_the_config_shows_webhooks_with_the_token_masked(
    emulator: Emulator, receiver: Receiver
) -> None:
    """GET /_emulator/config never shows a verification token."""
    config = emulator.configure(
        {
            "webhooks": [
                {"url": receiver.url, "verification_token": VERIFICATION_TOKEN, "delay_ms": 5}
            ]
        }
    )
    assert config["webhooks"] == [{"url": receiver.url, "verification_token": "***", "delay_ms": 5}]


@pytest.mark.parametrize(
    ("webhooks", "message"),
    [
        ({"url": "http://x"}, "webhooks must be a list"),
        ([{"url": "ftp://127.0.0.1/", "verification_token": "t"}], "webhooks[0].url must be"),
        ([{"url": "http://127.0.0.1/"}], "webhooks[0].verification_token must be"),
        (
            [{"url": "http://127.0.0.1/", "verification_token": "t", "delay_ms": -1}],
            "webhooks[0].delay_ms must be",
        ),
        (
            [{"url": "http://127.0.0.1/", "verification_token": "t", "secret": 1}],
            "webhooks[0] has unknown keys: secret",
        ),
    ],
)
def test_a_bad_webhook_config_is_refused_with_what_to_fix(
    emulator: Emulator, webhooks: object, message: str
) -> None:
    """The admin API answers 400 naming the bad entry."""
    with pytest.raises(ConfigError, match=re.escape(message)):
        emulator.configure({"webhooks": webhooks})


def test_the_same_subscription_configured_again_is_not_verified_again(
    emulator: Emulator, subscribed: Receiver, notion: Any
) -> None:
    """Only a new receiver gets a handshake."""
    emulator.configure(
        {"webhooks": [{"url": subscribed.url, "verification_token": VERIFICATION_TOKEN}]}
    )
    new_page(notion, "Marker")
    (event,) = subscribed.events(1)
    assert event["type"] == "page.created"


def test_a_page_under_another_parent_is_announced_as_moved(emulator: Emulator, notion: Any) -> None:
    """page.moved, with the new parent, when a request changes where a page lives."""
    first, second = new_page(notion, "Old home"), new_page(notion, "New home")
    page_id = notion.pages.create(parent={"page_id": first}, properties={})["id"]
    with emulator.store.transaction(), emulator.store.recording() as before:
        row = emulator.store.get(page_id)
        assert row is not None
        row.parent_id, row.body["parent"] = second, {"type": "page_id", "page_id": second}
        emulator.store.save(row)
    changes = changes_of(emulator.workspace, before)
    assert [(c.type, c.entity_id, c.data) for c in changes] == [
        ("page.moved", page_id, {"parent": {"id": second, "type": "page"}})
    ]


def test_a_markdown_edit_announces_the_pages_content_update(
    subscribed: Receiver, notion: Any
) -> None:
    """page.content_updated lists the blocks the edit trashed and created, not the kept ones."""
    page = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Doc")}, markdown="Keep\nOld"
    )
    kept, old = (b["id"] for b in notion.blocks.children.list(block_id=page["id"])["results"])
    notion.pages.update_markdown(
        page_id=page["id"], type="replace_content", replace_content={"new_str": "Keep\nNew"}
    )
    new = notion.blocks.children.list(block_id=page["id"])["results"][1]["id"]
    event = subscribed.events(2)[1]
    assert event["type"] == "page.content_updated"
    updated = {b["id"] for b in event["data"]["updated_blocks"]}
    assert (updated, kept in updated) == ({old, new}, False)
