"""The repository and its settings for commands that may run before any manifest exists.

``import`` writes the first manifests and ``doctor`` must work in a repository whose manifests
do not load yet; both still honour ``reconciler.yaml`` (Notion-Version, rate limit, state folder).
Used by import (``reconciler.adopt``) and the CLI's ``import`` and ``doctor``; ``shown`` (paths as
the user types them) wherever a message names a file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reconciler.config import Settings
from reconciler.errors import ManifestError, Problem
from reconciler.manifest.repository import find_repository_root
from reconciler.manifest.settings import load_settings

__all__ = ["Repository", "find_repository", "shown"]


@dataclass(frozen=True)
class Repository:
    """The repository root and its settings (defaults without reconciler.yaml)."""

    root: Path
    settings: Settings

    @property
    def manifests(self) -> Path:
        """The folder of manifests the settings name (it may not exist yet)."""
        return self.root / self.settings.manifests


def find_repository(
    start: Path | None = None,
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Repository:
    """The repository holding ``start`` (default: the current directory) and its settings.

    Raises ``ManifestError`` when reconciler.yaml exists but is invalid.
    """
    here = cwd if cwd is not None else Path.cwd()
    root = find_repository_root(start if start is not None else Path(), here)
    problems: list[Problem] = []
    settings = load_settings(root, here, os.environ if environ is None else environ, problems)
    if problems:
        raise ManifestError(problems)
    return Repository(root=root, settings=settings)


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the current directory when possible."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
