"""``reconciler serve`` on the command line: help, and bad input refused with a clear message."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import cli


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
