"""The vocabulary of a plan: what a change does (``Action``), how much it can lose
(``ChangeClass``), the order an apply goes through them (``PHASES``, ``SCHEMA_ORDER``), and why a
guard withheld changes (``GuardKind``).

Used by every part of the plan package and by the gates, the applier and the renderers (through
``reconciler.plan``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

__all__ = [
    "CREATING_ROWS",
    "PHASES",
    "ROW_ACTIONS",
    "SCHEMA_ACTIONS",
    "SCHEMA_ORDER",
    "Action",
    "ChangeClass",
    "GuardKind",
]


class ChangeClass(enum.StrEnum):
    """How much a change can lose: safe changes apply freely, the others need approval."""

    SAFE = "safe"
    LOSSY = "lossy"
    DESTRUCTIVE = "destructive"


class Action(enum.StrEnum):
    """What a change does; the order of the members is not the apply order (see PHASES)."""

    CREATE_DATABASE = "create_database"
    UPDATE_DATABASE = "update_database"
    ADD_PROPERTY = "add_property"
    UPDATE_PROPERTY = "update_property"
    RENAME_PROPERTY = "rename_property"
    CHANGE_TYPE = "change_type"
    CREATE_ROW = "create_row"
    RESTORE_ROW = "restore_row"
    UPDATE_ROW = "update_row"
    UPDATE_BODY = "update_body"
    LINK_ROW = "link_row"
    TRASH_ROW = "trash_row"
    REMOVE_OPTIONS = "remove_options"
    REMOVE_PROPERTY = "remove_property"


PHASES: Mapping[Action, int] = {
    Action.CREATE_DATABASE: 0,
    Action.UPDATE_DATABASE: 0,
    Action.RENAME_PROPERTY: 1,
    Action.ADD_PROPERTY: 1,
    Action.UPDATE_PROPERTY: 1,
    Action.CHANGE_TYPE: 1,
    Action.CREATE_ROW: 2,
    Action.RESTORE_ROW: 2,
    Action.UPDATE_ROW: 3,
    Action.UPDATE_BODY: 3,
    Action.LINK_ROW: 4,
    Action.TRASH_ROW: 5,
    Action.REMOVE_OPTIONS: 6,
    Action.REMOVE_PROPERTY: 6,
}
"""Apply order: databases, schema additions, row creates without relations, updates (of values
and of bodies), relation links (so rows can point at rows created in the same apply, cycles
included), trashes, schema removals. Every change of a phase, in every database, comes before
any change of the next."""

SCHEMA_ACTIONS = frozenset(
    {
        Action.ADD_PROPERTY,
        Action.UPDATE_PROPERTY,
        Action.RENAME_PROPERTY,
        Action.CHANGE_TYPE,
        Action.REMOVE_OPTIONS,
        Action.REMOVE_PROPERTY,
    }
)
"""Changes of a data source's schema (batched into one update per database and stage)."""

ROW_ACTIONS = frozenset(
    {Action.CREATE_ROW, Action.RESTORE_ROW, Action.UPDATE_ROW, Action.LINK_ROW, Action.TRASH_ROW}
)
"""Changes of one row (a page of the data source)."""

CREATING_ROWS = frozenset({Action.CREATE_ROW, Action.RESTORE_ROW})
"""Changes after which a row exists live (others may link to it)."""

SCHEMA_ORDER: Mapping[str, int] = {"relation": 1, "rollup": 2, "formula": 2}
"""``Change.order`` of a schema addition or update by the property's type (0 for the others):
relations exist before the rollups over them, and formulas come after every property they may
name."""


class GuardKind(enum.StrEnum):
    """Why a guard withheld changes (see ``reconciler.plan.guards``)."""

    PROTECTED = "protected"
    DUPLICATE_KEYS = "duplicate_keys"
    INCOMPLETE_READ = "incomplete_read"
    EMPTY_MANIFEST = "empty_manifest"
    AMBIGUOUS_LINKS = "ambiguous_links"

    @property
    def needs_attention(self) -> bool:
        """Whether the changes it holds back wait until a person fixes Notion or the manifest
        (a drift check must not pass over them); ``protected`` and ``incomplete_read`` describe
        lasting states, not drift."""
        return self in _NEED_ATTENTION


_NEED_ATTENTION = frozenset(
    {GuardKind.DUPLICATE_KEYS, GuardKind.AMBIGUOUS_LINKS, GuardKind.EMPTY_MANIFEST}
)
