"""Live canonical values and schemas back into what a manifest writes.

The inverse of the manifest loader, one property type at a time: a live property becomes its
declaration (``Due: date``, ``{type: number, format: dollar}``, options with colours, a relation
by handle or data source id, a rollup, a formula with ``prop("Name")`` references) and a live
value becomes its manifest form (people by e-mail, relations by the target row's key, dates as
ISO text, ...). Every result is checked by running it through the codec the loader uses and
comparing with the live side the way a plan does; what does not come back equal raises
``NotExpressible`` saying why, so import can leave that property to Notion instead of writing a
manifest whose first plan would change something. Called by import
(``reconciler.adopt.manifests``) and export (``reconciler.adopt.rows``).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import jsonschema  # type: ignore[import-untyped]

from reconciler.manifest.schema import load_schema
from reconciler.model import JSON, LiveProperty, LiveUser
from reconciler.properties import ALL_CODECS, ValueProblem, WorkspaceReferences, codec_for
from reconciler.properties.checks import looks_like_notion_id
from reconciler.properties.files import name_from_url
from reconciler.properties.relation import sort_targets

__all__ = [
    "Naming",
    "NotExpressible",
    "declaration",
    "declared_config",
    "manifest_form",
    "manifest_value",
    "option_form",
]


class NotExpressible(Exception):
    """A live value or configuration that no manifest can state; the message says why."""


@dataclass(frozen=True)
class Naming:
    """How references are written: users by e-mail, rows of imported databases by key."""

    users: tuple[LiveUser, ...] = ()
    keys: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Handle → page id → key, for the databases whose rows are written by key."""
    data_sources: Mapping[str, str] = field(default_factory=dict)
    """Handle → data source id of each database written alongside."""

    @cached_property
    def references(self) -> WorkspaceReferences:
        """The references a plan would build from the same live state."""
        refs = WorkspaceReferences(self.users)
        for handle, data_source in self.data_sources.items():
            refs.add_data_source(handle, data_source)
        for handle, keys in self.keys.items():
            for page_id, key in keys.items():
                refs.add_page(handle, key, page_id)
        return refs

    @cached_property
    def _emails(self) -> dict[str, str]:
        return {_dashed(user.id): user.email for user in self.users if user.email}

    def email(self, user_id: str) -> str | None:
        """The e-mail of a user, None for bots and people whose e-mail is not visible."""
        return self._emails.get(_dashed(user_id))


def _dashed(notion_id: str) -> str:
    return str(uuid.UUID(notion_id)) if looks_like_notion_id(notion_id) else notion_id


# --- declarations ---------------------------------------------------------------------------


def option_form(option: Mapping[str, JSON]) -> object:
    """How a manifest declares a live option: its name alone, or ``{name, color, description}``
    when it has a colour other than the default or a description."""
    color, description = option.get("color"), option.get("description")
    if color in (None, "default") and not description:
        return option.get("name")
    item: dict[str, object] = {"name": option.get("name")}
    if color not in (None, "default"):
        item["color"] = color
    if description:
        item["description"] = description
    return item


def _options(config: Mapping[str, JSON]) -> list[object]:
    options = config.get("options")
    return [
        option_form(o)
        for o in (options if isinstance(options, list) else [])
        if isinstance(o, dict)
    ]


def _settings(prop: LiveProperty) -> dict[str, object]:
    config = prop.config
    if prop.type in ("select", "multi_select", "status"):
        options = _options(config)
        return {"options": options} if options else {}
    if prop.type == "number":
        fmt = config.get("format", "number")
        return {} if fmt == "number" else {"format": fmt}
    if prop.type == "relation":
        settings: dict[str, object] = {"database": config.get("database")}
        if config.get("type") == "dual_property":
            synced = config.get("synced_property")
            settings.update({"synced_property": synced} if synced else {"dual": True})
        return settings
    if prop.type == "rollup":
        return {key: config.get(key) for key in ("relation", "property", "function")}
    if prop.type == "formula":
        return {"expression": config.get("expression")}
    if prop.type == "unique_id":
        return {"prefix": config["prefix"]} if config.get("prefix") else {}
    return {}


def _parsed(prop: LiveProperty, settings: Mapping[str, object]) -> dict[str, JSON]:
    """The configuration the loader makes of these settings (relations spell their kind)."""
    raw = dict(settings)
    if prop.type == "relation" and (raw.pop("dual", False) or "synced_property" in raw):
        raw["type"] = "dual_property"
    return codec_for(prop.type).parse_config(raw)


def declaration(prop: LiveProperty, naming: Naming) -> object:
    """How the manifest declares ``prop``: its type alone, or a mapping with its settings."""
    if prop.type not in ALL_CODECS:
        raise NotExpressible(f"this version of the reconciler does not know {prop.type} properties")
    settings = _settings(prop)
    if prop.type == "formula" and not isinstance(settings.get("expression"), str):
        raise NotExpressible("Notion did not return its expression")
    try:
        desired = _parsed(prop, settings)
    except ValueProblem as problem:
        raise NotExpressible(f"its configuration cannot be written: {problem.message}") from None
    changes = codec_for(prop.type).config_changes(desired, prop.config, naming.references)
    if changes:
        what = ", ".join(".".join(str(part) for part in change.path) for change in changes)
        raise NotExpressible(f"its configuration does not read back equal ({what})")
    declared = {"type": prop.type, **settings} if settings else prop.type
    refused = _schema_refusal(declared)
    if refused:
        raise NotExpressible(f"the manifest schema does not accept it ({refused})")
    return declared


@functools.cache
def _declaration_validator() -> jsonschema.Draft202012Validator:
    schema = load_schema("manifest")
    return jsonschema.Draft202012Validator(
        {"$ref": "#/$defs/property", "$defs": schema.get("$defs", {})}
    )


def _schema_refusal(declared: object) -> str:
    """What the manifest JSON Schema says against a declaration ("" when it accepts it)."""
    error = jsonschema.exceptions.best_match(_declaration_validator().iter_errors(declared))
    if error is None:
        return ""
    where = ".".join(str(part) for part in error.absolute_path)
    return f"{where}: {error.message}" if where else error.message


# --- values ---------------------------------------------------------------------------------


def _text(value: JSON, strict: bool) -> object:
    if not isinstance(value, list):
        return value
    runs: list[object] = []
    for run in value:
        if strict and isinstance(run, dict) and "mention" in run:
            raise NotExpressible("it holds @-mentions, which manifests cannot write")
        plain = isinstance(run, dict) and set(run) == {"text"}
        runs.append(run["text"] if plain and isinstance(run, dict) else run)
    return runs


def _date(value: JSON) -> object:
    if isinstance(value, dict) and value.get("end") is None:
        return value.get("start")
    return value


def _people(value: JSON, naming: Naming) -> object:
    ids = value if isinstance(value, list) else []
    return [naming.email(str(user_id)) or user_id for user_id in ids]


def _relation(value: JSON, config: Mapping[str, JSON], naming: Naming) -> object:
    target = config.get("database")
    keys = naming.keys.get(target, {}) if isinstance(target, str) else {}
    written: list[JSON] = []
    for item in value if isinstance(value, list) else []:
        page_id = item.get("page_id") if isinstance(item, dict) else None
        key = keys.get(page_id) if isinstance(page_id, str) else None
        written.append(key if key is not None else item)
    return sort_targets(written)


def _files(value: JSON) -> object:
    written: list[object] = []
    for item in value if isinstance(value, list) else []:
        url = item.get("url") if isinstance(item, dict) else None
        if isinstance(item, dict) and isinstance(url, str):
            written.append(url if item.get("name") == name_from_url(url) else dict(item))
        else:
            written.append(item)
    return written


def _verification(value: JSON, strict: bool) -> object:
    if not isinstance(value, dict):
        return value
    if not strict and value.get("state") != "verified":
        return {"state": value.get("state"), "date": _date(value.get("date"))}
    if value.get("state") != "verified":
        raise NotExpressible(f"a verification is {value.get('state')}, which only Notion can set")
    date = value.get("date")
    return "verified" if date is None else {"state": "verified", "date": _date(date)}


def manifest_form(prop: LiveProperty, value: JSON, naming: Naming, *, strict: bool) -> object:
    """The manifest form of a live canonical value, unchecked (``strict``: only writable forms).

    Without ``strict``, what manifests cannot write stays as data: @-mention runs, expired
    verifications (for exports).
    """
    if prop.type in ("title", "rich_text"):
        return _text(value, strict)
    if prop.type == "date":
        return _date(value)
    if prop.type == "people":
        return _people(value, naming)
    if prop.type == "relation":
        return _relation(value, prop.config, naming)
    if prop.type == "files":
        return _files(value)
    if prop.type == "verification":
        return _verification(value, strict)
    return value


def manifest_value(
    prop: LiveProperty,
    value: JSON,
    naming: Naming,
    declared: Mapping[str, JSON] | None = None,
) -> object:
    """The manifest form of a live canonical value, checked to read back as the same value;
    ``declared`` is ``declared_config(prop)`` when the caller has it (once for every row)."""
    codec = codec_for(prop.type)
    written = manifest_form(prop, value, naming, strict=True)
    refs = naming.references
    config = declared_config(prop) if declared is None else declared
    try:
        desired = codec.from_manifest(written, config)
        back = codec.resolve_desired(desired, prop.config, refs)
    except ValueProblem as problem:
        raise NotExpressible(f"a value cannot be written: {problem.message}") from None
    if back != codec.resolve_live(value, prop.config, refs):
        raise NotExpressible("a value does not read back equal")
    return written


def declared_config(prop: LiveProperty) -> Mapping[str, JSON]:
    """The configuration the loader hands ``from_manifest`` (options by name, target handle)."""
    if prop.type == "relation":
        target = prop.config.get("database")
        return {**prop.config, "database": target if isinstance(target, str) else ""}
    if prop.type in ("select", "multi_select", "status"):
        options = prop.config.get("options")
        names: list[JSON] = [
            {"name": o["name"]} for o in (options if isinstance(options, list) else [])
            if isinstance(o, dict) and isinstance(o.get("name"), str)
        ]  # fmt: skip
        return {"options": names}
    return prop.config
