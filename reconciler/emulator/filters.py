"""Query filters and sorts for the emulator: validate them as Notion does, apply them to pages.

Called by the emulator's data source query endpoint. Pure: the clock (``now``) and the
requesting bot are passed in; nothing imported from the rest of ``reconciler``.

``schema`` is a data source's ``properties`` object as the API returns it (name -> ``{"id",
"name", "type", ...}``). A ``page`` is a page object as the API returns it: ``properties``
(name -> value, formula and rollup values computed, relation and people lists COMPLETE, not
cut at 25), ``created_time``, ``last_edited_time``.

``compile_filter(filter_obj, schema, *, now, bot_id=None, unfilterable_formulas=()) -> pred``
    Validates the filter, then returns a predicate ``Callable[[page], bool]`` to run on every
    row (compile once per query, not once per row). ``now`` (aware) anchors relative dates
    (``today``, ``past_week``...); ``bot_id`` is what ``"me"`` means in people conditions.
    ``unfilterable_formulas``: ids of formula properties created through the API; Notion
    refuses any filter on them with "Unable to filter based on a formula of unknown type"
    (reported across every API version, even for constant formulas; formulas made in Notion's
    app filter fine), so the emulator should pass the ids of the formulas it created.
``validate_filter(filter_obj, schema, *, unfilterable_formulas=()) -> None``
    Only the validation; raises :class:`FilterError`.
``matches(filter_obj, page, schema, *, now, bot_id=None, unfilterable_formulas=()) -> bool``
    One-off convenience around :func:`compile_filter`.
``validate_sorts(sorts, schema) -> None`` and ``sort_pages(pages, sorts, schema) -> list``
    ``pages`` must be given in creation order. Sorts apply in order (earlier entries win),
    empty values last in both directions. Ties, and a query without sorts, keep Notion's
    default order, observed in every recorded unsorted query: newest first (created_time
    descending), pages created in the same minute newest first too (reverse creation order).

:class:`FilterError` messages copy Notion's validation_error wording: "Could not find property
with name or id: X", "Could not find sort property with name or id: X", "database property
text does not match filter number", "body failed validation. Fix one:\\n..." when no known
condition is given, "body failed validation: body.filter.and[0].or[0].and should be not
present, instead was `[...]`." past the two levels of compound nesting Notion allows.

Matching rules (observed in the recordings unless marked as a choice):
- any text condition key (title, rich_text, url, email, phone_number) works on any text-like
  property; contains/does_not_contain/starts_with/ends_with ignore case; equals is exact
  (a choice: the recordings cannot tell); does_not_equal and does_not_contain match empty values.
- number, select, status, multi_select: does_not_equal/does_not_contain match empty values;
  the ordering comparisons never do. A list in select equals means "any of" (a choice).
- dates: a date-only condition compares calendar days (UTC); a date-time compares instants at
  millisecond precision, a missing offset meaning UTC; a page's date range compares by its
  start. Relative values are days from ``now``; ``this_week`` is the ISO week (Monday first,
  a choice); past_*/next_* include today.
- rollup ``every`` is false for an empty rollup, ``none`` true, ``any`` false.
- an empty ``and`` or ``or`` list matches every page (a choice).
- a created_time/last_edited_time property also takes a ``date`` condition, a created_by
  property a ``people`` condition; other keys must match the property's type.
- a property missing from a page's ``properties`` is empty (so a caller may load only the
  properties the filter and sorts read).

Sort keys: text ignoring case; numbers; checkbox false first; select, status and multi_select
by the schema's option order; dates and timestamps by instant; people by name; formula and
rollup by their result.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import unquote

from reconciler.emulator.formula import add_months, parse_instant, plain_text

__all__ = [
    "FilterError",
    "compile_filter",
    "matches",
    "sort_pages",
    "validate_filter",
    "validate_sorts",
]

Schema = Mapping[str, Mapping[str, object]]
Page = Mapping[str, object]
Predicate = Callable[[Page], bool]
Test = Callable[[object], bool]  # a condition applied to one extracted value


class FilterError(ValueError):
    """A filter or sort Notion would refuse, with Notion's validation_error message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _invalid(path: str, expectation: str, value: object) -> FilterError:
    return FilterError(
        f"body failed validation: {path} {expectation}, instead was `{_json(value)}`."
    )


def _undefined(path: str) -> FilterError:
    return FilterError(
        f"body failed validation: {path} should be defined, instead was `undefined`."
    )


def _fix_one(path: str, keys: Sequence[str]) -> FilterError:
    lines = [f"{path}.{key} should be defined, instead was `undefined`." for key in keys]
    return FilterError("body failed validation. Fix one:\n" + "\n".join(lines))


# --------------------------------------------------------------------------------------------
# Finding properties


@dataclass(frozen=True)
class _Property:
    name: str
    identifier: str
    kind: str
    config: Mapping[str, object]


def _find_property(schema: Schema, reference: str) -> _Property | None:
    for name, config in schema.items():
        identifier = str(config.get("id", ""))
        if reference in (name, identifier) or unquote(reference) in (unquote(identifier), name):
            return _Property(name, identifier, str(config.get("type")), config)
    return None


def _page_value(page: Page, prop: _Property) -> Mapping[str, object] | None:
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


def _payload(value: Mapping[str, object] | None) -> object:
    if value is None:
        return None
    kind = value.get("type")
    return value.get(kind) if isinstance(kind, str) else None


# --------------------------------------------------------------------------------------------
# Reading values out of property payloads


def _number(payload: object) -> float | None:
    if isinstance(payload, Mapping):  # unique_id
        payload = payload.get("number")
    if isinstance(payload, int | float) and not isinstance(payload, bool):
        return payload
    return None


def _option_name(payload: object) -> str | None:
    if isinstance(payload, Mapping) and isinstance(payload.get("name"), str):
        return str(payload["name"])
    return None


def _option_names(payload: object) -> list[str]:
    items = payload if isinstance(payload, list) else []
    return [name for name in (_option_name(item) for item in items) if name is not None]


def _normalized_id(identifier: object) -> str:
    return str(identifier).replace("-", "").lower()


def _ids(payload: object) -> list[str]:
    items = payload if isinstance(payload, list) else [payload] if payload else []
    return [_normalized_id(i.get("id")) for i in items if isinstance(i, Mapping) and i.get("id")]


@dataclass(frozen=True)
class _Moment:
    """A date value: its instant (UTC) and whether it was written without a time."""

    instant: datetime
    date_only: bool

    @property
    def day(self) -> date:
        return self.instant.astimezone(UTC).date()


@lru_cache(maxsize=8192)  # timestamps have minute precision: rows share few distinct values
def _parse_moment(text: str) -> _Moment:
    return _Moment(parse_instant(text), date_only=len(text) == 10)


def _moment(payload: object) -> _Moment | None:
    if isinstance(payload, Mapping):
        payload = payload.get("start")
    if not isinstance(payload, str):
        return None
    try:
        return _parse_moment(payload)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# Conditions: validate one condition object, return a test on an extracted value


def _condition_key(condition: object, path: str, keys: Sequence[str]) -> tuple[str, object]:
    if not isinstance(condition, Mapping):
        raise _invalid(path, "should be an object", condition)
    present = [key for key in condition if key in keys]
    if not present:
        raise _fix_one(path, keys)
    extra = [key for key in condition if key != present[0]]
    if extra:
        raise _invalid(f"{path}.{extra[0]}", "should be not present", condition[extra[0]])
    return present[0], condition[present[0]]


def _require_true(path: str, value: object) -> None:
    if value is not True:
        raise _invalid(path, "should be `true`", value)


def _require_string(path: str, value: object) -> str:
    if not isinstance(value, str):
        raise _invalid(path, "should be a string", value)
    return value


def _require_number(path: str, value: object) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise _invalid(path, "should be a number", value)
    return value


def _string_list(path: str, value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise _invalid(path, "should be a string or an array of strings", value)


def _existence(key: str, is_empty: Callable[[object], bool]) -> Test:
    if key == "is_empty":
        return is_empty
    return lambda value: not is_empty(value)


_TEXT_KEYS = ("equals", "does_not_equal", "contains", "does_not_contain", "starts_with",
              "ends_with", "is_empty", "is_not_empty")  # fmt: skip


def _text_test(condition: object, path: str) -> Test:
    """On the plain text of a value ('' when empty)."""
    key, raw = _condition_key(condition, path, _TEXT_KEYS)
    if key in ("is_empty", "is_not_empty"):
        _require_true(f"{path}.{key}", raw)
        return _existence(key, lambda value: value == "")
    target = _require_string(f"{path}.{key}", raw)
    folded = target.casefold()
    tests: dict[str, Test] = {
        "equals": lambda value: value == target,
        "does_not_equal": lambda value: value != target,
        "contains": lambda value: folded in str(value).casefold(),
        "does_not_contain": lambda value: folded not in str(value).casefold(),
        "starts_with": lambda value: str(value).casefold().startswith(folded),
        "ends_with": lambda value: str(value).casefold().endswith(folded),
    }
    return tests[key]


_NUMBER_KEYS = ("equals", "does_not_equal", "greater_than", "less_than",
                "greater_than_or_equal_to", "less_than_or_equal_to", "is_empty",
                "is_not_empty")  # fmt: skip


def _number_test(condition: object, path: str) -> Test:
    """On a number, or None when empty."""
    key, raw = _condition_key(condition, path, _NUMBER_KEYS)
    if key in ("is_empty", "is_not_empty"):
        _require_true(f"{path}.{key}", raw)
        return _existence(key, lambda value: value is None)
    target = _require_number(f"{path}.{key}", raw)
    if key == "equals":
        return lambda value: value is not None and value == target
    if key == "does_not_equal":
        return lambda value: value is None or value != target
    compare: dict[str, Callable[[float], bool]] = {
        "greater_than": lambda n: n > target,
        "less_than": lambda n: n < target,
        "greater_than_or_equal_to": lambda n: n >= target,
        "less_than_or_equal_to": lambda n: n <= target,
    }
    check = compare[key]
    return lambda value: isinstance(value, int | float) and check(value)


def _checkbox_test(condition: object, path: str) -> Test:
    """On a boolean."""
    key, raw = _condition_key(condition, path, ("equals", "does_not_equal"))
    if not isinstance(raw, bool):
        raise _invalid(f"{path}.{key}", "should be a boolean", raw)
    if key == "equals":
        return lambda value: value is raw
    return lambda value: value is not raw


def _select_test(condition: object, path: str) -> Test:
    """On an option name, or None when empty."""
    keys = ("equals", "does_not_equal", "is_empty", "is_not_empty")
    key, raw = _condition_key(condition, path, keys)
    if key in ("is_empty", "is_not_empty"):
        _require_true(f"{path}.{key}", raw)
        return _existence(key, lambda value: value is None)
    targets = set(_string_list(f"{path}.{key}", raw))
    if key == "equals":
        return lambda value: value in targets
    return lambda value: value not in targets


def _list_test(
    condition: object, path: str, targets_of: Callable[[str, object], list[str]]
) -> Test:
    """On a list of strings (option names, user ids, page ids)."""
    keys = ("contains", "does_not_contain", "is_empty", "is_not_empty")
    key, raw = _condition_key(condition, path, keys)
    if key in ("is_empty", "is_not_empty"):
        _require_true(f"{path}.{key}", raw)
        return _existence(key, lambda value: not value)
    targets = set(targets_of(f"{path}.{key}", raw))

    def contains(value: object) -> bool:
        return isinstance(value, list) and not targets.isdisjoint(value)

    if key == "contains":
        return contains
    return lambda value: not contains(value)


_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$"
)


def _uuid(path: str, value: object) -> str:
    if not isinstance(value, str) or not _UUID.match(value):
        raise _invalid(path, "should be a valid uuid", value)
    return _normalized_id(value)


def _person_targets(bot_id: str | None) -> Callable[[str, object], list[str]]:
    def targets(path: str, value: object) -> list[str]:
        if value == "me":
            return [_normalized_id(bot_id)] if bot_id else []
        if not isinstance(value, str) or not _UUID.match(value):
            raise _invalid(path, 'should be a valid uuid or `"me"`', value)
        return [_normalized_id(value)]

    return targets


def _files_test(condition: object, path: str) -> Test:
    """On a list of files: only emptiness can be asked."""
    key, raw = _condition_key(condition, path, ("is_empty", "is_not_empty"))
    _require_true(f"{path}.{key}", raw)
    return _existence(key, lambda value: not value)


_VERIFICATION_STATES = ("verified", "expired", "none")


def _verification_test(condition: object, path: str) -> Test:
    """On a verification state, 'none' standing for unverified or no value."""
    key, raw = _condition_key(condition, path, ("status", "does_not_equal"))
    if raw not in _VERIFICATION_STATES:
        raise _invalid(f"{path}.{key}", 'should be `"verified"`, `"expired"`, or `"none"`', raw)
    if key == "status":
        return lambda value: value == raw
    return lambda value: value != raw


# --------------------------------------------------------------------------------------------
# Dates

_RELATIVE_DAYS = {"today": 0, "tomorrow": 1, "yesterday": -1, "one_week_ago": -7,
                  "one_week_from_now": 7}  # fmt: skip
_RELATIVE_MONTHS = {"one_month_ago": -1, "one_month_from_now": 1}
_DATE_COMPARISONS = ("equals", "before", "after", "on_or_before", "on_or_after")
_DATE_PERIODS = ("this_week", "past_week", "past_month", "past_year", "next_week",
                 "next_month", "next_year")  # fmt: skip
_DATE_KEYS = (*_DATE_COMPARISONS, *_DATE_PERIODS, "is_empty", "is_not_empty")


def _target_moment(path: str, raw: object, today: date) -> _Moment:
    if isinstance(raw, str) and (raw in _RELATIVE_DAYS or raw in _RELATIVE_MONTHS):
        if raw in _RELATIVE_DAYS:
            day = today + timedelta(days=_RELATIVE_DAYS[raw])
        else:
            day = add_months(today, _RELATIVE_MONTHS[raw])
        return _Moment(datetime(day.year, day.month, day.day, tzinfo=UTC), date_only=True)
    refusal = _invalid(path, "should be a valid ISO 8601 date string or a relative date", raw)
    if not isinstance(raw, str):
        raise refusal
    try:
        return _parse_moment(raw)
    except ValueError:
        raise refusal from None


def _period(key: str, today: date) -> tuple[date, date]:
    if key == "this_week":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    spans = {
        "past_week": (today - timedelta(days=7), today),
        "past_month": (add_months(today, -1), today),
        "past_year": (add_months(today, -12), today),
        "next_week": (today, today + timedelta(days=7)),
        "next_month": (today, add_months(today, 1)),
        "next_year": (today, add_months(today, 12)),
    }
    return spans[key]


_ORDERINGS: dict[str, Callable[[int], bool]] = {
    "equals": lambda sign: sign == 0,
    "before": lambda sign: sign < 0,
    "after": lambda sign: sign > 0,
    "on_or_before": lambda sign: sign <= 0,
    "on_or_after": lambda sign: sign >= 0,
}


def _date_test(condition: object, path: str, now: datetime) -> Test:
    """On a _Moment, or None when empty."""
    key, raw = _condition_key(condition, path, _DATE_KEYS)
    today = now.astimezone(UTC).date()
    if key in ("is_empty", "is_not_empty"):
        _require_true(f"{path}.{key}", raw)
        return _existence(key, lambda value: value is None)
    if key in _DATE_PERIODS:
        if raw != {}:
            raise _invalid(f"{path}.{key}", "should be an empty object", raw)
        first, last = _period(key, today)
        return lambda value: isinstance(value, _Moment) and first <= value.day <= last
    target = _target_moment(f"{path}.{key}", raw, today)
    accept = _ORDERINGS[key]

    def test(value: object) -> bool:
        if not isinstance(value, _Moment):
            return False
        if target.date_only:
            a, b = value.day, target.day
            return accept((a > b) - (a < b))
        # Millisecond precision, as documented.
        delta = (value.instant - target.instant) // timedelta(milliseconds=1)
        return accept((delta > 0) - (delta < 0))

    return test


# --------------------------------------------------------------------------------------------
# Property filters: which condition keys fit which property types, and what they read


_TEXT_TYPES = frozenset({"title", "rich_text", "url", "email", "phone_number"})
_ACCEPTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(_TEXT_TYPES, _TEXT_TYPES),
    "number": frozenset({"number"}),
    "unique_id": frozenset({"unique_id"}),
    "checkbox": frozenset({"checkbox"}),
    "select": frozenset({"select"}),
    "status": frozenset({"status"}),
    "multi_select": frozenset({"multi_select"}),
    "date": frozenset({"date", "created_time", "last_edited_time"}),
    "created_time": frozenset({"created_time"}),
    "last_edited_time": frozenset({"last_edited_time"}),
    "people": frozenset({"people", "created_by", "last_edited_by"}),
    "created_by": frozenset({"created_by"}),
    "last_edited_by": frozenset({"last_edited_by"}),
    "relation": frozenset({"relation"}),
    "files": frozenset({"files"}),
    "formula": frozenset({"formula"}),
    "rollup": frozenset({"rollup"}),
    "verification": frozenset({"verification"}),
}
# The union Notion lists when a filter has no condition it knows (observed, in this order).
_FILTER_UNION = ("or", "and", "title", "rich_text", "number", "checkbox", "select",
                 "multi_select", "status", "date", "people", "files", "url", "email",
                 "phone_number", "relation", "created_by", "created_time", "last_edited_by",
                 "last_edited_time", "formula", "unique_id", "rollup")  # fmt: skip
# Notion names rich_text "text" in this message (observed); other types by their API name.
_INTERNAL_TYPE_NAMES = {"rich_text": "text"}


def _read(kind: str, payload: object) -> object:
    """The value a condition on a property of this type looks at."""
    if kind in _TEXT_TYPES:
        return plain_text(payload)
    if kind in ("number", "unique_id"):
        return _number(payload)
    if kind == "checkbox":
        return payload is True
    if kind in ("select", "status"):
        return _option_name(payload)
    if kind == "multi_select":
        return _option_names(payload)
    if kind in ("date", "created_time", "last_edited_time"):
        return _moment(payload)
    if kind in ("people", "created_by", "last_edited_by", "relation"):
        return _ids(payload)
    if kind == "files":
        return payload if isinstance(payload, list) else []
    if kind == "verification":
        state = payload.get("state") if isinstance(payload, Mapping) else None
        return state if state in ("verified", "expired") else "none"
    return payload


def _typed_test(key: str, condition: object, path: str, now: datetime, bot_id: str | None) -> Test:
    """The test for a condition object under one type key (rich_text, number, ...)."""
    if key in _TEXT_TYPES:
        return _text_test(condition, path)
    if key in ("number", "unique_id"):
        return _number_test(condition, path)
    if key == "checkbox":
        return _checkbox_test(condition, path)
    if key in ("select", "status"):
        return _select_test(condition, path)
    if key == "multi_select":
        return _list_test(condition, path, _string_list)
    if key in ("date", "created_time", "last_edited_time"):
        return _date_test(condition, path, now)
    if key in ("people", "created_by", "last_edited_by"):
        return _list_test(condition, path, _person_targets(bot_id))
    if key == "relation":
        return _list_test(condition, path, lambda p, v: [_uuid(p, v)])
    if key == "files":
        return _files_test(condition, path)
    return _verification_test(condition, path)


_FORMULA_KEYS = ("string", "checkbox", "number", "date")
_FORMULA_RESULTS = {"string": "string", "checkbox": "boolean", "number": "number", "date": "date"}
_FORMULA_READERS = {"string": "rich_text", "checkbox": "checkbox", "number": "number",
                    "date": "date"}  # fmt: skip


def _formula_test(condition: object, path: str, now: datetime) -> Test:
    """On a formula payload {"type": "string", "string": ...}."""
    key, inner = _condition_key(condition, path, _FORMULA_KEYS)
    reader = _FORMULA_READERS[key]
    test = _typed_test(reader, inner, f"{path}.{key}", now, None)
    result_type = _FORMULA_RESULTS[key]

    def check(payload: object) -> bool:
        value = None
        if isinstance(payload, Mapping) and payload.get("type") == result_type:
            value = payload.get(result_type)
        if reader == "checkbox":
            return test(value is True)
        return test(_read(reader, value))

    return check


_ROLLUP_KEYS = ("any", "every", "none", "number", "date")
_ROLLUP_ITEM_KEYS = ("rich_text", "number", "checkbox", "select", "multi_select", "relation",
                     "date", "people", "files", "status")  # fmt: skip


def _rollup_items(payload: object) -> list[object]:
    """A rollup's values as {"type": ..., <type>: ...} items (a number/date counts as one)."""
    if not isinstance(payload, Mapping):
        return []
    kind = payload.get("type")
    if kind == "array" and isinstance(payload.get("array"), list):
        return list(payload["array"])
    if kind in ("number", "date") and payload.get(kind) is not None:
        return [{"type": kind, kind: payload.get(kind)}]
    return []


def _rollup_test(condition: object, path: str, now: datetime, bot_id: str | None) -> Test:
    """On a rollup payload {"type": "array"|"number"|"date", ...}."""
    key, inner = _condition_key(condition, path, _ROLLUP_KEYS)
    if key in ("number", "date"):
        test = _typed_test(key, inner, f"{path}.{key}", now, bot_id)
        return lambda payload: test(
            _read(key, payload.get(key)) if isinstance(payload, Mapping) else None
        )
    item_key, item_condition = _condition_key(inner, f"{path}.{key}", _ROLLUP_ITEM_KEYS)
    item_test = _typed_test(item_key, item_condition, f"{path}.{key}.{item_key}", now, bot_id)

    def item_matches(item: object) -> bool:
        if not isinstance(item, Mapping):
            return False
        kind = str(item.get("type"))
        return item_test(_read(kind, item.get(kind)))

    if key == "any":
        return lambda payload: any(item_matches(i) for i in _rollup_items(payload))
    if key == "none":
        return lambda payload: not any(item_matches(i) for i in _rollup_items(payload))
    return lambda payload: (
        bool(items := _rollup_items(payload)) and all(item_matches(i) for i in items)
    )


def _condition_keys_of(filter_obj: Mapping[str, object]) -> list[str]:
    return [key for key in filter_obj if key in _ACCEPTS]


def _property_filter(filter_obj: Mapping[str, object], path: str, context: _Context) -> Predicate:
    keys = _condition_keys_of(filter_obj)
    if not keys:
        raise _fix_one(path, _FILTER_UNION)
    reference = filter_obj.get("property")
    if reference is None:
        raise _undefined(f"{path}.property")
    if not isinstance(reference, str):
        raise _invalid(f"{path}.property", "should be a string", reference)
    prop = _find_property(context.schema, reference)
    if prop is None:
        raise FilterError(f"Could not find property with name or id: {reference}")
    key = keys[0]
    if len(keys) > 1:
        raise _invalid(f"{path}.{keys[1]}", "should be not present", filter_obj[keys[1]])
    if prop.kind not in _ACCEPTS[key]:
        kind = _INTERNAL_TYPE_NAMES.get(prop.kind, prop.kind)
        raise FilterError(f"database property {kind} does not match filter {key}")
    test = _property_test(key, filter_obj[key], f"{path}.{key}", context.now, context.bot_id)
    if key == "formula" and prop.identifier in context.unfilterable_formulas:
        # Observed across API versions (ultimate-notion #297, n8n #30524): a formula created
        # through the API cannot be filtered on, whatever its result type.
        raise FilterError("Unable to filter based on a formula of unknown type")
    kind = prop.kind
    return lambda page: test(_read(kind, _payload(_page_value(page, prop))))


def _property_test(
    key: str, condition: object, path: str, now: datetime, bot_id: str | None
) -> Test:
    if key == "formula":
        return _formula_test(condition, path, now)
    if key == "rollup":
        return _rollup_test(condition, path, now, bot_id)
    return _typed_test(key, condition, path, now, bot_id)


# --------------------------------------------------------------------------------------------
# Compound and timestamp filters, the public entry points

_TIMESTAMPS = ("created_time", "last_edited_time")
_MAX_COMPOUND_DEPTH = 2  # Notion: "only up to two nesting levels deep"


@dataclass(frozen=True)
class _Context:
    """What compiling a filter needs besides the filter itself."""

    schema: Schema
    now: datetime
    bot_id: str | None
    unfilterable_formulas: Collection[str]


def _timestamp_filter(filter_obj: Mapping[str, object], path: str, now: datetime) -> Predicate:
    timestamp = filter_obj["timestamp"]
    if timestamp not in _TIMESTAMPS:
        raise _invalid(
            f"{path}.timestamp", 'should be `"created_time"` or `"last_edited_time"`', timestamp
        )
    assert isinstance(timestamp, str)
    if timestamp not in filter_obj:
        raise _undefined(f"{path}.{timestamp}")
    test = _date_test(filter_obj[timestamp], f"{path}.{timestamp}", now)
    return lambda page: test(_moment(page.get(timestamp)))


def _compound_filter(
    operator: str, items: object, path: str, depth: int, context: _Context
) -> Predicate:
    if depth >= _MAX_COMPOUND_DEPTH:
        raise _invalid(f"{path}.{operator}", "should be not present", items)
    if not isinstance(items, list):
        raise _invalid(f"{path}.{operator}", "should be an array", items)
    parts = [
        _compile(item, f"{path}.{operator}[{index}]", depth + 1, context)
        for index, item in enumerate(items)
    ]
    if not parts:
        return lambda page: True
    if operator == "and":
        return lambda page: all(part(page) for part in parts)
    return lambda page: any(part(page) for part in parts)


def _compile(filter_obj: object, path: str, depth: int, context: _Context) -> Predicate:
    if not isinstance(filter_obj, Mapping):
        raise _invalid(path, "should be an object", filter_obj)
    for operator in ("and", "or"):
        if operator in filter_obj:
            return _compound_filter(operator, filter_obj[operator], path, depth, context)
    if "timestamp" in filter_obj:
        return _timestamp_filter(filter_obj, path, context.now)
    return _property_filter(filter_obj, path, context)


def compile_filter(
    filter_obj: object,
    schema: Schema,
    *,
    now: datetime,
    bot_id: str | None = None,
    unfilterable_formulas: Collection[str] = frozenset(),
) -> Predicate:
    """Validate a query filter and return the predicate that applies it to one page."""
    anchored = now if now.tzinfo else now.replace(tzinfo=UTC)
    context = _Context(schema, anchored, bot_id, unfilterable_formulas)
    return _compile(filter_obj, "body.filter", 0, context)


def validate_filter(
    filter_obj: object, schema: Schema, *, unfilterable_formulas: Collection[str] = frozenset()
) -> None:
    """Raise :class:`FilterError` if Notion would refuse this filter."""
    compile_filter(
        filter_obj,
        schema,
        now=datetime(2000, 1, 1, tzinfo=UTC),
        unfilterable_formulas=unfilterable_formulas,
    )


def matches(
    filter_obj: object,
    page: Page,
    schema: Schema,
    *,
    now: datetime,
    bot_id: str | None = None,
    unfilterable_formulas: Collection[str] = frozenset(),
) -> bool:
    """Whether one page passes the filter (compile once with compile_filter for many pages)."""
    keep = compile_filter(
        filter_obj, schema, now=now, bot_id=bot_id, unfilterable_formulas=unfilterable_formulas
    )
    return keep(page)


# --------------------------------------------------------------------------------------------
# Sorts

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
        raise _invalid(path, "should be an object", entry)
    direction = entry.get("direction")
    if "property" in entry:
        reference = entry["property"]
        if not isinstance(reference, str):
            raise _invalid(f"{path}.property", "should be a string", reference)
        prop = _find_property(schema, reference)
        if prop is None:
            raise FilterError(f"Could not find sort property with name or id: {reference}")
        key = _property_sort_key(prop)
    elif "timestamp" in entry:
        timestamp = entry["timestamp"]
        if timestamp not in _TIMESTAMPS:
            raise _invalid(
                f"{path}.timestamp", 'should be `"created_time"` or `"last_edited_time"`', timestamp
            )
        key = _timestamp_sort_key(str(timestamp))
    else:
        raise _fix_one(path, ("property", "timestamp"))
    if direction is None:
        raise _undefined(f"{path}.direction")
    if direction not in _DIRECTIONS:
        raise _invalid(f"{path}.direction", 'should be `"ascending"` or `"descending"`', direction)
    return _Sort(key, direction == "descending")


def _parse_sorts(sorts: object, schema: Schema) -> list[_Sort]:
    if sorts is None:
        return []
    if not isinstance(sorts, list):
        raise _invalid("body.sorts", "should be an array", sorts)
    return [_sort_entry(entry, f"body.sorts[{i}]", schema) for i, entry in enumerate(sorts)]


def validate_sorts(sorts: object, schema: Schema) -> None:
    """Raise :class:`FilterError` if Notion would refuse these sorts."""
    _parse_sorts(sorts, schema)


def _instant_key(payload: object) -> float | None:
    moment = _moment(payload)
    return moment.instant.timestamp() if moment else None


def _timestamp_sort_key(timestamp: str) -> SortKey:
    return lambda page: _instant_key(page.get(timestamp))


def _option_ranks(prop: _Property) -> dict[str, int]:
    config = prop.config.get(prop.kind)
    options = config.get("options") if isinstance(config, Mapping) else None
    names = [o.get("name") for o in options or [] if isinstance(o, Mapping)]
    return {str(name): rank for rank, name in enumerate(names)}


def _text_key(text: str) -> tuple[str, str] | None:
    return (text.casefold(), text) if text else None


def _value_sort_key(kind: str, payload: object, ranks: Mapping[str, int]) -> _Comparable | None:
    """A comparable key for one value of a property type, None when the value is empty."""
    if kind in _TEXT_TYPES:
        return _text_key(plain_text(payload))
    if kind in ("number", "unique_id"):
        return _number(payload)
    if kind == "checkbox":
        return payload is True
    if kind in ("select", "status"):
        name = _option_name(payload)
        return None if name is None else (ranks.get(name, len(ranks)), name)
    if kind == "multi_select":
        names = _option_names(payload)
        return tuple((ranks.get(n, len(ranks)), n) for n in names) or None
    if kind in ("date", "created_time", "last_edited_time"):
        return _instant_key(payload)
    if kind in ("people", "created_by", "last_edited_by", "files"):
        items = payload if isinstance(payload, list) else [payload] if payload else []
        names = [str(i.get("name", "")).casefold() for i in items if isinstance(i, Mapping)]
        return tuple(names) or None
    if kind == "relation":
        return tuple(_ids(payload)) or None
    if kind in ("formula", "rollup"):
        return _computed_sort_key(payload)
    if kind == "verification":
        return str(_read(kind, payload))
    return None


_COMPUTED_RANKS = {"number": 0, "date": 1, "string": 2, "boolean": 3}


def _computed_sort_key(payload: object) -> _Comparable | None:
    """Formula and rollup results: numbers, dates, text, booleans, each ranked apart."""
    if not isinstance(payload, Mapping):
        return None
    kind = str(payload.get("type"))
    inner = payload.get(kind)
    if kind == "array" and isinstance(inner, list):
        texts = [plain_text(_payload(i)) if isinstance(i, Mapping) else "" for i in inner]
        return _text_key(",".join(texts))
    key: _Comparable | None
    if kind == "date":
        key = _instant_key(inner)
    elif kind == "string":
        key = _text_key(inner) if isinstance(inner, str) else None
    else:
        key = inner if isinstance(inner, bool | int | float) else None
    return None if key is None else (_COMPUTED_RANKS.get(kind, 4), key)


def _property_sort_key(prop: _Property) -> SortKey:
    ranks = _option_ranks(prop)
    return lambda page: _value_sort_key(prop.kind, _payload(_page_value(page, prop)), ranks)


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
