"""How an apply shows its progress on stderr, for each place it runs.

The executor reports ``StageStarted`` and ``ChangeFinished`` events (``reconciler.apply``);
``progress_listener`` picks what turns them into text:

- on a terminal, a one-line bar redrawn as changes finish (``TerminalProgress``);
- without one (CI), a readable account (``AccountProgress``): a line per stage with its count,
  and every few seconds how far the apply is, how many failed and about how long is left (a
  3,000-row apply is a dozen lines, not 3,000);
- with ``--log-format json``, one JSON event per stage and per change (``JsonProgress``), for
  log pipelines;
- with ``--quiet``, nothing: the summary that follows is the result.

Used by the ``apply`` command.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import click

from reconciler.apply import ProgressEvent, ProgressListener, StageStarted, Status
from reconciler.cli.common import interactive, log_event, output_settings

__all__ = ["AccountProgress", "JsonProgress", "TerminalProgress", "progress_listener"]


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def _duration(seconds: float) -> str:
    """``8 s``, ``3 min 5 s``, ``1 h 2 min``."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


class TerminalProgress:
    """A one-line progress bar on stderr, redrawn as changes finish."""

    def __init__(self) -> None:
        self._stage = ""
        self._failed = 0

    def __call__(self, event: ProgressEvent) -> None:
        if isinstance(event, StageStarted):
            self._stage = event.title
            return
        if event.outcome.status is Status.FAILED:
            self._failed += 1
        width = 30
        filled = width * event.finished // max(1, event.total)
        bar = "#" * filled + "-" * (width - filled)
        failed = f", {self._failed} failed" if self._failed else ""
        line = f"\r[{bar}] {event.finished}/{event.total} {self._stage}{failed}"
        click.echo(line.ljust(78), nl=event.finished == event.total, err=True)


class AccountProgress:
    """Progress without a terminal: stages, and every ``every`` seconds a line with the count,
    the failures and an estimate of the time left."""

    def __init__(self, *, every: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._every = every
        self._clock = clock
        self._started: float | None = None
        self._shown = 0.0
        self._failed = 0

    def __call__(self, event: ProgressEvent) -> None:
        now = self._clock()
        if self._started is None:
            self._started = self._shown = now
        if isinstance(event, StageStarted):
            click.echo(f"Applying {event.title}: {_count(event.changes, 'change')}", err=True)
            return
        if event.outcome.status is Status.FAILED:
            self._failed += 1
        if event.finished >= event.total or now - self._shown < self._every:
            return
        self._shown = now
        left = (now - self._started) / event.finished * (event.total - event.finished)
        share = 100 * event.finished // event.total
        failed = f", {self._failed:,} failed" if self._failed else ""
        click.echo(
            f"  {event.finished:,} of {_count(event.total, 'change')} done ({share}%){failed},"
            f" about {_duration(left)} left",
            err=True,
        )


class JsonProgress:
    """One JSON event per stage and per change (``--log-format json``)."""

    def __call__(self, event: ProgressEvent) -> None:
        if isinstance(event, StageStarted):
            fields = {"stage": event.title, "phase": event.phase, "changes": event.changes}
            click.echo(log_event("apply stage", fields), err=True)
            return
        outcome = event.outcome
        trouble = outcome.status in (Status.FAILED, Status.SKIPPED)
        fields = {
            "change": outcome.change.id,
            "status": outcome.status.value,
            "page_id": outcome.page_id,
            "message": outcome.message or None,
            "finished": event.finished,
            "total": event.total,
        }
        click.echo(
            log_event("apply change", fields, level="warning" if trouble else "info"), err=True
        )


def progress_listener() -> ProgressListener | None:
    """The progress the command's options and place call for (see the module docstring)."""
    chosen = output_settings()
    if chosen.quiet:
        return None
    if chosen.json:
        return JsonProgress()
    return TerminalProgress() if interactive() else AccountProgress()
