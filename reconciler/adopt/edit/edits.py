"""What the editing engine is asked to do, and what it answers.

An edit names its database by handle and a row by its key (the key property's value as text,
``DesiredRow.key``), never by a line: the engine finds them in the files. Values are in manifest
form, as ``reconciler.adopt.values.manifest_value`` writes them (people by e-mail, relations by
key, dates as ISO text, rich text as a string or a list of runs). The engine answers with an
``EditOutcome``: the old and new text of every file it would change, and each edit sorted into
applied, already so, or not applied with the reason. Built by ``pull`` (and import of a database
that already has a manifest), read by the CLI that prints the diffs.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

from reconciler.model import RowKey

__all__ = [
    "AddOption",
    "AddRow",
    "ChangeType",
    "DeclareProperty",
    "Edit",
    "EditOutcome",
    "FileChange",
    "NotApplied",
    "RemoveRow",
    "RenameProperty",
    "SetBody",
    "SetValue",
]


@dataclass(frozen=True)
class SetValue:
    """Set one property of a row to ``value`` (manifest form); ``None`` removes the entry."""

    database: str
    key: RowKey
    property: str
    value: object


@dataclass(frozen=True)
class SetBody:
    """Set a row's page body (Markdown) where the manifest takes it from: the row's ``_body``,
    or the file its ``_body_from`` or the database's ``body_from`` names (rewritten whole, its
    line endings kept). ``file`` is that file as the loaded row says (None: ``_body``), for
    reports; the engine finds the place itself."""

    database: str
    key: RowKey
    markdown: str
    file: str | None = None


@dataclass(frozen=True)
class RemoveRow:
    """Remove the row with this key from wherever it is written."""

    database: str
    key: RowKey


@dataclass(frozen=True)
class AddRow:
    """Add a row (property name → manifest value, the key included) where the database's rows
    already live: after its last row, in the manifest's ``rows`` or its ``rows_from`` file.
    ``body``: the row's page body (Markdown), written to the new file the database's
    ``body_from`` names for the row (None: no body file)."""

    database: str
    values: Mapping[str, object] = field(hash=False)
    body: str | None = None


@dataclass(frozen=True)
class AddOption:
    """Add an option (a name, or ``{name, color, description}``) to a property's declaration."""

    database: str
    property: str
    option: object = field(hash=False)


@dataclass(frozen=True)
class DeclareProperty:
    """Declare a new property: ``declaration`` is a type (``"date"``) or a mapping with ``type``
    and its settings, as ``reconciler.adopt.values.declaration`` writes it."""

    database: str
    property: str
    declaration: object = field(hash=False)


@dataclass(frozen=True)
class RenameProperty:
    """Mark a rename made in Notion: the declaration and every row's entry are renamed to
    ``new``, and the declaration says ``renamed_from: old``."""

    database: str
    old: str
    new: str


@dataclass(frozen=True)
class ChangeType:
    """Replace a property's type and settings by ``declaration`` (a type or a mapping with
    ``type``); ``renamed_from``, ``description`` and ``sensitive`` are kept, and ``owner`` and
    ``prune_options`` where the new type takes them."""

    database: str
    property: str
    declaration: object = field(hash=False)


Edit: TypeAlias = (
    SetValue
    | SetBody
    | RemoveRow
    | AddRow
    | AddOption
    | DeclareProperty
    | RenameProperty
    | ChangeType
)
"""One change to the manifests."""


@dataclass(frozen=True)
class NotApplied:
    """An edit left out, and why (``where``: file:line of what it would have changed, or "")."""

    edit: Edit
    reason: str
    where: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


@dataclass(frozen=True)
class FileChange:
    """One file's text before and after (``path``: relative to the repository root, POSIX)."""

    path: str
    old: str
    new: str
    created: bool = False
    """The file does not exist yet (``old`` is empty): a new page body file."""

    def unified_diff(self, context: int = 3) -> str:
        """The change as a unified diff (``a/PATH``, ``b/PATH``), as git shows it."""
        lines = difflib.unified_diff(
            self.old.splitlines(keepends=True),
            self.new.splitlines(keepends=True),
            f"a/{self.path}",
            f"b/{self.path}",
            n=context,
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass(frozen=True)
class EditOutcome:
    """What a set of edits does: the files it changes (only those), and every edit sorted."""

    files: tuple[FileChange, ...]
    applied: tuple[Edit, ...]
    unchanged: tuple[Edit, ...]
    """Edits the manifests already say (editing twice is a no-op)."""
    not_applied: tuple[NotApplied, ...]

    @property
    def changed(self) -> bool:
        return bool(self.files)
