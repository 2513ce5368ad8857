"""Query filters for the emulator: validate them as Notion does, apply them to pages.

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

:class:`FilterError` messages copy Notion's validation_error wording: "Could not find property
with name or id: X", "database property text does not match filter number", "body failed
validation. Fix one:\\n..." when no known condition is given, "body failed validation:
body.filter.and[0].or[0].and should be not present, instead was `[...]`." past the two levels
of compound nesting Notion allows.

Matching rules (observed in the recordings unless marked as a choice):
- any text condition key (title, rich_text, url, email, phone_number) works on any text-like
  property; contains/does_not_contain/starts_with/ends_with ignore case; equals is exact
  (a choice: the recordings cannot tell); does_not_equal and does_not_contain match empty values.
- number, select, status, multi_select: does_not_equal/does_not_contain match empty values;
  the ordering comparisons never do. A list in select equals means "any of" (a choice).
- dates: a date-only condition compares calendar days (UTC); a date-time compares instants cut
  to the minute on both sides, a missing offset meaning UTC (observed: ``equals``,
  ``on_or_before`` and ``on_or_after`` ``...T18:01:15.377+01:00`` match the page set to that
  instant, which Notion keeps as ``...T18:01:00.000+01:00``; ``before`` and ``after`` do not);
  a page's date range compares by its start. Relative values are days from ``now``;
  ``this_week`` is the ISO week (Monday first, a choice); past_*/next_* include today.
- rollup ``every`` is false for an empty rollup, ``none`` true, ``any`` false.
- an empty ``and`` or ``or`` list matches every page (a choice).
- a created_time/last_edited_time property also takes a ``date`` condition, a created_by
  property a ``people`` condition; other keys must match the property's type.
- a property missing from a page's ``properties`` is empty (so a caller may load only the
  properties the filter and sorts read).

Sorts live in :mod:`reconciler.emulator.sorting`; what both read of pages and schemas, and
:class:`FilterError`, in :mod:`reconciler.emulator.page_reading`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from reconciler.emulator.formula import add_months, plain_text
from reconciler.emulator.page_reading import (
    TEXT_TYPES,
    TIMESTAMPS,
    FilterError,
    Moment,
    Page,
    Schema,
    fix_one,
    invalid,
    moment_of,
    normalized_id,
    number_of,
    option_name,
    option_names,
    page_value,
    parse_moment,
    payload_of,
    related_ids,
    schema_property,
    undefined,
    verification_state,
)

__all__ = [
    "FilterError",
    "compile_filter",
    "matches",
    "validate_filter",
]

Predicate = Callable[[Page], bool]
Test = Callable[[object], bool]  # a condition applied to one extracted value


# --------------------------------------------------------------------------------------------
# Conditions: validate one condition object, return a test on an extracted value


def _condition_key(condition: object, path: str, keys: Sequence[str]) -> tuple[str, object]:
    if not isinstance(condition, Mapping):
        raise invalid(path, "should be an object", condition)
    present = [key for key in condition if key in keys]
    if not present:
        raise fix_one(path, keys)
    extra = [key for key in condition if key != present[0]]
    if extra:
        raise invalid(f"{path}.{extra[0]}", "should be not present", condition[extra[0]])
    return present[0], condition[present[0]]


def _require_true(path: str, value: object) -> None:
    if value is not True:
        raise invalid(path, "should be `true`", value)


def _require_string(path: str, value: object) -> str:
    if not isinstance(value, str):
        raise invalid(path, "should be a string", value)
    return value


def _require_number(path: str, value: object) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise invalid(path, "should be a number", value)
    return value


def _string_list(path: str, value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise invalid(path, "should be a string or an array of strings", value)


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
        raise invalid(f"{path}.{key}", "should be a boolean", raw)
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
        raise invalid(path, "should be a valid uuid", value)
    return normalized_id(value)


def _person_targets(bot_id: str | None) -> Callable[[str, object], list[str]]:
    def targets(path: str, value: object) -> list[str]:
        if value == "me":
            return [normalized_id(bot_id)] if bot_id else []
        if not isinstance(value, str) or not _UUID.match(value):
            raise invalid(path, 'should be a valid uuid or `"me"`', value)
        return [normalized_id(value)]

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
        raise invalid(f"{path}.{key}", 'should be `"verified"`, `"expired"`, or `"none"`', raw)
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


def _target_moment(path: str, raw: object, today: date) -> Moment:
    if isinstance(raw, str) and (raw in _RELATIVE_DAYS or raw in _RELATIVE_MONTHS):
        if raw in _RELATIVE_DAYS:
            day = today + timedelta(days=_RELATIVE_DAYS[raw])
        else:
            day = add_months(today, _RELATIVE_MONTHS[raw])
        return Moment(datetime(day.year, day.month, day.day, tzinfo=UTC), date_only=True)
    refusal = invalid(path, "should be a valid ISO 8601 date string or a relative date", raw)
    if not isinstance(raw, str):
        raise refusal
    try:
        return parse_moment(raw)
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


def _to_minute(instant: datetime) -> datetime:
    return instant.replace(second=0, microsecond=0)


_ORDERINGS: dict[str, Callable[[int], bool]] = {
    "equals": lambda sign: sign == 0,
    "before": lambda sign: sign < 0,
    "after": lambda sign: sign > 0,
    "on_or_before": lambda sign: sign <= 0,
    "on_or_after": lambda sign: sign >= 0,
}


def _date_test(condition: object, path: str, now: datetime) -> Test:
    """On a Moment, or None when empty."""
    key, raw = _condition_key(condition, path, _DATE_KEYS)
    today = now.astimezone(UTC).date()
    if key in ("is_empty", "is_not_empty"):
        _require_true(f"{path}.{key}", raw)
        return _existence(key, lambda value: value is None)
    if key in _DATE_PERIODS:
        if raw != {}:
            raise invalid(f"{path}.{key}", "should be an empty object", raw)
        first, last = _period(key, today)
        return lambda value: isinstance(value, Moment) and first <= value.day <= last
    target = _target_moment(f"{path}.{key}", raw, today)
    accept = _ORDERINGS[key]

    wanted = _to_minute(target.instant)

    def test(value: object) -> bool:
        if not isinstance(value, Moment):
            return False
        if target.date_only:
            a, b = value.day, target.day
            return accept((a > b) - (a < b))
        # Notion keeps date-times to the minute and compares them so: `equals` with
        # 17:11:43.123 matches the page set to that instant (which shows 17:11:00.000).
        moment = _to_minute(value.instant)
        return accept((moment > wanted) - (moment < wanted))

    return test


# --------------------------------------------------------------------------------------------
# Property filters: which condition keys fit which property types, and what they read


_ACCEPTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(TEXT_TYPES, TEXT_TYPES),
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
    if kind in TEXT_TYPES:
        return plain_text(payload)
    if kind in ("number", "unique_id"):
        return number_of(payload)
    if kind == "checkbox":
        return payload is True
    if kind in ("select", "status"):
        return option_name(payload)
    if kind == "multi_select":
        return option_names(payload)
    if kind in ("date", "created_time", "last_edited_time"):
        return moment_of(payload)
    if kind in ("people", "created_by", "last_edited_by", "relation"):
        return related_ids(payload)
    if kind == "files":
        return payload if isinstance(payload, list) else []
    if kind == "verification":
        return verification_state(payload)
    return payload


def _typed_test(key: str, condition: object, path: str, now: datetime, bot_id: str | None) -> Test:
    """The test for a condition object under one type key (rich_text, number, ...)."""
    if key in TEXT_TYPES:
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
        raise fix_one(path, _FILTER_UNION)
    reference = filter_obj.get("property")
    if reference is None:
        raise undefined(f"{path}.property")
    if not isinstance(reference, str):
        raise invalid(f"{path}.property", "should be a string", reference)
    prop = schema_property(context.schema, reference)
    if prop is None:
        raise FilterError(f"Could not find property with name or id: {reference}")
    key = keys[0]
    if len(keys) > 1:
        raise invalid(f"{path}.{keys[1]}", "should be not present", filter_obj[keys[1]])
    if prop.kind not in _ACCEPTS[key]:
        kind = _INTERNAL_TYPE_NAMES.get(prop.kind, prop.kind)
        raise FilterError(f"database property {kind} does not match filter {key}")
    test = _property_test(key, filter_obj[key], f"{path}.{key}", context.now, context.bot_id)
    if key == "formula" and prop.identifier in context.unfilterable_formulas:
        # Observed across API versions (ultimate-notion #297, n8n #30524): a formula created
        # through the API cannot be filtered on, whatever its result type.
        raise FilterError("Unable to filter based on a formula of unknown type")
    kind = prop.kind
    return lambda page: test(_read(kind, payload_of(page_value(page, prop))))


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
    if timestamp not in TIMESTAMPS:
        raise invalid(
            f"{path}.timestamp", 'should be `"created_time"` or `"last_edited_time"`', timestamp
        )
    assert isinstance(timestamp, str)
    if timestamp not in filter_obj:
        raise undefined(f"{path}.{timestamp}")
    test = _date_test(filter_obj[timestamp], f"{path}.{timestamp}", now)
    return lambda page: test(moment_of(page.get(timestamp)))


def _compound_filter(
    operator: str, items: object, path: str, depth: int, context: _Context
) -> Predicate:
    if depth >= _MAX_COMPOUND_DEPTH:
        raise invalid(f"{path}.{operator}", "should be not present", items)
    if not isinstance(items, list):
        raise invalid(f"{path}.{operator}", "should be an array", items)
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
        raise invalid(path, "should be an object", filter_obj)
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
