"""What each action of a plan does: one frozen payload type per action, and its plan-file form.

A ``Change`` carries one of these as ``payload``; its ``action`` is the payload's. In the plan
file (``schemas/plan.schema.json``) a payload is the change's ``before`` and ``after``, as
Terraform writes a change; ``encode`` gives them and ``decode_payload`` reads them back:

    payload          before                                   after
    ---------------  ---------------------------------------  ---------------------------------
    CreateDatabase   null                                     {"title", "parent", "properties":
                                                              {name: {"type", "config"}},
                                                              "icon"?, "cover"?}
    UpdateDatabase   {"title", "icon"?, "cover"?}             {"title", "icon"?, "cover"?}
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
    UpdateBody       {"markdown", "hash"} as live             {"markdown", "hash"} to write

Row values are canonical and resolved (people as user ids, relations as target keys or
``{"page_id"}``). Beside the properties, a row's value maps may hold its page's parts under the
reserved names no property may have (``PAGE_KEYS``): ``_icon`` and ``_cover`` (canonical text,
``""`` for none) in creates, updates and restores, and ``_body`` (the Markdown to write) in a
create; a later body change is an ``UpdateBody`` of its own (another request, and its own
class: overwriting a body edited in Notion is lossy). Hashes are
``reconciler.bodies.body_hash``. Used by the differ (which makes them), the plan file, the
applier (which reads their fields), the undo plan and the renderers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import ClassVar, Self, TypeAlias

from reconciler.model import JSON
from reconciler.plan.kinds import Action

__all__ = [
    "LOOK_FIELDS",
    "PAGE_KEYS",
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
    "UpdateBody",
    "UpdateDatabase",
    "UpdateProperty",
    "UpdateRow",
    "decode_payload",
    "page_parts",
    "property_values",
]

Values: TypeAlias = Mapping[str, JSON]
Side: TypeAlias = "dict[str, JSON] | None"
"""One side (before or after) of a change in the plan file."""


PAGE_KEYS = ("_icon", "_cover", "_body")
"""Reserved names of a row's page parts in its value maps (never property names)."""


def _obj(value: JSON) -> dict[str, JSON]:
    return value if isinstance(value, dict) else {}


def property_values(values: Mapping[str, JSON]) -> dict[str, JSON]:
    """A value map without the page's parts: the properties alone."""
    return {name: value for name, value in values.items() if name not in PAGE_KEYS}


def page_parts(values: Mapping[str, JSON]) -> dict[str, str]:
    """The page's parts a value map holds (``_icon``, ``_cover``, ``_body``), as text."""
    return {name: str(values[name]) for name in PAGE_KEYS if isinstance(values.get(name), str)}


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


LOOK_FIELDS = ("icon", "cover")
"""A database's look beside its title: canonical text, ``""`` for none."""


def _look(side: Mapping[str, JSON]) -> dict[str, str]:
    return {name: str(side[name]) for name in LOOK_FIELDS if isinstance(side.get(name), str)}


@dataclass(frozen=True)
class CreateDatabase:
    """Create the database under ``parent`` with the properties that depend on nothing this
    apply creates (the others follow as ``AddProperty``), and its ``look`` (icon, cover)."""

    action: ClassVar[Action] = Action.CREATE_DATABASE
    title: str
    parent: str
    properties: Mapping[str, PropertyShape] = field(default_factory=dict)
    look: Mapping[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[Side, Side]:
        shapes: dict[str, JSON] = {n: s.encode() for n, s in self.properties.items()}
        created: dict[str, JSON] = {"title": self.title, "parent": self.parent}
        return None, {**created, "properties": shapes, **self.look}

    @classmethod
    def decode(cls, before: Side, after: Side) -> CreateDatabase:
        new = _obj(after)
        shapes = _obj(new.get("properties"))
        properties = {name: PropertyShape.decode(shape) for name, shape in shapes.items()}
        return cls(str(new.get("title")), str(new.get("parent")), properties, _look(new))


@dataclass(frozen=True)
class UpdateDatabase:
    """Retitle the database, and set its icon or cover (``old``/``new``: the look fields that
    change, as live and as declared)."""

    action: ClassVar[Action] = Action.UPDATE_DATABASE
    old_title: str
    new_title: str
    old: Mapping[str, str] = field(default_factory=dict)
    new: Mapping[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[Side, Side]:
        return {"title": self.old_title, **self.old}, {"title": self.new_title, **self.new}

    @classmethod
    def decode(cls, before: Side, after: Side) -> UpdateDatabase:
        old, new = _obj(before), _obj(after)
        return cls(str(old.get("title")), str(new.get("title")), _look(old), _look(new))


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


@dataclass(frozen=True)
class UpdateBody:
    """Replace a page's body: ``old`` as Notion held it when planned, ``new`` to write (as
    the manifest has it), each with its canonical hash; ``written_hash``: the canonical hash of
    what Notion held right after the reconciler last wrote this page's body ("" when it never
    did), which decides whether overwriting ``old`` loses someone's edit."""

    action: ClassVar[Action] = Action.UPDATE_BODY
    old: str
    new: str
    old_hash: str
    new_hash: str
    written_hash: str = ""

    def encode(self) -> tuple[Side, Side]:
        return (
            {"markdown": self.old, "hash": self.old_hash, "written": self.written_hash},
            {"markdown": self.new, "hash": self.new_hash},
        )

    @classmethod
    def decode(cls, before: Side, after: Side) -> UpdateBody:
        old, new = _obj(before), _obj(after)
        return cls(
            str(old.get("markdown")), str(new.get("markdown")), str(old.get("hash")),
            str(new.get("hash")), str(old.get("written") or ""),
        )  # fmt: skip


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
    | UpdateBody
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
        UpdateBody,
    )
}


def decode_payload(action: Action, before: JSON, after: JSON) -> ChangePayload:
    """The payload of a change as the plan file holds it (a document the schema accepted)."""
    old = _obj(before) if before is not None else None
    new = _obj(after) if after is not None else None
    return _BY_ACTION[action].decode(old, new)
