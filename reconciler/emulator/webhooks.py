"""Webhook delivery as Notion does it: a verification handshake, then signed events, in background.

``webhooks: [{"url", "verification_token", "delay_ms"}]`` in the admin config subscribes a
receiver. The emulator first POSTs ``{"verification_token": ...}`` (unsigned, as Notion's
handshake is), then every event the API's changes cause (see :mod:`.changes`) ``delay_ms`` after
the change, with ``X-Notion-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed by the
verification token>``. One daemon thread sends; an API request only queues, so a slow or absent
receiver never slows or fails it. A receiver that is down, answers an error or is too slow loses
that event: Notion aims at at-most-once delivery, and the emulator does not retry. Used by the
Emulator (queueing) and the admin config (targets).
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from reconciler.emulator.identity import stable_id

__all__ = [
    "SIGNATURE_HEADER",
    "TargetError",
    "WebhookSender",
    "WebhookTarget",
    "parse_targets",
    "signature",
]

SIGNATURE_HEADER = "X-Notion-Signature"
"""The header Notion signs events in."""

_TIMEOUT_S = 5.0
_MAX_PENDING = 10_000
logger = logging.getLogger(__name__)


class TargetError(ValueError):
    """A webhook target the config cannot take (the message names the problem)."""


@dataclass(frozen=True)
class WebhookTarget:
    """One subscribed receiver: where events go, the token that signs them, and their delay."""

    url: str
    verification_token: str
    delay_ms: int = 0

    @property
    def subscription_id(self) -> str:
        """A stable id for this subscription (Notion's ``subscription_id``)."""
        return stable_id(f"subscription:{self.url}")

    def describe(self) -> dict[str, Any]:
        """The target as the config shows it (the token is the receiver's own secret: masked)."""
        return {"url": self.url, "verification_token": "***", "delay_ms": self.delay_ms}


def parse_targets(value: object) -> tuple[WebhookTarget, ...]:
    """The targets of a ``webhooks`` config value (a list, or null for none)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise TargetError("webhooks must be a list of {url, verification_token, delay_ms}")
    return tuple(_target(item, f"webhooks[{n}]") for n, item in enumerate(value))


def _target(item: object, where: str) -> WebhookTarget:
    if not isinstance(item, Mapping):
        raise TargetError(f"{where} must be an object")
    unknown = set(item) - {"url", "verification_token", "delay_ms"}
    if unknown:
        raise TargetError(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
    url = item.get("url")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        raise TargetError(f"{where}.url must be an http(s) URL, e.g. http://127.0.0.1:9000/hook")
    token = item.get("verification_token")
    if not isinstance(token, str) or not token:
        raise TargetError(f"{where}.verification_token must be a non-empty string")
    delay = item.get("delay_ms", 0)
    if isinstance(delay, bool) or not isinstance(delay, int) or delay < 0:
        raise TargetError(f"{where}.delay_ms must be an integer number of milliseconds ≥ 0")
    return WebhookTarget(url, token, delay)


def signature(token: str, raw: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of raw keyed by token>``, as Notion signs an event."""
    return "sha256=" + hmac.new(token.encode(), raw, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class _Delivery:
    target: WebhookTarget
    raw: bytes
    signed: bool


class WebhookSender:
    """Sends handshakes and events on one background thread, each when it falls due."""

    def __init__(self, ticker: Callable[[], float] = time.monotonic) -> None:
        self._ticker = ticker
        self._due: list[tuple[float, int, _Delivery]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.outcomes: dict[str, int] = {"delivered": 0, "failed": 0, "dropped": 0}

    def counts(self) -> dict[str, int]:
        """Deliveries so far: delivered (answered 2xx), failed (lost), dropped (queue full)."""
        with self._wake:
            return dict(self.outcomes)

    def handshake(self, target: WebhookTarget) -> None:
        """Queue the verification request a new subscription starts with (sent at once)."""
        raw = json.dumps({"verification_token": target.verification_token}).encode()
        self._queue(_Delivery(target, raw, signed=False), 0.0)

    def send(self, target: WebhookTarget, event: Mapping[str, Any]) -> None:
        """Queue one event, signed, to leave ``delay_ms`` from now."""
        raw = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        self._queue(_Delivery(target, raw, signed=True), target.delay_ms / 1000.0)

    def close(self) -> None:
        """Stop the sender; what is still queued is never sent."""
        with self._wake:
            self._closed = True
            self._due.clear()
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=_TIMEOUT_S + 1)

    def _queue(self, delivery: _Delivery, delay: float) -> None:
        with self._wake:
            if self._closed:
                return
            if len(self._due) >= _MAX_PENDING:
                self.outcomes["dropped"] += 1
                return
            heapq.heappush(self._due, (self._ticker() + delay, next(self._order), delivery))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="emulator-webhooks", daemon=True
                )
                self._thread.start()
            self._wake.notify_all()

    def _run(self) -> None:
        with httpx.Client(timeout=_TIMEOUT_S) as http:
            while True:
                delivery = self._next()
                if delivery is None:
                    return
                self._deliver(http, delivery)

    def _next(self) -> _Delivery | None:
        """The next delivery once it is due; None when the sender is closed."""
        with self._wake:
            while True:
                if self._closed:
                    return None
                if self._due:
                    wait = self._due[0][0] - self._ticker()
                    if wait <= 0:
                        return heapq.heappop(self._due)[2]
                    self._wake.wait(timeout=wait)
                else:
                    self._wake.wait()

    def _deliver(self, http: httpx.Client, delivery: _Delivery) -> None:
        headers = {"Content-Type": "application/json", "User-Agent": "notion-api"}
        if delivery.signed:
            headers[SIGNATURE_HEADER] = signature(delivery.target.verification_token, delivery.raw)
        try:
            answer = http.post(delivery.target.url, content=delivery.raw, headers=headers)
            ok = answer.status_code < 300
        except httpx.HTTPError as error:
            logger.debug("webhook to %s lost: %s", delivery.target.url, error)
            ok = False
        with self._wake:
            self.outcomes["delivered" if ok else "failed"] += 1
