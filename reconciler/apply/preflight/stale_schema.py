"""The stale-schema check: a plan's schema changes must still find the schema the plan saw.

A schema change carries its prior state: ``UpdateProperty`` and ``ChangeType`` the property's
type and configuration as live (from which ``class_of`` judges whether the change loses values,
and which the update request is built on), ``RemoveOptions`` the options it removes (the
request keeps exactly the declared ones), ``RenameProperty`` the old name, ``RemoveProperty``
the property as live, ``UpdateDatabase`` the title, icon and cover it replaces; and each managed
property its live id, name and type (``PlannedProperty.prior``). A plan file whose prior was
edited (a lossy reconfiguration made to look safe, the checksum recomputed), or a schema changed
in Notion since the plan, would write what nobody reviewed. So before the first write, every
database with a schema change not yet done is read once more without its rows
(``PreflightReads.schemas``) and compared with what the plan says, configurations through the
property codecs' ``config_changes`` (both ways, every option pruned, as the differ compares)
and option ids by name (an update keeps options by id). Any difference refuses the plan with
``StalePlanError`` naming the database and property (see ``stale``).

A database the plan creates is not read: its schema is the plan's own making. A change the
journal records done is not checked; one left ``unknown`` by a crash may find what it writes
instead of what the plan saw (its own write, whose answer was lost). Part of the preflight.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from reconciler.apply.preflight.reads import PreflightReads
from reconciler.apply.preflight.states import ChangeState, ChangeStates
from reconciler.model import JSON, LiveDatabase, LiveProperty
from reconciler.plan import (
    SCHEMA_ACTIONS,
    Action,
    AddProperty,
    Change,
    ChangeType,
    DatabasePlan,
    Plan,
    PropertyShape,
    RemoveOptions,
    RemoveProperty,
    RenameProperty,
    UpdateDatabase,
    UpdateProperty,
)
from reconciler.properties import References, ValueProblem, codec_for

__all__ = ["SchemaDifference", "stale_schemas"]

_SINCE = "in Notion since the plan"


@dataclass(frozen=True)
class SchemaDifference:
    """A property or database whose schema is not what the plan saw (a ``StaleRow`` to be)."""

    database: str
    name: str
    live_id: str
    reason: str
    kind: str


def _checked(db: DatabasePlan, states: ChangeStates) -> list[Change]:
    """The schema changes of ``db`` whose prior must still hold (none for a new database)."""
    if db.is_new:
        return []
    kinds = {*SCHEMA_ACTIONS, Action.UPDATE_DATABASE}
    return [c for c in db.changes if c.action in kinds and not states.is_done(c)]


def stale_schemas(
    plan: Plan, states: ChangeStates, reads: PreflightReads, refs: References
) -> list[SchemaDifference]:
    """Every difference between the schemas the plan's pending schema changes saw and Notion's."""
    checked = {db.handle: changes for db in plan.databases if (changes := _checked(db, states))}
    if not checked:
        return []
    live = reads.schemas(sorted(checked))
    found: dict[tuple[str, str, str], SchemaDifference] = {}
    for db in plan.databases:
        if db.handle in checked:
            for difference in _compare(db, checked[db.handle], live[db.handle], states, refs):
                # One property is named once, with the first difference found (its prior's).
                at = (difference.database, difference.kind, difference.name)
                found.setdefault(at, difference)
    return list(found.values())


def _compare(
    db: DatabasePlan,
    changes: list[Change],
    live: LiveDatabase,
    states: ChangeStates,
    refs: References,
) -> Iterator[SchemaDifference]:
    if live.database_id is None:
        reason = f"the database is gone {_SINCE} (deleted, in the trash, or unshared)"
        yield SchemaDifference(db.handle, db.title, str(db.database_id), reason, "database")
        return
    unknown = {c.id for c in changes if states[c.id] is ChangeState.UNKNOWN}
    settled = {c.id for c in db.changes if states.is_done(c)} | unknown
    for name, prop_id, reason in _priors(db, live, settled):
        yield SchemaDifference(db.handle, name, prop_id, reason, "property")
    for change in changes:
        found = _change_stale(db, change, live, refs, ours=change.id in unknown)
        if found is None:
            continue
        if change.action is Action.UPDATE_DATABASE:
            yield SchemaDifference(db.handle, db.title, str(live.database_id), found, "database")
        else:
            live_id = _live_id(db, change, live)
            yield SchemaDifference(db.handle, change.target, live_id, found, "property")


def _live_id(db: DatabasePlan, change: Change, live: LiveDatabase) -> str:
    prop = db.property_named(change.target)
    if prop is not None and prop.id:
        return prop.id
    now = live.property_named(change.target)
    return now.id if now is not None else "new"


def _priors(
    db: DatabasePlan, live: LiveDatabase, settled: set[str]
) -> Iterator[tuple[str, str, str]]:
    """Managed properties whose live id, name or type is not as the plan saw it (a rename or
    retype done, or maybe done, may have happened)."""
    by_id = {prop.id: prop for prop in live.properties}
    for planned in db.properties:
        prior = planned.prior
        if prior is None:
            continue
        now = by_id.get(prior.id)
        if now is None:
            yield planned.name, prior.id, f"{planned.name} is gone {_SINCE}"
            continue
        names, types = {prior.name}, {prior.type}
        for change in db.changes:
            if change.target != planned.name or change.id not in settled:
                continue
            if isinstance(change.payload, RenameProperty):
                names.add(change.payload.new_name)
            if isinstance(change.payload, ChangeType):
                types.add(change.payload.desired.type)
        if now.name not in names:
            yield planned.name, prior.id, f"{prior.name} was renamed {now.name!r} {_SINCE}"
        elif now.type not in types:
            reason = f"{planned.name}'s type changed {_SINCE} ({prior.type} to {now.type})"
            yield planned.name, prior.id, reason


def _change_stale(
    db: DatabasePlan, change: Change, live: LiveDatabase, refs: References, *, ours: bool
) -> str | None:
    """How Notion differs from what ``change`` saw (None: it does not, or holds what the
    change writes when ``ours``)."""
    payload = change.payload
    if isinstance(payload, UpdateDatabase):
        return _look_stale(payload, live, ours=ours)
    planned = db.property_named(change.target)
    by_id = {prop.id: prop for prop in live.properties}
    now = by_id.get(planned.prior.id) if planned is not None and planned.prior else None
    match payload:
        case AddProperty(shape=shape):
            return _taken(db, change.target, shape, live, ours=ours)
        case RemoveProperty(live=seen):
            # Its configuration matters to no one: the removal takes the property whatever it is.
            found = live.property_named(change.target)
            if found is None:
                return f"{change.target} is gone {_SINCE}"
            if found.type != seen.type:
                return f"{change.target}'s type changed {_SINCE} ({seen.type} to {found.type})"
            return None
        case RenameProperty(old_name=old, new_name=new):
            # A back property a dual relation renames is not managed: it is found by name.
            held = now.name if now is not None else None
            if planned is None:
                found = live.property_named(old) or live.property_named(new)
                held = found.name if found is not None else None
            if held == old or (ours and held == new):
                return None
            return f"{change.target} is not named {old!r} as the plan saw it"
    if now is None:
        return None  # no prior, or gone: ``_priors`` says so
    match payload:
        case UpdateProperty(live=seen, desired=desired) | ChangeType(live=seen, desired=desired):
            if ours and _shape_stale(change.target, desired, now, refs, prune=False) is None:
                return None
            return _shape_stale(change.target, seen, now, refs)
        case RemoveOptions(options=removed):
            config = planned.config if planned is not None else {}
            return _options_stale(change.target, config, removed, now, ours=ours)
    return None


def _look_stale(payload: UpdateDatabase, live: LiveDatabase, *, ours: bool) -> str | None:
    now = {"title": live.title, "icon": live.icon, "cover": live.cover}
    seen = {"title": payload.old_title, **payload.old}
    written = {"title": payload.new_title, **payload.new}
    changed = [
        name
        for name, value in seen.items()
        if now[name] != value and not (ours and now[name] == written[name])
    ]
    if not changed:
        return None
    return f"its {' and '.join(changed)} changed {_SINCE}"


def _taken(
    db: DatabasePlan, name: str, shape: PropertyShape, live: LiveDatabase, *, ours: bool
) -> str | None:
    """A property the plan adds whose name a property added in Notion since holds (the update
    would reconfigure that one instead); the property a rename frees the name of does not
    count."""
    now = live.property_named(name)
    priors = {p.prior.id for p in db.properties if p.prior is not None}
    if now is None or now.id in priors or (ours and now.type == shape.type):
        return None
    return f"a property named {name!r} was added {_SINCE}; the plan would change it"


def _shape_stale(
    name: str, seen: PropertyShape, now: LiveProperty, refs: References, *, prune: bool = True
) -> str | None:
    """How ``now`` differs from ``seen`` in what ``seen`` states, as the differ compares
    (``prune``: an option ``seen`` lacks counts too), and in the ids of the options it names."""
    if now.type != seen.type:
        return f"{name}'s type changed {_SINCE} ({seen.type} to {now.type})"
    try:
        codec = codec_for(seen.type)
    except ValueProblem:
        return None  # a type no codec knows has no configuration to compare
    changes = codec.config_changes(seen.config, now.config, refs, prune_options=prune)
    paths = [change.path for change in changes]
    ids = _option_ids(now.config)
    if any(ids.get(option, given) != given for option, given in _option_ids(seen.config).items()):
        paths.append(("options",))
    if not paths:
        return None
    what = "options" if all(path[:1] == ("options",) for path in paths) else "configuration"
    return f"{name}'s {what} changed {_SINCE}"


def _options(config: Mapping[str, JSON]) -> list[dict[str, JSON]]:
    options = config.get("options")
    return [o for o in options if isinstance(o, dict)] if isinstance(options, list) else []


def _option_names(config: Mapping[str, JSON]) -> list[str]:
    return [str(o.get("name")) for o in _options(config)]


def _option_ids(config: Mapping[str, JSON]) -> dict[str, JSON]:
    """Option name to id, where the configuration names one (an update keeps options by id)."""
    return {str(o.get("name")): o["id"] for o in _options(config) if o.get("id") is not None}


def _options_stale(
    name: str, declared_config: Mapping[str, JSON], removed: tuple[str, ...], now: LiveProperty,
    *, ours: bool,
) -> str | None:  # fmt: skip
    """The options a removal finds beside the declared ones must be those it removes: the
    request keeps the declared options only, so any other would go unreviewed."""
    extra = set(_option_names(now.config)) - set(_option_names(declared_config))
    if extra == set(removed) or (ours and not extra):
        return None
    return f"{name}'s options changed {_SINCE}"
