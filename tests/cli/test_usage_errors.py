"""Usage errors exit with 1: exit code 2 is reserved for "changes present" (README: Exit codes)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from reconciler.cli import cli


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "--format", "bogus"], "Invalid value for '--format'"),
        (["plan", "--nosuch"], "No such option '--nosuch'"),
        (["nosuch"], "No such command 'nosuch'"),
        (["show"], "Missing argument"),
        (["apply", "--workers", "0"], "Invalid value for '--workers'"),
    ],
)
def test_usage_errors_exit_1_with_clicks_message(args: list[str], message: str) -> None:
    """A bad option, argument or command: click's usage message, exit 1, never 2."""
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Usage:" in result.output
