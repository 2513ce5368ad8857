"""The function table of Notion formulas: each function's arity, result type and implementation.

:data:`FUNCTIONS` maps a function name to its :class:`Signature`; the parser (:mod:`.syntax`)
checks arities against it, the evaluator (:mod:`.evaluation`) calls the implementations and reads
the result types. Functions in :data:`LAZY` (``if``, ``ifs``, ``and``, ``or``, ``empty``, ``now``,
``today``) have no implementation here: the evaluator runs them, since they read their arguments
lazily or need the clock. Date arithmetic, regular expressions and text sizes are bounded here.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from reconciler.emulator.formula.errors import FormulaError
from reconciler.emulator.formula.values import (
    DateValue,
    Value,
    add_months,
    arithmetic,
    as_date,
    as_list,
    as_number,
    as_text,
    binary,
    clean_number,
    comparable,
    equal,
    format_date,
    is_number,
    parse_date,
    text_argument,
    type_name,
)

__all__ = ["FUNCTIONS", "LAZY", "Signature"]


# --------------------------------------------------------------------------------------------
# Dates

_UNITS = {
    "year": "years",
    "years": "years",
    "quarter": "quarters",
    "quarters": "quarters",
    "month": "months",
    "months": "months",
    "week": "weeks",
    "weeks": "weeks",
    "day": "days",
    "days": "days",
    "hour": "hours",
    "hours": "hours",
    "minute": "minutes",
    "minutes": "minutes",
    "second": "seconds",
    "seconds": "seconds",
    "millisecond": "milliseconds",
    "milliseconds": "milliseconds",
}
_FIXED_UNITS = {
    "weeks": timedelta(weeks=1),
    "days": timedelta(days=1),
    "hours": timedelta(hours=1),
    "minutes": timedelta(minutes=1),
    "seconds": timedelta(seconds=1),
    "milliseconds": timedelta(milliseconds=1),
}


def _unit(value: Value) -> str:
    unit = _UNITS.get(text_argument(value, "a date unit"))
    if unit is None:
        raise FormulaError(f"unknown date unit {as_text(value)!r}")
    return unit


def _shift(moment: datetime, amount: float, unit: str) -> datetime:
    if unit in _FIXED_UNITS:
        return moment + _FIXED_UNITS[unit] * amount
    months = int(amount) * (12 if unit == "years" else 3 if unit == "quarters" else 1)
    return add_months(moment, months)


def _date_add(value: Value, amount: Value, unit: Value, sign: int) -> Value:
    if value is None:
        return None
    moment = as_date(value, "dateAdd")
    step = sign * as_number(amount, "dateAdd")
    kind = _unit(unit)
    end = _shift(moment.end, step, kind) if moment.end is not None else None
    return replace(moment, start=_shift(moment.start, step, kind), end=end)


def _months_between(later: datetime, earlier: datetime) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    # Moment.js counts only whole months: the day and time of day must have been reached.
    if months > 0 and add_months(earlier, months) > later:
        months -= 1
    elif months < 0 and add_months(earlier, months) < later:
        months += 1
    return months


def _date_between(first: Value, second: Value, unit: Value) -> Value:
    if first is None or second is None:
        return None
    a = as_date(first, "dateBetween").start.astimezone(UTC)
    b = as_date(second, "dateBetween").start.astimezone(UTC)
    kind = _unit(unit)
    if kind in _FIXED_UNITS:
        return int((a - b) / _FIXED_UNITS[kind])
    months = _months_between(a, b)
    divisor = 12 if kind == "years" else 3 if kind == "quarters" else 1
    return int(months / divisor)


def _date_part(value: Value, part: Callable[[datetime], int], what: str) -> Value:
    if value is None:
        return None
    return part(as_date(value, what).start)


def _from_timestamp(value: Value) -> Value:
    if value is None:
        return None
    milliseconds = as_number(value, "fromTimestamp")
    try:
        return DateValue(datetime.fromtimestamp(milliseconds / 1000, tz=UTC))
    except (OverflowError, OSError, ValueError):
        return None


def _parse_date_text(value: Value) -> Value:
    text = text_argument(value, "parseDate")
    try:
        return parse_date(text)
    except ValueError:
        return None


def _date_range(start: Value, end: Value) -> Value:
    if start is None:
        return None
    first = as_date(start, "dateRange")
    last = as_date(end, "dateRange") if end is not None else None
    return replace(first, end=last.start if last else None)


def _date_start(value: Value) -> Value:
    return None if value is None else replace(as_date(value, "dateStart"), end=None)


def _date_end(value: Value) -> Value:
    if value is None:
        return None
    moment = as_date(value, "dateEnd")
    return replace(moment, start=moment.end or moment.start, end=None)


# --------------------------------------------------------------------------------------------
# Functions


@dataclass(frozen=True)
class Signature:
    """A function's arity (minimum, maximum or None), result type and implementation."""

    arity: tuple[int, int | None]
    # number, string, boolean, date, list; "branches": the type of the branches (if, ifs) or of
    # the first argument (slice); "element": the type of the items of the list argument (at).
    result: str
    implementation: Callable[..., Value] | None = None  # None: evaluated lazily (if, ifs, ...)


_MAX_TEXT = 100_000  # no formula result needs more; repeat() and padStart() could ask for GBs


def _numbers(values: Sequence[Value]) -> list[float]:
    items = (item for value in values for item in as_list(value))
    return [as_number(item, "a number function") for item in items if item is not None]


def _round(value: Value, places: Value = 0) -> Value:
    if value is None:
        return None
    factor = 10 ** max(-15, min(15, int(as_number(places, "round"))))
    return clean_number(math.floor(as_number(value, "round") * factor + 0.5) / factor)


def _unary_math(function: Callable[[float], float], what: str) -> Callable[[Value], Value]:
    def apply(value: Value) -> Value:
        if value is None:
            return None
        try:
            return clean_number(function(as_number(value, what)))
        except (ValueError, OverflowError):
            return None

    return apply


def _extreme(pick: Callable[[list[float]], float]) -> Callable[..., Value]:
    def apply(*values: Value) -> Value:
        numbers = _numbers(values)
        return clean_number(pick(numbers)) if numbers else None

    return apply


def _to_number(value: Value) -> Value:
    if value is None or is_number(value):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, DateValue):
        return int(value.start.timestamp() * 1000)
    if isinstance(value, str):
        match = re.match(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", value)
        return clean_number(float(match.group(0))) if match else None
    return None


def _regex(pattern: Value) -> re.Pattern[str]:
    try:
        return re.compile(as_text(pattern))
    except re.error as error:
        raise FormulaError(f"invalid regular expression {as_text(pattern)!r}: {error}") from None


def _replace(text: Value, pattern: Value, replacement: Value, count: int) -> Value:
    return _regex(pattern).sub(
        as_text(replacement).replace("\\", "\\\\"), as_text(text), count=count
    )


def _contains(haystack: Value, needle: Value) -> Value:
    if isinstance(haystack, tuple):
        return any(equal(item, needle) for item in haystack)
    return as_text(needle) in as_text(haystack)


def _length(value: Value) -> Value:
    if isinstance(value, tuple):
        return len(value)
    return len(as_text(value))


def _concat(*values: Value) -> Value:
    if values and all(isinstance(v, tuple) for v in values):
        return tuple(item for v in values for item in as_list(v))
    return "".join(as_text(v) for v in values)


def _join(first: Value, *rest: Value) -> Value:
    if isinstance(first, tuple):  # 2.0: join(list, separator)
        separator = as_text(rest[0]) if rest else ","
        return separator.join(as_text(item) for item in first)
    return as_text(first).join(as_text(v) for v in rest)  # 1.0: join(separator, values...)


def _slice(value: Value, start: Value, end: Value = None) -> Value:
    first = int(as_number(start, "slice"))
    last = int(as_number(end, "slice")) if end is not None else None
    if isinstance(value, tuple):
        return value[first:last]
    return as_text(value)[first:last]


def _at(value: Value, index: Value) -> Value:
    items = as_list(value)
    position = int(as_number(index, "at"))
    return items[position] if -len(items) <= position < len(items) else None


def _unique(value: Value) -> Value:
    seen: list[Value] = []
    for item in as_list(value):
        if not any(equal(item, other) for other in seen):
            seen.append(item)
    return tuple(seen)


def _sort_key(item: Value) -> tuple[str, float | str]:
    if item is None or isinstance(item, tuple):
        return (type_name(item), as_text(item))
    key = comparable(item)
    return (type_name(item), key if isinstance(key, str | int | float) else as_text(item))


def _sort(value: Value) -> Value:
    return tuple(sorted(as_list(value), key=_sort_key))


def _split(text: Value, separator: Value = ",") -> Value:
    parts = as_text(text).split(as_text(separator)) if as_text(separator) else list(as_text(text))
    return tuple(parts)


def _size(value: Value, what: str) -> int:
    size = int(as_number(value, what))
    if size > _MAX_TEXT:
        raise FormulaError(f"{what} would make text longer than {_MAX_TEXT} characters")
    return size


def _repeat(value: Value, count: Value) -> Value:
    text = as_text(value)
    times = _size(count, "repeat")
    if len(text) * times > _MAX_TEXT:
        raise FormulaError(f"repeat would make text longer than {_MAX_TEXT} characters")
    return text * times


def _pad(value: Value, length: Value, filler: Value, at_start: bool) -> Value:
    text = as_text(value)
    width = _size(length, "pad")
    fill = as_text(filler) or " "
    missing = max(0, width - len(text))
    padding = (fill * (missing // len(fill) + 1))[:missing]
    return padding + text if at_start else text + padding


def _median(*values: Value) -> Value:
    numbers = _numbers(values)
    return clean_number(statistics.median(numbers)) if numbers else None


def _mean(*values: Value) -> Value:
    numbers = _numbers(values)
    return clean_number(statistics.fmean(numbers)) if numbers else None


def _sign(value: Value) -> Value:
    if value is None:
        return None
    number = as_number(value, "sign")
    return (number > 0) - (number < 0)


def _text_function(function: Callable[[str], str]) -> Callable[[Value], Value]:
    return lambda value: function(as_text(value))


def _operator_function(operator: str) -> Callable[[Value, Value], Value]:
    return lambda left, right: binary(operator, left, right)


LAZY = {"if", "ifs", "and", "or", "empty", "now", "today"}
FUNCTIONS: dict[str, Signature] = {
    # logic
    "if": Signature((3, 3), "branches"),
    "ifs": Signature((3, None), "branches"),
    "and": Signature((1, None), "boolean"),
    "or": Signature((1, None), "boolean"),
    "empty": Signature((1, 1), "boolean"),
    "equal": Signature((2, 2), "boolean", _operator_function("==")),
    "unequal": Signature((2, 2), "boolean", _operator_function("!=")),
    "larger": Signature((2, 2), "boolean", _operator_function(">")),
    "largerEq": Signature((2, 2), "boolean", _operator_function(">=")),
    "smaller": Signature((2, 2), "boolean", _operator_function("<")),
    "smallerEq": Signature((2, 2), "boolean", _operator_function("<=")),
    # numbers
    "add": Signature((2, 2), "number", _operator_function("+")),
    "subtract": Signature((2, 2), "number", _operator_function("-")),
    "multiply": Signature((2, 2), "number", _operator_function("*")),
    "divide": Signature((2, 2), "number", _operator_function("/")),
    "mod": Signature((2, 2), "number", _operator_function("%")),
    "pow": Signature((2, 2), "number", _operator_function("^")),
    "unaryMinus": Signature((1, 1), "number", lambda v: arithmetic("-", 0, v)),
    "unaryPlus": Signature((1, 1), "number", _to_number),
    "round": Signature((1, 2), "number", _round),
    "floor": Signature((1, 1), "number", _unary_math(math.floor, "floor")),
    "ceil": Signature((1, 1), "number", _unary_math(math.ceil, "ceil")),
    "abs": Signature((1, 1), "number", _unary_math(abs, "abs")),
    "sqrt": Signature((1, 1), "number", _unary_math(math.sqrt, "sqrt")),
    "cbrt": Signature(
        (1, 1), "number", _unary_math(lambda x: math.copysign(abs(x) ** (1 / 3), x), "cbrt")
    ),
    "exp": Signature((1, 1), "number", _unary_math(math.exp, "exp")),
    "ln": Signature((1, 1), "number", _unary_math(math.log, "ln")),
    "log10": Signature((1, 1), "number", _unary_math(math.log10, "log10")),
    "log2": Signature((1, 1), "number", _unary_math(math.log2, "log2")),
    "sign": Signature((1, 1), "number", _sign),
    "pi": Signature((0, 0), "number", lambda: math.pi),
    "e": Signature((0, 0), "number", lambda: math.e),
    "min": Signature((1, None), "number", _extreme(min)),
    "max": Signature((1, None), "number", _extreme(max)),
    "sum": Signature((1, None), "number", lambda *v: clean_number(math.fsum(_numbers(v)))),
    "mean": Signature((1, None), "number", _mean),
    "median": Signature((1, None), "number", _median),
    "toNumber": Signature((1, 1), "number", _to_number),
    # text
    "concat": Signature((1, None), "string", _concat),
    "join": Signature((1, None), "string", _join),
    "length": Signature((1, 1), "number", _length),
    "lower": Signature((1, 1), "string", _text_function(str.lower)),
    "upper": Signature((1, 1), "string", _text_function(str.upper)),
    "trim": Signature((1, 1), "string", _text_function(str.strip)),
    "format": Signature((1, 1), "string", as_text),
    "contains": Signature((2, 2), "boolean", _contains),
    "includes": Signature((2, 2), "boolean", _contains),
    "test": Signature((2, 2), "boolean", lambda t, p: _regex(p).search(as_text(t)) is not None),
    "match": Signature((2, 2), "list", lambda t, p: tuple(_regex(p).findall(as_text(t)))),
    "replace": Signature((3, 3), "string", lambda t, p, r: _replace(t, p, r, 1)),
    "replaceAll": Signature((3, 3), "string", lambda t, p, r: _replace(t, p, r, 0)),
    "slice": Signature((2, 3), "branches", _slice),
    "substring": Signature((2, 3), "string", _slice),
    "split": Signature((1, 2), "list", _split),
    "repeat": Signature((2, 2), "string", _repeat),
    "padStart": Signature((2, 3), "string", lambda v, n, f=" ": _pad(v, n, f, True)),
    "padEnd": Signature((2, 3), "string", lambda v, n, f=" ": _pad(v, n, f, False)),
    "style": Signature((1, None), "string", lambda t, *_: as_text(t)),
    "unstyle": Signature((1, 2), "string", lambda t, *_: as_text(t)),
    "link": Signature((2, 2), "string", lambda t, _url: as_text(t)),
    # lists
    "at": Signature((2, 2), "element", _at),
    "first": Signature((1, 1), "element", lambda v: _at(v, 0)),
    "last": Signature((1, 1), "element", lambda v: _at(v, -1)),
    "reverse": Signature((1, 1), "list", lambda v: tuple(reversed(as_list(v)))),
    "sort": Signature((1, 1), "list", _sort),
    "unique": Signature((1, 1), "list", _unique),
    "flat": Signature((1, 1), "list", lambda v: tuple(i for x in as_list(v) for i in as_list(x))),
    # dates
    "now": Signature((0, 0), "date"),
    "today": Signature((0, 0), "date"),
    "dateAdd": Signature((3, 3), "date", lambda d, n, u: _date_add(d, n, u, 1)),
    "dateSubtract": Signature((3, 3), "date", lambda d, n, u: _date_add(d, n, u, -1)),
    "dateBetween": Signature((3, 3), "number", _date_between),
    "dateRange": Signature((2, 2), "date", _date_range),
    "dateStart": Signature((1, 1), "date", _date_start),
    "start": Signature((1, 1), "date", _date_start),
    "dateEnd": Signature((1, 1), "date", _date_end),
    "end": Signature((1, 1), "date", _date_end),
    "formatDate": Signature(
        (2, 3),
        "string",
        lambda d, p, *_: (
            None if d is None else format_date(as_date(d, "formatDate").start, as_text(p))
        ),
    ),
    "parseDate": Signature((1, 1), "date", _parse_date_text),
    "fromTimestamp": Signature((1, 1), "date", _from_timestamp),
    "timestamp": Signature(
        (1, 1),
        "number",
        lambda d: None if d is None else int(as_date(d, "timestamp").start.timestamp() * 1000),
    ),
    "year": Signature((1, 1), "number", lambda d: _date_part(d, lambda m: m.year, "year")),
    "month": Signature((1, 1), "number", lambda d: _date_part(d, lambda m: m.month, "month")),
    "week": Signature(
        (1, 1), "number", lambda d: _date_part(d, lambda m: m.isocalendar().week, "week")
    ),
    "date": Signature((1, 1), "number", lambda d: _date_part(d, lambda m: m.day, "date")),
    "day": Signature((1, 1), "number", lambda d: _date_part(d, lambda m: m.isoweekday(), "day")),
    "hour": Signature((1, 1), "number", lambda d: _date_part(d, lambda m: m.hour, "hour")),
    "minute": Signature((1, 1), "number", lambda d: _date_part(d, lambda m: m.minute, "minute")),
}
