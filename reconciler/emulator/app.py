"""The Emulator: a WSGI application speaking the Notion API, plus its admin API.

One request goes: route (unknown -> ``invalid_request_url``), ``Notion-Version`` (missing or
unknown -> Notion's 400), bearer token (401), the token's rate limit (429), configured latency,
configured faults, the endpoint inside one store transaction, then an ``after_write`` fault if
one matched. Every answer carries ``request_id`` in its body and ``x-notion-request-id``, and
the emulator's clock in ``Date``; an async task is answered 202. With webhooks configured, what
a request changed is queued as events for the background sender (:mod:`.changes`,
:mod:`.webhooks`). ``/_emulator/...`` is the admin API (no token; loopback callers that are not
web pages, see :mod:`.guard`). The clock runs ``clock_offset_s`` ahead.

Used in-process through ``httpx.WSGITransport(app=emulator)`` and over TCP through
:meth:`Emulator.serve`; the CLI's ``reconciler emulator serve`` and the ``--local`` workspace
build on it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qsl

from reconciler.emulator import admin
from reconciler.emulator.calls import Call
from reconciler.emulator.changes import Change, changes_of
from reconciler.emulator.clock import Clock, system_clock
from reconciler.emulator.control import (
    ConfigError,
    Controls,
    Fault,
    RateLimit,
    RequestLog,
    fault_error,
)
from reconciler.emulator.errors import ApiError, ConnectionDropped, invalid_json, unauthorized
from reconciler.emulator.guard import admin_refusal
from reconciler.emulator.identity import ROOT_PAGE_ID, request_id, stable_id
from reconciler.emulator.query import CursorCache, query_data_source
from reconciler.emulator.routing import QUERY, Route, match
from reconciler.emulator.server import EmulatorServer
from reconciler.emulator.store import Row, Store
from reconciler.emulator.webhooks import WebhookSender
from reconciler.emulator.workspace import VERSIONS, Caller, Workspace

__all__ = ["DEFAULT_INTEGRATION", "DEFAULT_TOKEN", "Emulator"]

DEFAULT_TOKEN = "secret_emulator"  # noqa: S105 - a public default, not a secret
"""The bearer token an Emulator accepts when none are configured."""

DEFAULT_INTEGRATION = "Notion Emulator"
"""The integration that token belongs to."""

_MAX_BODY = 500 * 1024
_ALL_VERSIONS = ("2021-05-11", "2021-05-13", "2021-08-16", "2022-02-22", "2022-06-28", *VERSIONS)
_STATUS_TEXT = {200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized",
                403: "Forbidden", 404: "Not Found", 409: "Conflict",
                415: "Unsupported Media Type", 429: "Too Many Requests",
                500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
                504: "Gateway Timeout", 529: "Site Overloaded"}  # fmt: skip

StartResponse = Callable[..., Any]
logger = logging.getLogger(__name__)


class Emulator:
    """A local Notion API over one SQLite workspace (``:memory:`` or a file that survives)."""

    def __init__(
        self,
        store: str = ":memory:",
        tokens: dict[str, str] | None = None,
        *,
        rate_limit: float | None = 3.0,
        burst: int = 10,
        clock: Clock | None = None,
        seed: int | None = None,
    ) -> None:
        self.tokens = dict(tokens) if tokens else {DEFAULT_TOKEN: DEFAULT_INTEGRATION}
        self.controls = Controls(
            rate_limit=RateLimit(rate_limit, burst) if rate_limit else None, seed=seed
        )
        self.store = Store(store)
        self._clock = clock or system_clock
        self.workspace = Workspace(self.store, self.now, self.controls.limits)
        self.log = RequestLog()
        self.cursors = CursorCache()
        self.webhooks = WebhookSender()
        with self.store.transaction():
            if self.store.get(ROOT_PAGE_ID) is None and self.store.count() == 0:
                admin.reset_workspace(self.workspace, self.integrations)
            else:
                admin.ensure_bots(self.workspace, self.integrations)

    @property
    def integrations(self) -> list[str]:
        """The integration names of the configured tokens, first seen first."""
        return list(dict.fromkeys(self.tokens.values()))

    def now(self) -> datetime:
        """The emulator's time: the clock, ``clock_offset_s`` ahead."""
        return self._clock() + timedelta(seconds=self.controls.clock_offset_s)

    def bot_id(self, integration: str | None = None) -> str:
        """The bot user id of an integration (default: the first configured one)."""
        return self.workspace.bot_for(integration or self.integrations[0])

    # -- admin API (also callable directly) ---------------------------------------------------

    def reset(self) -> dict[str, Any]:
        """Empty workspace: one root page and the integrations' bots; log and cursors cleared."""
        with self.store.transaction():
            out = admin.reset_workspace(self.workspace, self.integrations)
        self.log.clear()
        self.cursors.clear()
        return out

    def seed(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Install users, pages and databases with fixed ids (see :mod:`.admin`)."""
        with self.store.transaction():
            return admin.seed_workspace(self.workspace, payload, self.integrations)

    def configure(self, config: dict[str, Any]) -> dict[str, Any]:
        """Change rate limit, latency, caps, faults, seed, clock or webhooks; returns the config.

        A newly subscribed webhook receiver gets the verification request first.
        """
        before = set(self.controls.webhooks)
        self.controls.configure(config)
        for target in self.controls.webhooks:
            if target not in before:
                self.webhooks.handshake(target)
        return self.controls.describe()

    def requests(self) -> list[dict[str, Any]]:
        """The API requests answered so far: method, path, status, duration_ms."""
        return self.log.requests()

    def stats(self) -> dict[str, Any]:
        """Counts per endpoint and status, and of webhook deliveries by outcome."""
        return {**self.log.stats(), "webhooks": self.webhooks.counts()}

    def close(self) -> None:
        """Stop the webhook sender and release the store (a file store keeps the workspace)."""
        self.webhooks.close()
        self.store.close()

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[EmulatorServer]:
        """Serve over TCP on a background thread for the duration of the block."""
        server = EmulatorServer(self, host, port)
        server.start()
        try:
            yield server
        finally:
            server.stop()

    # -- WSGI ---------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO") or "/")
        if path.startswith("/_emulator"):
            return self._admin(environ, start_response, path)
        return self._api(environ, start_response, path)

    def _api(
        self, environ: dict[str, Any], start_response: StartResponse, path: str
    ) -> Iterable[bytes]:
        started = time.monotonic()
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        rid = request_id()
        endpoint = f"{method} {path}"
        headers: list[tuple[str, str]] = []
        try:
            route, params = match(method, path)
            endpoint = route.name
            caller = self._caller(environ)
            wait = self.controls.retry_after(self._token(environ))
            if wait is not None:
                headers.append(("Retry-After", str(wait)))
                _rate_limited()
            delay = self.controls.latency()
            if delay:
                time.sleep(delay)
            fault = self.controls.fault_for(method, path)
            if fault is not None and not fault.after_write:
                self._fail(fault, headers)
            call = Call(
                method,
                path,
                params,
                parse_qsl(str(environ.get("QUERY_STRING", "")), keep_blank_values=True),
                self._body(environ, method),
            )
            body = self._run(route, call, caller)
            if fault is not None:
                self._fail(fault, headers)
            started_task = method != "GET" and body.get("object") == "async_task"
            status = 202 if started_task else 200
        except ConnectionDropped:
            self.log.record(method, path, endpoint, 0, time.monotonic() - started)
            raise
        except ApiError as error:
            status, body = error.status, error.body(rid)
        if status in (200, 202) and route.has_request_id:
            body["request_id"] = rid
        self.log.record(method, path, endpoint, status, time.monotonic() - started)
        # Notion's answers carry its clock in ``Date``; page times follow that clock.
        date = formatdate(self.now().timestamp(), usegmt=True)
        answered = [*headers, ("x-notion-request-id", rid), ("Date", date)]
        return _respond(start_response, status, body, answered)

    def _fail(self, fault: Fault, headers: list[tuple[str, str]]) -> None:
        if fault.status == 0:
            raise ConnectionDropped()
        if fault.status == 429:
            headers.append(("Retry-After", str(fault.retry_after)))
        raise fault_error(fault)

    def _run(self, route: Route, call: Call, caller: Caller) -> dict[str, Any]:
        try:
            with self.store.transaction():
                with self._recording() as before:
                    body = self._endpoint(route, call, caller)
                changes = changes_of(self.workspace, before) if before else []
        except ApiError:
            raise
        except Exception:
            logger.exception("emulator endpoint %s failed", route.name)
            raise ApiError(500, "internal_server_error", "Unexpected error occurred.") from None
        self._notify(changes, caller)
        return body

    def _endpoint(self, route: Route, call: Call, caller: Caller) -> dict[str, Any]:
        if route.endpoint == QUERY:
            return query_data_source(self.workspace, call, caller, self.cursors)
        assert callable(route.endpoint)
        return route.endpoint(self.workspace, call, caller)

    def _recording(self) -> AbstractContextManager[dict[str, Row | None] | None]:
        """What the request saves, before it did, when webhooks want to hear of it."""
        return self.store.recording() if self.controls.webhooks else nullcontext()

    def _notify(self, changes: list[Change], caller: Caller) -> None:
        """Queue the events of a request for every subscription that may see the objects."""
        subscriber = self.integrations[0]
        stamp = self.now().astimezone(UTC).isoformat(timespec="milliseconds")
        for target in self.controls.webhooks:
            for change in changes:
                if change.visible_to(subscriber):
                    event = change.payload(
                        subscription_id=target.subscription_id,
                        integration_id=stable_id(f"integration:{subscriber}"),
                        author_id=caller.bot_id,
                        timestamp=stamp.replace("+00:00", "Z"),
                    )
                    self.webhooks.send(target, event)

    @staticmethod
    def _token(environ: dict[str, Any]) -> str:
        auth = str(environ.get("HTTP_AUTHORIZATION", ""))
        return auth[7:].strip() if auth[:7].lower() == "bearer " else ""

    def _caller(self, environ: dict[str, Any]) -> Caller:
        version = environ.get("HTTP_NOTION_VERSION")
        if version is None:
            raise ApiError(
                400,
                "missing_version",
                "Notion-Version header failed validation: Notion-Version "
                "header should be defined, instead was `undefined`.",
            )
        if version not in _ALL_VERSIONS:
            listed = ", ".join(f'"{v}"' for v in _ALL_VERSIONS[:-1]) + f', or "{_ALL_VERSIONS[-1]}"'
            raise ApiError(
                400,
                "missing_version",
                "Notion-Version header failed validation: Notion-Version "
                f'header should be {listed}, instead was `"{version}"`.',
            )
        if version not in VERSIONS:
            raise ApiError(
                400,
                "invalid_request",
                f"Unsupported request: Notion-Version {version} is not "
                f"emulated (the emulator speaks {' and '.join(VERSIONS)}).",
            )
        integration = self.tokens.get(self._token(environ))
        if integration is None:
            raise unauthorized()
        return Caller(integration, self.workspace.bot_for(integration), str(version))

    @staticmethod
    def _body(environ: dict[str, Any], method: str) -> Any:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > _MAX_BODY:
            raise ApiError(
                400,
                "validation_error",
                f"Request body too large: {length} bytes, the limit is {_MAX_BODY} bytes (500 KB).",
            )
        raw = environ["wsgi.input"].read(length) if length else b""
        if not raw.strip():
            return None
        if method in ("GET", "DELETE"):
            return None
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise invalid_json() from None

    # -- admin over HTTP ----------------------------------------------------------------------

    def _admin(
        self, environ: dict[str, Any], start_response: StartResponse, path: str
    ) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        refusal = admin_refusal(environ)
        if refusal is not None:
            return _respond(start_response, refusal.status, {"error": refusal.message}, [])
        routes: dict[tuple[str, str], Callable[[Any], Any]] = {
            ("POST", "/_emulator/reset"): lambda _: self.reset(),
            ("POST", "/_emulator/seed"): self.seed,
            ("PUT", "/_emulator/config"): self.configure,
            ("GET", "/_emulator/config"): lambda _: self.controls.describe(),
            ("GET", "/_emulator/requests"): lambda _: {"requests": self.requests()},
            ("GET", "/_emulator/stats"): lambda _: self.stats(),
        }
        action = routes.get((method, path.rstrip("/")))
        if action is None:
            return _respond(
                start_response, 404, {"error": f"no admin endpoint {method} {path}"}, []
            )
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            payload = json.loads(raw) if raw.strip() else {}
            return _respond(start_response, 200, action(payload), [])
        except (ValueError, ConfigError, admin.SeedError) as error:
            return _respond(start_response, 400, {"error": str(error)}, [])


def _rate_limited() -> None:
    raise ApiError(
        429,
        "rate_limited",
        "You have been rate limited. Please try again in a few minutes.",
        {"rate_limit_reason": "public_api_request_rate_limit"},
    )


def _respond(
    start_response: StartResponse, status: int, body: Any, headers: list[tuple[str, str]]
) -> list[bytes]:
    payload = json.dumps(body, ensure_ascii=False).encode()
    start_response(
        f"{status} {_STATUS_TEXT.get(status, 'Error')}",
        [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", str(len(payload))),
            *headers,
        ],
    )
    return [payload]
