"""The controller's HTTP endpoints, as one small WSGI application (waitress serves it).

::

    GET  /healthz           200 while the loop is alive
    GET  /readyz            200 when ready, else 503 with every reason, one a line
    GET  /metrics           Prometheus text format
    GET  /status            JSON: the controller, and per database its state and pending changes
    POST /webhooks/notion   Notion's webhook deliveries (see ``reconciler.serve.webhooks``)

Webhook bodies are bounded: a request announcing more than ``max_body`` bytes is refused (413)
without reading it. Every webhook request is counted by outcome; refused ones are logged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from wsgiref.types import StartResponse, WSGIEnvironment

import structlog

from reconciler.serve.breaker import CircuitBreaker
from reconciler.serve.hints import HintQueue
from reconciler.serve.metrics import CONTENT_TYPE, ControllerMetrics
from reconciler.serve.status import StatusBoard
from reconciler.serve.webhooks import Receipt, WebhookOutcome, WebhookReceiver

__all__ = ["ControllerApp", "Endpoints"]

log = structlog.get_logger(__name__)

_TEXT = "text/plain; charset=utf-8"
_JSON = "application/json"
_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    429: "Too Many Requests",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class Endpoints:
    """What the endpoints read and where webhook hints go."""

    board: StatusBoard
    breaker: CircuitBreaker
    metrics: ControllerMetrics
    receiver: WebhookReceiver
    hints: HintQueue
    alive: Callable[[], bool]
    max_body: int = 256 * 1024


class ControllerApp:
    """The WSGI application of the controller's endpoints."""

    def __init__(self, endpoints: Endpoints) -> None:
        self._endpoints = endpoints
        self._routes: dict[str, tuple[str, Callable[[WSGIEnvironment], _Answer]]] = {
            "/healthz": ("GET", self._healthz),
            "/readyz": ("GET", self._readyz),
            "/metrics": ("GET", self._metrics),
            "/status": ("GET", self._status),
            "/webhooks/notion": ("POST", self._webhook),
        }

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        route = self._routes.get(path)
        if route is None:
            answer = _Answer(404, _TEXT, b"not found\n")
        elif method != route[0] and not (method == "HEAD" and route[0] == "GET"):
            answer = _Answer(405, _TEXT, b"method not allowed\n", (("Allow", route[0]),))
        else:
            answer = route[1](environ)
        headers = [("Content-Type", answer.content_type), ("Content-Length", str(len(answer.body)))]
        headers.extend(answer.headers)
        start_response(f"{answer.status} {_REASONS.get(answer.status, '')}".strip(), headers)
        return [b"" if method == "HEAD" else answer.body]

    def _healthz(self, _environ: WSGIEnvironment) -> _Answer:
        if self._endpoints.alive():
            return _Answer(200, _TEXT, b"ok\n")
        return _Answer(503, _TEXT, b"the reconciliation loop has stopped\n")

    def _readyz(self, _environ: WSGIEnvironment) -> _Answer:
        reasons = self._endpoints.board.get().not_ready(self._endpoints.breaker.view())
        if not reasons:
            return _Answer(200, _TEXT, b"ready\n")
        text = "not ready:\n" + "".join(f"- {reason}\n" for reason in reasons)
        return _Answer(503, _TEXT, text.encode("utf-8"))

    def _metrics(self, _environ: WSGIEnvironment) -> _Answer:
        return _Answer(200, CONTENT_TYPE, self._endpoints.metrics.exposition())

    def _status(self, _environ: WSGIEnvironment) -> _Answer:
        document = self._endpoints.board.get().to_json(self._endpoints.breaker.view())
        body = json.dumps(document, indent=2, sort_keys=True).encode("utf-8") + b"\n"
        return _Answer(200, _JSON, body)

    def _webhook(self, environ: WSGIEnvironment) -> _Answer:
        endpoints = self._endpoints
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > endpoints.max_body:
            receipt = Receipt(WebhookOutcome.TOO_LARGE, message=f"more than {endpoints.max_body}")
        else:
            body = environ["wsgi.input"].read(length) if length else b""
            headers = {
                key[5:].replace("_", "-").lower(): str(value)
                for key, value in environ.items()
                if key.startswith("HTTP_")
            }
            receipt = endpoints.receiver.receive(headers, body)
        endpoints.metrics.webhooks.labels(receipt.outcome.value).inc()
        for hint in receipt.hints:
            endpoints.hints.put(hint)
            log.debug("webhook hint", database=hint.database, type=hint.event_type)
        if receipt.unplaced is not None:
            endpoints.hints.hold(receipt.unplaced)
        if receipt.status >= 400:
            log.warning("webhook refused", outcome=receipt.outcome.value, reason=receipt.message)
        extra = (("Retry-After", "1"),) if receipt.status == 429 else ()
        text = f"{receipt.outcome.value}\n".encode()
        return _Answer(receipt.status, _TEXT, text, extra)


@dataclass(frozen=True)
class _Answer:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
