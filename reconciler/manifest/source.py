"""Reads one input file (manifest, rows_from data, reconciler.yaml) as text, refusing bad bytes.

The loader and the rows_from reader call ``read_source``; it enforces the size limit and UTF-8,
and names every file twice: as the user gave it (for error messages) and relative to the
repository root (for source locations in the desired state and plans).
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from reconciler.errors import Problem
from reconciler.manifest.limits import MAX_FILE_BYTES

__all__ = ["FileProblem", "SourceFile", "line_and_column", "read_source"]


@dataclass(frozen=True)
class SourceFile:
    """A file's text and its two names (``display`` for people, ``repo_path`` for the model)."""

    path: Path
    display: str
    repo_path: str
    text: str


class FileProblem(Exception):
    """A file that cannot be read as text; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset into the text."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def repo_relative(path: Path, root: Path, display: str) -> str:
    """The path relative to the repository root (POSIX form), or ``display`` when outside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return display


def read_source(path: Path, display: str, root: Path) -> SourceFile:
    """The file's text; raises FileProblem when it is missing, too large or not UTF-8 text.

    Only regular files are opened: a named pipe would block the run forever and a device such
    as /dev/zero never ends, so both are refused before reading.
    """
    try:
        info = path.stat()
        _refuse_special_file(info.st_mode, display)
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise FileProblem(
                Problem(
                    display,
                    0,
                    0,
                    f"the file is {size / 1_048_576:.1f} MiB; files over "
                    f"{MAX_FILE_BYTES // 1_048_576} MiB are refused",
                    "split it into several files, or keep bulk data in a CSV rows_from file",
                )
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileProblem(
            Problem(display, 0, 0, "the file does not exist", "check the path and its spelling")
        ) from None
    except IsADirectoryError:
        raise FileProblem(
            Problem(display, 0, 0, "this is a folder, not a file", "name a file")
        ) from None
    except OSError as error:
        raise FileProblem(
            Problem(
                display,
                0,
                0,
                f"the file cannot be read ({error.strerror})",
                "check the file's permissions",
            )
        ) from None
    return SourceFile(path, display, repo_relative(path, root, display), _decode(data, display))


def _refuse_special_file(mode: int, display: str) -> None:
    if stat.S_ISDIR(mode):
        raise FileProblem(Problem(display, 0, 0, "this is a folder, not a file", "name a file"))
    if not stat.S_ISREG(mode):
        raise FileProblem(
            Problem(
                display,
                0,
                0,
                "this is not a regular file (a named pipe, device or socket); it is not read",
                "name a regular file: manifests and data files are text files",
            )
        )


def _decode(data: bytes, display: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8", errors="replace")
        line, column = line_and_column(before, len(before))
        raise FileProblem(
            Problem(
                display,
                line,
                column,
                f"the file is not UTF-8 text: byte 0x{data[error.start]:02x} cannot be decoded",
                "save the file as UTF-8; binary files are not manifests",
            )
        ) from None
    if "\x00" in text:
        line, column = line_and_column(text, text.index("\x00"))
        raise FileProblem(
            Problem(
                display,
                line,
                column,
                "the file contains a NUL byte: it is binary, not text",
                "save the file as UTF-8 text",
            )
        )
    return text
