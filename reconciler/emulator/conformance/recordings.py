"""Recorded Notion traffic as the replay reads it: one :class:`Recording` per JSON file.

The format is described in ``tests/recordings/README.md``: ``{"source", "interactions": [{"method",
"path", "query", "notion_version", "request_body", "status", "response_headers",
"response_body"}]}``. Used by the catalog (what the recordings show of each object) and the replay.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Interaction", "Recording", "RecordingError", "load_folder", "load_recording"]


class RecordingError(ValueError):
    """A file that is not a recording in the documented format."""


@dataclass(frozen=True)
class Interaction:
    """One recorded request and Notion's answer to it."""

    index: int
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    notion_version: str | None
    request_body: Any
    status: int
    response_body: Any

    @property
    def endpoint(self) -> str:
        """``METHOD /path`` as the failure list names it."""
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Recording:
    """A recorded test run: its file, display name and its interactions in order."""

    path: Path
    name: str
    source: str
    interactions: tuple[Interaction, ...]


def load_recording(path: Path, name: str) -> Recording:
    """Read one recording file, or explain what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise RecordingError(f"{path}: cannot read the recording: {error}") from None
    raw = data.get("interactions") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        raise RecordingError(f"{path}: a recording is an object with an 'interactions' list")
    source = str(data.get("source") or name)
    interactions = tuple(_interaction(path, n, item) for n, item in enumerate(raw))
    return Recording(path, name, source, interactions)


def _interaction(path: Path, index: int, item: object) -> Interaction:
    if not isinstance(item, dict):
        raise RecordingError(f"{path}: interaction {index} is not an object")
    try:
        query = tuple((str(k), str(v)) for k, v in item.get("query") or [])
        return Interaction(
            index=index,
            method=str(item["method"]).upper(),
            path=str(item["path"]),
            query=query,
            notion_version=item.get("notion_version"),
            request_body=item.get("request_body"),
            status=int(item["status"]),
            response_body=item.get("response_body"),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise RecordingError(
            f"{path}: interaction {index} lacks or garbles {error}; each needs method, path and "
            "status"
        ) from None


def load_folder(folder: Path, *, exclude: Iterable[Path] = ()) -> list[Recording]:
    """Every ``*.json`` recording under a folder, recursively, sorted by path.

    ``exclude``: folders whose recordings are left out (context folders inside a scored one).
    A recording is named by its path as found under the folder given (``tests/recordings/a.json``).
    """
    if not folder.is_dir():
        raise RecordingError(f"{folder}: not a folder of recordings")
    skipped = [p.resolve() for p in exclude]
    found = []
    for path in sorted(folder.rglob("*.json")):
        resolved = path.resolve()
        if any(resolved.is_relative_to(s) for s in skipped):
            continue
        found.append(load_recording(path, path.as_posix()))
    return found
