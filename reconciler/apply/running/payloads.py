"""Request payloads for the gateway's writes, built from a change through the property codecs.

Row values become ``{name: {type: codec.to_request(value)}}`` (relation keys mapped to page ids
through the references, which know the rows created earlier in the same apply), and a page's
icon and cover (under their reserved names in a change's values) its ``icon`` and ``cover``;
schema changes of one data source in one stage merge into one ``update_data_source`` body keyed
by property id (ids survive renames, so a resent batch is harmless) or by name for a property
that does not exist yet. A value a codec cannot encode raises ``ValueProblem`` naming the
property. Used by the executor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from reconciler.model import JSON
from reconciler.plan import (
    AddProperty,
    Change,
    ChangeType,
    DatabasePlan,
    PlannedProperty,
    PropertyShape,
    RemoveOptions,
    RemoveProperty,
    RenameProperty,
    UpdateProperty,
    page_parts,
    property_values,
)
from reconciler.properties import References, ValueProblem, codec_for
from reconciler.properties.look import look_to_request

__all__ = [
    "database_fields",
    "initial_schema",
    "new_row_properties",
    "page_fields",
    "relation_keys",
    "row_properties",
    "schema_update",
]

_DEFAULTED_ON_CREATE = frozenset({"status"})
"""Types Notion fills in on a new page (a status gets its default option) unless told not to."""


def _property(db: DatabasePlan, name: str) -> PlannedProperty:
    prop = db.property_named(name)
    if prop is None:
        raise ValueProblem(
            f"the plan writes {name!r}, which is not a managed property of {db.handle!r}",
            hint="the plan file was edited or comes from another version; plan again",
        )
    return prop


def row_properties(
    db: DatabasePlan, values: Mapping[str, JSON], refs: References
) -> dict[str, JSON]:
    """The ``properties`` of a page create or update writing these canonical values (the
    page's parts among them are left to ``page_fields``)."""
    payload: dict[str, JSON] = {}
    for name, value in property_values(values).items():
        prop = _property(db, name)
        try:
            body = codec_for(prop.type).to_request(value, prop.config, refs)
        except ValueProblem as problem:
            raise ValueProblem(f"property {name!r}: {problem.message}", hint=problem.hint) from None
        payload[name] = {prop.type: body}
    return payload


def new_row_properties(
    db: DatabasePlan, values: Mapping[str, JSON], refs: References
) -> dict[str, JSON]:
    """The ``properties`` of a page create: the values, and an explicit empty value for each
    property Notion would otherwise fill in itself, so the new row is what the manifest says."""
    payload = row_properties(db, values, refs)
    for prop in db.properties:
        if prop.type in _DEFAULTED_ON_CREATE and prop.name not in values:
            payload[prop.name] = {prop.type: None}
    return payload


def page_fields(values: Mapping[str, JSON]) -> dict[str, JSON]:
    """The ``icon`` and ``cover`` of a page create or update, from a change's value map."""
    parts = page_parts(values)
    return {
        field: look_to_request(parts[key])
        for key, field in (("_icon", "icon"), ("_cover", "cover"))
        if key in parts
    }


def database_fields(look: Mapping[str, str]) -> dict[str, JSON]:
    """The ``icon`` and ``cover`` of a database create or update."""
    return {field: look_to_request(value) for field, value in look.items()}


def relation_keys(db: DatabasePlan, values: Mapping[str, JSON]) -> set[tuple[str, str]]:
    """(target database, key) of every row these values relate to by key."""
    found: set[tuple[str, str]] = set()
    for name, value in values.items():
        prop = db.property_named(name)
        if prop is None or prop.type != "relation" or not isinstance(value, list):
            continue
        target = prop.config.get("database")
        if isinstance(target, str):
            found.update((target, item) for item in value if isinstance(item, str))
    return found


def _config_request(shape: PropertyShape, refs: References) -> dict[str, JSON]:
    return {shape.type: codec_for(shape.type).config_to_request(shape.config, refs)}


def initial_schema(properties: Mapping[str, PropertyShape], refs: References) -> dict[str, JSON]:
    """The ``initial_data_source.properties`` of a database create."""
    return {name: _config_request(shape, refs) for name, shape in properties.items()}


def _entry(db: DatabasePlan, change: Change, refs: References) -> tuple[str, JSON]:
    """The key and body of one schema change in a data source update: by the live property id
    the plan recorded (ids survive renames), by name for a property not made yet."""
    prop = db.property_named(change.target)
    key = prop.id if prop is not None and prop.id else change.target
    match change.payload:
        case AddProperty(shape=shape):
            return change.target, _config_request(shape, refs)
        case RenameProperty(old_name=old, new_name=new):
            return (prop.id if prop is not None and prop.id else old), {"name": new}
        case UpdateProperty(live=live, desired=desired):
            codec = codec_for(desired.type)
            body = codec.config_update_request(
                desired.config, live.config, refs, prune_options=False
            )
            return key, {desired.type: body}
        case ChangeType(desired=desired):
            return key, _config_request(desired, refs)
        case RemoveOptions():
            # Pruning keeps exactly the declared options; Notion drops the options a list omits.
            planned = _property(db, change.target)
            return key, _config_request(PropertyShape(planned.type, planned.config), refs)
        case RemoveProperty():
            return key, None
    raise ValueProblem(f"{change.action.value} is not a schema change")


def schema_update(db: DatabasePlan, changes: Iterable[Change], refs: References) -> dict[str, JSON]:
    """One ``update_data_source`` body for these schema changes of one database."""
    payload: dict[str, JSON] = {}
    for change in changes:
        key, body = _entry(db, change, refs)
        current = payload.get(key)
        if isinstance(current, dict) and isinstance(body, dict):
            current.update(body)  # a rename and an update of one property in one entry
        else:
            payload[key] = body
    return payload
