"""Fault matrices: every error Notion answers with, during the plan's read and during the apply.

Each fault kind (429, 500, 502, 503, 504, 529, 409, dropped connections, and for writes 5xx and
drops after the write was made) is injected by the emulator on a share of the requests of one
phase. During the plan, the plan must come out exactly as without faults (same changes, same
checksum); during the apply, the apply must finish and the workspace converge. Every test ends
with the same checks: an empty plan (no lost update), each key live once (no duplicate), and
everything unmanaged byte-identical to before (the archive database, the human rows, the
unmanaged Notes of every task).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from reconciler.emulator import Emulator
from reconciler.notion.notion_gateway import NotionGateway
from tests.conftest import FAST_RETRIES
from tests.resilience.conftest import apply_plan, in_process_gateway
from tests.resilience.workspace import ResilienceWorkspace

pytestmark = pytest.mark.resilience

# (kind, status, code): the answers Notion gives that a client must survive.
ERRORS = [
    ("rate limited", 429, "rate_limited"),
    ("internal error", 500, "internal_server_error"),
    ("bad gateway", 502, "bad_gateway"),
    ("unavailable", 503, "service_unavailable"),
    ("gateway timeout", 504, "gateway_timeout"),
    ("overloaded", 529, "service_overload"),
    ("conflict", 409, "conflict_error"),
    ("dropped connection", 0, None),
]
AFTER_WRITE = [
    ("500 after the write", 500, "internal_server_error"),
    ("503 after the write", 503, "service_unavailable"),
    ("dropped after the write", 0, None),
]
WRITES = "^/v1/pages(/[^/]+)?$"  # creates, updates, trashes (not queries)


def fault(status: int, code: str | None, *, path: str = "^/v1/", **how: Any) -> dict[str, Any]:
    made: dict[str, Any] = {"path": path, "status": status, "retry_after": 0, **how}
    if code is not None:
        made["code"] = code
    return made


def storm(probability: float) -> list[dict[str, Any]]:
    """Every fault kind at once, each on ``probability`` of the requests it matches."""
    faults = [fault(status, code, probability=probability) for _, status, code in ERRORS]
    return faults + [
        fault(status, code, path=WRITES, probability=probability, after_write=True)
        for _, status, code in AFTER_WRITE
    ]


def apply_under(
    faults: list[dict[str, Any]],
    seed: int,
    workspace: ResilienceWorkspace,
    emulator: Emulator,
    gateway: NotionGateway,
    *,
    plan_too: bool = False,
) -> int:
    """Plan (under the faults too when ``plan_too``) and apply under them, then check the end
    state; the retries the apply made."""
    unmanaged = workspace.unmanaged()
    if not plan_too:
        plan, live = workspace.plan(gateway)
    emulator.configure({"seed": seed, "faults": faults})
    if plan_too:
        plan, live = workspace.plan(gateway)
    result = apply_plan(workspace, gateway, plan, live)
    emulator.configure({"faults": []})
    assert result.complete, [(o.change.id, o.message) for o in result.failures]
    workspace.check_converged(gateway)
    workspace.check_untouched(unmanaged)
    return result.stats.retries


@pytest.mark.parametrize(("kind", "status", "code"), ERRORS, ids=[e[0] for e in ERRORS])
def test_faults_during_the_plan_leave_the_plan_unchanged(
    resilient: ResilienceWorkspace,
    emulator: Emulator,
    gateway: NotionGateway,
    kind: str,
    status: int,
    code: str | None,
) -> None:
    """A quarter of the read's requests fail once: the same plan, retried into existence."""
    calm, _ = resilient.plan(gateway)
    before = gateway.stats().retries
    emulator.configure({"seed": 7, "faults": [fault(status, code, probability=0.25)]})
    stormy, live = resilient.plan(gateway)
    emulator.configure({"faults": []})
    assert gateway.stats().retries > before  # the faults did fire
    assert [c.id for c in calm.changes] == [c.id for c in stormy.changes]
    assert calm.checksum == stormy.checksum
    unmanaged = resilient.unmanaged()
    assert apply_plan(resilient, gateway, stormy, live).complete
    resilient.check_converged(gateway)
    resilient.check_untouched(unmanaged)


@pytest.mark.parametrize(("kind", "status", "code"), ERRORS, ids=[e[0] for e in ERRORS])
def test_faults_during_the_apply_still_converge_exactly(
    resilient: ResilienceWorkspace,
    emulator: Emulator,
    gateway: NotionGateway,
    kind: str,
    status: int,
    code: str | None,
) -> None:
    """A quarter of the apply's requests fail: it finishes, converged, nothing else touched."""
    faults = [fault(status, code, probability=0.25)]
    assert apply_under(faults, 11, resilient, emulator, gateway) > 0


@pytest.mark.parametrize(("kind", "status", "code"), AFTER_WRITE, ids=[e[0] for e in AFTER_WRITE])
def test_writes_that_fail_after_being_made_are_not_made_twice(
    resilient: ResilienceWorkspace,
    emulator: Emulator,
    gateway: NotionGateway,
    kind: str,
    status: int,
    code: str | None,
) -> None:
    """Every other write is made and then answered with an error: no duplicate, converged."""
    written = fault(status, code, path=WRITES, probability=0.5, after_write=True)
    assert apply_under([written], 5, resilient, emulator, gateway) > 0


@pytest.fixture
def storm_gateway(emulator: Emulator) -> Iterator[NotionGateway]:
    """A gateway that outlasts a storm: with every fault kind at 5%, about 43% of writes fail,
    and 12 attempts in a row all fail for about one write in 25,000 (a flaky suite); 30
    attempts make that one in 10^11."""
    made = in_process_gateway(emulator, retry=dataclasses.replace(FAST_RETRIES, max_attempts=30))
    yield made
    made.close()


def test_every_fault_at_once_during_plan_and_apply(
    resilient: ResilienceWorkspace, emulator: Emulator, storm_gateway: NotionGateway
) -> None:
    """All kinds together, 4% each, on every request of a plan and its apply."""
    apply_under(storm(0.04), 3, resilient, emulator, storm_gateway, plan_too=True)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(20, 30))
def test_every_fault_at_once_for_many_seeds(
    resilient: ResilienceWorkspace, emulator: Emulator, storm_gateway: NotionGateway, seed: int
) -> None:
    """The storm with other fault sequences, each converging exactly."""
    apply_under(storm(0.05), seed, resilient, emulator, storm_gateway, plan_too=True)
