"""A measured command's figures are its own: output, exit code, and peak memory not inherited
from the benchmark runner."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from benchmarks.scenarios.child import ChildFailed, run_measured

_HELD_MB = 200


def test_a_child_peak_memory_is_not_the_runners() -> None:
    """A runner holding 200 MB measures a bare interpreter at far less than that."""
    held = bytearray(_HELD_MB * 1024 * 1024)
    held[::4096] = b"\x01" * len(held[::4096])  # touch every page: resident
    measured = run_measured([sys.executable, "-c", "pass"], cwd=Path.cwd(), env=os.environ)
    assert measured.peak_rss_mb < _HELD_MB / 2, len(held)


def test_a_child_output_and_exit_code_are_kept(tmp_path: Path) -> None:
    """What the command printed on stdout and stderr comes back with its exit code."""
    script = "import sys; print('out'); print('err', file=sys.stderr)"
    measured = run_measured([sys.executable, "-c", script], cwd=tmp_path, env=os.environ)
    assert (measured.exit_code, measured.stdout, measured.stderr) == (0, "out\n", "err\n")


def test_an_unexpected_exit_code_fails_with_what_the_command_said(tmp_path: Path) -> None:
    """A command exiting with a code not expected is ChildFailed quoting its stderr."""
    script = "import sys; print('broken', file=sys.stderr); sys.exit(3)"
    with pytest.raises(ChildFailed, match="exited 3:\nbroken"):
        run_measured([sys.executable, "-c", script], cwd=tmp_path, env=os.environ)
