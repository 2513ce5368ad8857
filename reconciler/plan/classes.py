"""How much a change can lose, judged from what it does: the one rule behind every change class.

``class_of(payload)`` reads only the payload (what the change writes), never a class written
beside it, so the differ, the undo plan, the plan file's reader and the gates all reach the same
verdict, and a plan file whose ``class`` was edited cannot talk the gate out of an approval:

    payload                                class
    -------------------------------------  -----------------------------------------------
    CreateDatabase, AddProperty,           safe
    RenameProperty, CreateRow
    UpdateDatabase                         lossy when it clears the icon or the cover
    UpdateBody                             safe over an empty body or one that still holds
                                           what the reconciler last wrote (``written_hash``),
                                           lossy otherwise: someone's edit would be lost
    UpdateRow, RestoreRow, LinkRow         lossy when it writes an empty value (clears one):
                                           judged by the values written alone, since the
                                           ``before`` values only describe the row
    UpdateProperty                         lossy when the configuration change loses values
                                           (a relation pointed elsewhere, a two-way relation
                                           made one-way), as the property's codec says
    ChangeType, RemoveOptions              lossy
    TrashRow, RemoveProperty               destructive

An unchecked box is a value, not a cleared one. Used by the differ, the undo plan, the plan
file's reader (``serialise``) and ``reconciler.gates``.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.bodies import EMPTY_BODY_HASH
from reconciler.model import JSON
from reconciler.plan.actions import (
    AddProperty,
    ChangePayload,
    ChangeType,
    CreateDatabase,
    CreateRow,
    LinkRow,
    PropertyShape,
    RemoveOptions,
    RemoveProperty,
    RenameProperty,
    RestoreRow,
    TrashRow,
    UpdateBody,
    UpdateDatabase,
    UpdateProperty,
    UpdateRow,
)
from reconciler.plan.kinds import ChangeClass
from reconciler.properties import ValueProblem, WorkspaceReferences, codec_for

__all__ = ["class_of", "clears", "is_empty_value"]

_EMPTY: tuple[JSON, ...] = (None, "", [], {})


def is_empty_value(value: JSON) -> bool:
    """Whether a canonical value is empty (no text, no option, no item); a checkbox never is."""
    return not isinstance(value, bool) and value in _EMPTY


def clears(values: Mapping[str, JSON]) -> bool:
    """Whether writing these values empties a property of the row."""
    return any(is_empty_value(value) for value in values.values())


def _reconfiguring_loses(live: PropertyShape, desired: PropertyShape) -> bool:
    """Whether bringing the configuration from ``live`` to ``desired`` loses values.

    Without the workspace's references: a relation target named by id on one side and by handle
    on the other counts as pointed elsewhere, which can only ask for an approval more."""
    try:
        codec = codec_for(desired.type)
    except ValueProblem:
        return True  # a type no codec knows: nothing vouches for it
    changes = codec.config_changes(desired.config, live.config, WorkspaceReferences())
    return any(change.lossy for change in changes)


def class_of(payload: ChangePayload) -> ChangeClass:
    """The class of a change doing ``payload`` (see the module docstring)."""
    match payload:
        case TrashRow() | RemoveProperty():
            return ChangeClass.DESTRUCTIVE
        case ChangeType() | RemoveOptions():
            return ChangeClass.LOSSY
        case UpdateProperty(live=live, desired=desired):
            lossy = _reconfiguring_loses(live, desired)
            return ChangeClass.LOSSY if lossy else ChangeClass.SAFE
        case UpdateRow() | RestoreRow() | LinkRow():
            return ChangeClass.LOSSY if clears(payload.new) else ChangeClass.SAFE
        case UpdateDatabase(old=old, new=new):
            cleared = any(
                is_empty_value(new[name]) and not is_empty_value(value)
                for name, value in old.items()
                if name in new
            )
            return ChangeClass.LOSSY if cleared else ChangeClass.SAFE
        case UpdateBody(old_hash=old, written_hash=written):
            ours = old in (EMPTY_BODY_HASH, written)
            return ChangeClass.SAFE if ours else ChangeClass.LOSSY
        case CreateDatabase() | AddProperty() | RenameProperty() | CreateRow():
            return ChangeClass.SAFE
