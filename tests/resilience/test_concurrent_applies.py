"""Two applies of one repository at once: the second waits or refuses, never interleaves.

Two real CLI processes apply the same checkout against the emulator over TCP, each with its own
token of the same integration, so that a recording WSGI wrapper can tell their requests apart.
The workspace lock (``.reconciler/apply.lock``) is taken before anything is read: a second
apply either refuses at once (``--lock-wait 0``: exit 1 naming the holder, no request sent), or
waits, then plans against what the first one wrote and finds nothing to do. The applies keep to
15 requests a second (reconciler.yaml), so the first is still at work when the second asks for
the lock. In every case no
request of one process falls between two requests of the other, and the workspace converges
with nothing unmanaged touched.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from reconciler.emulator import Emulator, EmulatorServer
from tests.conftest import INTEGRATION, TOKEN
from tests.resilience.cli import Finished, start
from tests.resilience.conftest import in_process_gateway
from tests.resilience.workspace import ResilienceWorkspace

pytestmark = pytest.mark.resilience

SECOND = "secret_second_process_same_integration"
APPLY = ("apply", "--yes", "--allow-destroy")


@dataclass(frozen=True)
class Call:
    """One API request as the server saw it: whose, and when it started and ended."""

    token: str
    method: str
    path: str
    started: float
    ended: float


class Recorded:
    """A WSGI wrapper noting who sent each API request, and when."""

    def __init__(self, app: Emulator) -> None:
        self.app = app
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._held_token: str | None = None
        self._released = threading.Event()

    def hold_writes(self, token: str) -> None:
        """Keep this token's writes waiting until ``release``: its apply holds the lock for as
        long as the test needs, however slowly a loaded machine starts the other process."""
        self._held_token = token
        self._released.clear()

    def release(self) -> None:
        self._released.set()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        token = str(environ.get("HTTP_AUTHORIZATION", ""))[7:]
        path, method = str(environ.get("PATH_INFO", "")), environ["REQUEST_METHOD"]
        writes = method in ("PATCH", "DELETE") or (method == "POST" and "query" not in path)
        if token == self._held_token and writes and path.startswith("/v1/"):
            self._released.wait(timeout=120)
        started = time.monotonic()
        body = list(self.app(environ, start_response))
        call = Call(
            token, environ["REQUEST_METHOD"], environ["PATH_INFO"], started, time.monotonic()
        )
        if call.path.startswith("/v1/"):
            with self._lock:
                self.calls.append(call)
        return body

    def of(self, token: str) -> list[Call]:
        return [call for call in self.calls if call.token == token]


@pytest.fixture
def slow_repository(resilient: ResilienceWorkspace) -> ResilienceWorkspace:
    """The workspace's applies at 15 requests/s: a few seconds each."""
    resilient.write_manifests(rps=15)
    return resilient


@pytest.fixture
def recorded(emulator: Emulator) -> Iterator[tuple[Recorded, EmulatorServer]]:
    """The emulator behind a recording wrapper, served over TCP, accepting a second token."""
    emulator.tokens[SECOND] = INTEGRATION
    app = Recorded(emulator)
    server = EmulatorServer(app, "127.0.0.1", 0)
    server.start()
    yield app, server
    server.stop()


def holding_the_lock(process: subprocess.Popen[str]) -> Iterable[str]:
    """Wait until the first apply has read the workspace (it holds the lock from its start)."""
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith("Read "):
            return seen
    raise AssertionError("the first apply ended before reading: " + "".join(seen)[-2000:])


def ended(process: subprocess.Popen[str]) -> Finished:
    stdout, stderr = process.communicate(timeout=300)
    return Finished(process.returncode, stdout, stderr)


def assert_not_interleaved(first: list[Call], second: list[Call]) -> None:
    """Every request of one process ended before any request of the other began."""
    if first and second:
        assert max(c.ended for c in first) <= min(c.started for c in second)


def test_a_second_apply_refuses_at_once_naming_the_first(
    slow_repository: ResilienceWorkspace,
    emulator: Emulator,
    recorded: tuple[Recorded, EmulatorServer],
) -> None:
    """--lock-wait 0: exit 1, the holder's pid named, not one request sent."""
    app, server = recorded
    resilient = slow_repository
    unmanaged = resilient.unmanaged()
    app.hold_writes(TOKEN)
    first = start(resilient.root, server.url, *APPLY)
    holding_the_lock(first)
    second = start(resilient.root, server.url, *APPLY, "--lock-wait", "0", token=SECOND)
    refused = ended(second)
    app.release()
    applied = ended(first)
    succeeded, failed = 0, 1
    assert (succeeded, failed) == (applied.exit_code, refused.exit_code), refused.stderr
    assert "another apply holds the lock on this workspace" in refused.stderr
    assert f"pid {first.pid}" in refused.stderr
    nothing: list[Call] = []
    assert nothing == app.of(SECOND)
    resilient.check_converged(in_process_gateway(emulator))
    resilient.check_untouched(unmanaged)


def test_a_second_apply_waits_then_finds_nothing_to_do(
    slow_repository: ResilienceWorkspace,
    emulator: Emulator,
    recorded: tuple[Recorded, EmulatorServer],
) -> None:
    """--lock-wait: it starts reading only after the first ended, and plans no change."""
    app, server = recorded
    resilient = slow_repository
    unmanaged = resilient.unmanaged()
    first = start(resilient.root, server.url, *APPLY)
    holding_the_lock(first)
    second = start(resilient.root, server.url, *APPLY, "--lock-wait", "120", token=SECOND)
    applied, waited = ended(first), ended(second)
    both_succeeded = (0, 0)
    assert both_succeeded == (applied.exit_code, waited.exit_code), waited.stderr[-2000:]
    assert "Nothing to apply." in waited.stdout
    assert_not_interleaved(app.of(TOKEN), app.of(SECOND))
    writes = [c for c in app.of(SECOND) if c.method in ("POST", "PATCH") and "query" not in c.path]
    nothing: list[Call] = []
    assert nothing == writes
    resilient.check_converged(in_process_gateway(emulator))
    resilient.check_untouched(unmanaged)


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(6))
def test_two_applies_started_together_run_one_after_the_other(
    slow_repository: ResilienceWorkspace,
    emulator: Emulator,
    recorded: tuple[Recorded, EmulatorServer],
    round_: int,
) -> None:
    """Launched at the same moment, both waiting: whichever locks first, they never overlap."""
    app, server = recorded
    resilient = slow_repository
    unmanaged = resilient.unmanaged()
    emulator.configure({"latency_ms": {"mean": 20, "jitter": 10}, "seed": round_})
    one = start(resilient.root, server.url, *APPLY, "--lock-wait", "120")
    two = start(resilient.root, server.url, *APPLY, "--lock-wait", "120", token=SECOND)
    results = (ended(one), ended(two))
    both_succeeded = (0, 0)
    assert both_succeeded == tuple(r.exit_code for r in results), [
        r.stderr[-1500:] for r in results
    ]
    calls = {TOKEN: app.of(TOKEN), SECOND: app.of(SECOND)}
    earlier, later = sorted(calls, key=lambda token: min(c.started for c in calls[token]))
    assert_not_interleaved(calls[earlier], calls[later])
    one_of_them = 1
    assert one_of_them == sum("Nothing to apply." in r.stdout for r in results)
    emulator.configure({"latency_ms": {"mean": 0, "jitter": 0}})
    resilient.check_converged(in_process_gateway(emulator))
    resilient.check_untouched(unmanaged)
