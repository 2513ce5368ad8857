"""The API client: every request to Notion, paced, retried, counted and checked, over notion-client.

``NotionApi.request`` sends one logical request: before each attempt it takes a slot from the
rate limiter; it counts the attempt; on a 429 it slows the limiter down; transient failures are
retried by the retry policy (notion-client's own retry is off, so the two never multiply); a final
failure becomes a ``reconciler.errors`` error; the answer comes back as a checked ``Body``. A
caller whose request is not idempotent passes ``before_resend``, which runs before any resend
that follows a failure after which the write may have happened, and may settle the request
instead (the idempotent create looks the row up by its key there). Used by the reader and writer.

The token is revealed here only, to build the notion-client ``Client``, and registered with the
log redaction at the same moment.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx
from notion_client import Client
from tenacity import RetryCallState

from reconciler.config import Secret
from reconciler.logs import logger, register_secret
from reconciler.notion.failures import Failure, Subject, classify, exhausted, refusal
from reconciler.notion.limiter import RateLimiter
from reconciler.notion.retry import AttemptFailed, RetryPolicy, retrying
from reconciler.notion.shapes import Body
from reconciler.notion.stats import RequestAccounting

__all__ = ["NotionApi", "Send"]

log = logger(__name__)

T = TypeVar("T")

Send = Callable[[Client], Any]
"""One call on the notion-client ``Client`` (e.g. ``lambda c: c.pages.retrieve(page_id)``)."""


def _quiet_logger() -> logging.Logger:
    # notion-client logs failures to stdout by default; we log through structlog instead.
    logger = logging.getLogger("reconciler.notion.notion_client")
    logger.propagate = False
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    return logger


class NotionApi:
    """Sends requests to one Notion API with one token, limiter, retry policy and account."""

    def __init__(
        self,
        token: Secret,
        *,
        base_url: str,
        notion_version: str,
        limiter: RateLimiter,
        policy: RetryPolicy,
        accounting: RequestAccounting,
        http_client: httpx.Client | None = None,
        timeout_seconds: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url
        self.notion_version = notion_version
        self._limiter = limiter
        self._policy = policy
        self._accounting = accounting
        self._sleep = sleep
        self._clock = clock
        self._owns_http = http_client is None
        http = http_client if http_client is not None else httpx.Client()
        http.event_hooks["request"].append(self._count_sent)
        http.event_hooks["response"].append(self._count_received)
        self._http = http
        register_secret(token.reveal())
        # Never ``with Client(...)``: its __enter__ swaps in a fresh httpx.Client, which would
        # drop an injected transport (the --local WSGI emulator).
        self._client = Client(
            auth=token.reveal(),
            base_url=base_url,
            notion_version=notion_version,
            timeout_ms=int(timeout_seconds * 1000),
            retry=False,
            client=http,
            logger=_quiet_logger(),
            log_level=logging.CRITICAL + 1,
        )
        self._closed = threading.Event()
        self._answered = threading.local()

    def __repr__(self) -> str:
        return f"NotionApi(base_url={self.base_url!r}, notion_version={self.notion_version!r})"

    def _count_sent(self, request: httpx.Request) -> None:
        self._accounting.transferred(sent=len(request.content))

    def _count_received(self, response: httpx.Response) -> None:
        response.read()
        self._accounting.transferred(received=len(response.content))
        self._answered.date = response.headers.get("date")

    def close(self) -> None:
        """Close the HTTP connections we opened; an injected client is its owner's to close."""
        if self._owns_http and not self._closed.is_set():
            self._closed.set()
            self._http.close()

    # --- time --------------------------------------------------------------------------------

    def now(self) -> float:
        """The API client's clock (monotonic seconds)."""
        return self._clock()

    def answered_at(self) -> datetime:
        """When Notion answered this thread's latest request, by its ``Date`` header (Notion's
        clock, which its ``last_edited_time`` values follow); this machine's clock when the
        answer had none."""
        header = getattr(self._answered, "date", None)
        if isinstance(header, str):
            with contextlib.suppress(TypeError, ValueError):  # a malformed header: our clock
                return parsedate_to_datetime(header).astimezone(UTC)
        return datetime.now(UTC)

    def wait_out_in_flight(self, sent_at: float) -> None:
        """Sleep until a request sent at ``sent_at`` can no longer be in flight at Notion."""
        remaining = sent_at + self._policy.in_flight_seconds - self._clock()
        if remaining > 0:
            self._sleep(remaining)

    # --- requests ----------------------------------------------------------------------------

    def request(
        self,
        endpoint: str,
        send: Send,
        subject: Subject,
        *,
        before_resend: Callable[[Failure], Body | None] | None = None,
    ) -> Body:
        """The checked answer to one logical request, retried as the policy says."""
        return self.settle(endpoint, lambda: self.attempt(endpoint, send), subject, before_resend)

    def settle(
        self,
        endpoint: str,
        attempt: Callable[[], T],
        subject: Subject,
        before_resend: Callable[[Failure], T | None] | None = None,
    ) -> T:
        """Run ``attempt`` until it succeeds, ``before_resend`` settles it, or retries run out."""
        last: Failure | None = None
        attempts = 0
        try:
            for tenacity_attempt in retrying(
                self._policy, sleep=self._sleep, clock=self._clock, on_retry=self._on_retry
            ):
                with tenacity_attempt:
                    if last is not None and before_resend is not None and _unknown(last):
                        settled = before_resend(last)
                        if settled is not None:
                            return settled
                    attempts += 1
                    try:
                        return attempt()
                    except AttemptFailed as failed:
                        last = failed.failure
                        raise
        except AttemptFailed as failed:
            if failed.failure.transient:
                raise exhausted(failed.failure, endpoint, subject, attempts) from None
            raise refusal(failed.failure, endpoint, subject) from None
        raise AssertionError("tenacity ended without a result")  # pragma: no cover

    def attempt(self, endpoint: str, send: Send) -> Body:
        """One attempt, paced and counted; a failure raises ``AttemptFailed`` (for ``settle``).

        The limiter hears that the attempt ended exactly once, whatever happens (a request sent
        alone holds the others back until then); ``answered`` only when Notion's answer came,
        since Notion may still count a request we stopped waiting for."""
        waited = self._limiter.acquire()
        answered = False
        try:
            self._accounting.waited(waited)
            answer = send(self._client)
            answered = True
        except BaseException as exc:
            failure = classify(exc) if isinstance(exc, Exception) else None
            answered = failure is not None and not failure.maybe_in_flight
            if failure is not None and failure.status == 429:
                retry_after = failure.retry_after
                capped = None if retry_after is None else min(retry_after, self._policy.max_delay)
                self._limiter.penalize(capped)
            if failure is None:
                raise
            self._accounting.attempt(endpoint, failure.outcome)
            log.info(
                "notion request failed",
                endpoint=endpoint,
                outcome=failure.outcome,
                code=failure.code,
                request_id=failure.request_id,
            )
            raise AttemptFailed(failure) from None
        finally:
            self._limiter.done(answered=answered)
        self._accounting.attempt(endpoint, "200")
        return Body(answer, endpoint)

    def _on_retry(self, state: RetryCallState) -> None:
        self._accounting.retry()
        log.debug("retrying notion request", attempt=state.attempt_number)


def _unknown(failure: Failure) -> bool:
    """Whether a write may have happened (or conflicted) in the failed attempt."""
    return failure.maybe_performed or failure.conflict
