"""Which actions touch what: the groups of ``Action`` the apply modules dispatch on."""

from __future__ import annotations

from reconciler.plan.model import Action

__all__ = ["CREATING_ROWS", "ROW_ACTIONS", "SCHEMA_ACTIONS"]

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
"""Schema changes of a data source: one ``update_data_source`` per database and stage."""

ROW_ACTIONS = frozenset(
    {
        Action.CREATE_ROW,
        Action.RESTORE_ROW,
        Action.UPDATE_ROW,
        Action.LINK_ROW,
        Action.TRASH_ROW,
    }
)
"""Changes of one row (a page of the data source)."""

CREATING_ROWS = frozenset({Action.CREATE_ROW, Action.RESTORE_ROW})
"""Changes after which a row exists live (others may link to it)."""
