"""SIGKILL at random points of a real apply, then run again: exact convergence, nothing else hit.

The CLI applies the resilience workspace's manifests (creates, updates, links, trashes; rows
and a database it must leave alone) against the emulator over TCP, with latency so the apply
takes a while. It is killed at a random moment, drawn from a seeded generator: either after a
random number of finished changes (read from its JSON progress lines) or a random delay after
its first stage began (landing anywhere: a request in flight, a journal write, between two
stages). Then the same
command runs to its end, and the workspace must be converged with nothing unmanaged touched.
``RESILIENCE_SEED`` changes the points drawn; the failing point's id names its seed and kill.
"""

from __future__ import annotations

import json
import os
import random
import signal
import time
from dataclasses import dataclass

import pytest

from reconciler.emulator import Emulator, EmulatorServer
from tests.resilience.cli import finish, start
from tests.resilience.conftest import in_process_gateway
from tests.resilience.workspace import ResilienceWorkspace

pytestmark = pytest.mark.resilience

SEED = int(os.environ.get("RESILIENCE_SEED", "2026"))
CHANGES = 32  # the workspace's plan: 5 creates, 16 updates, 9 links, 2 trashes


@dataclass(frozen=True)
class KillPoint:
    """Kill after ``finished`` changes, or ``delay`` seconds into the apply (finished None)."""

    finished: int | None
    delay: float

    def __str__(self) -> str:
        if self.finished is not None:
            return f"after-{self.finished}-changes"
        return f"after-{self.delay:.2f}s"


def points(count: int, seed: int) -> list[KillPoint]:
    draw = random.Random(seed)
    return [
        KillPoint(draw.randint(1, CHANGES - 1), 0.0)
        if n % 2 == 0
        else KillPoint(None, round(draw.uniform(0.0, 0.6), 2))
        for n in range(count)
    ]


def kill(args: tuple[str, ...], point: KillPoint, workspace: ResilienceWorkspace, url: str) -> bool:
    """Run the CLI and SIGKILL it at ``point`` (found in its JSON progress events); whether it
    was still running then."""
    process = start(workspace.root, url, *args, "--log-format", "json")
    assert process.stderr is not None
    for line in process.stderr:
        if not line.startswith("{"):
            continue
        event = json.loads(line)
        if point.finished is None and event.get("event") == "apply stage":
            time.sleep(point.delay)
            break
        if point.finished is not None and event.get("finished", 0) >= point.finished:
            break
    running = process.poll() is None
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    return running


def kill_and_rerun(
    workspace: ResilienceWorkspace, emulator: Emulator, server: EmulatorServer, point: KillPoint
) -> None:
    unmanaged = workspace.unmanaged()
    emulator.configure({"latency_ms": {"mean": 25, "jitter": 15}, "seed": SEED})
    killed = kill(("apply", "--yes", "--allow-destroy"), point, workspace, server.url)
    assert killed or point.finished is None, "the apply ended before its kill point"
    rerun = finish(workspace.root, server.url, "apply", "--yes", "--allow-destroy")
    finished = 0
    assert finished == rerun.exit_code, rerun.stderr[-3000:]
    emulator.configure({"latency_ms": {"mean": 0, "jitter": 0}})
    gateway = in_process_gateway(emulator)
    workspace.check_converged(gateway)
    workspace.check_untouched(unmanaged)
    gateway.close()


@pytest.mark.parametrize("point", points(1, SEED), ids=lambda p: f"seed{SEED}-{p}")
def test_killed_apply_converges_on_rerun(
    resilient: ResilienceWorkspace,
    emulator: Emulator,
    emulator_server: EmulatorServer,
    point: KillPoint,
) -> None:
    """SIGKILL at a random point, rerun: converged, no duplicate, nothing unmanaged touched."""
    kill_and_rerun(resilient, emulator, emulator_server, point)


@pytest.mark.slow
@pytest.mark.parametrize("point", points(17, SEED + 1), ids=lambda p: f"seed{SEED + 1}-{p}")
def test_killed_apply_converges_on_rerun_at_many_points(
    resilient: ResilienceWorkspace,
    emulator: Emulator,
    emulator_server: EmulatorServer,
    point: KillPoint,
) -> None:
    """The same at seventeen more random points."""
    kill_and_rerun(resilient, emulator, emulator_server, point)
