"""Text replaced by character span: the one way the engine changes a file.

Every edit becomes splices (``start``, ``end``, new text) of the file's original text; whatever
no splice covers stays byte for byte. Splices of one file may not overlap (the patchers group
the edits of one mapping or list so that they never do); insertions at the same place keep the
order the edits came in. Used by the YAML and CSV editors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Overlap", "Splice", "spliced"]


class Overlap(Exception):
    """Two splices of one text cover the same characters (an edit would clobber another)."""


@dataclass(frozen=True)
class Splice:
    """Replace ``text[start:end]`` (empty: insert at ``start``) by ``text``."""

    start: int
    end: int
    text: str
    order: int = 0
    """Among insertions at the same place: the lower comes first."""


def spliced(text: str, splices: Iterable[Splice]) -> str:
    """The text with every splice made; raises Overlap when two of them overlap."""
    ordered = sorted(splices, key=lambda s: (s.start, s.end, s.order))
    parts: list[str] = []
    position = 0
    for splice in ordered:
        if splice.start < position:
            raise Overlap(f"two edits change the characters at {splice.start}")
        parts.append(text[position : splice.start])
        parts.append(splice.text)
        position = splice.end
    parts.append(text[position:])
    return "".join(parts)
