"""Reading failures: what is retried, what may have written, and which error a user sees."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
from notion_client.errors import APIResponseError, RequestTimeoutError, UnknownHTTPResponseError

from reconciler.errors import (
    NotionAccessError,
    NotionAuthError,
    NotionUnavailableError,
    NotionValidationError,
)
from reconciler.notion.failures import (
    Failure,
    Subject,
    classify,
    exhausted,
    parse_retry_after,
    refusal,
)


def api_error(status: int, code: str, message: str, headers: dict[str, str] | None = None):
    body = {"object": "error", "status": status, "code": code, "message": message}
    return APIResponseError(
        code=code,
        status=status,
        message=message,
        headers=httpx.Headers(headers or {}),
        raw_body_text=json.dumps(body),
        request_id="5b6c1b5e-8f7a-4c3e-9d2a-1e2f3a4b5c6d",
    )


def unknown_error(status: int, body: str) -> UnknownHTTPResponseError:
    return UnknownHTTPResponseError(status=status, headers=httpx.Headers(), raw_body_text=body)


def test_rate_limited_is_retried_after_retry_after_and_proves_nothing_was_written() -> None:
    """429 is transient, carries its Retry-After, and is not a possibly-performed write."""
    failure = classify(api_error(429, "rate_limited", "Slow down", {"Retry-After": "3"}))
    assert failure is not None
    assert (failure.transient, failure.maybe_performed, failure.retry_after) == (True, False, 3.0)


def test_service_overload_529_is_read_from_notion_clients_unknown_error() -> None:
    """notion-client does not know code service_overload; its code and message still come out."""
    body = json.dumps(
        {
            "object": "error",
            "status": 529,
            "code": "service_overload",
            "message": "Notion is overloaded",
        }
    )
    failure = classify(unknown_error(529, body))
    assert failure is not None
    assert (
        failure.outcome,
        failure.code,
        failure.message,
        failure.transient,
        failure.maybe_performed,
    ) == ("529", "service_overload", "Notion is overloaded", True, True)


def test_bad_gateway_without_a_json_body_is_transient() -> None:
    """A 502 from a proxy (HTML body) is retried and may have followed a write."""
    failure = classify(unknown_error(502, "<html>Bad Gateway</html>"))
    assert failure is not None
    assert (
        failure.transient,
        failure.maybe_performed,
        failure.message,
    ) == (True, True, "HTTP 502 without a Notion error body")


def test_timeouts_and_dropped_connections_are_transient_and_ambiguous() -> None:
    """A timeout or a connection dropped mid-request may follow a performed write."""
    request = httpx.Request("POST", "https://api.notion.com/v1/pages")
    dropped = classify(httpx.RemoteProtocolError("Server disconnected", request=request))
    timeout = classify(RequestTimeoutError())
    assert dropped is not None
    assert timeout is not None
    assert (dropped.outcome, dropped.transient, dropped.maybe_performed) == ("dropped", True, True)
    assert (timeout.outcome, timeout.transient, timeout.maybe_performed) == ("timeout", True, True)


def test_connection_refused_is_transient_but_nothing_was_sent() -> None:
    """A connection that never opened cannot have written anything."""
    request = httpx.Request("POST", "https://api.notion.com/v1/pages")
    failure = classify(httpx.ConnectError("Connection refused", request=request))
    assert failure is not None
    assert (failure.transient, failure.maybe_performed) == (True, False)
    assert failure.message == "could not connect to the Notion API (Connection refused)"


def test_validation_errors_and_other_exceptions_are_not_retried() -> None:
    """400 is final; an exception that is no request failure is a bug and not classified."""
    failure = classify(api_error(400, "validation_error", "body failed validation"))
    assert failure is not None
    assert (failure.transient, classify(KeyError("results"))) == (False, None)


def test_retry_after_is_read_as_seconds_or_as_an_http_date() -> None:
    """Retry-After: 7 and an HTTP date 30 s ahead both give the wait in seconds."""
    now = datetime(2026, 8, 1, 12, 0, 0, tzinfo=UTC)
    later = format_datetime(datetime(2026, 8, 1, 12, 0, 30, tzinfo=UTC), usegmt=True)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(later, now=now.timestamp) == 30.0
    assert None is parse_retry_after("soon")


def test_401_says_the_token_is_invalid_and_how_to_fix_it() -> None:
    """An invalid token is a NotionAuthError pointing at the integration settings."""
    failure = classify(api_error(401, "unauthorized", "API token is invalid."))
    assert failure is not None
    error = refusal(failure, "GET /v1/users", Subject("the users list"))
    assert isinstance(error, NotionAuthError)
    assert "API token is invalid." in str(error)
    assert "NOTION_TOKEN" in str(error)


def test_404_says_how_to_share_the_database_with_the_integration() -> None:
    """A database the integration cannot see names the manifest and the Connections menu."""
    failure = classify(api_error(404, "object_not_found", "Could not find database with ID"))
    assert failure is not None
    error = refusal(failure, "GET /v1/databases/{id}", Subject("database 1f2e", database="tasks"))
    assert isinstance(error, NotionAccessError)
    assert "database 'tasks'" in error.message
    assert "Connections" in (error.hint or "")


def test_400_names_the_database_row_and_property_with_notions_message() -> None:
    """A rejected row write says which database, row key and property, in Notion's words."""
    message = "body failed validation: body.properties.Estimate.number should be a number"
    failure = classify(api_error(400, "validation_error", message))
    assert failure is not None
    subject = Subject(
        "a new row", database="tasks", row_key="write-docs", properties=("Name", "Estimate")
    )
    error = refusal(failure, "POST /v1/pages", subject)
    assert isinstance(error, NotionValidationError)
    assert error.message.startswith("database 'tasks', row 'write-docs', property 'Estimate':")
    assert message in error.message


def test_exhausted_retries_are_notion_unavailable_with_the_last_failure() -> None:
    """Giving up after transient failures reports the endpoint, attempts and last answer."""
    failure = Failure(
        "503", "Notion is unavailable", status=503, code="service_unavailable", transient=True
    )
    error = exhausted(failure, "POST /v1/pages", Subject("a new row"), 8)
    assert isinstance(error, NotionUnavailableError)
    assert error.message == (
        "POST /v1/pages for a new row failed 8 times; last: 503 service_unavailable:"
        " Notion is unavailable"
    )


def test_exhausted_retries_hint_at_what_to_do_about_their_cause() -> None:
    """Unreachable: the network, proxy and base URL; rate-limited: the rate; 5xx: wait."""
    unreachable = Failure("dropped", "could not connect", transient=True, connect=True)
    limited = Failure("429", "slow down", status=429, code="rate_limited", transient=True)
    down = Failure("503", "unavailable", status=503, transient=True)
    hints = [
        exhausted(failure, "GET /v1/users", Subject("the users list"), 8).hint or ""
        for failure in (unreachable, limited, down)
    ]
    assert "HTTPS_PROXY" in hints[0]
    assert "NOTION_BASE_URL" in hints[0]
    assert "rate_limit.rps" in hints[1]
    assert hints[2].startswith("Notion is unavailable; try again later")
