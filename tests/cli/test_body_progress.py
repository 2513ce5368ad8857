"""Progress of reading page bodies: silent for few, a line per tenth with an ETA in CI."""

from __future__ import annotations

import pytest

from reconciler.cli.runtime import PROGRESS_FROM_BODIES, BodyProgress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_long_read_says_how_far_it_is_and_how_long_is_left(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without a terminal: one line per tenth, with the time left at the pace so far."""
    clock = Clock()
    progress = BodyProgress(clock)
    for done in range(101):
        clock.now = done * 0.5
        progress("docs", done, 100)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "docs: 0/100 page bodies read"
    assert lines[1] == "docs: 10/100 page bodies read, about 45 s left"
    assert lines[-1] == "docs: 100/100 page bodies read"
    assert len(lines) == 11


def test_a_short_read_is_silent(capsys: pytest.CaptureFixture[str]) -> None:
    """Below the threshold nothing is printed."""
    progress = BodyProgress(Clock())
    for done in range(PROGRESS_FROM_BODIES):
        progress("docs", done, PROGRESS_FROM_BODIES - 1)
    assert capsys.readouterr().err == ""
