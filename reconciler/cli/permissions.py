"""What the CLI adds when the system refuses to write a file: whose it is, and how to run as them.

The Docker image runs the reconciler as its own user (10001). On a bind-mounted checkout owned by
someone else, that user cannot create the state folder (lock, journal, undo plans), a plan file or
the ``--local`` workspace. The errors that report those writes name the file; when the refusal
came from the operating system (a ``PermissionError``) and the process runs in the image (the
Dockerfile sets ``RECONCILER_IN_CONTAINER``), this module adds the fix: run the container as the
checkout's owner with ``docker run --user "$(id -u):$(id -g)"``. A ``PermissionError`` that no
error reported becomes one clear ``ConfigError`` instead of "unexpected error, this is a bug".
Called by ``common.reports_errors`` and doctor's state-folder check.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Final

from reconciler.errors import ConfigError, ReconcilerError

__all__ = [
    "CONTAINER_MARKER",
    "DOCKER_USER_HINT",
    "container_fix",
    "explain_refusal",
    "with_permission_hint",
]

CONTAINER_MARKER: Final = "RECONCILER_IN_CONTAINER"
"""Set by the Dockerfile: the process runs as the image's user, not as the checkout's owner."""

DOCKER_USER_HINT: Final = (
    "run the container as the owner of the mounted folder:"
    ' docker run --user "$(id -u):$(id -g)" ...'
)


def _in_container(environ: Mapping[str, str]) -> bool:
    return bool(environ.get(CONTAINER_MARKER, "").strip())


def _refused(error: BaseException) -> bool:
    """Whether a PermissionError is behind the error (raised, its cause, or the one it replaced)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, PermissionError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def container_fix(error: BaseException, environ: Mapping[str, str] | None = None) -> str:
    """The ``docker run --user`` fix when the system refused the image's user; else empty."""
    env = os.environ if environ is None else environ
    return DOCKER_USER_HINT if _in_container(env) and _refused(error) else ""


def with_permission_hint(
    error: ReconcilerError, environ: Mapping[str, str] | None = None
) -> ReconcilerError:
    """The error about to be reported, its hint extended with ``container_fix``."""
    fix = container_fix(error, environ)
    if fix and fix not in (error.hint or ""):
        error.hint = f"{error.hint}; {fix}" if error.hint else fix
    return error


def explain_refusal(
    error: PermissionError, environ: Mapping[str, str] | None = None
) -> ConfigError:
    """A PermissionError no other error reported, as one clear message with its fix."""
    env = os.environ if environ is None else environ
    where = f" {error.filename}" if error.filename else ""
    message = f"cannot access{where}: {error.strerror or 'permission denied'}"
    if _in_container(env):
        return ConfigError(message, hint=DOCKER_USER_HINT)
    return ConfigError(message, hint="make it writable for this user, or run as its owner")
