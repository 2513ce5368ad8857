"""Where the repository is and which files are manifests.

The repository root is the nearest folder, from the first path given (or the current directory)
upwards, that holds ``reconciler.yaml``; failing that, the nearest one holding ``.git``; failing
that, the current directory. ``rows_from`` files must stay inside it and source locations are
relative to it. Manifests are the ``*.yaml`` / ``*.yml`` files under each folder given (hidden
folders skipped, ``reconciler.yaml`` of the root skipped) and every file given by name. A
manifest that a link (its own or a folder's) leads outside the repository is refused, never read:
a pull request could otherwise link ``manifests/a.yaml`` to a credentials file of the machine that
validates it. Called by the loader.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from reconciler.errors import Problem

__all__ = ["CONFIG_FILE", "ManifestFile", "find_manifest_files", "find_repository_root"]

CONFIG_FILE = "reconciler.yaml"
_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ManifestFile:
    """A manifest file: its resolved path and its name as the user would write it."""

    path: Path
    display: str


def find_repository_root(start: Path, cwd: Path) -> Path:
    """The repository root for a run started at ``start`` (see the module docstring)."""
    here = (cwd / start).resolve()
    if not here.is_dir():
        here = here.parent
    folders = [here, *here.parents]
    for marker in (CONFIG_FILE, ".git"):
        for folder in folders:
            if (folder / marker).exists():
                return folder
    return cwd.resolve()


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for current, subfolders, files in os.walk(folder):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        found.extend(
            Path(current, name) for name in sorted(files) if name.lower().endswith(_SUFFIXES)
        )
    return found


def find_manifest_files(
    paths: Sequence[str], root: Path, cwd: Path
) -> tuple[list[ManifestFile], list[Problem]]:
    """The manifest files under the given paths, each once, in the order found."""
    config = (root / CONFIG_FILE).resolve()
    files: list[ManifestFile] = []
    problems: list[Problem] = []
    seen: set[Path] = set()
    for given in paths:
        target = cwd / given
        if target.is_file():
            candidates = [(target, PurePath(given))]
        elif target.is_dir():
            candidates = [
                (found, PurePath(given) / found.relative_to(target)) for found in _walk(target)
            ]
            if not candidates:
                problems.append(
                    Problem(
                        given,
                        0,
                        0,
                        "no manifests here (no *.yaml or *.yml files)",
                        "name a folder of manifests or a manifest file",
                    )
                )
        else:
            problems.append(
                Problem(given, 0, 0, "no such file or folder", "check the path and its spelling")
            )
            continue
        for path, display in candidates:
            resolved = path.resolve()
            if resolved in seen or resolved == config:
                continue
            seen.add(resolved)
            if _links_out_of(path, resolved, root):
                problems.append(
                    Problem(
                        str(display),
                        0,
                        0,
                        "a link leads this manifest out of the repository (its file or a folder"
                        " on its way is a link to a place outside); it is not read",
                        "keep manifests inside the repository, as rows_from files are: copy the"
                        " file in rather than linking to it",
                    )
                )
                continue
            files.append(ManifestFile(resolved, str(display)))
    return files, problems


def _links_out_of(path: Path, resolved: Path, root: Path) -> bool:
    """Whether a link (the file's, or a folder's on its way) leads the file out of the
    repository. A file named outside the repository without links is the user's own choice;
    special files behind links are refused by the reader anyway, as not regular files."""
    if resolved.is_relative_to(root.resolve()) or not resolved.is_file():
        return False
    return Path(os.path.normpath(path.absolute())) != resolved
