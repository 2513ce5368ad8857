"""Writing an ``EditOutcome``'s files: each atomically, and none if any changed since it was read.

Every new text is first written to a temporary file beside its target (same folder, same
permissions, the byte-order mark and the encoding the file had; a new page body file gets its
folder made and the usual permissions, and must still not exist); only when all of them are
written are they moved into place, each with an atomic rename. A file whose content is no longer
the text the edits were made on (someone saved it meanwhile) stops everything before any rename.
Called by ``pull`` after it showed the diffs.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from reconciler.adopt.edit.edits import EditOutcome, FileChange
from reconciler.errors import ReconcilerError

__all__ = ["FilesChanged", "write_changes"]

_BOM = b"\xef\xbb\xbf"


_NEW_MODE = 0o666


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


class FilesChanged(ReconcilerError):
    """A file changed on disk after the edits were made on it; nothing was written."""


def _current(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise FilesChanged(
            f"{path} cannot be read again ({error.strerror})",
            hint="check the file, then run the command again",
        ) from None


def _created(target: Path, change: FileChange) -> bytes:
    """A new file's (empty) content, its folder made; FilesChanged when one appeared meanwhile."""
    if os.path.lexists(target):
        raise FilesChanged(
            f"{change.path} appeared after the edits were made; nothing was written",
            hint="run the command again on the files as they are now",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    return b""


def _staged(root: Path, change: FileChange) -> tuple[Path, Path]:
    """(temporary file holding the new text, its target)."""
    target = root / change.path
    data = _created(target, change) if change.created else _current(target)
    bom = data.startswith(_BOM)
    if data.removeprefix(_BOM).decode("utf-8", errors="replace") != change.old:
        raise FilesChanged(
            f"{change.path} changed after it was read; nothing was written",
            hint="run the command again on the files as they are now",
        )
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    staged = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write((_BOM if bom else b"") + change.new.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        staged.chmod(_NEW_MODE & ~_umask() if change.created else target.stat().st_mode & 0o7777)
    except OSError:
        staged.unlink(missing_ok=True)
        raise
    return staged, target


def write_changes(outcome: EditOutcome, root: Path) -> None:
    """Write every changed file of ``outcome`` under ``root``; raises FilesChanged (nothing
    written) when one of them is not as it was read."""
    staged: list[tuple[Path, Path]] = []
    try:
        staged.extend(_staged(root, change) for change in outcome.files)
    except BaseException:
        for temporary, _ in staged:
            with contextlib.suppress(OSError):
                temporary.unlink()
        raise
    for temporary, target in staged:
        temporary.replace(target)
