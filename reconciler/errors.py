"""The error tree of notion-reconciler; every error knows its exit code and what to do next.

Raised anywhere below the CLI, caught only by the CLI, which prints ``str(error)`` (message, then
the hint) and exits with ``error.exit_code``. No error ever carries the Notion token.

::

    ReconcilerError                      exit 1
    ├── ConfigError                      reconciler.yaml, environment, token, NOTION_BASE_URL
    ├── ManifestError                    one or more Problems, each with file:line:column and hint
    ├── NotionError                      the API said no, or could not be reached
    │   ├── NotionAuthError              401: the token is invalid
    │   ├── NotionAccessError            403/404: object missing or not shared with the integration
    │   ├── NotionValidationError        400: Notion rejected a request (names row and property)
    │   ├── NotionUnavailableError       retries exhausted (429/5xx/timeouts/dropped connections)
    │   └── UnexpectedResponseError      a response without the shape we rely on
    ├── PlanError                        a plan cannot be made (guards, ambiguous databases)
    ├── PlanFileError                    a saved plan is unreadable, tampered with or too new
    ├── ApplyError                       some operations failed (the others went on)
    ├── ApprovalRequired                 exit 3: a gate blocked lossy/destructive changes
    ├── StalePlanError                   exit 4: live rows changed since the plan was made
    └── LockError                        another apply holds the lock for this workspace
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "ApplyError",
    "ApprovalRequired",
    "ConfigError",
    "LockError",
    "ManifestError",
    "NotionAccessError",
    "NotionAuthError",
    "NotionError",
    "NotionUnavailableError",
    "NotionValidationError",
    "PlanError",
    "PlanFileError",
    "PlanProblems",
    "Problem",
    "ReconcilerError",
    "StalePlanError",
    "UnexpectedResponseError",
]


class ReconcilerError(Exception):
    """Base of every error the CLI reports as one clear message."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message


class ConfigError(ReconcilerError):
    """Configuration (reconciler.yaml, environment, token, base URL) is unusable."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, where it is and how to fix it."""

    file: str
    line: int
    column: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        text = f"{where}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


class ManifestError(ReconcilerError):
    """The manifests are invalid; carries every problem found, sorted by file and line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = tuple(sorted(problems))
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        body = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{count} {noun} in the manifests:\n{body}")


class NotionError(ReconcilerError):
    """Notion refused a request or could not be reached."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.code = code
        self.request_id = request_id


class NotionAuthError(NotionError):
    """401: the token is invalid or revoked."""


class NotionAccessError(NotionError):
    """403/404: the object does not exist or is not shared with the integration."""


class NotionValidationError(NotionError):
    """400: Notion rejected the request body (the message names row and property)."""


class NotionUnavailableError(NotionError):
    """Retries were exhausted on transient failures (429, 5xx, timeouts, dropped connections)."""


class UnexpectedResponseError(NotionError):
    """A response lacks the shape we rely on; names the endpoint and the field."""


class PlanError(ReconcilerError):
    """A plan cannot be computed from these inputs."""


class PlanProblems(PlanError):
    """Manifest values that cannot be planned against this workspace (an e-mail no user has, a
    relation key no row has): every one of the run, sorted by file and line. One problem reads
    as a plain ``PlanError`` (its message and hint); several are listed, each with its hint."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = tuple(sorted(problems))
        if len(self.problems) == 1:
            (only,) = self.problems
            where = f"{only.file}:{only.line}:{only.column}: " if only.line else ""
            super().__init__(f"{where}{only.message}", hint=only.hint or None)
            return
        body = "\n".join(str(p) for p in self.problems)
        count = len(self.problems)
        super().__init__(f"{count} values in the manifests cannot be planned:\n{body}")


class PlanFileError(ReconcilerError):
    """A saved plan file is unreadable, modified after it was written, or of another version."""


class ApplyError(ReconcilerError):
    """An apply finished with failed operations; the others were done and journaled."""


class ApprovalRequired(ReconcilerError):
    """A gate blocked lossy or destructive changes; nothing was written."""

    exit_code = 3


class StalePlanError(ReconcilerError):
    """Live rows changed since the plan was made; nothing was written."""

    exit_code = 4


class LockError(ReconcilerError):
    """Another apply holds the workspace lock."""
