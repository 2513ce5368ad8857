"""What each action of a plan does: one frozen payload type per action, and its plan-file form.

A ``Change`` carries one of these as ``payload``; its ``action`` is the payload's. In the plan
file (``schemas/plan.schema.json``) a payload is the change's ``before`` and ``after``, as
Terraform writes a change; ``encode`` gives them and ``decode_payload`` reads them back:

    payload          before                                   after
    ---------------  ---------------------------------------  ---------------------------------
    CreateDatabase   null                                     {"title", "parent", "properties":
                                                              {name: {"type", "config"}}}
    UpdateDatabase   {"title"}                                {"title"}
    AddProperty      null                                     {"type", "config"}
    UpdateProperty   {"type", "config"} as live               {"type", "config"} as declared
    RenameProperty   {"name"}                                 {"name"}
    ChangeType       {"type", "config"} as live               {"type", "config"} as declared
    RemoveOptions    {"options": [names removed]}             {"options": []}
    RemoveProperty   {"type", "config"} as live               null
    CreateRow        null                                     the values to write
    UpdateRow        the changed values as live               their new values
    RestoreRow       {"in_trash": true} + changed values      {"in_trash": false} + new values
    LinkRow          the relation values as live              the relation values to write
    TrashRow         the row's values as live                 null

Row values are canonical and resolved (people as user ids, relations as target keys or
``{"page_id"}``). Used by the differ (which makes them), the plan file, the applier (which reads
their fields), the undo plan and the renderers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import ClassVar, Self, TypeAlias

from reconciler.model import JSON
from reconciler.plan.kinds import Action

__all__ = [
    "ROW_PAYLOADS",
    "AddProperty",
    "ChangePayload",
    "ChangeType",
    "CreateDatabase",
    "CreateRow",
    "LinkRow",
    "PropertyShape",
    "RemoveOptions",
    "RemoveProperty",
    "RenameProperty",
    "RestoreRow",
    "RowPayload",
    "TrashRow",
    "UpdateDatabase",
    "UpdateProperty",
    "UpdateRow",
    "decode_payload",
]

Values: TypeAlias = Mapping[str, JSON]
Side: TypeAlias = "dict[str, JSON] | None"
"""One side (before or after) of a change in the plan file."""


def _obj(value: JSON) -> dict[str, JSON]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class PropertyShape:
    """A property's type and canonical configuration: one side of a schema change."""

    type: str
    config: Values = field(default_factory=dict)

    def encode(self) -> dict[str, JSON]:
        return {"type": self.type, "config": dict(self.config)}

    @classmethod
    def decode(cls, raw: JSON) -> PropertyShape:
        shape = _obj(raw)
        return cls(str(shape.get("type")), _obj(shape.get("config")))


# --- databases and schemas -----------------------------------------------------------------


@dataclass(frozen=True)
class CreateDatabase:
    """Create the database under ``parent`` with the properties that depend on nothing this
    apply creates (the others follow as ``AddProperty``)."""

    action: ClassVar[Action] = Action.CREATE_DATABASE
    title: str
    parent: str
    properties: Mapping[str, PropertyShape] = field(default_factory=dict)

    def encode(self) -> tuple[Side, Side]:
        shapes: dict[str, JSON] = {n: s.encode() for n, s in self.properties.items()}
        return None, {"title": self.title, "parent": self.parent, "properties": shapes}

    @classmethod
    def decode(cls, before: Side, after: Side) -> CreateDatabase:
        new = _obj(after)
        shapes = _obj(new.get("properties"))
        properties = {name: PropertyShape.decode(shape) for name, shape in shapes.items()}
        return cls(str(new.get("title")), str(new.get("parent")), properties)


@dataclass(frozen=True)
class UpdateDatabase:
    """Retitle the database."""

    action: ClassVar[Action] = Action.UPDATE_DATABASE
    old_title: str
    new_title: str

    def encode(self) -> tuple[Side, Side]:
        return {"title": self.old_title}, {"title": self.new_title}

    @classmethod
    def decode(cls, before: Side, after: Side) -> UpdateDatabase:
        return cls(str(_obj(before).get("title")), str(_obj(after).get("title")))


@dataclass(frozen=True)
class AddProperty:
    """Add a property of this type and configuration."""

    action: ClassVar[Action] = Action.ADD_PROPERTY
    shape: PropertyShape

    def encode(self) -> tuple[Side, Side]:
        return None, self.shape.encode()

    @classmethod
    def decode(cls, before: Side, after: Side) -> AddProperty:
        return cls(PropertyShape.decode(after))


@dataclass(frozen=True)
class _Reshape:
    """A property's type and configuration as live, and as the change makes them."""

    live: PropertyShape
    desired: PropertyShape

    def encode(self) -> tuple[Side, Side]:
        return self.live.encode(), self.desired.encode()

    @classmethod
    def decode(cls, before: Side, after: Side) -> Self:
        return cls(PropertyShape.decode(before), PropertyShape.decode(after))


@dataclass(frozen=True)
class UpdateProperty(_Reshape):
    """Bring a property's configuration from the live one to the declared one."""

    action: ClassVar[Action] = Action.UPDATE_PROPERTY


@dataclass(frozen=True)
class RenameProperty:
    """Rename a property in place (Notion keeps its id)."""

    action: ClassVar[Action] = Action.RENAME_PROPERTY
    old_name: str
    new_name: str

    def encode(self) -> tuple[Side, Side]:
        return {"name": self.old_name}, {"name": self.new_name}

    @classmethod
    def decode(cls, before: Side, after: Side) -> RenameProperty:
        return cls(str(_obj(before).get("name")), str(_obj(after).get("name")))


@dataclass(frozen=True)
class ChangeType(_Reshape):
    """Give a property another type (Notion converts its values)."""

    action: ClassVar[Action] = Action.CHANGE_TYPE


@dataclass(frozen=True)
class RemoveOptions:
    """Remove these options of a select, multi-select or status property."""

    action: ClassVar[Action] = Action.REMOVE_OPTIONS
    options: tuple[str, ...]

    def encode(self) -> tuple[Side, Side]:
        return {"options": list(self.options)}, {"options": []}

    @classmethod
    def decode(cls, before: Side, after: Side) -> RemoveOptions:
        names = _obj(before).get("options")
        return cls(tuple(str(n) for n in names) if isinstance(names, list) else ())


@dataclass(frozen=True)
class RemoveProperty:
    """Remove a property (and every value of it)."""

    action: ClassVar[Action] = Action.REMOVE_PROPERTY
    live: PropertyShape

    def encode(self) -> tuple[Side, Side]:
        return self.live.encode(), None

    @classmethod
    def decode(cls, before: Side, after: Side) -> RemoveProperty:
        return cls(PropertyShape.decode(before))


# --- rows ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateRow:
    """Create a row with these values (relations to rows this apply creates come later, in a
    ``LinkRow``)."""

    action: ClassVar[Action] = Action.CREATE_ROW
    values: Values = field(default_factory=dict)

    @property
    def written(self) -> Values:
        """The values the change writes."""
        return self.values

    @property
    def value_maps(self) -> tuple[Values, ...]:
        """Every map of row values the payload holds."""
        return (self.values,)

    def with_values(self, change: Callable[[Values], Values]) -> CreateRow:
        """The payload with ``change`` applied to each of its value maps."""
        return replace(self, values=change(self.values))

    def encode(self) -> tuple[Side, Side]:
        return None, dict(self.values)

    @classmethod
    def decode(cls, before: Side, after: Side) -> CreateRow:
        return cls(_obj(after))


@dataclass(frozen=True)
class _RowValues:
    """Values of a row as live (``old``) and as the change writes them (``new``)."""

    old: Values = field(default_factory=dict)
    new: Values = field(default_factory=dict)

    @property
    def written(self) -> Values:
        """The values the change writes."""
        return self.new

    @property
    def value_maps(self) -> tuple[Values, ...]:
        """Every map of row values the payload holds."""
        return (self.old, self.new)

    def with_values(self, change: Callable[[Values], Values]) -> Self:
        """The payload with ``change`` applied to each of its value maps."""
        return replace(self, old=change(self.old), new=change(self.new))

    def encode(self) -> tuple[Side, Side]:
        return dict(self.old), dict(self.new)

    @classmethod
    def decode(cls, before: Side, after: Side) -> Self:
        return cls(_obj(before), _obj(after))


@dataclass(frozen=True)
class UpdateRow(_RowValues):
    """Set these values of a row."""

    action: ClassVar[Action] = Action.UPDATE_ROW


@dataclass(frozen=True)
class RestoreRow(_RowValues):
    """Take a row out of the trash, and set these values of it (none: restore only)."""

    action: ClassVar[Action] = Action.RESTORE_ROW

    def encode(self) -> tuple[Side, Side]:
        return {"in_trash": True, **self.old}, {"in_trash": False, **self.new}

    @classmethod
    def decode(cls, before: Side, after: Side) -> Self:
        old = {k: v for k, v in _obj(before).items() if k != "in_trash"}
        new = {k: v for k, v in _obj(after).items() if k != "in_trash"}
        return cls(old, new)


@dataclass(frozen=True)
class LinkRow(_RowValues):
    """Set relations to rows this apply creates, once they exist."""

    action: ClassVar[Action] = Action.LINK_ROW


@dataclass(frozen=True)
class TrashRow:
    """Move a row to the trash (``values``: what it holds, shown and put back by an undo)."""

    action: ClassVar[Action] = Action.TRASH_ROW
    values: Values = field(default_factory=dict)

    @property
    def written(self) -> Values:
        return {}

    @property
    def value_maps(self) -> tuple[Values, ...]:
        return (self.values,)

    def with_values(self, change: Callable[[Values], Values]) -> TrashRow:
        return replace(self, values=change(self.values))

    def encode(self) -> tuple[Side, Side]:
        return dict(self.values), None

    @classmethod
    def decode(cls, before: Side, after: Side) -> TrashRow:
        return cls(_obj(before))


RowPayload: TypeAlias = CreateRow | UpdateRow | RestoreRow | LinkRow | TrashRow
ChangePayload: TypeAlias = (
    CreateDatabase
    | UpdateDatabase
    | AddProperty
    | UpdateProperty
    | RenameProperty
    | ChangeType
    | RemoveOptions
    | RemoveProperty
    | RowPayload
)

ROW_PAYLOADS = (CreateRow, UpdateRow, RestoreRow, LinkRow, TrashRow)

_BY_ACTION: Mapping[Action, type[ChangePayload]] = {
    kind.action: kind
    for kind in (
        CreateDatabase,
        UpdateDatabase,
        AddProperty,
        UpdateProperty,
        RenameProperty,
        ChangeType,
        RemoveOptions,
        RemoveProperty,
        *ROW_PAYLOADS,
    )
}


def decode_payload(action: Action, before: JSON, after: JSON) -> ChangePayload:
    """The payload of a change as the plan file holds it (a document the schema accepted)."""
    old = _obj(before) if before is not None else None
    new = _obj(after) if after is not None else None
    return _BY_ACTION[action].decode(old, new)
