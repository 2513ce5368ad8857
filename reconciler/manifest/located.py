"""A YAML document as plain data plus where each part of it was written.

The YAML reader produces ``YamlDocument``; the schema check, the manifest builder and the
rows_from reader ask it for the line and column of any part by its JSON path (mapping keys and
list indexes), so every problem points at the exact place. Parts produced by an alias point at
the alias.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, TypeAlias

from reconciler.errors import Problem
from reconciler.manifest.source import SourceFile
from reconciler.model import SourceLocation

__all__ = ["DataPath", "Marks", "RawMark", "YamlDocument", "describe_path", "position"]

DataPath: TypeAlias = tuple[str | int, ...]
"""Mapping keys and list indexes from a document's root to one of its parts."""


class _ParserMark(Protocol):
    """A YAML parser's mark: 0-based line and column."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


RawMark: TypeAlias = "tuple[int, int] | _ParserMark"
"""A 1-based (line, column), or a parser's 0-based mark kept as is (turned into numbers only
when a problem needs them: most marks never are)."""


def position(mark: RawMark) -> tuple[int, int]:
    """The 1-based (line, column) of a mark."""
    if isinstance(mark, tuple):
        return mark
    return (mark.line + 1, mark.column + 1)


@dataclass
class Marks:
    """1-based (line, column) of values and of mapping keys, by path."""

    values: dict[DataPath, RawMark] = field(default_factory=dict)
    keys: dict[DataPath, RawMark] = field(default_factory=dict)
    number_texts: dict[DataPath, str] = field(default_factory=dict)
    """The text of each plain scalar read as a number (``007``, ``+4420``, ``1e3``), for the
    properties that take text: there a YAML number is its text exactly as written."""

    def value_mark(self, path: DataPath) -> tuple[int, int]:
        """Where the value at ``path`` starts (or its nearest located ancestor)."""
        for end in range(len(path), -1, -1):
            mark = self.values.get(path[:end])
            if mark is not None:
                return position(mark)
        return (1, 1)

    def key_mark(self, path: DataPath) -> tuple[int, int]:
        """Where the key of the mapping entry at ``path`` is written (else its value)."""
        mark = self.keys.get(path)
        return position(mark) if mark is not None else self.value_mark(path)


@dataclass
class YamlDocument:
    """One document of a file: its data (plain JSON-like values) and their marks.

    ``tainted`` holds paths whose value could not be read (an unset variable, an unsupported
    tag); problems found later at or below them are consequences and are not reported again.
    """

    source: SourceFile
    data: object
    marks: Marks
    tainted: set[DataPath] = field(default_factory=set)

    def location(self, path: DataPath = (), *, at_key: bool = False) -> SourceLocation:
        """Where the part at ``path`` is written, relative to the repository root."""
        line, column = self.marks.key_mark(path) if at_key else self.marks.value_mark(path)
        return SourceLocation(self.source.repo_path, line, column)

    def problem(self, path: DataPath, message: str, hint: str, *, at_key: bool = False) -> Problem:
        """A problem located at the part at ``path``, named as the user gave the file.

        ``hint`` says how to fix it: every problem carries one.
        """
        line, column = self.marks.key_mark(path) if at_key else self.marks.value_mark(path)
        return Problem(self.source.display, line, column, message, hint)

    def is_tainted(self, path: DataPath) -> bool:
        """Whether the part at ``path`` lies at or below a value that could not be read."""
        if not self.tainted:
            return False
        return any(path[:end] in self.tainted for end in range(len(path) + 1))


def describe_path(path: DataPath) -> str:
    """A JSON path for messages: ``$.properties.Status.options[2]``."""
    text = "$"
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}"
        else:
            text += f"[{part!r}]"
    return text
