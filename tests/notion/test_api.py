"""The API client over notion-client: retries, accounting, error mapping, and the token's secrecy.

Notion is faked by an ``httpx.MockTransport`` answering from a script of responses.
"""

from __future__ import annotations

import io
import traceback
from collections.abc import Callable

import httpx
import pytest
import structlog

from reconciler import logs
from reconciler.config import Secret
from reconciler.errors import (
    NotionAuthError,
    NotionError,
    NotionUnavailableError,
    NotionValidationError,
    UnexpectedResponseError,
)
from reconciler.notion.api import NotionApi
from reconciler.notion.failures import Subject
from reconciler.notion.limiter import TokenBucket
from reconciler.notion.notion_gateway import Unlimited
from reconciler.notion.retry import RetryPolicy
from reconciler.notion.stats import RequestAccounting

TOKEN = "ntn_4c7b2e9f1a3d5b8c6e0f2a4b6c8d0e1f"
USERS = "GET /v1/users"
USER_LIST: dict[str, object] = {
    "object": "list",
    "results": [],
    "next_cursor": None,
    "has_more": False,
}

Reply = httpx.Response | Exception


def error_body(status: int, code: str, message: str) -> dict[str, object]:
    return {
        "object": "error",
        "status": status,
        "code": code,
        "message": message,
        "request_id": "0d6c2b1e-5f4a-4b3c-8d2e-1f0a9b8c7d6e",
    }


class ScriptedNotion:
    """Answers each request with the next scripted reply, recording what it was sent."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


def make_api(
    notion: Callable[[httpx.Request], httpx.Response],
    *,
    policy: RetryPolicy | None = None,
    sleeps: list[float] | None = None,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
) -> tuple[NotionApi, RequestAccounting]:
    if sleep is None:
        sleep = sleeps.append if sleeps is not None else (lambda _s: None)
    accounting = RequestAccounting()
    api = NotionApi(
        Secret(TOKEN),
        base_url="https://api.notion.com",
        notion_version="2025-09-03",
        limiter=Unlimited(),
        policy=policy or RetryPolicy(max_attempts=4, initial_delay=0.01, max_delay=5.0),
        accounting=accounting,
        http_client=httpx.Client(transport=httpx.MockTransport(notion)),
        sleep=sleep,
        clock=clock or (lambda: 0.0),
    )
    return api, accounting


def list_users(api: NotionApi):
    return api.request(USERS, lambda c: c.users.list(), Subject("the users list"))


def test_requests_carry_the_version_and_token_and_notion_clients_retry_is_off() -> None:
    """The first 500 reaches our policy, not notion-client's; headers are Notion's."""
    notion = ScriptedNotion(
        httpx.Response(500, json=error_body(500, "internal_server_error", "Oops")),
        httpx.Response(200, json=USER_LIST),
    )
    api, accounting = make_api(notion)
    list_users(api)
    first = notion.requests[0]
    assert (first.headers["Notion-Version"], first.headers["Authorization"]) == (
        "2025-09-03",
        f"Bearer {TOKEN}",
    )
    assert accounting.snapshot().by_endpoint[USERS] == {"500": 1, "200": 1}


def test_429_waits_retry_after_and_slows_the_limiter_down() -> None:
    """A 429 with Retry-After: 2 sleeps 2 s before the retry and halves the limiter's rate."""
    notion = ScriptedNotion(
        httpx.Response(
            429, json=error_body(429, "rate_limited", "Slow down"), headers={"Retry-After": "2"}
        ),
        httpx.Response(200, json=USER_LIST),
    )
    sleeps: list[float] = []
    api, accounting = make_api(notion, sleeps=sleeps)
    bucket = TokenBucket(3.0, 5, sleep=lambda _s: None)
    api._limiter = bucket  # the bucket under test, shared like the gateway shares it
    list_users(api)
    stats = accounting.snapshot()
    assert (sleeps[0], stats.rate_limited, stats.retries) == (2.0, 1, 1)
    assert bucket.rate == pytest.approx(1.5, rel=0.01)


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(529, json=error_body(529, "service_overload", "Overloaded")),
        httpx.Response(502, text="<html>bad gateway</html>"),
        httpx.Response(503, json=error_body(503, "service_unavailable", "Unavailable")),
        httpx.Response(504, json=error_body(504, "gateway_timeout", "Timeout")),
        httpx.Response(409, json=error_body(409, "conflict_error", "Conflict occurred")),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadTimeout("timed out"),
    ],
    ids=["529", "502", "503", "504", "409", "dropped", "timeout"],
)
def test_transient_failures_are_retried_until_success(failure: Reply) -> None:
    """529, 502, 503, 504, 409, a dropped connection and a timeout are each retried."""
    notion = ScriptedNotion(failure, httpx.Response(200, json=USER_LIST))
    api, accounting = make_api(notion)
    assert list_users(api).items("results") == []
    assert accounting.snapshot().retries == 1


class RecordingLimiter(Unlimited):
    """Never waits; records what the API client tells a limiter, in order."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def acquire(self) -> float:
        self.calls.append("acquire")
        return 0.0

    def done(self, *, answered: bool) -> None:
        self.calls.append("answered" if answered else "lost")

    def penalize(self, retry_after: float | None) -> None:
        self.calls.append("penalize")


@pytest.mark.parametrize(
    ("failure", "ended"),
    [
        (httpx.Response(503, json=error_body(503, "service_unavailable", "Down")), "answered"),
        (httpx.Response(504, json=error_body(504, "gateway_timeout", "Timeout")), "lost"),
        (httpx.ReadTimeout("timed out"), "lost"),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."), "lost"),
    ],
    ids=["503", "504", "timeout", "dropped"],
)
def test_each_attempt_tells_the_limiter_whether_notion_answered(failure: Reply, ended: str) -> None:
    """Every acquire is followed by one ``done``: answered when Notion's answer came, lost when
    Notion may still count the request (the limiter's exact account depends on it)."""
    notion = ScriptedNotion(failure, httpx.Response(200, json=USER_LIST))
    api, _ = make_api(notion)
    limiter = RecordingLimiter()
    api._limiter = limiter
    list_users(api)
    assert limiter.calls == ["acquire", ended, "acquire", "answered"]


def test_a_429_slows_the_limiter_before_the_attempt_counts_as_answered() -> None:
    """The 429 reaches the limiter before its end, so no request is paced by the account the
    429 has just shown wrong."""
    limited = httpx.Response(
        429, json=error_body(429, "rate_limited", "Slow down"), headers={"Retry-After": "1"}
    )
    notion = ScriptedNotion(limited, httpx.Response(200, json=USER_LIST))
    api, _ = make_api(notion)
    limiter = RecordingLimiter()
    api._limiter = limiter
    list_users(api)
    assert limiter.calls == ["acquire", "penalize", "answered", "acquire", "answered"]


def test_an_attempt_ends_for_the_limiter_even_when_its_failure_cannot_be_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever goes wrong while a failure is looked at, the limiter hears the attempt end
    (as lost): a request sent alone holds every other caller back until it does."""

    def unreadable(exc: BaseException) -> None:
        raise RuntimeError("cannot read this failure")

    monkeypatch.setattr("reconciler.notion.api.classify", unreadable)
    notion = ScriptedNotion(httpx.ReadTimeout("timed out"))
    api, _ = make_api(notion)
    limiter = RecordingLimiter()
    api._limiter = limiter
    with pytest.raises(RuntimeError, match="cannot read this failure"):
        list_users(api)
    assert limiter.calls == ["acquire", "lost"]


def test_backoff_grows_exponentially_with_jitter_between_attempts() -> None:
    """Without Retry-After the waits are initial x 2^n plus at most `jitter` seconds."""
    unavailable = httpx.Response(503, json=error_body(503, "service_unavailable", "Down"))
    notion = ScriptedNotion(
        unavailable, unavailable, unavailable, httpx.Response(200, json=USER_LIST)
    )
    sleeps: list[float] = []
    policy = RetryPolicy(max_attempts=4, initial_delay=1.0, max_delay=60.0, jitter=0.5)
    api, _ = make_api(notion, policy=policy, sleeps=sleeps)
    list_users(api)
    assert [int(s) for s in sleeps] == [1, 2, 4]
    assert all(0 <= s - int(s) <= 0.5 for s in sleeps)


def test_exhausted_retries_raise_notion_unavailable() -> None:
    """Four 503s in a row with four attempts allowed end in NotionUnavailableError."""
    unavailable = httpx.Response(503, json=error_body(503, "service_unavailable", "Down"))
    notion = ScriptedNotion(*[unavailable] * 4)
    api, accounting = make_api(notion)
    with pytest.raises(NotionUnavailableError, match="failed 4 times; last: 503"):
        list_users(api)
    assert accounting.snapshot().count(USERS, "503") == 4


def test_total_retry_time_is_bounded() -> None:
    """With a 60 s budget, one 50 s Retry-After wait fits and a second one does not."""
    limited = httpx.Response(
        429, json=error_body(429, "rate_limited", "Slow down"), headers={"Retry-After": "50"}
    )
    notion = ScriptedNotion(limited, limited, limited)
    clock = {"now": 0.0}
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock["now"] += seconds

    policy = RetryPolicy(max_attempts=10, max_total_seconds=60.0, max_delay=60.0)
    api, accounting = make_api(notion, policy=policy, sleep=sleep, clock=lambda: clock["now"])
    with pytest.raises(NotionUnavailableError):
        list_users(api)
    assert (sleeps, accounting.snapshot().count(USERS)) == ([50.0], 2)


def test_validation_errors_are_not_retried() -> None:
    """A 400 is sent once and reported with Notion's message."""
    notion = ScriptedNotion(
        httpx.Response(400, json=error_body(400, "validation_error", "body failed validation"))
    )
    api, accounting = make_api(notion)
    with pytest.raises(NotionValidationError, match="body failed validation"):
        list_users(api)
    assert accounting.snapshot().retries == 0


def test_a_success_without_json_is_an_unexpected_response() -> None:
    """A 200 whose body is not JSON names the endpoint instead of failing deep inside."""
    notion = ScriptedNotion(httpx.Response(200, text="<html>captive portal</html>"))
    api, _ = make_api(notion)
    with pytest.raises(UnexpectedResponseError, match="GET /v1/users"):
        list_users(api)


def test_a_missing_field_names_the_endpoint_and_the_field() -> None:
    """A list answer without `results` is an UnexpectedResponseError, not a KeyError."""
    notion = ScriptedNotion(httpx.Response(200, json={"object": "list", "has_more": False}))
    api, _ = make_api(notion)
    with pytest.raises(UnexpectedResponseError) as caught:
        list_users(api).items("results")
    assert caught.value.message == (
        "unexpected response from GET /v1/users: field response.results should be a list,"
        " but is missing"
    )


def test_bytes_sent_and_received_are_counted() -> None:
    """Request and response bodies are counted in bytes."""
    notion = ScriptedNotion(httpx.Response(200, json=USER_LIST))
    api, accounting = make_api(notion)
    api.request("POST /v1/search", lambda c: c.search(query="Tasks"), Subject("search"))
    stats = accounting.snapshot()
    assert (stats.bytes_sent, stats.bytes_received) == (
        len(notion.requests[0].content),
        len(httpx.Response(200, json=USER_LIST).content),
    )


def test_the_token_never_appears_in_errors_tracebacks_logs_or_reprs() -> None:
    """Forced 401, 400, exhausted and dropped-connection failures leak the token nowhere."""
    stream = io.StringIO()
    logs.configure(debug=True, json_lines=True, stream=stream)
    replies: list[Reply] = [
        httpx.Response(401, json=error_body(401, "unauthorized", "API token is invalid.")),
        httpx.Response(400, json=error_body(400, "validation_error", f"bad {TOKEN}")),
        *[httpx.Response(503, json=error_body(503, "service_unavailable", "Down"))] * 4,
        *[httpx.RemoteProtocolError("Server disconnected")] * 4,
    ]
    notion = ScriptedNotion(*replies)
    api, _ = make_api(notion)
    errors: list[NotionError] = []
    for _ in range(4):
        with pytest.raises(NotionError) as caught:
            list_users(api)
        errors.append(caught.value)
    structlog.get_logger("test").error("gateway failed", error=str(errors[0]), api=repr(api))
    texts = [stream.getvalue(), repr(api)]
    for error in errors:
        texts += [str(error), repr(error), "".join(traceback.format_exception(error))]
    assert [t for t in texts if "4c7b2e9f1a3d5b8c" in t] == []
    assert isinstance(errors[0], NotionAuthError)
