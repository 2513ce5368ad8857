"""Schema changes of one database: create it, or add, rename, update, retype and remove properties.

Called by the differ for every planned database. A database to be created gets one
``create_database`` holding every declared property that depends on nothing being created
(relations to databases this apply creates, itself included, and rollups and formulas wait), then
``add_property`` for the rest. An existing database is compared property by property through the
codecs' ``config_changes``; option removals become ``remove_options`` (lossy, after the row
changes); undeclared live properties are removed only with ``prune_properties`` and undeclared
options only with ``prune_options``: otherwise they are left alone and listed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from reconciler.errors import PlanError
from reconciler.model import DesiredDatabase, LiveDatabase, LiveProperty, PropertySpec
from reconciler.plan.actions import (
    AddProperty,
    ChangeType,
    CreateDatabase,
    PropertyShape,
    RemoveOptions,
    RemoveProperty,
    RenameProperty,
    UpdateDatabase,
    UpdateProperty,
)
from reconciler.plan.back import BackProperty, back_renames
from reconciler.plan.classes import class_of
from reconciler.plan.index import RowIndex, relation_target
from reconciler.plan.model import (
    PHASES,
    SCHEMA_ORDER,
    Action,
    Change,
    ChangeClass,
    FieldDiff,
    PlannedProperty,
    PriorProperty,
)
from reconciler.properties import ConfigChange, References, codec_for
from reconciler.properties.options import option_names
from reconciler.readspec import matched_properties, vacated_names

__all__ = [
    "SchemaPlan",
    "existing_database_schema",
    "new_database_schema",
    "planned_properties",
]

_DEFERRED_TYPES = frozenset({"rollup", "formula"})
_OPTION_TYPES = frozenset({"select", "multi_select", "status"})


@dataclass(frozen=True)
class SchemaPlan:
    """The schema changes of one database and what the schema leaves alone."""

    changes: tuple[Change, ...]
    properties: tuple[PlannedProperty, ...]
    unmanaged_properties: tuple[str, ...] = ()
    unmanaged_options: tuple[str, ...] = ()


def _shape(spec: PropertySpec) -> PropertyShape:
    return PropertyShape(spec.type, dict(spec.config))


def _live_shape(prop: LiveProperty) -> PropertyShape:
    return PropertyShape(prop.type, dict(prop.config))


def _add(handle: str, spec: PropertySpec) -> Change:
    return Change(
        handle,
        spec.name,
        ChangeClass.SAFE,
        AddProperty(_shape(spec)),
        order=SCHEMA_ORDER.get(spec.type, 0),
    )


def _check_relation_target(desired: DesiredDatabase, spec: PropertySpec, index: RowIndex) -> None:
    target = relation_target(spec.config) if spec.type == "relation" else None
    if target is not None and not index.database_exists(target):
        raise PlanError(
            f"{spec.location or desired.location}: database {desired.handle!r}, property"
            f" {spec.name!r} relates to {target!r}, which does not exist in Notion and is not"
            " part of this plan",
            hint=f"plan {target!r} too (drop --database, or add --database {target}), or"
            " apply it first",
        )


def new_database_schema(desired: DesiredDatabase, index: RowIndex) -> SchemaPlan:
    """``create_database`` with the initial schema, then ``add_property`` for what must wait."""
    if not desired.parent:
        raise PlanError(
            f"{desired.location}: database {desired.handle!r} was not found and has no `parent`"
            " page to be created in",
            hint="set `parent:` to a page shared with the integration, or `id:` to adopt one",
        )
    initial: dict[str, PropertyShape] = {}
    later: list[Change] = []
    for spec in desired.managed_properties:
        _check_relation_target(desired, spec, index)
        target = relation_target(spec.config) if spec.type == "relation" else None
        waits = spec.type in _DEFERRED_TYPES or (
            target is not None and (target == desired.handle or index.created(target))
        )
        if waits:
            later.append(_add(desired.handle, spec))
        else:
            initial[spec.name] = _shape(spec)
    create = Change(
        desired.handle,
        desired.handle,
        ChangeClass.SAFE,
        CreateDatabase(desired.title, desired.parent, initial, _declared_look(desired)),
    )
    properties = tuple(_planned(spec, None) for spec in desired.managed_properties)
    return SchemaPlan((create, *later), properties)


def _declared_look(desired: DesiredDatabase) -> dict[str, str]:
    """The database's icon and cover where the manifest manages them."""
    look = {"icon": desired.icon, "cover": desired.cover}
    return {name: value for name, value in look.items() if value is not None}


def _database_update(desired: DesiredDatabase, live: LiveDatabase) -> tuple[Change, ...]:
    """Retitling the database and setting its icon or cover, as one change (or none)."""
    live_look = {"icon": live.icon, "cover": live.cover}
    new = {k: v for k, v in _declared_look(desired).items() if v != live_look[k]}
    old = {name: live_look[name] for name in new}
    diffs = [FieldDiff(name, old[name], new[name]) for name in new]
    if live.title != desired.title:
        diffs.insert(0, FieldDiff("title", live.title, desired.title))
    if not diffs:
        return ()
    payload = UpdateDatabase(live.title, desired.title, old, new)
    return (Change(desired.handle, desired.handle, class_of(payload), payload, diffs=tuple(diffs)),)


def _planned(spec: PropertySpec, prop: LiveProperty | None) -> PlannedProperty:
    return PlannedProperty(
        name=spec.name,
        type=spec.type,
        config=spec.config,
        prior=PriorProperty(prop.id, prop.name, prop.type) if prop is not None else None,
        sensitive=spec.sensitive,
    )


def planned_properties(desired: DesiredDatabase, live: LiveDatabase) -> tuple[PlannedProperty, ...]:
    """The managed properties as the plan records them, with their live ids where they exist."""
    matched = matched_properties(desired.managed_properties, live.properties)
    return tuple(_planned(spec, matched.get(spec.name)) for spec in desired.managed_properties)


_AFTER_VACATING_RENAMES = 3
"""Added to the order of a database's other schema changes when a rename there frees a name the
manifest declares again: the rename goes in its own earlier update, so the new property of the
old name is not taken for the renamed one."""


def _after_vacating_renames(changes: list[Change], vacated: frozenset[str]) -> list[Change]:
    def vacates(change: Change) -> bool:
        payload = change.payload
        return isinstance(payload, RenameProperty) and payload.old_name in vacated

    if not vacated:
        return changes
    return [
        change
        if change.phase != PHASES[Action.ADD_PROPERTY] or vacates(change)
        else dataclasses.replace(change, order=change.order + _AFTER_VACATING_RENAMES)
        for change in changes
    ]


def existing_database_schema(
    desired: DesiredDatabase,
    live: LiveDatabase,
    refs: References,
    index: RowIndex,
    back: tuple[BackProperty, ...] = (),
) -> SchemaPlan:
    """Changes that bring the live schema to the declared one, touching nothing undeclared.

    ``back`` are live properties owned by a managed dual relation (``back_properties``): not
    listed, not pruned, renamed when the relation names them otherwise.
    """
    matched = matched_properties(desired.managed_properties, live.properties)
    changes: list[Change] = list(_database_update(desired, live))
    claimed: set[str] = set()
    renames = {prop.name: name for name, prop in matched.items() if prop.name != name}
    unmanaged_options: list[str] = []
    properties: list[PlannedProperty] = []
    for spec in desired.managed_properties:
        prop = matched.get(spec.name)
        properties.append(_planned(spec, prop))
        if prop is None:
            _check_new_property(desired, spec, live, index)
            changes.append(_add(desired.handle, spec))
            continue
        claimed.add(prop.name)
        changes.extend(_property_changes(desired, spec, prop, refs, renames))
        unmanaged_options.extend(_undeclared_options(spec, prop))
    undeclared = [
        prop
        for prop in live.properties
        if prop.name not in claimed
        and prop.name not in desired.ignore
        and prop.name not in {b.live.name for b in back}
    ]
    changes.extend(back_renames(desired.handle, back, live))
    kept: list[str] = [prop.name for prop in undeclared]
    if desired.prune_properties:
        removable = [prop for prop in undeclared if prop.type != "title"]
        changes.extend(_remove(desired.handle, prop) for prop in removable)
        kept = [prop.name for prop in undeclared if prop.type == "title"]
    changes = _after_vacating_renames(
        changes, vacated_names(desired.managed_properties, live.properties)
    )
    return SchemaPlan(tuple(changes), tuple(properties), tuple(kept), tuple(unmanaged_options))


def _check_new_property(
    desired: DesiredDatabase, spec: PropertySpec, live: LiveDatabase, index: RowIndex
) -> None:
    title = next((prop for prop in live.properties if prop.type == "title"), None)
    if spec.type == "title" and title is not None:
        raise PlanError(
            f"{spec.location or desired.location}: database {desired.handle!r} declares the"
            f" title property {spec.name!r}, but its title property is {title.name!r}",
            hint=f"rename it: add `renamed_from: {title.name}` to {spec.name!r}, or use the"
            f" name {title.name!r}",
        )
    _check_relation_target(desired, spec, index)


def _property_changes(
    desired: DesiredDatabase,
    spec: PropertySpec,
    prop: LiveProperty,
    refs: References,
    renames: dict[str, str],
) -> Iterable[Change]:
    """``renames``: live name → manifest name of the properties this plan renames."""
    handle = desired.handle
    if prop.name != spec.name:
        yield Change(
            handle,
            spec.name,
            ChangeClass.SAFE,
            RenameProperty(prop.name, spec.name),
            diffs=(FieldDiff(f"{spec.name}.name", prop.name, spec.name),),
        )
    if prop.type != spec.type:
        if "title" in (prop.type, spec.type):
            raise PlanError(
                f"{spec.location or desired.location}: database {handle!r}, property"
                f" {spec.name!r} is a {prop.type} property in Notion; a title property's type"
                " never changes, nor does another property become the title",
                hint=f"declare {spec.name!r} as {prop.type}",
            )
        yield Change(
            handle,
            spec.name,
            ChangeClass.LOSSY,
            ChangeType(_live_shape(prop), _shape(spec)),
            diffs=(FieldDiff(f"{spec.name}.type", prop.type, spec.type),),
            note=f"Notion converts the values of {spec.name!r} from {prop.type} to {spec.type}",
            order=SCHEMA_ORDER.get(spec.type, 0),
        )
        return
    live_config = prop.config
    expression = live_config.get("expression")
    if spec.type == "formula" and renames and isinstance(expression, str):
        # Notion keeps references by property id: once renamed, the formula shows the new names.
        from reconciler.properties.formula_language import renamed_references

        live_config = {**live_config, "expression": renamed_references(expression, renames)}
    found = codec_for(spec.type).config_changes(
        spec.config, live_config, refs, prune_options=spec.prune_options
    )
    if _already_dual(spec, prop):
        # Notion names the back property when it creates it; a new name is a rename of that
        # property in the target database, planned there (``back_renames``).
        found = tuple(c for c in found if c.path != ("synced_property",))
    removed = [c for c in found if _removes_option(c)]
    updated = [c for c in found if not _removes_option(c)]
    if updated:
        update = UpdateProperty(_live_shape(prop), _shape(spec))
        yield Change(
            handle,
            spec.name,
            class_of(update),
            update,
            diffs=tuple(_field_diff(spec.name, c) for c in updated),
            order=SCHEMA_ORDER.get(spec.type, 0),
        )
    if removed:
        yield Change(
            handle,
            spec.name,
            ChangeClass.LOSSY,
            RemoveOptions(tuple(str(c.path[1]) for c in removed)),
            diffs=tuple(_field_diff(spec.name, c) for c in removed),
            note="rows using these options lose them",
        )


def _already_dual(spec: PropertySpec, prop: LiveProperty) -> bool:
    dual = "dual_property"
    return spec.type == "relation" and spec.config.get("type") == prop.config.get("type") == dual


def _removes_option(change: ConfigChange) -> bool:
    return change.lossy and change.path[:1] == ("options",) and change.new is None


def _field_diff(name: str, change: ConfigChange) -> FieldDiff:
    path = ".".join(str(part) for part in (name, *change.path))
    return FieldDiff(path, change.old, change.new)


def _undeclared_options(spec: PropertySpec, prop: LiveProperty) -> list[str]:
    if spec.type not in _OPTION_TYPES or prop.type != spec.type or spec.prune_options:
        return []
    declared = set(option_names(spec.config))
    return [f"{spec.name}: {name}" for name in option_names(prop.config) if name not in declared]


def _remove(handle: str, prop: LiveProperty) -> Change:
    return Change(
        handle,
        prop.name,
        ChangeClass.DESTRUCTIVE,
        RemoveProperty(_live_shape(prop)),
        note="every value of this property is lost",
        order=0 if prop.type in _DEFERRED_TYPES else 1,
    )
