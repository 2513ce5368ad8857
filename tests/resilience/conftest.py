"""Fixtures of the resilience suite: the seeded workspace, gateways onto it, an in-process apply.

``resilient`` is a ``ResilienceWorkspace`` (see ``workspace.py``) over the ``emulator`` fixture,
with its manifests in ``tmp_path``. ``in_process_gateway`` talks to it through httpx's WSGI
transport with fast retries; ``apply_plan`` runs one apply the way the ``apply`` command does
(``ApplySession``: lock, journal, stale check, executor, undo plan).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.apply import ApplyOptions, ApplyResult, ApplySession, ProgressListener
from reconciler.config import RateLimitSettings, Secret
from reconciler.emulator import Emulator
from reconciler.model import LiveState
from reconciler.notion.notion_gateway import NotionGateway
from reconciler.notion.retry import RetryPolicy
from reconciler.plan import Plan
from tests.conftest import FAST_RETRIES, TOKEN
from tests.resilience.workspace import ResilienceWorkspace


@dataclass(frozen=True)
class Sent:
    """One request the reconciler sent: method, path and JSON body."""

    method: str
    path: str
    body: Any

    @property
    def is_write(self) -> bool:
        return self.method in ("POST", "PATCH", "PUT", "DELETE") and not self.path.endswith(
            "/query"
        )


class SentRequests(httpx.BaseTransport):
    """A transport that notes every request the gateway sends, then passes it on."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.sent: list[Sent] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        with self._lock:
            self.sent.append(Sent(request.method, request.url.path, body))
        return self.inner.handle_request(request)

    def writes(self) -> list[Sent]:
        with self._lock:
            return [sent for sent in self.sent if sent.is_write]


def in_process_gateway(
    emulator: Emulator,
    *,
    transport: httpx.BaseTransport | None = None,
    retry: RetryPolicy = FAST_RETRIES,
) -> NotionGateway:
    """A gateway bound in-process to the emulator (through ``transport`` if given), rate limit
    off, fast retries (``retry``)."""
    client = httpx.Client(transport=transport or httpx.WSGITransport(app=emulator))
    return NotionGateway(
        Secret(TOKEN),
        base_url="http://127.0.0.1:8787",
        rate_limit=RateLimitSettings(rps=0),
        retry=retry,
        http_client=client,
    )


def apply_plan(
    workspace: ResilienceWorkspace,
    gateway: NotionGateway,
    plan: Plan,
    live: LiveState | None = None,
    listener: ProgressListener | None = None,
) -> ApplyResult:
    """Apply ``plan`` as the apply command does (journal and lock in the repository)."""
    options = ApplyOptions(state_dir=workspace.root / ".reconciler", workers=4)
    with ApplySession(gateway, options, listener=listener, actor="ada") as session:
        return session.apply(plan, live=live)


@pytest.fixture
def resilient(emulator: Emulator, tmp_path: Path) -> ResilienceWorkspace:
    """The resilience workspace: 30 managed tasks, unmanaged rows, notes and an archive."""
    return ResilienceWorkspace.seed(emulator, tmp_path, tasks=30)


@pytest.fixture
def gateway(emulator: Emulator) -> Iterator[NotionGateway]:
    """An in-process gateway onto the emulator (fast retries, rate limit off)."""
    made = in_process_gateway(emulator)
    yield made
    made.close()
