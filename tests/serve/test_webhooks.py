"""Notion's webhook deliveries: handshake, signatures, duplicates, limits, and what they hint."""

from __future__ import annotations

import json

from reconciler.serve.webhooks import Catalogue, Hint, WebhookOutcome, WebhookReceiver, sign
from tests.serve.conftest import WEBHOOK_TOKEN, page_event

DATABASE = "1d4f6c2a-0b3e-4f5a-8c7d-9e0f1a2b3c4d"
SOURCE = "2e5a7d3b-1c4f-4a6b-9d8e-0f1a2b3c4d5e"
KNOWN_PAGE = "3f6b8e4c-2d5a-4b7c-8e9f-000000000001"
OTHER_PAGE = "3f6b8e4c-2d5a-4b7c-8e9f-000000000099"

CATALOGUE = Catalogue({DATABASE: "tasks", SOURCE: "tasks"}, {KNOWN_PAGE: "tasks"})


def receiver(**options: object) -> tuple[WebhookReceiver, list[str]]:
    tokens: list[str] = []
    made = WebhookReceiver(
        WEBHOOK_TOKEN,
        lambda: CATALOGUE,
        on_verification=tokens.append,
        **options,  # type: ignore[arg-type]
    )
    return made, tokens


def deliver(made: WebhookReceiver, body: bytes, signature: str | None = "sign"):
    headers = {}
    if signature == "sign":
        headers["x-notion-signature"] = sign(body, WEBHOOK_TOKEN)
    elif signature is not None:
        headers["x-notion-signature"] = signature
    return made.receive(headers, body)


def test_the_signature_is_the_hmac_sha256_of_the_raw_body_keyed_by_the_token() -> None:
    """``sha256=`` and the hex HMAC-SHA256 digest (the RFC 4231-style test vector)."""
    body = b"The quick brown fox jumps over the lazy dog"
    expected = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    assert sign(body, "key") == f"sha256={expected}"


def test_a_signed_event_about_a_page_of_a_managed_data_source_hints_that_page() -> None:
    """The parent's data source id names the managed database: the page is to be re-read."""
    made, _ = receiver()
    body = page_event("page.properties_updated", OTHER_PAGE, data_source_id=SOURCE, event_id="e1")
    receipt = deliver(made, body)
    assert receipt.status == 200
    assert receipt.hints == (Hint("tasks", OTHER_PAGE, "e1", "page.properties_updated"),)


def test_an_event_about_a_known_row_hints_it_without_a_parent() -> None:
    """page.deleted may carry no useful parent: a page last seen in a managed database counts."""
    made, _ = receiver()
    receipt = deliver(made, page_event("page.deleted", KNOWN_PAGE.replace("-", "")))
    assert [hint.database for hint in receipt.hints] == ["tasks"]


def test_a_page_moved_between_managed_databases_hints_both() -> None:
    """page.moved of a row last seen in one managed database into another: the page is re-read
    for both (gone from the first, new in the second), one event, two hints."""
    projects_source = "4a1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
    catalogue = Catalogue({SOURCE: "tasks", projects_source: "projects"}, {KNOWN_PAGE: "tasks"})
    made = WebhookReceiver(WEBHOOK_TOKEN, lambda: catalogue)
    body = page_event("page.moved", KNOWN_PAGE, data_source_id=projects_source, event_id="m")
    receipt = deliver(made, body)
    assert receipt.hints == (
        Hint("tasks", KNOWN_PAGE, "m", "page.moved"),
        Hint("projects", KNOWN_PAGE, "m", "page.moved"),
    )


def test_an_unsigned_event_is_refused_with_401() -> None:
    """No X-Notion-Signature: 401, no hint."""
    made, _ = receiver()
    receipt = deliver(made, page_event("page.created", KNOWN_PAGE), signature=None)
    assert (receipt.status, receipt.outcome, receipt.hints) == (401, WebhookOutcome.UNSIGNED, ())


def test_a_mis_signed_event_is_refused_with_401() -> None:
    """A signature made with another key: 401, no hint."""
    made, _ = receiver()
    body = page_event("page.created", KNOWN_PAGE)
    receipt = deliver(made, body, signature=sign(body, "secret_someone_elses_token"))
    assert (receipt.status, receipt.outcome) == (401, WebhookOutcome.BAD_SIGNATURE)


def test_a_signature_over_another_body_is_refused() -> None:
    """The signature covers the raw bytes: a body changed after signing is refused."""
    made, _ = receiver()
    body = page_event("page.created", KNOWN_PAGE)
    receipt = deliver(
        made, body.replace(b"page.created", b"page.deleted"), sign(body, WEBHOOK_TOKEN)
    )
    assert receipt.outcome is WebhookOutcome.BAD_SIGNATURE


def test_without_a_configured_token_events_are_refused() -> None:
    """NOTION_WEBHOOK_TOKEN unset: nothing can be verified, so every event gets 401."""
    made = WebhookReceiver(None, lambda: CATALOGUE)
    body = page_event("page.created", KNOWN_PAGE)
    receipt = made.receive({"x-notion-signature": sign(body, WEBHOOK_TOKEN)}, body)
    assert (receipt.status, receipt.outcome) == (401, WebhookOutcome.NO_TOKEN)


def test_the_handshake_hands_the_token_over_and_never_echoes_it() -> None:
    """The first POST's verification_token goes to the sink; the answer does not contain it."""
    made, tokens = receiver()
    body = json.dumps({"verification_token": "secret_handshake0123456789"}).encode()
    receipt = deliver(made, body, signature=None)
    assert (receipt.status, receipt.outcome) == (200, WebhookOutcome.VERIFICATION)
    assert tokens == ["secret_handshake0123456789"]
    assert "secret_handshake" not in receipt.message


def test_a_repeated_event_id_is_acknowledged_once() -> None:
    """Notion retries deliveries: the same event id is a duplicate the second time."""
    made, _ = receiver()
    body = page_event("page.created", KNOWN_PAGE, event_id="same")
    assert deliver(made, body).outcome is WebhookOutcome.ACCEPTED
    assert deliver(made, body).outcome is WebhookOutcome.DUPLICATE


def test_event_ids_are_remembered_within_a_bound() -> None:
    """Past ``remember`` ids the oldest is forgotten (memory stays bounded)."""
    made, _ = receiver(remember=2)
    for name in ("a", "b", "c"):
        deliver(made, page_event("page.created", KNOWN_PAGE, event_id=name))
    again = deliver(made, page_event("page.created", KNOWN_PAGE, event_id="a"))
    assert again.outcome is WebhookOutcome.ACCEPTED


def test_a_schema_event_of_a_managed_data_source_hints_the_whole_database() -> None:
    """data_source.schema_updated names the data source: the database is to be read in full."""
    made, _ = receiver()
    event = json.loads(page_event("page.created", KNOWN_PAGE))
    event.update(type="data_source.schema_updated", entity={"id": SOURCE, "type": "data_source"})
    receipt = deliver(made, json.dumps(event).encode())
    assert receipt.hints == (Hint("tasks", None, event["id"], "data_source.schema_updated"),)


def test_events_about_unmanaged_objects_and_comments_hint_nothing() -> None:
    """A page elsewhere, and a comment event: acknowledged, counted unmanaged, no hint."""
    made, _ = receiver()
    other = deliver(made, page_event("page.created", OTHER_PAGE, data_source_id="f" * 32))
    event = json.loads(page_event("page.created", KNOWN_PAGE))
    event["type"] = "comment.created"
    comment = deliver(made, json.dumps(event).encode())
    assert [other.outcome, comment.outcome] == [WebhookOutcome.UNMANAGED] * 2
    assert (other.hints, comment.hints) == ((), ())


def test_a_page_event_the_catalogue_cannot_place_comes_back_to_be_placed_later() -> None:
    """Before the first read ends the catalogue is empty: the event is unmanaged for now, and
    its sighting, placed in the catalogue the read makes, hints the page."""
    made = WebhookReceiver(WEBHOOK_TOKEN, Catalogue)
    body = page_event("page.properties_updated", OTHER_PAGE, data_source_id=SOURCE, event_id="s")
    receipt = deliver(made, body)
    assert (receipt.outcome, receipt.hints) == (WebhookOutcome.UNMANAGED, ())
    assert receipt.unplaced is not None
    assert receipt.unplaced.place(CATALOGUE) == (
        Hint("tasks", OTHER_PAGE, "s", "page.properties_updated"),
    )


def test_an_event_of_another_kind_is_not_kept_for_later() -> None:
    """A comment event names no page or database to read: nothing to place later."""
    made, _ = receiver()
    event = json.loads(page_event("page.created", KNOWN_PAGE))
    event["type"] = "comment.created"
    assert deliver(made, json.dumps(event).encode()).unplaced is None


def test_a_body_that_is_not_a_json_object_is_a_400() -> None:
    """Garbage (signed or not) is refused as malformed."""
    made, _ = receiver()
    assert deliver(made, b"\xff not json").status == 400
    assert deliver(made, b"[1, 2]").status == 400


def test_more_requests_than_the_rate_allows_get_429() -> None:
    """A burst of 2 at a negligible rate: the third request is refused."""
    made, _ = receiver(rate=0.001, burst=2)
    outcomes = [deliver(made, page_event("page.created", KNOWN_PAGE)).status for _ in range(3)]
    assert outcomes == [200, 200, 429]
