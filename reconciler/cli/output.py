"""The one way out: stdout and stderr wrapped so that no secret and no foreign escape gets through.

Everything the CLI prints goes through ``sys.stdout`` or ``sys.stderr`` (``click.echo``,
progress bars, log lines), so ``guarded_output`` replaces both for the length of a command with
a ``GuardedStream``: every write is redacted (``logs.redact``: the token, secret-looking
environment variables' values, credentials), and control characters, direction overrides,
invisible characters and line separators are shown as escapes (``logs.printable``) where they
could reach a terminal: always on stderr, where messages relayed from Notion and logs go (a CI
log is read in a terminal or a browser later), and on stdout when it is a terminal. Piped
stdout keeps data as it is (``export -o -``, ``--format json``), redaction aside. The command
group installs it around every command.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from reconciler import logs

__all__ = ["GuardedStream", "guarded_output"]


class GuardedStream(io.TextIOBase):
    """A text stream that redacts secrets, and shows foreign control characters as escapes
    when ``terminal_rules`` (the reconciler's own colours and progress bar pass)."""

    def __init__(self, stream: TextIO, *, terminal_rules: bool) -> None:
        super().__init__()
        self._stream = stream
        self._terminal_rules = terminal_rules

    @property
    def wrapped(self) -> TextIO:
        """The stream underneath."""
        return self._stream

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click probes with bytes to tell text from binary
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        safe = logs.redact(text)
        if self._terminal_rules:
            safe = logs.printable(safe, keep=logs.OWN_SEQUENCES)
        self._stream.write(safe)
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]  # TextIOBase declares it read-only
        return getattr(self._stream, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self._stream, "errors", None)


def _guarded(stream: TextIO, *, terminal_rules: bool) -> TextIO:
    if isinstance(stream, GuardedStream):
        return stream
    return GuardedStream(stream, terminal_rules=terminal_rules)  # type: ignore[return-value]


@contextmanager
def guarded_output() -> Iterator[None]:
    """Guard ``sys.stdout`` and ``sys.stderr`` until the block ends, then put them back."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout = _guarded(stdout, terminal_rules=stdout.isatty())
    sys.stderr = _guarded(stderr, terminal_rules=True)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = stdout, stderr
