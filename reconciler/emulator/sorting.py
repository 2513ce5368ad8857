"""Query sorts for the emulator: validate them as Notion does, order pages as Notion does.

Called by the emulator's data source query endpoint. Pure: nothing imported from the rest of
``reconciler``. ``schema`` and pages as :mod:`reconciler.emulator.page_reading` describes them.

``validate_sorts(sorts, schema) -> None`` and ``sort_pages(pages, sorts, schema) -> list``
    ``pages`` must be given in creation order. Sorts apply in order (earlier entries win),
    empty values last in both directions. Ties, and a query without sorts, keep Notion's
    default order, observed in every recorded unsorted query: newest first (created_time
    descending), pages created in the same minute newest first too (reverse creation order).
    Refusals are :class:`FilterError` with Notion's wording ("Could not find sort property
    with name or id: X", the validator's "body.sorts[0].direction should be ...").

Sort keys: text ignoring case, runs of digits compared as numbers; numbers; checkbox false
first; select, status and multi_select by the schema's option order; dates and timestamps by
instant; people by name; formula and rollup by their result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from reconciler.emulator.formula import plain_text
from reconciler.emulator.page_reading import (
    TEXT_TYPES,
    TIMESTAMPS,
    FilterError,
    Page,
    Schema,
    SchemaProperty,
    fix_one,
    invalid,
    moment_of,
    number_of,
    option_name,
    option_names,
    page_value,
    payload_of,
    related_ids,
    schema_property,
    undefined,
    verification_state,
)

__all__ = ["sort_pages", "validate_sorts"]


_DIRECTIONS = ("ascending", "descending")


class _Comparable(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


SortKey = Callable[[Page], _Comparable | None]  # None when the page's value is empty


@dataclass(frozen=True)
class _Sort:
    key: SortKey
    descending: bool


def _sort_entry(entry: object, path: str, schema: Schema) -> _Sort:
    if not isinstance(entry, Mapping):
        raise invalid(path, "should be an object", entry)
    direction = entry.get("direction")
    if "property" in entry:
        reference = entry["property"]
        if not isinstance(reference, str):
            raise invalid(f"{path}.property", "should be a string", reference)
        prop = schema_property(schema, reference)
        if prop is None:
            raise FilterError(f"Could not find sort property with name or id: {reference}")
        key = _property_sort_key(prop)
    elif "timestamp" in entry:
        timestamp = entry["timestamp"]
        if timestamp not in TIMESTAMPS:
            raise invalid(
                f"{path}.timestamp", 'should be `"created_time"` or `"last_edited_time"`', timestamp
            )
        key = _timestamp_sort_key(str(timestamp))
    else:
        raise fix_one(path, ("property", "timestamp"))
    if direction is None:
        raise undefined(f"{path}.direction")
    if direction not in _DIRECTIONS:
        raise invalid(f"{path}.direction", 'should be `"ascending"` or `"descending"`', direction)
    return _Sort(key, direction == "descending")


def _parse_sorts(sorts: object, schema: Schema) -> list[_Sort]:
    if sorts is None:
        return []
    if not isinstance(sorts, list):
        raise invalid("body.sorts", "should be an array", sorts)
    return [_sort_entry(entry, f"body.sorts[{i}]", schema) for i, entry in enumerate(sorts)]


def validate_sorts(sorts: object, schema: Schema) -> None:
    """Raise :class:`FilterError` if Notion would refuse these sorts."""
    _parse_sorts(sorts, schema)


def _instant_key(payload: object) -> float | None:
    moment = moment_of(payload)
    return moment.instant.timestamp() if moment else None


def _timestamp_sort_key(timestamp: str) -> SortKey:
    return lambda page: _instant_key(page.get(timestamp))


def _option_ranks(prop: SchemaProperty) -> dict[str, int]:
    config = prop.config.get(prop.kind)
    options = config.get("options") if isinstance(config, Mapping) else None
    names = [o.get("name") for o in options or [] if isinstance(o, Mapping)]
    return {str(name): rank for rank, name in enumerate(names)}


_DIGITS = re.compile(r"(\d+)")


def _text_key(text: str) -> tuple[tuple[tuple[int, int, str], ...], str] | None:
    """Notion's collation: case ignored, runs of digits compared as numbers (observed: a title
    sort gives "Article 1", "Article 4", "Article 10"), digits before letters."""
    if not text:
        return None
    parts = _DIGITS.split(text.casefold())
    chunks = tuple(
        (0, int(part), "") if n % 2 else (1, 0, part) for n, part in enumerate(parts) if part
    )
    return chunks, text


def _value_sort_key(kind: str, payload: object, ranks: Mapping[str, int]) -> _Comparable | None:
    """A comparable key for one value of a property type, None when the value is empty."""
    if kind in TEXT_TYPES:
        return _text_key(plain_text(payload))
    if kind in ("number", "unique_id"):
        return number_of(payload)
    if kind == "checkbox":
        return payload is True
    if kind in ("select", "status"):
        name = option_name(payload)
        return None if name is None else (ranks.get(name, len(ranks)), name)
    if kind == "multi_select":
        names = option_names(payload)
        return tuple((ranks.get(n, len(ranks)), n) for n in names) or None
    if kind in ("date", "created_time", "last_edited_time"):
        return _instant_key(payload)
    if kind in ("people", "created_by", "last_edited_by", "files"):
        items = payload if isinstance(payload, list) else [payload] if payload else []
        names = [str(i.get("name", "")).casefold() for i in items if isinstance(i, Mapping)]
        return tuple(names) or None
    if kind == "relation":
        return tuple(related_ids(payload)) or None
    if kind in ("formula", "rollup"):
        return _computed_sort_key(payload)
    if kind == "verification":
        return verification_state(payload)
    return None


_COMPUTED_RANKS = {"number": 0, "date": 1, "string": 2, "boolean": 3}


def _computed_sort_key(payload: object) -> _Comparable | None:
    """Formula and rollup results: numbers, dates, text, booleans, each ranked apart."""
    if not isinstance(payload, Mapping):
        return None
    kind = str(payload.get("type"))
    inner = payload.get(kind)
    if kind == "array" and isinstance(inner, list):
        texts = [plain_text(payload_of(i)) if isinstance(i, Mapping) else "" for i in inner]
        return _text_key(",".join(texts))
    key: _Comparable | None
    if kind == "date":
        key = _instant_key(inner)
    elif kind == "string":
        key = _text_key(inner) if isinstance(inner, str) else None
    else:
        key = inner if isinstance(inner, bool | int | float) else None
    return None if key is None else (_COMPUTED_RANKS.get(kind, 4), key)


def _property_sort_key(prop: SchemaProperty) -> SortKey:
    ranks = _option_ranks(prop)
    return lambda page: _value_sort_key(prop.kind, payload_of(page_value(page, prop)), ranks)


def _default_order(pages: Sequence[Page]) -> list[Page]:
    """Newest first; pages of the same minute in reverse creation order (observed)."""
    ordered = list(reversed(pages))
    ordered.sort(key=lambda page: _instant_key(page.get("created_time")) or 0.0, reverse=True)
    return ordered


def sort_pages(pages: Sequence[Page], sorts: object, schema: Schema) -> list[Page]:
    """The pages (given in creation order) in the order a query with these sorts returns."""
    ordered = _default_order(pages)
    for sort in reversed(_parse_sorts(sorts, schema)):
        keyed = [(sort.key(page), page) for page in ordered]
        # Stable sorts from the last criterion to the first make earlier entries win; empty
        # values stay last whatever the direction.
        present = [(key, page) for key, page in keyed if key is not None]
        present.sort(key=lambda pair: pair[0], reverse=sort.descending)
        ordered = [page for _, page in present] + [page for key, page in keyed if key is None]
    return ordered
