"""Data source schemas: property definitions as Notion validates, stores, changes and returns them.

A data source body keeps ``properties`` as ``{property_id: {"name", "description", "type",
"config"}}``. This module turns request definitions into that form (creation and
``PATCH /v1/data_sources/{id}``: add, remove with ``null``, rename with ``{"name"}``, type change
with a full config under the same key, select options replaced as a whole, status options added to
"To-do", relations single or dual with the synced property created in the target, rollups by
name or id, formulas rewritten to property references, ``unique_id: {}`` keeping its prefix) and
renders the schema back in Notion's shape. Called by the workspace for databases and data sources.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote

from reconciler.emulator.errors import ApiError, js, should_be, validation_error
from reconciler.emulator.identity import new_id, new_property_id, parse_uuid
from reconciler.emulator.store import Row

__all__ = [
    "CONFIG_FREE_TYPES",
    "NUMBER_FORMATS",
    "OPTION_COLORS",
    "PROPERTY_TYPES",
    "READ_ONLY_TYPES",
    "ROLLUP_FUNCTIONS",
    "SchemaHost",
    "api_formulas",
    "apply_schema_update",
    "build_schema",
    "find_property",
    "option_color_for",
    "render_property",
    "render_schema",
    "sorted_property_ids",
]

CONFIG_FREE_TYPES = (
    "title",
    "rich_text",
    "date",
    "people",
    "files",
    "checkbox",
    "url",
    "email",
    "phone_number",
    "created_time",
    "created_by",
    "last_edited_time",
    "last_edited_by",
    "button",
    "place",
    "verification",
)
PROPERTY_TYPES = (
    *CONFIG_FREE_TYPES,
    "number",
    "select",
    "multi_select",
    "status",
    "formula",
    "relation",
    "rollup",
    "unique_id",
)
READ_ONLY_TYPES = (
    "formula",
    "rollup",
    "created_time",
    "created_by",
    "last_edited_time",
    "last_edited_by",
    "unique_id",
    "button",
)
NUMBER_FORMATS = (
    "number", "number_with_commas", "percent", "dollar", "australian_dollar", "canadian_dollar",
    "singapore_dollar", "euro", "pound", "yen", "ruble", "rupee", "won", "yuan", "real", "lira",
    "rupiah", "franc", "hong_kong_dollar", "new_zealand_dollar", "krona", "norwegian_krone",
    "mexican_peso", "rand", "new_taiwan_dollar", "danish_krone", "zloty", "baht", "forint",
    "koruna", "shekel", "chilean_peso", "philippine_peso", "dirham", "colombian_peso", "riyal",
    "ringgit", "leu", "argentine_peso", "uruguayan_peso", "peruvian_sol",
)  # fmt: skip
OPTION_COLORS = (
    "default", "gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red",
)  # fmt: skip
ROLLUP_FUNCTIONS = (
    "count", "count_values", "empty", "not_empty", "unique", "show_unique", "percent_empty",
    "percent_not_empty", "sum", "average", "median", "min", "max", "range", "earliest_date",
    "latest_date", "date_range", "checked", "unchecked", "percent_checked", "percent_unchecked",
    "count_per_group", "percent_per_group", "show_original",
)  # fmt: skip

_STATUS_GROUPS = (("To-do", "gray"), ("In progress", "blue"), ("Complete", "green"))
_STATUS_DEFAULTS = (("Not started", "default", 0), ("In progress", "blue", 1), ("Done", "green", 2))

FormulaRewriter = Callable[[str, dict[str, Any], str], str]
"""(expression, properties by id, data source id) -> expression stored (rewritten references)."""


class SchemaHost(Protocol):
    """What schema changes need from the workspace: other data sources, and saving them."""

    def data_source_row(self, data_source_id: str, path: str) -> Row:
        """The data source a relation points at (refused in Notion's words when absent)."""

    def database_title(self, data_source: Row) -> str:
        """The plain title of the database holding this data source."""

    def save_row(self, row: Row) -> None:
        """Persist a changed data source (the target of a dual relation)."""

    def rewrite_formula(self, expression: str, data_source: Row, path: str) -> str:
        """The expression as Notion stores it (``prop("X")`` rewritten to a reference)."""

    def assign_unique_ids(self, data_source: Row, property_id: str) -> None:
        """Number the existing rows for a unique_id property added to the schema."""

    def convert_values(self, data_source: Row, property_id: str, old: dict[str, Any]) -> None:
        """Keep, convert or clear the rows' values of a property whose type changed."""

    def fill_back_links(self, data_source: Row, property_id: str, synced_id: str) -> None:
        """Show a relation's existing links on its new back property (made two-way)."""


@dataclass(frozen=True)
class _Place:
    """Where a config is being built: the data source, the property id, the workspace."""

    data_source: Row
    pid: str
    host: SchemaHost


@dataclass(frozen=True)
class _Definition:
    """A validated request definition of one property."""

    type: str
    config: dict[str, Any]
    name: str | None
    description: str | None
    has_description: bool


def option_color_for(name: str) -> str:
    """The colour Notion gives an option created by a page write (stable for a name)."""
    digest = hashlib.sha256(name.encode()).digest()
    return OPTION_COLORS[1 + digest[0] % (len(OPTION_COLORS) - 1)]


def sorted_property_ids(properties: dict[str, Any]) -> list[str]:
    """Notion's (observed) order of properties: by decoded id, the title last."""
    return sorted(properties, key=lambda pid: (pid == "title", unquote(pid)))


def find_property(properties: dict[str, Any], key: str) -> str | None:
    """The id of the property named ``key`` or with id ``key`` (names win)."""
    for pid, prop in properties.items():
        if prop["name"] == key:
            return pid
    if key in properties:
        return key
    decoded = {unquote(pid): pid for pid in properties}
    return decoded.get(unquote(key))


# -- building -------------------------------------------------------------------------------------


def build_schema(
    definitions: object, path: str, data_source: Row, host: SchemaHost
) -> dict[str, Any]:
    """Validate the ``properties`` of a new data source and install them in its body."""
    if not isinstance(definitions, dict):
        raise should_be("body", path, "an object", definitions)
    data_source.body["properties"] = {}
    data_source.body.setdefault("counters", {})
    parsed = {
        name: _definition(name, value, f"{path}.{name}")
        for name, value in definitions.items()
        if value is not None
    }
    titles = [n for n, d in parsed.items() if d.type == "title"]
    if len(titles) > 1:
        raise validation_error("Cannot create a data source with more than one title property.")
    if not titles:
        parsed = {"Name": _Definition("title", {}, None, None, False), **parsed}
    pending: list[tuple[str, str, _Definition]] = []
    for name, definition in parsed.items():
        pid = "title" if definition.type == "title" else _new_pid(data_source)
        data_source.body["properties"][pid] = {
            "name": definition.name or name,
            "description": definition.description,
            "type": None,
            "config": {},
        }
        pending.append((pid, f"{path}.{name}", definition))
    # Relations before the rollups that read them, formulas last (they may name anything).
    phase = {"relation": 1, "rollup": 2, "formula": 3}
    pending.sort(key=lambda item: phase.get(item[2].type, 0))
    for pid, where, definition in pending:
        _install(data_source, pid, definition, where, host)
    properties: dict[str, Any] = data_source.body["properties"]
    return properties


def _new_pid(data_source: Row) -> str:
    taken = set(data_source.body.get("properties", {})) | set(data_source.body.get("retired", []))
    return new_property_id(taken)


def _definition(name: str, value: object, path: str) -> _Definition:
    if not isinstance(value, dict):
        raise should_be("body", path, "an object", value)
    kind = value.get("type")
    if kind is None:
        kind = next((k for k in value if k in PROPERTY_TYPES), None)
    if kind not in PROPERTY_TYPES:
        choices = ", ".join(f"`{js(t)}`" for t in PROPERTY_TYPES)
        raise should_be("body", f"{path}.type", f"one of {choices}", kind, defined=kind is not None)
    config = value.get(kind, {})
    if not isinstance(config, dict):
        raise should_be("body", f"{path}.{kind}", "an object", config)
    new_name = value.get("name")
    if new_name is not None and (not isinstance(new_name, str) or not new_name.strip()):
        raise should_be("body", f"{path}.name", "a non-empty string", new_name)
    description = value.get("description")
    if description is not None and not isinstance(description, str):
        raise should_be("body", f"{path}.description", "a string or `null`", description)
    return _Definition(str(kind), config, new_name, description, "description" in value)


def _install(
    data_source: Row, pid: str, definition: _Definition, path: str, host: SchemaHost
) -> None:
    """Give a property its type and validated config (may touch other data sources)."""
    prop = data_source.body["properties"][pid]
    old = dict(prop)
    previous_type = prop["type"]  # None for a property being created
    prop["type"] = definition.type
    prop.pop("api_formula", None)
    builder = _CONFIG_BUILDERS.get(definition.type)
    place = _Place(data_source, pid, host)
    prop["config"] = (
        builder(definition.config, prop, f"{path}.{definition.type}", place)
        if builder is not None
        else {}
    )
    if definition.type == "unique_id":
        data_source.body.setdefault("counters", {}).setdefault(pid, 0)
        if previous_type != "unique_id":
            host.assign_unique_ids(data_source, pid)
    if previous_type is not None and previous_type != definition.type:
        host.convert_values(data_source, pid, old)


# -- per-type configs -----------------------------------------------------------------------------


def _number(
    config: dict[str, Any], prop: dict[str, Any], path: str, place: _Place
) -> dict[str, Any]:
    current = prop.get("config", {}).get("format", "number")
    fmt = config.get("format", current)
    if fmt not in NUMBER_FORMATS:
        raise should_be("body", f"{path}.format", "a valid number format", fmt)
    return {"format": fmt}


def _options(
    config: dict[str, Any], prop: dict[str, Any], path: str, place: _Place
) -> dict[str, Any]:
    """select / multi_select: the sent list replaces the set (kept by id or name)."""
    existing = (
        prop.get("config", {}).get("options", [])
        if prop.get("type") in ("select", "multi_select")
        else []
    )
    sent = config.get("options")
    if sent is None:
        return {"options": existing}
    if not isinstance(sent, list):
        raise should_be("body", f"{path}.options", "an array", sent)
    if len(sent) > 100:
        raise should_be("body", f"{path}.options.length", "≤ `100`", len(sent))
    return {"options": _merge_options(existing, sent, f"{path}.options")}


def _merge_options(
    existing: list[dict[str, Any]], sent: list[Any], path: str
) -> list[dict[str, Any]]:
    by_id = {o["id"]: o for o in existing}
    by_name = {o["name"]: o for o in existing}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, item in enumerate(sent):
        where = f"{path}[{n}]"
        if not isinstance(item, dict):
            raise should_be("body", where, "an object", item)
        match = by_id.get(str(item.get("id"))) or by_name.get(str(item.get("name")))
        name = item.get("name", match["name"] if match else None)
        if not isinstance(name, str) or not name.strip():
            raise should_be("body", f"{where}.name", "a non-empty string", name)
        if "," in name:
            raise validation_error(f"Invalid select option, commas not allowed: {name}")
        color = item.get("color", match["color"] if match else "default")
        if color not in OPTION_COLORS:
            choices = ", ".join(f"`{js(c)}`" for c in OPTION_COLORS)
            raise should_be("body", f"{where}.color", f"one of {choices}", color)
        if name in seen:
            continue
        seen.add(name)
        description = item.get("description", match.get("description") if match else None)
        option_id = match["id"] if match else new_id()
        out.append({"id": option_id, "name": name, "color": color, "description": description})
    return out


def _status(
    config: dict[str, Any], prop: dict[str, Any], path: str, place: _Place
) -> dict[str, Any]:
    """status: options are added (to "To-do"); a new status property gets Notion's defaults."""
    current = prop.get("config") if prop.get("type") == "status" else None
    sent = config.get("options")
    if sent is not None and not isinstance(sent, list):
        raise should_be("body", f"{path}.options", "an array", sent)
    if current and current.get("options") is not None:
        options = list(current["options"])
        groups = [dict(g, option_ids=list(g["option_ids"])) for g in current["groups"]]
    elif not sent:
        return _default_status()
    else:
        options, groups = [], _empty_groups()
    for option in _merge_options(options, list(sent or []), f"{path}.options"):
        if all(option["id"] != o["id"] for o in options):
            options.append(option)
            groups[0]["option_ids"].append(option["id"])
        else:
            options = [option if o["id"] == option["id"] else o for o in options]
    return {"options": options, "groups": groups}


def _empty_groups() -> list[dict[str, Any]]:
    return [{"id": new_id(), "name": n, "color": c, "option_ids": []} for n, c in _STATUS_GROUPS]


def _default_status() -> dict[str, Any]:
    groups = _empty_groups()
    options = []
    for name, color, group in _STATUS_DEFAULTS:
        option = {"id": new_id(), "name": name, "color": color, "description": None}
        options.append(option)
        groups[group]["option_ids"].append(option["id"])
    return {"options": options, "groups": groups}


def _formula(
    config: dict[str, Any], prop: dict[str, Any], path: str, place: _Place
) -> dict[str, Any]:
    data_source, host = place.data_source, place.host
    expression = config.get("expression")
    if not isinstance(expression, str):
        raise should_be(
            "body", f"{path}.expression", "a string", expression, defined="expression" in config
        )
    # Notion refuses query filters on formulas whose expression came through the API.
    prop["api_formula"] = True
    return {"expression": host.rewrite_formula(expression, data_source, f"{path}.expression")}


def _unique_id(
    config: dict[str, Any], prop: dict[str, Any], path: str, place: _Place
) -> dict[str, Any]:
    current = prop.get("config", {}).get("prefix") if prop.get("type") == "unique_id" else None
    prefix = config.get("prefix", current)
    if prefix is not None and not isinstance(prefix, str):
        raise should_be("body", f"{path}.prefix", "a string or `null`", prefix)
    return {"prefix": prefix or None}


def _rollup(
    config: dict[str, Any], prop: dict[str, Any], path: str, place: _Place
) -> dict[str, Any]:
    data_source, host = place.data_source, place.host
    function = config.get("function")
    if function not in ROLLUP_FUNCTIONS:
        choices = ", ".join(f"`{js(f)}`" for f in ROLLUP_FUNCTIONS)
        raise should_be("body", f"{path}.function", f"one of {choices}", function)
    properties = data_source.body["properties"]
    relation_key = config.get("relation_property_id") or config.get("relation_property_name")
    relation_id = find_property(properties, str(relation_key)) if relation_key else None
    if relation_id is None or properties[relation_id]["type"] != "relation":
        raise validation_error(
            f"Could not find relation property with name or id: {relation_key} "
            f"(body failed validation: {path}.relation_property_name)."
        )
    target = host.data_source_row(
        properties[relation_id]["config"]["data_source_id"], f"{path}.relation_property_name"
    )
    rollup_key = config.get("rollup_property_id") or config.get("rollup_property_name")
    rollup_id = find_property(target.body["properties"], str(rollup_key)) if rollup_key else None
    if rollup_id is None:
        raise validation_error(
            f"Could not find rollup property with name or id: {rollup_key} "
            f"(body failed validation: {path}.rollup_property_name)."
        )
    return {
        "function": function,
        "relation_property_id": relation_id,
        "rollup_property_id": rollup_id,
    }


def _relation(
    config: dict[str, Any], prop: dict[str, Any], path: str, place: _Place
) -> dict[str, Any]:
    data_source, pid, host = place.data_source, place.pid, place.host
    raw = config.get("data_source_id") or config.get("database_id")
    target_id = parse_uuid(raw) if isinstance(raw, str) else None
    if target_id is None:
        raise should_be(
            "body", f"{path}.data_source_id", "a valid uuid", raw, defined=raw is not None
        )
    target = (
        data_source
        if target_id == data_source.id
        else host.data_source_row(target_id, f"{path}.data_source_id")
    )
    kind = config.get("type") or (
        "dual_property" if "dual_property" in config else "single_property"
    )
    if kind not in ("single_property", "dual_property"):
        raise should_be("body", f"{path}.type", '`"single_property"` or `"dual_property"`', kind)
    old = prop.get("config", {}) if prop.get("type") == "relation" else {}
    _release_synced(old, data_source, pid, host, keep_target=target.id, keep_kind=kind)
    if kind == "single_property":
        return {"data_source_id": target.id, "type": "single_property"}
    if old.get("type") == "dual_property" and old.get("data_source_id") == target.id:
        return dict(old)
    wanted = config.get("dual_property") or {}
    synced_name = wanted.get("synced_property_name") if isinstance(wanted, dict) else None
    synced_id = _create_synced(target, place, synced_name, prop["name"])
    return {"data_source_id": target.id, "type": "dual_property", "synced_property_id": synced_id}


def _create_synced(target: Row, place: _Place, name: str | None, prop_name: str) -> str:
    """The back property of a dual relation, named as Notion names it when no name is given."""
    source, pid, host = place.data_source, place.pid, place.host
    synced_id = _new_pid(target)
    if name is None:
        name = f"Related to {host.database_title(source)} ({prop_name})"
    taken = {p["name"] for p in target.body["properties"].values()}
    base, n = name, 1
    while name in taken:
        n += 1
        name = f"{base} {n}"
    target.body["properties"][synced_id] = {
        "name": name,
        "description": None,
        "type": "relation",
        "config": {"data_source_id": source.id, "type": "dual_property", "synced_property_id": pid},
    }
    if target.id != source.id:
        host.save_row(target)
    host.fill_back_links(source, pid, synced_id)
    return synced_id


def _release_synced(
    old: dict[str, Any],
    source: Row,
    pid: str,
    host: SchemaHost,
    *,
    keep_target: str | None,
    keep_kind: str | None,
) -> None:
    """A dual relation that stops being one leaves its back property as a one-way relation."""
    if old.get("type") != "dual_property":
        return
    if old.get("data_source_id") == keep_target and keep_kind == "dual_property":
        return
    target_id = str(old["data_source_id"])
    target = source if target_id == source.id else host.data_source_row(target_id, "relation")
    synced = target.body["properties"].get(old.get("synced_property_id"))
    if synced is not None and synced["type"] == "relation":
        synced["config"] = {"data_source_id": source.id, "type": "single_property"}
        if target.id != source.id:
            host.save_row(target)


_CONFIG_BUILDERS: dict[
    str, Callable[[dict[str, Any], dict[str, Any], str, _Place], dict[str, Any]]
] = {
    "number": _number,
    "select": _options,
    "multi_select": _options,
    "status": _status,
    "formula": _formula,
    "unique_id": _unique_id,
    "rollup": _rollup,
    "relation": _relation,
}


# -- updating -------------------------------------------------------------------------------------


def apply_schema_update(updates: object, path: str, data_source: Row, host: SchemaHost) -> None:
    """Apply ``PATCH /v1/data_sources/{id}`` ``properties`` to the data source body."""
    if not isinstance(updates, dict):
        raise should_be("body", path, "an object", updates)
    properties: dict[str, Any] = data_source.body["properties"]
    problems: list[str] = []
    for key, value in updates.items():
        where = f"{path}.{key}"
        pid = find_property(properties, key)
        if value is None:
            if pid is None:
                problems.append(f"{key} is not a property that exists.")
                continue
            _remove(data_source, pid, host)
            continue
        if pid is None:
            _add(data_source, key, value, where, host)
        else:
            _change(data_source, pid, value, where, host)
    if problems:
        raise validation_error(" ".join(problems))


def _remove(data_source: Row, pid: str, host: SchemaHost) -> None:
    properties = data_source.body["properties"]
    if properties[pid]["type"] == "title":
        raise validation_error("Cannot delete the title property of a data source.")
    _release_synced(
        properties[pid]["config"], data_source, pid, host, keep_target=None, keep_kind=None
    )
    del properties[pid]
    data_source.body.setdefault("retired", []).append(pid)


def _add(data_source: Row, key: str, value: object, where: str, host: SchemaHost) -> None:
    if isinstance(value, dict) and not any(k == "type" or k in PROPERTY_TYPES for k in value):
        # A rename or description change of a property that is not there.
        raise validation_error(f"Could not find property with name or id: {key}")
    definition = _definition(key, value, where)
    if definition.type == "title":
        raise validation_error("Cannot create a second title property.")
    name = definition.name or key
    if any(p["name"] == name for p in data_source.body["properties"].values()):
        raise validation_error(f"A property named {name} already exists.")
    pid = _new_pid(data_source)
    data_source.body["properties"][pid] = {
        "name": name,
        "description": definition.description,
        "type": None,
        "config": {},
    }
    _install(data_source, pid, definition, where, host)


def _change(data_source: Row, pid: str, value: object, where: str, host: SchemaHost) -> None:
    if not isinstance(value, dict):
        raise should_be("body", where, "an object or `null`", value)
    prop = data_source.body["properties"][pid]
    new_name = value.get("name")
    if new_name is not None:
        if not isinstance(new_name, str) or not new_name.strip():
            raise should_be("body", f"{where}.name", "a non-empty string", new_name)
        clash = find_property(data_source.body["properties"], new_name)
        if (
            clash is not None
            and clash != pid
            and data_source.body["properties"][clash]["name"] == new_name
        ):
            raise validation_error(f"A property named {new_name} already exists.")
        prop["name"] = new_name
    if "description" in value:
        description = value["description"]
        if description is not None and not isinstance(description, str):
            raise should_be("body", f"{where}.description", "a string or `null`", description)
        prop["description"] = description
    if not any(k == "type" or k in PROPERTY_TYPES for k in value):
        return
    definition = _definition(prop["name"], value, where)
    if prop["type"] == "title" and definition.type != "title":
        raise validation_error("Cannot change the type of the title property.")
    if definition.type == "title" and prop["type"] != "title":
        raise validation_error("Cannot create a second title property.")
    _install(data_source, pid, definition, where, host)


# -- rendering ------------------------------------------------------------------------------------


def render_property(data_source: Row, pid: str, host: SchemaHost | None) -> dict[str, Any]:
    """One schema property of this data source in Notion's response shape."""
    prop = data_source.body["properties"][pid]
    kind = prop["type"]
    config = prop.get("config", {})
    shown: dict[str, Any]
    if kind == "relation":
        shown = _render_relation(config, host)
    elif kind == "rollup":
        shown = _render_rollup(config, data_source, host)
    elif kind in CONFIG_FREE_TYPES:
        shown = {}
    else:
        shown = dict(config)
    return {
        "id": pid,
        "name": prop["name"],
        "description": prop.get("description"),
        "type": kind,
        kind: shown,
    }


def _render_relation(config: dict[str, Any], host: SchemaHost | None) -> dict[str, Any]:
    target_id = config.get("data_source_id")
    target = _quiet_row(host, target_id)
    out: dict[str, Any] = {
        "database_id": target.body.get("database_id") if target else None,
        "data_source_id": target_id,
        "type": config.get("type", "single_property"),
    }
    if out["type"] == "dual_property":
        synced_id = config.get("synced_property_id")
        synced = target.body["properties"].get(synced_id) if target else None
        out["dual_property"] = {
            "synced_property_name": synced["name"] if synced else None,
            "synced_property_id": synced_id,
        }
    else:
        out["single_property"] = {}
    return out


def _render_rollup(
    config: dict[str, Any], data_source: Row, host: SchemaHost | None
) -> dict[str, Any]:
    relation_id = config.get("relation_property_id")
    rollup_id = config.get("rollup_property_id")
    relation = data_source.body["properties"].get(relation_id)
    target = _quiet_row(host, relation["config"].get("data_source_id")) if relation else None
    if target is None and relation and relation["config"].get("data_source_id") == data_source.id:
        target = data_source
    rolled = target.body["properties"].get(rollup_id) if target else None
    # Observed: a rollup names its properties by id un-encoded (``v_]<`` for ``v_%5D%3C``).
    return {
        "rollup_property_name": rolled["name"] if rolled else None,
        "relation_property_name": relation["name"] if relation else None,
        "rollup_property_id": unquote(rollup_id) if isinstance(rollup_id, str) else rollup_id,
        "relation_property_id": unquote(relation_id) if isinstance(relation_id, str) else None,
        "function": config.get("function"),
    }


def _quiet_row(host: SchemaHost | None, data_source_id: object) -> Row | None:
    if host is None or not isinstance(data_source_id, str):
        return None
    try:
        return host.data_source_row(data_source_id, "")
    except ApiError:  # a target deleted since: render what is known
        return None


def api_formulas(data_source: Row) -> frozenset[str]:
    """Ids of the formula properties whose expression was set through the API (not seeded)."""
    properties: dict[str, Any] = data_source.body["properties"]
    return frozenset(
        pid for pid, p in properties.items() if p["type"] == "formula" and p.get("api_formula")
    )


def render_schema(data_source: Row, host: SchemaHost | None) -> dict[str, Any]:
    """The ``properties`` object of a data source response, keyed by name, in Notion's order."""
    properties: dict[str, Any] = data_source.body["properties"]
    return {
        properties[pid]["name"]: render_property(data_source, pid, host)
        for pid in sorted_property_ids(properties)
    }
