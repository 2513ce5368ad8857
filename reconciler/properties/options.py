"""Option types: select, multi_select and status, their values and their option sets.

Values: select and status → the option name or None; multi_select → the sorted list of unique
names (``[]`` empty). A manifest value must name a declared option when the property declares
any.

Configuration: a manifest declares ``options`` as names or ``{name, color, description}``; the
canonical desired config is ``{"options": [{"name", "color"?, "description"?}, ...]}`` in declared
order. The live config keeps Notion's option ids (``{"id", "name", "color", "description"?}``)
and, for status, the read-only ``groups`` (``{"name", "color", "options": [names]}``). Desired and
live are equal when every declared option exists live with the declared colour and description;
undeclared live options are left alone unless ``prune_options`` (then removing them is lossy).
Notion replaces the whole option set on update, so an update carries every kept live option by
id plus the new ones. Registered in ``registry``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import ClassVar

from reconciler.model import JSON
from reconciler.properties.base import (
    UNREAD,
    ConfigChange,
    PropertyCodec,
    References,
    SharingKey,
    Unread,
    ValueProblem,
)
from reconciler.properties.checks import (
    MAX_LIST_ITEMS,
    check_mapping_keys,
    describe_kind,
    expect_list,
    expect_str,
    json_list,
    list_items,
    optional_str,
)

__all__ = [
    "MAX_OPTION_NAME_LENGTH",
    "OPTION_COLORS",
    "MultiSelectCodec",
    "SelectCodec",
    "StatusCodec",
    "option_names",
]

OPTION_COLORS = frozenset(
    {"default", "gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red"}
)
_OPTION_KEYS = frozenset({"name", "color", "description"})
MAX_OPTION_NAME_LENGTH = 100


def option_names(config: Mapping[str, JSON]) -> list[str]:
    """Names of the options a configuration holds, in order."""
    options = config.get("options")
    if not isinstance(options, list):
        return []
    return [str(o["name"]) for o in options if isinstance(o, dict) and "name" in o]


def _checked_name(text: str, path: tuple[str | int, ...]) -> str:
    """An option name Notion takes: non-empty, without commas, at most 100 characters."""
    name = text.strip()
    if not name or "," in name:
        raise ValueProblem(
            f"an option name must be non-empty and without commas, not {name!r}",
            hint="Notion splits option names on commas",
            path=path,
        )
    if len(name) > MAX_OPTION_NAME_LENGTH:
        raise ValueProblem(
            f"the option name is {len(name)} characters long; Notion takes at most "
            f"{MAX_OPTION_NAME_LENGTH}",
            path=path,
        )
    return name


def _option_from_manifest(item: object, index: int) -> dict[str, JSON]:
    path: tuple[str | int, ...] = ("options", index)
    if isinstance(item, str | int | float) and not isinstance(item, bool):
        item = {"name": str(item)}
    if not isinstance(item, Mapping):
        raise ValueProblem(
            f"an option must be a name or {{name, color, description}}, not {describe_kind(item)}",
            path=path,
        )
    check_mapping_keys(item, "an option", _OPTION_KEYS, required=frozenset({"name"}), path=path)
    name = item["name"]
    name = str(name) if isinstance(name, int | float) and not isinstance(name, bool) else name
    name = _checked_name(expect_str(name, "an option name", path=(*path, "name")), (*path, "name"))
    option: dict[str, JSON] = {"name": name}
    color = optional_str(item.get("color"), "an option colour", path=(*path, "color"))
    if color is not None:
        if color not in OPTION_COLORS:
            raise ValueProblem(
                f"{color!r} is not an option colour",
                hint=f"colours: {', '.join(sorted(OPTION_COLORS))}",
                path=(*path, "color"),
            )
        option["color"] = color
    description = optional_str(item.get("description"), "a description", path=path)
    if description:
        option["description"] = description
    return option


def _options_from_manifest(raw: Mapping[str, object]) -> list[JSON]:
    options: list[JSON] = []
    seen: set[str] = set()
    for index, item in enumerate(expect_list(raw.get("options", []), "options", path=("options",))):
        option = _option_from_manifest(item, index)
        if option["name"] in seen:
            raise ValueProblem(
                f"the option {option['name']!r} is declared twice", path=("options", index)
            )
        seen.add(str(option["name"]))
        options.append(option)
    return options


def _live_option(raw: Mapping[str, JSON]) -> dict[str, JSON]:
    option: dict[str, JSON] = {"id": raw.get("id"), "name": raw.get("name")}
    option["color"] = raw.get("color") if isinstance(raw.get("color"), str) else "default"
    if isinstance(raw.get("description"), str) and raw.get("description"):
        option["description"] = raw["description"]
    return option


def _by_name(config: Mapping[str, JSON]) -> dict[str, dict[str, JSON]]:
    options = config.get("options")
    items = options if isinstance(options, list) else []
    return {str(o["name"]): o for o in items if isinstance(o, dict) and "name" in o}


def _option_name(value: object, config: Mapping[str, JSON], path: tuple[str | int, ...]) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # YAML reads `Size: 3` as a number
    name = _checked_name(expect_str(value, "an option", path=path), path)
    declared = option_names(config)
    if declared and name not in declared:
        raise ValueProblem(
            f"{name!r} is not an option of this property",
            hint=f"options: {', '.join(declared)} (or declare {name!r} under `options`)",
            path=path,
        )
    return name


def _named(body: object) -> str | None:
    name = body.get("name") if isinstance(body, dict) else None
    return name if isinstance(name, str) else None


def _names_as_sent(prop: Mapping[str, JSON]) -> Hashable | Unread:
    """A multi_select's option names in the order Notion sent them: equal keys hold equal
    names, and a name that is no text is left out of the value whatever it is."""
    body = prop.get("multi_select")
    if type(body) is not list:
        return UNREAD
    try:
        return tuple([item["name"] for item in body])  # type: ignore[index, call-overload]
    except (KeyError, TypeError):  # an option that is not an object with a name
        return UNREAD


class _OptionsCodec(PropertyCodec):
    """Shared option-set configuration of select, multi_select and status."""

    config_keys: ClassVar[frozenset[str]] = frozenset({"options"})
    repeating: ClassVar[bool] = True

    def _parse_settings(self, raw: Mapping[str, object]) -> dict[str, JSON]:
        return {"options": _options_from_manifest(raw)}

    def config_to_request(self, config: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        options: list[JSON] = [dict(option) for option in _by_name(config).values()]
        return {"options": options}

    def config_from_response(self, prop: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        body = prop.get(self.type_name)
        raw = body.get("options") if isinstance(body, dict) else None
        options: list[JSON] = [_live_option(o) for o in list_items(raw) if isinstance(o, dict)]
        return {"options": options}

    def config_changes(
        self,
        desired: Mapping[str, JSON],
        live: Mapping[str, JSON],
        refs: References,
        *,
        prune_options: bool = False,
    ) -> tuple[ConfigChange, ...]:
        live_options = _by_name(live)
        changes: list[ConfigChange] = []
        for name, option in _by_name(desired).items():
            current = live_options.get(name)
            if current is None:
                changes.append(ConfigChange(("options", name), None, option))
                continue
            changes.extend(
                ConfigChange(("options", name, field), current.get(field), option[field])
                for field in ("color", "description")
                if field in option and option[field] != current.get(field)
            )
        if prune_options:
            declared = set(_by_name(desired))
            for name, current in live_options.items():
                if name not in declared:
                    old = {k: v for k, v in current.items() if k != "id"}
                    changes.append(ConfigChange(("options", name), old, None, lossy=True))
        return tuple(changes)

    def config_update_request(
        self,
        desired: Mapping[str, JSON],
        live: Mapping[str, JSON],
        refs: References,
        *,
        prune_options: bool = False,
    ) -> dict[str, JSON]:
        wanted = _by_name(desired)
        options: list[JSON] = []
        for name, current in _by_name(live).items():
            if prune_options and name not in wanted:
                continue
            kept = {k: v for k, v in current.items() if k in ("id", "name", "color", "description")}
            kept.update(wanted.get(name, {}))
            options.append(kept)
        live_names = set(_by_name(live))
        options.extend(dict(o) for name, o in wanted.items() if name not in live_names)
        return {"options": options}


class SelectCodec(_OptionsCodec):
    """select: one option by name."""

    type_name = "select"

    def from_manifest(self, value: object, config: Mapping[str, JSON]) -> JSON:
        if value is None or value == "":
            return None
        return _option_name(value, config, ())

    def to_request(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        return {"name": value} if isinstance(value, str) else None

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        return _named(prop.get(self.type_name))

    def sharing_key(self) -> SharingKey:
        type_name = self.type_name

        def key(prop: Mapping[str, JSON]) -> Hashable | Unread:
            """The option's name, None for none (the value itself)."""
            body = prop.get(type_name)
            if body is None:
                return None
            if type(body) is dict:
                name = body.get("name")
                if type(name) is str:
                    return name
            return UNREAD

        return key


class StatusCodec(SelectCodec):
    """status: one option by name; its groups are read-only through the API.

    Options added through the API land in the To-do group (observed); options are never removed
    through it, so a status refuses ``prune_options``.
    """

    type_name = "status"
    config_keys: ClassVar[frozenset[str]] = frozenset({"options", "groups"})

    def _parse_settings(self, raw: Mapping[str, object]) -> dict[str, JSON]:
        if "groups" in raw:
            raise ValueProblem(
                "status groups cannot be set through the Notion API",
                hint="declare the options only; new options land in the To-do group, and "
                "people can move them to another group in Notion",
                path=("groups",),
            )
        if raw.get("prune_options") is True:
            # Notion adds the options a status update names and keeps the others: a removal
            # would be planned, "applied" and planned again forever.
            raise ValueProblem(
                "status options cannot be removed through the Notion API, so `prune_options`"
                " cannot apply to a status",
                hint="remove `prune_options`, and delete the options you no longer want in"
                " Notion (the property's menu → Edit property)",
                path=("prune_options",),
            )
        return super()._parse_settings(raw)

    def config_from_response(self, prop: Mapping[str, JSON], refs: References) -> dict[str, JSON]:
        config = super().config_from_response(prop, refs)
        body = prop.get("status")
        raw_groups = body.get("groups") if isinstance(body, dict) else None
        names = {str(o.get("id")): o.get("name") for o in _by_name(config).values()}
        groups: list[JSON] = []
        for group in list_items(raw_groups):
            if isinstance(group, dict):
                ids = list_items(group.get("option_ids"))
                members: list[JSON] = [names.get(i) for i in ids if isinstance(i, str)]
                groups.append(
                    {"name": group.get("name"), "color": group.get("color"), "options": members}
                )
        config["groups"] = groups
        return config


class MultiSelectCodec(_OptionsCodec):
    """multi_select: a set of option names, canonically sorted."""

    type_name = "multi_select"
    empty: ClassVar[JSON] = []

    def from_manifest(self, value: object, config: Mapping[str, JSON]) -> JSON:
        if value is None or value == "":
            return []
        items: Sequence[object] = (
            [value] if isinstance(value, str) else expect_list(value, "a multi_select value")
        )
        names = {_option_name(item, config, (index,)) for index, item in enumerate(items)}
        if len(names) > MAX_LIST_ITEMS:
            raise ValueProblem(
                f"the value holds {len(names)} options; Notion takes at most {MAX_LIST_ITEMS}"
            )
        return json_list(sorted(names))

    def to_request(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        names = value if isinstance(value, list) else []
        return [{"name": name} for name in names]

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        body = prop.get(self.type_name)
        names = {_named(item) for item in (body if isinstance(body, list) else [])}
        return json_list(sorted(name for name in names if name is not None))

    def sharing_key(self) -> SharingKey:
        return _names_as_sent

    def display(self, value: JSON, refs: References | None = None) -> str:
        return ", ".join(str(v) for v in value) if isinstance(value, list) else ""
