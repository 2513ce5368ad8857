"""What a failed request means: whether to retry, whether a write may have happened, which error.

``classify`` turns what notion-client or httpx raised into a ``Failure``: notion-client raises
``APIResponseError`` only for the twelve error codes it knows and ``UnknownHTTPResponseError`` for
everything else (529 ``service_overload``, 502, non-JSON bodies), ``RequestTimeoutError`` for
timeouts, and lets httpx's transport errors (dropped connections) through. ``refusal`` turns a
final failure into the ``reconciler.errors`` type the CLI reports. Used by the API client.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import httpx
from notion_client.errors import HTTPResponseError, RequestTimeoutError

from reconciler.errors import (
    NotionAccessError,
    NotionAuthError,
    NotionError,
    NotionUnavailableError,
    NotionValidationError,
    UnexpectedResponseError,
)
from reconciler.logs import redact

__all__ = ["Failure", "Subject", "classify", "exhausted", "parse_retry_after", "refusal"]

TRANSIENT_STATUSES = frozenset({409, 429, 500, 502, 503, 504, 529})
"""Statuses worth retrying. 409 is a write conflict: re-read, then retry."""

# Notion rate-limits a request before processing it, so a 429 proves nothing was written; every
# other transient status may follow a performed write (the emulator's after_write faults do so).
_NOT_PERFORMED_STATUSES = frozenset({429})


@dataclass(frozen=True)
class Failure:
    """One failed attempt, as the retry loop and the error mapping need to see it."""

    outcome: str  # accounting label: the status as text, "timeout" or "dropped"
    message: str
    status: int | None = None
    code: str | None = None
    request_id: str | None = None
    transient: bool = False
    maybe_performed: bool = False  # a write may have been applied despite the failure
    retry_after: float | None = None
    unexpected: bool = False  # a success status whose body is not JSON
    connect: bool = False  # no connection could be opened (network, proxy, base URL)

    @property
    def conflict(self) -> bool:
        return self.status == 409

    @property
    def maybe_in_flight(self) -> bool:
        """Whether Notion may still be processing the request (we stopped waiting, or a proxy
        in front of it gave up): a write it holds may land after we look for it."""
        return self.outcome in ("timeout", "dropped") or self.status in (502, 504)

    def describe(self) -> str:
        if self.status is None:
            return self.message
        code = f" {self.code}" if self.code else ""
        return f"{self.status}{code}: {self.message}"


@dataclass(frozen=True)
class Subject:
    """What a request is about, for error messages: an object, and the row and database."""

    what: str  # e.g. "database 1f2e…", "the users list"
    database: str | None = None  # the manifest handle
    row_key: str | None = None
    properties: tuple[str, ...] = ()  # property names the request writes

    def where(self) -> str:
        parts = []
        if self.database:
            parts.append(f"database {self.database!r}")
        if self.row_key is not None:
            parts.append(f"row {self.row_key!r}")
        return ", ".join(parts)


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header: integer seconds or an HTTP date."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - now())


def _from_response(exc: HTTPResponseError) -> Failure:
    status = exc.status
    code = exc.code.value if hasattr(exc.code, "value") else str(exc.code)
    if code == "notionhq_client_response_error":
        # An unknown code (529 service_overload, bad_gateway) or a non-JSON body: read what we can.
        code, message = _code_and_message(exc.body, status)
    else:
        message = str(exc)
    return Failure(
        outcome=str(status),
        message=redact(message),
        status=status,
        code=code,
        request_id=exc.request_id,
        transient=status in TRANSIENT_STATUSES,
        maybe_performed=status not in _NOT_PERFORMED_STATUSES,
        retry_after=parse_retry_after(exc.headers.get("retry-after")),
    )


def _code_and_message(body: str, status: int) -> tuple[str | None, str]:
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        code, message = parsed.get("code"), parsed.get("message")
        if isinstance(message, str):
            return (code if isinstance(code, str) else None), message
    return None, f"HTTP {status} without a Notion error body"


def classify(exc: BaseException) -> Failure | None:
    """The failure ``exc`` stands for, or None when it is not a request failure (a bug)."""
    if isinstance(exc, HTTPResponseError):
        return _from_response(exc)
    if isinstance(exc, RequestTimeoutError | httpx.TimeoutException):
        return Failure("timeout", "the request timed out", transient=True, maybe_performed=True)
    if isinstance(exc, httpx.ConnectError):
        # The connection never opened: nothing was sent.
        reason = f" ({exc})" if str(exc) else ""
        return Failure(
            "dropped", f"could not connect to the Notion API{reason}", transient=True, connect=True
        )
    if isinstance(exc, httpx.TransportError):
        return Failure(
            "dropped",
            f"the connection failed ({type(exc).__name__})",
            transient=True,
            maybe_performed=True,
        )
    if isinstance(exc, json.JSONDecodeError):
        return Failure(
            "200", "the response body is not JSON", maybe_performed=True, unexpected=True
        )
    return None


_ACCESS_HINT = (
    "check the id in the manifest, and share the database with the integration: open it (or its"
    " parent page) in Notion, then '...' menu → Connections → add your integration"
)


def refusal(failure: Failure, endpoint: str, subject: Subject) -> NotionError:
    """The error to report for a failure that is not retried (or not any more)."""
    where = subject.where()
    context = f" ({where})" if where else ""
    if failure.unexpected:
        return _error(
            UnexpectedResponseError,
            failure,
            f"unexpected response from {endpoint}: {failure.message}",
            "Notion or a proxy in between answered oddly; try again, run with --debug",
        )
    if failure.status == 401:
        return _error(
            NotionAuthError,
            failure,
            f"Notion rejected the token (401 unauthorized): {failure.message}",
            "the token is invalid or revoked: copy the integration's secret again"
            " (Notion: Settings → Connections → Develop or manage integrations)"
            " into NOTION_TOKEN or the file NOTION_TOKEN_FILE names",
        )
    if failure.status in (403, 404):
        return _error(
            NotionAccessError,
            failure,
            f"{subject.what}{context} cannot be reached: it does not exist or is not shared"
            f" with the integration ({failure.describe()})",
            _ACCESS_HINT,
        )
    if failure.status == 400:
        return _error(
            NotionValidationError,
            failure,
            _validation_message(failure, subject),
            "fix the value in the manifest (Notion's message above says what it expects)",
        )
    return _error(
        NotionError,
        failure,
        f"{subject.what}{context}: Notion answered {failure.describe()}",
        "run with --debug for details",
    )


def _error(kind: type[NotionError], failure: Failure, message: str, hint: str) -> NotionError:
    return kind(
        message,
        hint=hint,
        status=failure.status,
        code=failure.code,
        request_id=failure.request_id,
    )


_PROPERTY_PATH = re.compile(r"properties\.([^.\s`]+)")


def _validation_message(failure: Failure, subject: Subject) -> str:
    in_path = _PROPERTY_PATH.search(failure.message)
    if in_path is not None and in_path.group(1) in subject.properties:
        named = [in_path.group(1)]
    else:
        named = [p for p in subject.properties if p in failure.message]
    where = subject.where()
    if len(named) == 1:
        where = f"{where}, property {named[0]!r}" if where else f"property {named[0]!r}"
    prefix = f"{where}: " if where else ""
    return f"{prefix}Notion rejected the request for {subject.what}: {failure.message}"


def exhausted(failure: Failure, endpoint: str, subject: Subject, attempts: int) -> NotionError:
    """The error once retries are used up on transient failures."""
    if failure.connect:
        hint = (
            "check the network connection and any proxy (HTTPS_PROXY), and NOTION_BASE_URL if it"
            " is set; `reconciler doctor` tries the connection (an apply resumes where it stopped)"
        )
    elif failure.status == 429:
        hint = (
            "Notion kept rate-limiting: lower rate_limit.rps in reconciler.yaml, or share the"
            " budget with the other tools using this token through rate_limit.redis_url"
        )
    else:
        hint = "Notion is unavailable; try again later (an apply resumes where it stopped)"
    return _error(
        NotionUnavailableError,
        failure,
        f"{endpoint} for {subject.what} failed {attempts} times; last: {failure.describe()}",
        hint,
    )
