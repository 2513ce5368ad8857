"""``reconciler serve`` on the command line: help, and bad input refused with a clear message."""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from reconciler import logs
from reconciler.cli import cli
from reconciler.notion.redis_limiter import connect_redis
from tests.notion.conftest import redis_url  # noqa: F401 - the fixture
from tests.serve.conftest import write_repository


def test_help_lists_the_options_and_examples() -> None:
    """--help names every option of the contract and shows examples."""
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--listen", "--interval", "--full-every", "--auto-apply", "--local",
                   "--lock-url", "--log-format", "--state-dir"):  # fmt: skip
        assert option in result.output
    assert "reconciler serve --local --auto-apply safe" in result.output


@pytest.mark.parametrize("listen", ["8080", "localhost", "127.0.0.1:http", "127.0.0.1:70000"])
def test_a_listen_address_that_is_not_host_port_is_refused(listen: str) -> None:
    """Exit 1 and a message with an example, before anything starts."""
    result = CliRunner().invoke(cli, ["serve", "--local", "--listen", listen])
    assert result.exit_code == 1
    assert "is not HOST:PORT" in result.output
    assert "127.0.0.1:8080" in result.output


def test_a_port_in_use_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process on the port: exit 1 naming the address and what to do."""
    monkeypatch.chdir(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--local", "--listen", f"127.0.0.1:{port}"])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output


# --- serving in-process: click's runner, SIGTERM sent to this process -----------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_until(args: list[str], done: Callable[[str], bool]) -> Result:
    """``reconciler ARGS`` (a serve with --listen on a free port chosen here) run by click's
    runner until ``done(url)``; then SIGTERM to this process, as Kubernetes would send it."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    stopped = threading.Event()

    def watch() -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not stopped.is_set():
            try:
                if done(url):
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        if not stopped.is_set():
            os.kill(os.getpid(), signal.SIGTERM)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        return CliRunner().invoke(cli, [*args, "--listen", f"127.0.0.1:{port}"])
    finally:
        stopped.set()
        watcher.join(timeout=5)
        logs.configure()  # the runner's stderr is closed: log to the real one again


def _in_sync(url: str) -> bool:
    status = httpx.get(f"{url}/status", timeout=5).json()
    databases = status["databases"]
    return bool(databases) and all(d["status"] == "in_sync" for d in databases.values())


def test_serve_converges_the_local_workspace_and_stops_on_sigterm_with_exit_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--local with --local-store, --auto-apply safe, --interval, --full-every, --state-dir,
    --shutdown-grace, --log-format json and a manifest path: the workspace converges, the journal
    is in the state folder, the log is JSON, and SIGTERM ends it with exit 0."""
    repo = write_repository(tmp_path / "repo")
    monkeypatch.chdir(repo)
    store, state = tmp_path / "workspace.sqlite", tmp_path / "state"
    args = ["serve", "manifests", "--local", "--local-store", str(store), "--auto-apply", "safe"]
    args += ["--interval", "0.2", "--full-every", "60", "--state-dir", str(state)]
    args += ["--shutdown-grace", "5", "--log-format", "json"]
    result = _serve_until(args, _in_sync)
    assert result.exit_code == 0, result.output
    assert "Stopped." in result.output
    assert store.is_file()
    assert len(list(state.glob("journal-*.jsonl"))) == 1  # the workspace's journal
    cycles = [json.loads(line) for line in result.output.splitlines() if '"event": "cycle"' in line]
    assert cycles
    assert cycles[0]["outcome"] == "succeeded"


@pytest.mark.redis
def test_serve_with_a_lock_url_leads_through_the_lease(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    redis_url: str,  # noqa: F811
) -> None:
    """--lock-url and --lease-seconds: the only replica takes the lease, says so in /status and
    the metrics, and releases it on SIGTERM."""
    repo = write_repository(tmp_path / "repo")
    monkeypatch.chdir(repo)
    args = ["serve", "--local", "--lock-url", redis_url, "--lease-seconds", "5"]

    def leading(url: str) -> bool:
        return bool(httpx.get(f"{url}/status", timeout=5).json()["leader"])

    result = _serve_until(args, leading)
    assert result.exit_code == 0, result.output
    client = connect_redis(redis_url)
    assert client.get("notion-reconciler:lease:reconciler-serve") is None  # type: ignore[attr-defined]


@pytest.mark.redis
def test_serve_takes_its_locks_in_the_redis_of_reconciler_yaml(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    redis_url: str,  # noqa: F811
) -> None:
    """`lock:` in reconciler.yaml and no --lock-url: serve leads through the lease in that Redis
    and its applies take the workspace's apply lock there, the one `reconciler apply` takes."""
    repo = write_repository(tmp_path / "repo")
    config = repo / "reconciler.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"lock: {redis_url}\n", "utf-8")
    monkeypatch.chdir(repo)
    monkeypatch.delenv("RECONCILER_LOCK_URL", raising=False)
    args = ["serve", "--local", "--auto-apply", "safe", "--lease-seconds", "5"]
    args += ["--interval", "0.2"]

    def leading_and_in_sync(url: str) -> bool:
        status = httpx.get(f"{url}/status", timeout=5).json()
        return bool(status["leader"]) and _in_sync(url)

    result = _serve_until(args, leading_and_in_sync)
    assert result.exit_code == 0, result.output
    client = connect_redis(redis_url)
    fences = client.keys("notion-reconciler:lease:apply:*:fence")  # type: ignore[attr-defined]
    assert len(fences) == 1  # one workspace's apply lock was granted (and released)
