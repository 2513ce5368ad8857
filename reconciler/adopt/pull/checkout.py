"""The git checkout the manifests live in: which files have uncommitted changes, and their text
at HEAD.

``pull`` never loses a hand edit: it refuses to edit a file with uncommitted changes, and compares
values changed in the working tree with the file at HEAD. ``Checkout.of(root)`` finds the
checkout around the repository root (None outside git, or when git is not installed); the
questions are answered by the ``git`` program itself (``status``, ``show``), so what counts as
changed is exactly what ``git status`` shows. Used by ``reconciler.adopt.pull``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reconciler.errors import ConfigError

__all__ = ["Checkout"]

_TIMEOUT = 60


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    # A fixed program and arguments, no shell: nothing here comes from a manifest or Notion
    # but file paths, which git receives after "--" as paths.
    return subprocess.run(  # noqa: S603
        ["git", *args],  # noqa: S607 - the user's git, found on PATH like any tool they run
        cwd=cwd,
        capture_output=True,
        timeout=_TIMEOUT,
        check=False,
    )


@dataclass(frozen=True)
class Checkout:
    """A git working tree (``top`` is its top folder)."""

    top: Path

    @classmethod
    def of(cls, root: Path) -> Checkout | None:
        """The checkout holding ``root``; None when it is in none (or git is not installed)."""
        try:
            found = _git(root, "rev-parse", "--show-toplevel")
        except FileNotFoundError:
            return None
        if found.returncode != 0:
            if b"dubious ownership" in found.stderr:
                raise ConfigError(
                    f"git refuses to read the checkout at {root}: it belongs to another user",
                    hint=f"trust it with `git config --global --add safe.directory {root}`, then"
                    " run the command again",
                )
            return None
        return cls(Path(found.stdout.decode("utf-8").strip()))

    def _relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.top.resolve()).as_posix()

    def uncommitted(self, paths: Iterable[Path]) -> list[Path]:
        """Those of ``paths`` that differ from HEAD (staged or not) or that git does not track."""
        wanted = {self._relative(path): path for path in paths}
        if not wanted:
            return []
        status = _git(
            self.top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *wanted
        )
        if status.returncode != 0:
            raise ConfigError(
                f"git status failed in {self.top}: {status.stderr.decode(errors='replace')}",
                hint="check the checkout with `git status`, then run the command again",
            )
        changed = _status_paths(status.stdout.decode("utf-8", errors="surrogateescape"))
        return [path for relative, path in sorted(wanted.items()) if relative in changed]

    def at_head(self, path: Path) -> str | None:
        """The file's text in the HEAD commit; None when HEAD has no such file (or no commit)."""
        shown = _git(self.top, "show", f"HEAD:{self._relative(path)}")
        if shown.returncode != 0:
            return None
        return shown.stdout.decode("utf-8-sig", errors="replace")


def _status_paths(output: str) -> set[str]:
    """The paths ``git status --porcelain=v1 -z`` names (a rename names both)."""
    found: set[str] = set()
    entries: Sequence[str] = output.split("\0")
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        found.add(entry[3:])
        if entry[0] in "RC":  # the original path follows as the next entry
            found.add(entries[index])
            index += 1
    return found
