"""The emulator served over TCP from a child process, for scenarios that measure other processes.

``ServedEmulator(store, pace)`` starts ``python -m benchmarks.scenarios.served STORE TOKEN``: it
opens the SQLite workspace, serves it on a free loopback port and prints the URL; the parent
then sets the rate limit and latency through the admin API (``PUT /_emulator/config``) and reads
request counts from ``GET /_emulator/stats``. Closing stdin stops the child. Keeping the emulator
in its own process means a measured process's CPU time and memory are its own.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx

from benchmarks.scenarios.pace import BURST, Pace

REPO = Path(__file__).resolve().parents[2]
TOKEN = "secret_benchmark_workspace"


@dataclass(frozen=True)
class RequestCounts:
    """Requests the emulator answered: in all, rate-limited (429), and by endpoint."""

    total: int
    rate_limited: int
    by_endpoint: dict[str, int]

    def since(self, earlier: RequestCounts) -> RequestCounts:
        endpoints = {
            name: count - earlier.by_endpoint.get(name, 0)
            for name, count in self.by_endpoint.items()
            if count - earlier.by_endpoint.get(name, 0)
        }
        return RequestCounts(
            self.total - earlier.total, self.rate_limited - earlier.rate_limited, endpoints
        )


class ServedEmulator:
    """A child process serving one workspace file; a context manager."""

    def __init__(self, store: Path, pace: Pace | None) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.scenarios.served", str(store), TOKEN],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.close()
            raise RuntimeError(f"the emulator did not start (it said {self.url!r})")
        self._admin = httpx.Client(base_url=self.url, timeout=60)
        self.pace(pace)

    def pace(self, pace: Pace | None) -> None:
        """Rate limit and latency as ``pace`` says (None: as fast as it goes)."""
        config: dict[str, object] = {"rate_limit": None, "latency_ms": {"mean": 0, "jitter": 0}}
        if pace is not None:
            config = {
                "rate_limit": {"rps": pace.rps, "burst": BURST},
                "latency_ms": {"mean": pace.latency_ms, "jitter": pace.latency_ms / 5},
            }
        self._admin.put("/_emulator/config", json=config).raise_for_status()

    def counts(self) -> RequestCounts:
        stats = self._admin.get("/_emulator/stats").json()
        return RequestCounts(
            total=int(stats["total"]),
            rate_limited=int(stats["by_status"].get("429", 0)),
            by_endpoint={
                endpoint: sum(int(n) for n in statuses.values())
                for endpoint, statuses in stats["endpoints"].items()
            },
        )

    def close(self) -> None:
        if hasattr(self, "_admin"):
            self._admin.close()
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=30)

    def __enter__(self) -> ServedEmulator:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _serve(store: str, token: str) -> None:
    """The child: serve ``store`` until stdin closes."""
    from reconciler.emulator import Emulator

    emulator = Emulator(store=store, tokens={token: "Benchmark"}, rate_limit=None)
    with emulator.serve() as server:
        sys.stdout.write(server.url + "\n")
        sys.stdout.flush()
        sys.stdin.read()
    emulator.close()


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2])
