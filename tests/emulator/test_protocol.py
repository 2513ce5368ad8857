"""The HTTP contract: versions, tokens, sharing, request ids and Notion's error objects."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest
from notion_client import APIResponseError

from reconciler.emulator import ROOT_PAGE_ID, Emulator, routing
from tests.conftest import TOKEN, in_process_client


def raw(
    emulator: Emulator, version: str | None = "2025-09-03", token: str | None = TOKEN
) -> httpx.Client:
    """A plain httpx client into the emulator, to see the exact bodies and headers."""
    headers = {}
    if version is not None:
        headers["Notion-Version"] = version
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.Client(
        transport=httpx.WSGITransport(app=emulator),
        base_url="http://notion.emulator",
        headers=headers,
    )


def error_of(response: httpx.Response) -> tuple[int, str, str]:
    """(status, code, message) of an error response."""
    body = response.json()
    assert ("error", response.status_code) == (body["object"], body["status"])
    return response.status_code, body["code"], body["message"]


def test_every_answer_carries_its_request_id_in_body_and_header(emulator: Emulator) -> None:
    """Success and error bodies hold request_id, equal to x-notion-request-id."""
    client = raw(emulator)
    ok = client.get("/v1/users/me")
    failed = client.get("/v1/nowhere")
    for response in (ok, failed):
        assert response.headers["x-notion-request-id"] == response.json()["request_id"]


def test_a_missing_version_is_refused_as_notion_does(emulator: Emulator) -> None:
    """400 missing_version with the validator's words."""
    response = raw(emulator, version=None).get("/v1/users/me")
    assert error_of(response) == (
        400,
        "missing_version",
        (
            "Notion-Version header failed validation: Notion-Version header should be defined, "
            "instead was `undefined`."
        ),
    )


def test_an_unknown_version_lists_the_versions_notion_knows(emulator: Emulator) -> None:
    """Observed: the refusal enumerates every accepted version."""
    status, code, message = error_of(raw(emulator, version="2024-01-01").get("/v1/users/me"))
    assert (status, code) == (400, "missing_version")
    assert message.endswith('"2025-09-03", or "2026-03-11", instead was `"2024-01-01"`.')


def test_an_older_notion_version_is_answered_as_not_emulated(emulator: Emulator) -> None:
    """2022-06-28 is real Notion but not emulated: invalid_request says so."""
    status, code, message = error_of(raw(emulator, version="2022-06-28").get("/v1/users/me"))
    assert (status, code) == (400, "invalid_request")
    assert "2022-06-28 is not emulated" in message


def test_a_wrong_token_is_unauthorized(emulator: Emulator) -> None:
    """Observed: 401 unauthorized "API token is invalid."."""
    client = in_process_client(emulator, token="secret_wrong")
    with pytest.raises(APIResponseError) as refused:
        client.users.list()
    assert (
        refused.value.status,
        refused.value.code,
        str(refused.value),
    ) == (401, "unauthorized", "API token is invalid.")


def test_a_missing_token_is_unauthorized(emulator: Emulator) -> None:
    """No Authorization header at all is the same 401."""
    assert error_of(raw(emulator, token=None).get("/v1/users")) == (
        401,
        "unauthorized",
        "API token is invalid.",
    )


def test_an_unknown_path_is_an_invalid_request_url(emulator: Emulator) -> None:
    """Observed: 400 invalid_request_url "Invalid request URL."; a wrong method too."""
    client = raw(emulator)
    assert error_of(client.get("/v1/invalid")) == (
        400,
        "invalid_request_url",
        "Invalid request URL.",
    )
    assert error_of(client.put(f"/v1/pages/{ROOT_PAGE_ID}")) == (
        400,
        "invalid_request_url",
        "Invalid request URL.",
    )


def test_a_body_that_is_not_json_is_invalid_json(emulator: Emulator) -> None:
    """400 invalid_json "Error parsing JSON body."."""
    response = raw(emulator).post(
        "/v1/search", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert error_of(response) == (400, "invalid_json", "Error parsing JSON body.")


def test_a_body_over_500_kb_is_refused(emulator: Emulator) -> None:
    """Notion's payload limit is 500 KB."""
    body = {"query": "x" * (500 * 1024)}
    status, code, _ = error_of(raw(emulator).post("/v1/search", json=body))
    assert (status, code) == (400, "validation_error")


def test_an_object_not_shared_with_the_integration_is_not_found(emulator: Emulator) -> None:
    """A page seeded for another integration answers 404 naming the caller's integration."""
    private = {
        "id": "2f6e0e9c-1a2b-4c3d-8e4f-5a6b7c8d9e0f",
        "parent": {"page_id": ROOT_PAGE_ID},
        "properties": {"title": {"title": [{"text": {"content": "Private"}}]}},
        "_shared_with": ["Another integration"],
    }
    emulator.seed({"pages": [private]})
    status, code, message = error_of(
        raw(emulator).get("/v1/pages/2f6e0e9c-1a2b-4c3d-8e4f-5a6b7c8d9e0f")
    )
    assert (status, code) == (404, "object_not_found")
    assert message.endswith('shared with your integration "Reconciler Tests".')


def test_each_token_speaks_for_its_own_integration() -> None:
    """users/me is the bot of the token's integration; sharing follows the integration."""
    emulator = Emulator(tokens={"secret_one": "One", "secret_two": "Two"}, rate_limit=None)
    one = in_process_client(emulator, token="secret_one")
    two = in_process_client(emulator, token="secret_two")
    page = one.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={})
    assert (one.users.me()["name"], two.users.me()["name"]) == ("One", "Two")
    assert page["id"] == two.pages.retrieve(page_id=page["id"])["id"]
    emulator.close()


def test_an_unexpected_failure_is_a_notion_internal_server_error(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in an endpoint answers 500 internal_server_error, not a traceback."""

    def broken(*_: Any) -> Any:
        raise RuntimeError("boom")

    routes = tuple(
        replace(r, endpoint=broken) if r.template == "/v1/users" else r for r in routing.ROUTES
    )
    monkeypatch.setattr(routing, "ROUTES", routes)
    assert error_of(raw(emulator).get("/v1/users")) == (
        500,
        "internal_server_error",
        "Unexpected error occurred.",
    )
