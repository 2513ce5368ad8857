"""Rollup values for the emulator: one function applied to a property of the related pages.

Called by the emulator's page reads to compute each rollup property's value, after it has
followed the relation and collected the rolled-up property's value from every related page.
Pure: nothing imported from the rest of ``reconciler``.

``compute(function, values, *, target_type) -> dict``
    ``values`` are the rolled-up property's values on the related pages, in relation order,
    each API-shaped (``{"id": ..., "type": "number", "number": 42}``; formula and rollup values
    already computed). ``target_type`` is that property's type in its schema. Returns the
    payload the API puts under ``"rollup"``:

    - ``{"type": "number", "number": x, "function": f}`` for count, count_values, empty,
      not_empty, unique, percent_empty, percent_not_empty, sum, average, median, min, max, range,
      checked, unchecked, percent_checked, percent_unchecked. Percentages are fractions (1 is
      100%). With nothing to aggregate, counts and sum are 0, percentages 0, and average,
      median, min, max and range are ``None`` (observed: ``max`` of no pages is null).
    - ``{"type": "date", "date": {"start", "end", "time_zone"} | None, "function": f}`` for
      earliest_date, latest_date, date_range (observed shape, ``end``/``time_zone`` null).
    - ``{"type": "array", "array": [values without "id"], "function": f}`` for show_original
      and show_unique (observed: ``[{"type": "title", "title": [...]}]``). show_unique keeps
      the first occurrence of each distinct value; a list value (multi_select, people,
      relation, files) contributes each of its items as a one-item value.
    - ``{"type": "unsupported", "unsupported": {}, "function": f}`` for count_per_group and
      percent_per_group, which the API cannot represent (observed in the wild).

    An unknown function raises :class:`RollupError`.

Emptiness: ``None``, ``[]`` and ``""`` payloads are empty, as are text whose plain text is
empty and formula/rollup values with an empty inner value; a checkbox is never empty.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence

from reconciler.emulator.formula import parse_instant, plain_text

__all__ = ["ROLLUP_FUNCTIONS", "RollupError", "compute"]

ROLLUP_FUNCTIONS = frozenset(
    {
        "count", "count_values", "empty", "not_empty", "unique", "show_unique",
        "percent_empty", "percent_not_empty", "sum", "average", "median", "min", "max",
        "range", "earliest_date", "latest_date", "date_range", "checked", "unchecked",
        "percent_checked", "percent_unchecked", "count_per_group", "percent_per_group",
        "show_original",
    }
)  # fmt: skip

_LIST_TYPES = frozenset({"multi_select", "people", "relation", "files"})

PropertyValue = Mapping[str, object]


class RollupError(ValueError):
    """A rollup function Notion does not have."""


def _payload(value: PropertyValue) -> object:
    kind = value.get("type")
    return value.get(kind) if isinstance(kind, str) else None


def _without_id(value: PropertyValue) -> dict[str, object]:
    return {key: item for key, item in value.items() if key != "id"}


def _is_empty(value: PropertyValue) -> bool:
    kind = value.get("type")
    payload = _payload(value)
    if kind == "checkbox":
        return False
    if kind in ("title", "rich_text"):
        return plain_text(payload) == ""
    if kind in ("formula", "rollup") and isinstance(payload, Mapping):
        inner = _payload(payload)
        return inner is None or inner in ("", [])
    return payload is None or payload in ("", [])


def _number(value: PropertyValue) -> float | None:
    payload = _payload(value)
    if value.get("type") in ("formula", "rollup", "unique_id") and isinstance(payload, Mapping):
        payload = payload.get("number")
    if isinstance(payload, int | float) and not isinstance(payload, bool):
        return payload
    return None


def _checked(value: PropertyValue) -> bool | None:
    payload = _payload(value)
    if value.get("type") == "formula" and isinstance(payload, Mapping):
        payload = payload.get("boolean")
    return payload if isinstance(payload, bool) else None


def _date_texts(value: PropertyValue) -> list[str]:
    """The date strings a value contributes: a range gives its start and its end."""
    kind = value.get("type")
    payload = _payload(value)
    if kind in ("created_time", "last_edited_time"):
        return [payload] if isinstance(payload, str) else []
    if kind in ("formula", "rollup") and isinstance(payload, Mapping):
        payload = payload.get("date")
    if not isinstance(payload, Mapping):
        return []
    return [text for text in (payload.get("start"), payload.get("end")) if isinstance(text, str)]


def _date_text(text: str) -> str:
    if len(text) == 10:
        return text
    return parse_instant(text).isoformat(timespec="milliseconds")


def _date_payload(start: str | None, end: str | None = None) -> dict[str, object] | None:
    if start is None:
        return None
    return {"start": _date_text(start), "end": end and _date_text(end), "time_zone": None}


def _atoms(value: PropertyValue) -> list[dict[str, object]]:
    """A value split into one-item values when it is a list (for unique and show_unique)."""
    kind = value.get("type")
    payload = _payload(value)
    if kind in _LIST_TYPES and isinstance(payload, list):
        return [{"type": kind, str(kind): [item]} for item in payload]
    return [] if _is_empty(value) else [_without_id(value)]


def _identity(atom: Mapping[str, object]) -> object:
    kind = atom.get("type")
    payload = _payload(atom)
    if kind in ("title", "rich_text"):
        return (kind, plain_text(payload))
    if isinstance(payload, list) and payload and isinstance(payload[0], Mapping):
        item = payload[0]
        return (
            kind,
            item.get("name") if kind == "multi_select" else item.get("id", item.get("name")),
        )
    if isinstance(payload, Mapping):
        return (kind, payload.get("name", payload.get("start", repr(sorted(payload.items())))))
    return (kind, repr(payload))


def _distinct(values: Sequence[PropertyValue]) -> list[dict[str, object]]:
    seen: dict[object, dict[str, object]] = {}
    for value in values:
        for atom in _atoms(value):
            seen.setdefault(_identity(atom), atom)
    return list(seen.values())


def _fraction(part: int, whole: int) -> float | int:
    if whole == 0:
        return 0
    fraction = part / whole
    return int(fraction) if fraction.is_integer() else fraction


def _count_values(values: Sequence[PropertyValue]) -> int:
    total = 0
    for value in values:
        payload = _payload(value)
        if value.get("type") in _LIST_TYPES and isinstance(payload, list):
            total += len(payload)
        elif not _is_empty(value):
            total += 1
    return total


def _clean(number: float) -> int | float:
    return int(number) if isinstance(number, float) and number.is_integer() else number


def _numeric(values: Sequence[PropertyValue], reduce: Callable[[list[float]], float]) -> object:
    numbers = [n for n in (_number(v) for v in values) if n is not None]
    return _clean(reduce(numbers)) if numbers else None


_NUMBER_FUNCTIONS: dict[str, Callable[[Sequence[PropertyValue]], object]] = {
    "count": len,
    "count_values": _count_values,
    "empty": lambda vs: sum(1 for v in vs if _is_empty(v)),
    "not_empty": lambda vs: sum(1 for v in vs if not _is_empty(v)),
    "unique": lambda vs: len(_distinct(vs)),
    "percent_empty": lambda vs: _fraction(sum(1 for v in vs if _is_empty(v)), len(vs)),
    "percent_not_empty": lambda vs: _fraction(sum(1 for v in vs if not _is_empty(v)), len(vs)),
    "sum": lambda vs: _numeric(vs, sum) or 0,
    "average": lambda vs: _numeric(vs, statistics.fmean),
    "median": lambda vs: _numeric(vs, statistics.median),
    "min": lambda vs: _numeric(vs, min),
    "max": lambda vs: _numeric(vs, max),
    "range": lambda vs: _numeric(vs, lambda ns: max(ns) - min(ns)),
    "checked": lambda vs: sum(1 for v in vs if _checked(v) is True),
    "unchecked": lambda vs: sum(1 for v in vs if _checked(v) is False),
    "percent_checked": lambda vs: _fraction(sum(1 for v in vs if _checked(v) is True), len(vs)),
    "percent_unchecked": lambda vs: _fraction(sum(1 for v in vs if _checked(v) is False), len(vs)),
}


def _dates(values: Sequence[PropertyValue], function: str) -> dict[str, object] | None:
    texts = [text for value in values for text in _date_texts(value)]
    if not texts:
        return None
    earliest = min(texts, key=parse_instant)
    latest = max(texts, key=parse_instant)
    if function == "earliest_date":
        return _date_payload(earliest)
    if function == "latest_date":
        return _date_payload(latest)
    return _date_payload(earliest, latest)


def compute(
    function: str, values: Sequence[PropertyValue], *, target_type: str
) -> dict[str, object]:
    """The rollup payload for one page (see the module docstring for every function)."""
    if function not in ROLLUP_FUNCTIONS:
        raise RollupError(
            f"Unknown rollup function {function!r}; use one of "
            f"{', '.join(sorted(ROLLUP_FUNCTIONS))}."
        )
    typed = [v for v in values if v.get("type", target_type) == target_type]
    if function == "show_original":
        return {"type": "array", "array": [_without_id(v) for v in typed], "function": function}
    if function == "show_unique":
        return {"type": "array", "array": _distinct(typed), "function": function}
    if function in ("count_per_group", "percent_per_group"):
        return {"type": "unsupported", "unsupported": {}, "function": function}
    if function in ("earliest_date", "latest_date", "date_range"):
        return {"type": "date", "date": _dates(typed, function), "function": function}
    return {"type": "number", "number": _NUMBER_FUNCTIONS[function](typed), "function": function}
