"""Latency spikes past the client's timeout, over TCP, during the plan and during the apply.

A WSGI wrapper in front of the emulator holds every fifth API request for longer than the
gateway's timeout, either after the emulator answered (the write was made, its answer is late)
or before it reaches the emulator (the request is stuck on the way, then made after the client
gave up). The gateway times out, retries, and for a create whose outcome is unknown looks the
row up by key first. Each test ends converged, without duplicates, nothing unmanaged touched.

A create stuck on its way past the timeout is the case a lookup right away cannot settle: it
finds nothing, and the first create lands after the second. The gateway waits out the time a
request may stay in flight (``RetryPolicy.in_flight_seconds``, Notion's 60 s plus a margin;
here a little more than the spike) and looks again before it resends; its own test pins that.
"""

from __future__ import annotations

import dataclasses
import io
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from reconciler.config import RateLimitSettings, Secret
from reconciler.emulator import Emulator, EmulatorServer
from reconciler.notion.notion_gateway import NotionGateway
from tests.conftest import FAST_RETRIES, TOKEN
from tests.resilience.conftest import apply_plan, in_process_gateway
from tests.resilience.workspace import ResilienceWorkspace

pytestmark = pytest.mark.resilience

TIMEOUT = 0.25
SPIKE = 0.6


class Spiking:
    """Holds every ``every``-th API request for ``SPIKE`` seconds, before or after it is made.

    Creates are held only with ``first_creates``: the first attempt of each, before it is made
    (a retried create, same body, goes through).
    """

    def __init__(
        self, app: Emulator, *, every: int, before: bool, first_creates: bool = False
    ) -> None:
        self.app = app
        self.every = every
        self.before = before
        self.first_creates = first_creates
        self.held = 0
        self._count = 0
        self._seen_creates: set[bytes] = set()
        self._lock = threading.Lock()

    def _spike(self, environ: dict[str, Any]) -> bool:
        method, path = str(environ["REQUEST_METHOD"]), str(environ.get("PATH_INFO", ""))
        if not path.startswith("/v1/"):
            return False
        if (method, path) == ("POST", "/v1/pages"):
            return self.first_creates and self._first_attempt(environ)
        if self.first_creates:
            return False
        with self._lock:
            self._count += 1
            hit = self._count % self.every == 0
            self.held += hit
        return hit

    def _first_attempt(self, environ: dict[str, Any]) -> bool:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        with self._lock:
            first = body not in self._seen_creates
            self._seen_creates.add(body)
            self.held += first
        return first

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        spike = self._spike(environ)
        if spike and self.before:
            time.sleep(SPIKE)
        body = list(self.app(environ, start_response))
        if spike and not self.before:
            time.sleep(SPIKE)
        return body


def spiking_server(
    emulator: Emulator, *, before: bool, first_creates: bool = False
) -> tuple[Spiking, EmulatorServer]:
    app = Spiking(emulator, every=5, before=before, first_creates=first_creates)
    server = EmulatorServer(app, "127.0.0.1", 0)
    server.start()
    return app, server


@pytest.fixture(params=[False, True], ids=["answer-late", "request-late"])
def spikes(request: pytest.FixtureRequest, emulator: Emulator) -> Iterator[Spiking]:
    app, server = spiking_server(emulator, before=request.param)
    app.url = server.url  # type: ignore[attr-defined]
    yield app
    server.stop()


def tcp_gateway(url: str) -> NotionGateway:
    """Over TCP, timing out before a spike ends; a request may stay in flight up to a spike."""
    return NotionGateway(
        Secret(TOKEN),
        base_url=url,
        rate_limit=RateLimitSettings(rps=0),
        retry=dataclasses.replace(FAST_RETRIES, in_flight_seconds=SPIKE + 0.4),
        timeout_seconds=TIMEOUT,
    )


def test_latency_spikes_during_the_plan_leave_the_plan_unchanged(
    resilient: ResilienceWorkspace, emulator: Emulator, spikes: Spiking
) -> None:
    """Reads that time out are retried: the same plan as without spikes."""
    calm_gateway = in_process_gateway(emulator)
    calm, _ = resilient.plan(calm_gateway)
    gateway = tcp_gateway(spikes.url)  # type: ignore[attr-defined]
    spiky, _ = resilient.plan(gateway)
    gateway.close()
    assert spikes.held > 0
    assert calm.checksum == spiky.checksum
    calm_gateway.close()


def test_latency_spikes_during_the_apply_converge_without_duplicates(
    resilient: ResilienceWorkspace, emulator: Emulator, spikes: Spiking
) -> None:
    """Writes that time out (made or not yet made) are settled: converged, no duplicate."""
    unmanaged = resilient.unmanaged()
    calm_gateway = in_process_gateway(emulator)
    plan, live = resilient.plan(calm_gateway)
    gateway = tcp_gateway(spikes.url)  # type: ignore[attr-defined]
    result = apply_plan(resilient, gateway, plan, live)
    gateway.close()
    time.sleep(SPIKE)  # let requests held before the emulator land
    assert spikes.held > 0
    assert result.complete, [(o.change.id, o.message) for o in result.failures]
    resilient.check_converged(calm_gateway)
    resilient.check_untouched(unmanaged)
    calm_gateway.close()


def test_a_create_stuck_past_the_timeout_leaves_no_duplicate(
    resilient: ResilienceWorkspace, emulator: Emulator
) -> None:
    """The first attempt of every create is held on its way past the timeout: one row per key.

    Found by this suite (the create was resent at once and both landed); fixed in the gateway
    by waiting out the in-flight window before the second look-up."""
    spikes, server = spiking_server(emulator, before=True, first_creates=True)
    calm_gateway = in_process_gateway(emulator)
    plan, live = resilient.plan(calm_gateway)
    gateway = tcp_gateway(server.url)
    try:
        result = apply_plan(resilient, gateway, plan, live)
    finally:
        gateway.close()
        time.sleep(SPIKE)  # every held request has landed
        server.stop()
    creates = 5
    assert (True, creates) == (result.complete, spikes.held)
    resilient.check_converged(calm_gateway)
    calm_gateway.close()
