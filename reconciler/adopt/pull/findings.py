"""What ``pull`` found in Notion and proposes to write: the values and types it reports.

A ``Proposal`` is one edit of the manifests (``reconciler.adopt.edit``) with the live row it comes
from (``Origin``: who last edited the row in Notion, when, its URL), so that once the editing
engine has sorted the edits, what was really written can be told per row (``RowDrift``).
``SchemaDrift`` is a difference of properties or options, written or only reported; ``Pulled`` is
the whole result the CLI shows and writes. Built by the other modules of ``reconciler.adopt.pull``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from reconciler.adopt.edit import Edit, EditOutcome
from reconciler.model import RowKey

__all__ = [
    "Conflict",
    "Origin",
    "Proposal",
    "Pulled",
    "RowChange",
    "RowDrift",
    "SchemaDrift",
    "row_drifts",
]


class RowChange(StrEnum):
    """What happened to a row in Notion, as pull writes it back."""

    CHANGED = "changed"
    """Values edited in Notion: set in the manifest."""
    TRASHED = "trashed"
    """Moved to the trash in Notion: removed from the manifest."""
    ADDED = "added"
    """Created in Notion: added to the manifest."""


@dataclass(frozen=True)
class Origin:
    """The live row an edit comes from."""

    database: str
    key: RowKey
    change: RowChange
    edited_by: str
    """Who last edited the row in Notion (e-mail, else name, else user id; "" unknown)."""
    edited_time: str
    url: str


@dataclass(frozen=True)
class Proposal:
    """An edit pull wants to make, and the live row it comes from (None: a schema edit)."""

    edit: Edit
    origin: Origin | None = None
    properties: tuple[str, ...] = ()
    """The properties the edit sets (a value edit's one, an added row's; none otherwise)."""


@dataclass(frozen=True)
class Conflict:
    """A value (or row) changed both in the working tree and in Notion since HEAD."""

    where: str
    """file:line of the row."""
    what: str
    """``tasks, row 'design-pages', Estimate``."""
    here: str
    notion: str
    committed: str
    """The value at HEAD ("" for a row)."""
    edited: str
    """Who last edited it in Notion and when, in words ("" unknown)."""

    def __str__(self) -> str:
        head = f"; at HEAD: {self.committed}" if self.committed else ""
        edited = f" ({self.edited})" if self.edited else ""
        return (
            f"{self.where}: {self.what}: here: {self.here}; in Notion: {self.notion}{edited}{head}"
        )


@dataclass(frozen=True)
class RowDrift:
    """A row whose Notion edits pull wrote (or would write) into the manifests."""

    origin: Origin
    properties: tuple[str, ...]
    """The properties set (changed and added rows); empty for a trashed row."""


@dataclass(frozen=True)
class SchemaDrift:
    """A difference between the declared properties and Notion's, and whether it is written."""

    database: str
    property: str
    words: str
    """What differs, in a sentence (``Priority: added in Notion (select)``)."""
    written: bool = False


@dataclass(frozen=True)
class Pulled:
    """Everything one pull found, the files it changes, and what it left alone."""

    outcome: EditOutcome
    rows: tuple[RowDrift, ...]
    schema: tuple[SchemaDrift, ...]
    notes: tuple[str, ...]
    """What was left alone and why (databases not created yet, rows not adopted, ...)."""
    kept: tuple[str, ...] = ()
    """Uncommitted hand edits kept although Notion holds another value."""
    uncommitted: tuple[str, ...] = ()
    """Files the pull changes that have uncommitted changes (repository-relative paths)."""

    @property
    def changed(self) -> bool:
        """Whether any file changes."""
        return self.outcome.changed


def row_drifts(proposals: Iterable[Proposal], written: Iterable[Edit]) -> tuple[RowDrift, ...]:
    """The rows among ``proposals`` whose edits are in ``written`` (the same edit objects the
    engine sorted), one per row, the properties each set in order."""
    done = {id(edit) for edit in written}
    rows: dict[tuple[str, RowKey], tuple[Origin, list[str]]] = {}
    for proposal in proposals:
        origin = proposal.origin
        if origin is None or id(proposal.edit) not in done:
            continue
        _, properties = rows.setdefault((origin.database, origin.key), (origin, []))
        properties.extend(proposal.properties)
    return tuple(RowDrift(origin, tuple(names)) for origin, names in rows.values())
