"""Request counts the report quotes: what a plan estimates is what its apply sends.

The plan's estimate (requests, and the time they take at the rate) is shown to reviewers before
an apply and quoted by the benchmark report next to the measured counts. The apply's requests
are counted at the transport, on the resilience workspace (creates, updates, links, trashes).
"""

from __future__ import annotations

from pathlib import Path

import httpx

from reconciler.emulator import Emulator
from tests.resilience.conftest import SentRequests, apply_plan, in_process_gateway
from tests.resilience.workspace import ResilienceWorkspace


def test_the_plan_estimates_the_requests_its_apply_sends(
    emulator: Emulator, tmp_path: Path
) -> None:
    """Stale check, writes and every read the apply makes, counted at the transport."""
    resilient = ResilienceWorkspace.seed(emulator, tmp_path)
    sent = SentRequests(httpx.WSGITransport(app=emulator))
    gateway = in_process_gateway(emulator, transport=sent)
    plan, live = resilient.plan(gateway)
    before = len(sent.sent)
    assert apply_plan(resilient, gateway, plan, live).complete
    assert plan.estimate.requests == len(sent.sent) - before
    gateway.close()
