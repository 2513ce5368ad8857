"""Rate limiting per token, injected faults (status, dropped connection, after_write), latency."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from notion_client import APIResponseError
from notion_client.errors import UnknownHTTPResponseError

from reconciler.emulator import ROOT_PAGE_ID, Emulator
from tests.conftest import in_process_client
from tests.emulator.conftest import text


class FakeTicker:
    """A monotonic clock the test moves by hand (no sleeping, no timing)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def limited(emulator: Emulator) -> tuple[Any, FakeTicker]:
    """A client and the hand-moved clock of an emulator limited to 3 requests/s, burst 10."""
    ticker = FakeTicker()
    emulator.controls.ticker = ticker
    emulator.configure({"rate_limit": {"rps": 3, "burst": 10}})
    return in_process_client(emulator), ticker


def test_a_burst_past_the_bucket_gets_429_with_an_integer_retry_after(
    limited: tuple[Any, FakeTicker],
) -> None:
    """Ten requests pass at once, the eleventh is rate limited as Notion answers it."""
    notion, _ = limited
    for _ in range(10):
        notion.users.me()
    with pytest.raises(APIResponseError) as refused:
        notion.users.me()
    assert (refused.value.status, refused.value.code) == (429, "rate_limited")
    assert refused.value.headers["retry-after"] == "1"
    assert refused.value.additional_data == {"rate_limit_reason": "public_api_request_rate_limit"}


def test_a_client_that_honours_retry_after_averages_no_more_than_the_rate(
    limited: tuple[Any, FakeTicker],
) -> None:
    """Over 60 simulated seconds a greedy client that waits as told gets about 3 requests/s."""
    notion, ticker = limited
    start, answered = ticker.now, 0
    while ticker.now - start < 60:
        try:
            notion.users.me()
            answered += 1
            ticker.now += 0.01
        except APIResponseError as refused:
            ticker.now += int(refused.headers["retry-after"])
    rate = answered / (ticker.now - start)
    assert rate <= 3 * 1.1 + 10 / 60  # the configured rate, a margin, and the initial burst


def test_rate_limits_are_per_token() -> None:
    """Another integration's token has its own bucket."""
    emulator = Emulator(tokens={"secret_one": "One", "secret_two": "Two"}, rate_limit=1, burst=1)
    emulator.controls.ticker = FakeTicker()
    one, two = (
        in_process_client(emulator, token="secret_one"),
        in_process_client(emulator, token="secret_two"),
    )
    one.users.me()
    with pytest.raises(APIResponseError):
        one.users.me()
    assert two.users.me()["name"] == "Two"
    emulator.close()


def test_a_rate_limit_of_null_turns_limiting_off(
    limited: tuple[Any, FakeTicker], emulator: Emulator
) -> None:
    """rate_limit: null disables the limiter."""
    notion, _ = limited
    emulator.configure({"rate_limit": None})
    assert len([notion.users.me() for _ in range(30)]) == 30


def test_a_status_fault_fires_the_given_number_of_times(emulator: Emulator, notion: Any) -> None:
    """times: 2 fails two matching requests, then the endpoint answers again."""
    emulator.configure(
        {"faults": [{"method": "GET", "path": "^/v1/users/me$", "status": 503, "times": 2}]}
    )
    codes = []
    for _ in range(3):
        try:
            codes.append(notion.users.me()["object"])
        except APIResponseError as refused:
            codes.append(refused.code)
    assert codes == ["service_unavailable", "service_unavailable", "user"]


def test_a_fault_answers_with_any_status_and_code(emulator: Emulator, notion: Any) -> None:
    """The error body is shaped like Notion's, with the configured code and message."""
    emulator.configure(
        {
            "faults": [
                {
                    "path": "/v1/pages",
                    "status": 409,
                    "code": "conflict_error",
                    "message": "Conflict occurred while saving. Please try again.",
                }
            ]
        }
    )
    with pytest.raises(APIResponseError) as refused:
        notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={})
    assert (
        refused.value.status,
        refused.value.code,
        str(refused.value),
    ) == (409, "conflict_error", "Conflict occurred while saving. Please try again.")


def test_a_fault_only_matches_its_method_and_path(emulator: Emulator, notion: Any) -> None:
    """A POST fault leaves GETs alone."""
    emulator.configure({"faults": [{"method": "POST", "path": "^/v1/search", "status": 500}]})
    assert notion.users.me()["object"] == "user"
    with pytest.raises(APIResponseError) as refused:
        notion.search(query="x")
    assert refused.value.code == "internal_server_error"


def outcomes(emulator: Emulator, seed: int) -> list[bool]:
    """Which of 40 requests a 50% fault let through, under this seed."""
    emulator.configure(
        {"seed": seed, "faults": [{"path": "/v1/users/me", "status": 500, "probability": 0.5}]}
    )
    client = in_process_client(emulator)
    seen = []
    for _ in range(40):
        try:
            client.users.me()
            seen.append(True)
        except APIResponseError:
            seen.append(False)
    return seen


def test_probability_faults_are_reproducible_with_a_seed(emulator: Emulator) -> None:
    """The same seed draws the same failures; another seed others."""
    first, again, other = outcomes(emulator, 7), outcomes(emulator, 7), outcomes(emulator, 8)
    assert first == again
    assert first != other
    assert 5 < first.count(False) < 35


def test_a_dropped_connection_is_a_transport_error_in_process(
    emulator: Emulator, notion: Any
) -> None:
    """Status 0 answers nothing: httpx reports a closed socket's protocol error, as over TCP."""
    emulator.configure({"faults": [{"path": "/v1/users/me", "status": 0, "times": 1}]})
    with pytest.raises(httpx.RemoteProtocolError) as dropped:
        notion.users.me()
    expected = ("Server disconnected without sending a response.", "/v1/users/me")
    assert expected == (str(dropped.value), dropped.value.request.url.path)
    assert notion.users.me()["object"] == "user"
    assert [r["status"] for r in emulator.requests()] == [0, 200]


def test_an_after_write_fault_applies_the_write_then_fails(emulator: Emulator, notion: Any) -> None:
    """The page is created although the client saw a 500: an ambiguous outcome."""
    emulator.configure(
        {
            "faults": [
                {
                    "method": "POST",
                    "path": "^/v1/pages$",
                    "status": 500,
                    "after_write": True,
                    "times": 1,
                }
            ]
        }
    )
    with pytest.raises(APIResponseError):
        notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Maybe")})
    found = notion.search(query="Maybe")["results"]
    assert len(found) == 1


def test_an_after_write_drop_applies_the_write_then_closes(emulator: Emulator, notion: Any) -> None:
    """A dropped connection after the write: no answer, but the page exists."""
    emulator.configure(
        {
            "faults": [
                {
                    "method": "POST",
                    "path": "^/v1/pages$",
                    "status": 0,
                    "after_write": True,
                    "times": 1,
                }
            ]
        }
    )
    with pytest.raises(httpx.RemoteProtocolError):
        notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Maybe")})
    assert len(notion.search(query="Maybe")["results"]) == 1


def test_a_429_fault_carries_retry_after(emulator: Emulator, notion: Any) -> None:
    """An injected rate limit looks like a real one."""
    emulator.configure(
        {"faults": [{"path": "/v1/users/me", "status": 429, "retry_after": 7, "times": 1}]}
    )
    with pytest.raises(APIResponseError) as refused:
        notion.users.me()
    assert (
        refused.value.headers["retry-after"],
        refused.value.additional_data,
    ) == ("7", {"rate_limit_reason": "public_api_request_rate_limit"})


def test_latency_is_added_to_every_request(emulator: Emulator, notion: Any) -> None:
    """latency_ms.mean delays each answer (a lower bound, which sleeping guarantees)."""
    emulator.configure({"latency_ms": {"mean": 30, "jitter": 0}})
    notion.users.me()
    assert emulator.requests()[-1]["duration_ms"] >= 30


def test_a_bad_fault_config_is_refused_with_a_reason(emulator: Emulator) -> None:
    """The admin config names what is wrong."""
    with pytest.raises(ValueError, match=r"faults\[0\]: give times or probability, not both"):
        emulator.configure(
            {"faults": [{"path": ".", "status": 500, "times": 1, "probability": 0.5}]}
        )


NOTION_FAILURES = [
    (403, "restricted_resource"),
    (409, "conflict_error"),
    (429, "rate_limited"),
    (500, "internal_server_error"),
    (503, "service_unavailable"),
    (504, "gateway_timeout"),
]


@pytest.mark.parametrize(("status", "code"), NOTION_FAILURES)
def test_each_notion_failure_reaches_notion_client_as_its_code(
    emulator: Emulator, notion: Any, status: int, code: str
) -> None:
    """A fault of each status answers Notion's default code for it, which notion-client knows."""
    emulator.configure({"faults": [{"path": "/v1/users/me", "status": status, "times": 1}]})
    with pytest.raises(APIResponseError) as refused:
        notion.users.me()
    assert (status, code) == (refused.value.status, refused.value.code)


@pytest.mark.parametrize(("status", "code"), [(502, "bad_gateway"), (529, "service_overload")])
def test_codes_notion_client_does_not_know_are_unknown_responses(
    emulator: Emulator, notion: Any, status: int, code: str
) -> None:
    """notion-client raises UnknownHTTPResponseError for 502 and 529 bodies (its own rule)."""
    emulator.configure({"faults": [{"path": "/v1/users/me", "status": status, "times": 1}]})
    with pytest.raises(UnknownHTTPResponseError) as refused:
        notion.users.me()
    assert status == refused.value.status
    assert code in refused.value.body
