"""The readable account of an apply without a terminal: a line per stage, then every few seconds
how far it is, how many failed, and about how long is left (issue 14, item 16)."""

from __future__ import annotations

import io
from contextlib import redirect_stderr

from reconciler.apply import ChangeFinished, ChangeOutcome, StageStarted, Status
from reconciler.cli.progress import AccountProgress
from reconciler.plan import Change, ChangeClass, CreateRow


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _finished(number: int, total: int, status: Status = Status.DONE) -> ChangeFinished:
    change = Change("tasks", f"row-{number}", ChangeClass.SAFE, CreateRow({"Name": "x"}))
    return ChangeFinished(ChangeOutcome(change, status), number, total)


def _account(clock: Clock, events: list[tuple[float, object]]) -> list[str]:
    progress = AccountProgress(every=5.0, clock=clock)
    shown = io.StringIO()
    with redirect_stderr(shown):
        for seconds, event in events:
            clock.now += seconds
            progress(event)  # type: ignore[arg-type]
    return shown.getvalue().splitlines()


def test_3000_changes_make_a_few_lines_with_the_time_left() -> None:
    """3,000 creates at 100 a second: the stage line, then one line every 5 s with the count,
    the share and the time left (not a line per change)."""
    events: list[tuple[float, object]] = [(0.0, StageStarted(2, 0, "row creates", 3000))]
    events += [(0.01, _finished(n, 3000)) for n in range(1, 3001)]
    lines = _account(Clock(), events)
    assert lines[0] == "Applying row creates: 3,000 changes"
    assert lines[1] == "  500 of 3,000 changes done (16%), about 25 s left"
    assert len(lines) == 6


def test_failures_are_counted_as_they_happen() -> None:
    """A failed change shows in the next progress line's count."""
    events: list[tuple[float, object]] = [(0.0, StageStarted(3, 0, "row updates", 10))]
    events += [(1.0, _finished(1, 10, Status.FAILED)), (5.0, _finished(2, 10))]
    lines = _account(Clock(), events)
    assert lines[1] == "  2 of 10 changes done (20%), 1 failed, about 24 s left"


def test_a_long_apply_says_the_time_left_in_minutes() -> None:
    """Past a minute the estimate reads in minutes and seconds."""
    events: list[tuple[float, object]] = [(0.0, StageStarted(2, 0, "row creates", 100))]
    events += [(6.0, _finished(1, 100))]
    lines = _account(Clock(), events)
    assert lines[1] == "  1 of 100 changes done (1%), about 9 min 54 s left"
