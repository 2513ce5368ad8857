"""``reconciler serve`` in a subprocess, against the emulator served over TCP.

``ServeProcess`` starts the real command (``--listen 127.0.0.1:0``), reads the address it
prints, keeps its stderr (JSON log lines) in memory, and offers the endpoints over HTTP.
``poll`` waits for a condition with a generous deadline (never a timed assertion).
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.resilience.cli import environment
from tests.serve.conftest import WEBHOOK_TOKEN, signed

_CLI = "from reconciler.cli import main; main()"
_SERVING = re.compile(r"Serving on (http://\S+)")

T = TypeVar("T")


def poll(condition: Callable[[], T | None], what: str, *, deadline: float = 60.0) -> T:
    """The first truthy value of ``condition()``, asked every 0.1 s; AssertionError after
    ``deadline`` seconds naming ``what`` was awaited."""
    end = time.monotonic() + deadline
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


class ServeProcess:
    """One ``reconciler serve`` process."""

    def __init__(
        self,
        root: Path,
        emulator_url: str,
        *options: str,
        state_dir: Path | None = None,
        webhook_token: str = WEBHOOK_TOKEN,
    ) -> None:
        args = ["serve", "--listen", "127.0.0.1:0", "--log-format", "json", *options]
        if state_dir is not None:
            args += ["--state-dir", str(state_dir)]
        env = environment(emulator_url)
        env["NOTION_WEBHOOK_TOKEN"] = webhook_token
        self.process = subprocess.Popen(
            [sys.executable, "-c", _CLI, *args],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = poll(self._address, "the serve address", deadline=30)
        self.http = httpx.Client(base_url=self.url, timeout=10)

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def _address(self) -> str | None:
        if self.process.poll() is not None:
            raise AssertionError("serve exited early:\n" + "".join(self.lines))
        for line in list(self.lines):
            found = _SERVING.search(line)
            if found:
                return found.group(1)
        return None

    def events(self, name: str) -> list[dict[str, Any]]:
        """The JSON log events called ``name`` so far."""
        found = []
        for line in list(self.lines):
            if line.startswith("{"):
                record = json.loads(line)
                if record.get("event") == name:
                    found.append(record)
        return found

    def status(self) -> dict[str, Any]:
        document: dict[str, Any] = self.http.get("/status").json()
        return document

    def metric(self, name: str, **labels: str) -> float | None:
        """One sample of ``/metrics`` (None: absent), read from the exposition text."""
        exposition = self.http.get("/metrics").text
        for family in text_string_to_metric_families(exposition):
            for sample in family.samples:
                if sample.name == name and sample.labels == labels:
                    return float(sample.value)
        return None

    def ready(self) -> bool:
        try:
            return self.http.get("/readyz").status_code == 200
        except httpx.TransportError:
            return False

    def deliver(self, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
        sent = signed(body) if headers is None else headers
        return self.http.post("/webhooks/notion", content=body, headers=sent)

    def terminate(self, timeout: float = 60) -> int:
        """SIGTERM, and the exit code once it has exited."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)

    def close(self) -> None:
        self.http.close()
        if self.process.poll() is None:
            self.kill()


def started(root: Path, url: str, options: Sequence[str], **kwargs: Any) -> ServeProcess:
    """A ServeProcess (a function, for fixtures to close in ``finally``)."""
    return ServeProcess(root, url, *options, **kwargs)
