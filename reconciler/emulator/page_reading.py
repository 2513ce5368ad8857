"""What the query filters and sorts share: property lookup, reading page values, refusals.

``schema`` is a data source's ``properties`` object as the API returns it (name -> ``{"id",
"name", "type", ...}``); a ``page`` is a page object as the API returns it (see
:mod:`reconciler.emulator.filters`). :func:`schema_property` finds a property by name or id (ids
compared decoded too); :func:`page_value` reads a page's value of it (a property missing from the
page is empty); the readers below turn a payload into what conditions and sort keys compare.
:class:`FilterError` and the refusal helpers copy the wording of Notion's request validator.
Used by :mod:`reconciler.emulator.filters` and :mod:`reconciler.emulator.sorting`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from urllib.parse import unquote

from reconciler.emulator.formula import parse_instant

__all__ = [
    "TEXT_TYPES",
    "TIMESTAMPS",
    "FilterError",
    "Moment",
    "Page",
    "Schema",
    "SchemaProperty",
    "fix_one",
    "invalid",
    "moment_of",
    "normalized_id",
    "number_of",
    "option_name",
    "option_names",
    "page_value",
    "parse_moment",
    "payload_of",
    "related_ids",
    "schema_property",
    "undefined",
    "verification_state",
]

Schema = Mapping[str, Mapping[str, object]]
Page = Mapping[str, object]

TEXT_TYPES = frozenset({"title", "rich_text", "url", "email", "phone_number"})
"""Property types whose conditions and sort keys read plain text."""

TIMESTAMPS = ("created_time", "last_edited_time")
"""The page timestamps a timestamp filter or sort names."""


class FilterError(ValueError):
    """A filter or sort Notion would refuse, with Notion's validation_error message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def js_value(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def invalid(path: str, expectation: str, value: object) -> FilterError:
    return FilterError(
        f"body failed validation: {path} {expectation}, instead was `{js_value(value)}`."
    )


def undefined(path: str) -> FilterError:
    return FilterError(
        f"body failed validation: {path} should be defined, instead was `undefined`."
    )


def fix_one(path: str, keys: Sequence[str]) -> FilterError:
    lines = [f"{path}.{key} should be defined, instead was `undefined`." for key in keys]
    return FilterError("body failed validation. Fix one:\n" + "\n".join(lines))


# --------------------------------------------------------------------------------------------
# Finding properties


@dataclass(frozen=True)
class SchemaProperty:
    name: str
    identifier: str
    kind: str
    config: Mapping[str, object]


def schema_property(schema: Schema, reference: str) -> SchemaProperty | None:
    for name, config in schema.items():
        identifier = str(config.get("id", ""))
        if reference in (name, identifier) or unquote(reference) in (unquote(identifier), name):
            return SchemaProperty(name, identifier, str(config.get("type")), config)
    return None


def page_value(page: Page, prop: SchemaProperty) -> Mapping[str, object] | None:
    properties = page.get("properties")
    if not isinstance(properties, Mapping):
        return None
    value = properties.get(prop.name)
    if isinstance(value, Mapping) and value.get("id") in (prop.identifier, None):
        return value
    for candidate in properties.values():
        if isinstance(candidate, Mapping) and candidate.get("id") == prop.identifier:
            return candidate
    return value if isinstance(value, Mapping) else None


def payload_of(value: Mapping[str, object] | None) -> object:
    if value is None:
        return None
    kind = value.get("type")
    return value.get(kind) if isinstance(kind, str) else None


# --------------------------------------------------------------------------------------------
# Reading values out of property payloads


def number_of(payload: object) -> float | None:
    if isinstance(payload, Mapping):  # unique_id
        payload = payload.get("number")
    if isinstance(payload, int | float) and not isinstance(payload, bool):
        return payload
    return None


def option_name(payload: object) -> str | None:
    if isinstance(payload, Mapping) and isinstance(payload.get("name"), str):
        return str(payload["name"])
    return None


def option_names(payload: object) -> list[str]:
    items = payload if isinstance(payload, list) else []
    return [name for name in (option_name(item) for item in items) if name is not None]


def normalized_id(identifier: object) -> str:
    return str(identifier).replace("-", "").lower()


def related_ids(payload: object) -> list[str]:
    items = payload if isinstance(payload, list) else [payload] if payload else []
    return [normalized_id(i.get("id")) for i in items if isinstance(i, Mapping) and i.get("id")]


@dataclass(frozen=True)
class Moment:
    """A date value: its instant (UTC) and whether it was written without a time."""

    instant: datetime
    date_only: bool

    @property
    def day(self) -> date:
        return self.instant.astimezone(UTC).date()


@lru_cache(maxsize=8192)  # timestamps have minute precision: rows share few distinct values
def parse_moment(text: str) -> Moment:
    return Moment(parse_instant(text), date_only=len(text) == 10)


def moment_of(payload: object) -> Moment | None:
    if isinstance(payload, Mapping):
        payload = payload.get("start")
    if not isinstance(payload, str):
        return None
    try:
        return parse_moment(payload)
    except ValueError:
        return None


def verification_state(payload: object) -> str:
    """A verification value's state: ``verified``, ``expired`` or ``none``."""
    state = payload.get("state") if isinstance(payload, Mapping) else None
    return state if state in ("verified", "expired") else "none"
