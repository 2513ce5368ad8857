"""Formula values: the date model, what ``prop()`` yields, conversions, operators and date text.

A value is ``bool | int | float | str | DateValue | tuple[Value, ...] | None`` (None: empty).
:func:`property_value` reads one API-shaped page property value; :func:`binary` applies an
operator the way Notion does (JavaScript's rules where Notion follows them). Used by the
function table (:mod:`.functions`) and the evaluator (:mod:`.evaluation`); ``plain_text``,
``parse_instant`` and ``add_months`` are shared with the emulator's filters, sorts and rollups
through the package's facade.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TypeAlias, TypeVar

from reconciler.emulator.formula.errors import FormulaError

__all__ = [
    "DateValue",
    "Value",
    "add_months",
    "arithmetic",
    "as_date",
    "as_list",
    "as_number",
    "as_text",
    "binary",
    "clean_number",
    "comparable",
    "equal",
    "format_date",
    "is_empty",
    "is_number",
    "number_text",
    "parse_date",
    "parse_instant",
    "plain_text",
    "property_value",
    "text_argument",
    "truthy",
    "type_name",
]

# --------------------------------------------------------------------------------------------
# The date model and what prop() yields (plain_text and parse_instant are shared with the
# filters, sorts and rollups)

_Day = TypeVar("_Day", bound=date)


@dataclass(frozen=True)
class DateValue:
    """A date or date-time (aware), optionally a range; ``has_time`` false for date-only."""

    start: datetime
    end: datetime | None = None
    has_time: bool = True

    def payload(self) -> dict[str, object]:
        """The API's ``{"start", "end", "time_zone"}`` object for this value."""
        end = _date_text(self.end, self.has_time) if self.end is not None else None
        return {"start": _date_text(self.start, self.has_time), "end": end, "time_zone": None}


Value: TypeAlias = "bool | int | float | str | DateValue | tuple[Value, ...] | None"


def _date_text(moment: datetime, has_time: bool) -> str:
    if not has_time:
        return moment.date().isoformat()
    return moment.isoformat(timespec="milliseconds")


def parse_instant(text: str) -> datetime:
    """An aware datetime from an ISO date or date-time; a date or a missing offset means UTC."""
    if len(text) == 10:
        day = date.fromisoformat(text)
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_date(text: str) -> DateValue:
    """An ISO date (``2024-11-25``) or date-time (``...T14:08:00.000+00:00``, ``...Z``)."""
    return DateValue(parse_instant(text), has_time=len(text) != 10)


def _date_object(payload: object) -> DateValue | None:
    if not isinstance(payload, Mapping) or not isinstance(payload.get("start"), str):
        return None
    start = parse_date(payload["start"])
    end_text = payload.get("end")
    if isinstance(end_text, str):
        return replace(start, end=parse_date(end_text).start)
    return start


def plain_text(items: object) -> str:
    """The plain text of a rich text array (a plain string is returned as it is)."""
    if isinstance(items, str):
        return items
    if not isinstance(items, list):
        return ""
    parts = []
    for item in items:
        if isinstance(item, Mapping):
            text = item.get("plain_text")
            if not isinstance(text, str):
                content = item.get("text")
                text = content.get("content", "") if isinstance(content, Mapping) else ""
            parts.append(text if isinstance(text, str) else "")
    return "".join(parts)


def _user_name(user: object) -> str:
    if isinstance(user, Mapping):
        name = user.get("name")
        return name if isinstance(name, str) else str(user.get("id", ""))
    return ""


def property_value(value: Mapping[str, object]) -> Value:
    """What ``prop()`` yields for one API-shaped page property value."""
    kind = value.get("type")
    payload = value.get(kind) if isinstance(kind, str) else None
    match kind:
        case "title" | "rich_text":
            return plain_text(payload)
        case "number":
            return payload if isinstance(payload, int | float) else None
        case "checkbox":
            return bool(payload)
        case "select" | "status":
            return str(payload.get("name", "")) if isinstance(payload, Mapping) else ""
        case "multi_select":
            items = payload if isinstance(payload, list) else []
            return tuple(str(o.get("name", "")) for o in items if isinstance(o, Mapping))
        case "date":
            return _date_object(payload)
        case "created_time" | "last_edited_time":
            return parse_date(payload) if isinstance(payload, str) else None
        case "people":
            return tuple(_user_name(u) for u in payload) if isinstance(payload, list) else ()
        case "created_by" | "last_edited_by":
            return _user_name(payload)
        case "relation":
            items = payload if isinstance(payload, list) else []
            return tuple(str(r.get("id", "")) for r in items if isinstance(r, Mapping))
        case "files":
            items = payload if isinstance(payload, list) else []
            return tuple(str(f.get("name", "")) for f in items if isinstance(f, Mapping))
        case "url" | "email" | "phone_number":
            return payload if isinstance(payload, str) else ""
        case "unique_id":
            return _unique_id_value(payload)
        case "formula":
            return _formula_payload_value(payload)
        case "rollup":
            return _rollup_payload_value(payload)
        case "verification":
            return str(payload.get("state", "")) if isinstance(payload, Mapping) else ""
        case _:
            return None


def _unique_id_value(payload: object) -> Value:
    if not isinstance(payload, Mapping) or not isinstance(payload.get("number"), int):
        return None
    prefix = payload.get("prefix")
    number = payload["number"]
    return f"{prefix}-{number}" if prefix else number


def _formula_payload_value(payload: object) -> Value:
    if not isinstance(payload, Mapping):
        return None
    kind = payload.get("type")
    inner = payload.get(kind) if isinstance(kind, str) else None
    if kind == "date":
        return _date_object(inner)
    if isinstance(inner, bool | int | float | str):
        return inner
    return None


def _rollup_payload_value(payload: object) -> Value:
    if not isinstance(payload, Mapping):
        return None
    kind = payload.get("type")
    if kind == "number":
        number = payload.get("number")
        return number if isinstance(number, int | float) else None
    if kind == "date":
        return _date_object(payload.get("date"))
    if kind == "array" and isinstance(payload.get("array"), list):
        return tuple(property_value(item) for item in payload["array"] if isinstance(item, Mapping))
    return None


def number_text(value: float) -> str:
    """A number as formulas print it: integers without a decimal point."""
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


# --------------------------------------------------------------------------------------------
# Conversions shared by operators and functions


def is_number(value: Value) -> bool:
    """Whether a value is a number (booleans are not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_number(value: Value, what: str) -> float:
    """A value as a number operand (empty counts as 0); ``what`` names the operation."""
    if value is None:
        return 0
    if is_number(value):
        assert isinstance(value, int | float)
        return value
    raise FormulaError(f"{what} expects a number, got {type_name(value)}")


def clean_number(value: float) -> int | float | None:
    """A result number as the API carries it: None for NaN and infinities, whole floats as ints."""
    if math.isnan(value) or math.isinf(value):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def type_name(value: Value) -> str:
    """The formula type of a value, for error messages."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, DateValue):
        return "date"
    return "list"


def as_text(value: Value) -> str:
    """A value as text, the way Notion shows it in a string result."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        cleaned = clean_number(value)
        return "" if cleaned is None else number_text(cleaned)
    if isinstance(value, DateValue):
        return _format_date_value(value)
    if isinstance(value, tuple):
        return ",".join(as_text(item) for item in value)
    return value


def _format_date_value(value: DateValue) -> str:
    pattern = "MMMM D, YYYY h:mm A" if value.has_time else "MMMM D, YYYY"
    text = format_date(value.start, pattern)
    if value.end is not None:
        text += " → " + format_date(value.end, pattern)
    return text


def truthy(value: Value) -> bool:
    """Whether a value counts as true in a condition."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str | tuple):
        return len(value) > 0
    return True


def is_empty(value: Value) -> bool:
    """What ``empty()`` says of a value (0, empty text and empty lists are empty)."""
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == 0
    if isinstance(value, str | tuple):
        return len(value) == 0
    return False


def as_date(value: Value, what: str) -> DateValue:
    """A value that must be a date; ``what`` names the operation in the refusal."""
    if isinstance(value, DateValue):
        return value
    raise FormulaError(f"{what} expects a date, got {type_name(value)}")


def text_argument(value: Value, what: str) -> str:
    """A value that must be text (empty counts as ``""``)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    raise FormulaError(f"{what} expects text, got {type_name(value)}")


def as_list(value: Value) -> tuple[Value, ...]:
    """A value as a list (empty is the empty list, a single value a list of one)."""
    if isinstance(value, tuple):
        return value
    return () if value is None else (value,)


# --------------------------------------------------------------------------------------------
# Operators


def _add(left: Value, right: Value) -> Value:
    if isinstance(left, str) or isinstance(right, str):
        return as_text(left) + as_text(right)
    if isinstance(left, tuple) or isinstance(right, tuple):
        return as_list(left) + as_list(right)
    return clean_number(as_number(left, "+") + as_number(right, "+"))


def arithmetic(operator: str, left: Value, right: Value) -> Value:
    """``-``, ``*``, ``/``, ``%`` or ``^`` on two numbers (division by zero is empty)."""
    a = as_number(left, operator)
    b = as_number(right, operator)
    if operator == "-":
        return clean_number(a - b)
    if operator == "*":
        return clean_number(a * b)
    if operator == "^":
        try:
            return clean_number(float(a) ** b)
        except (OverflowError, ZeroDivisionError, ValueError):
            return None
    if b == 0:
        return None  # JavaScript gives Infinity/NaN, which the API cannot carry
    if operator == "/":
        return clean_number(a / b)
    return clean_number(math.fmod(a, b))  # JavaScript's %: the sign of the dividend


def comparable(value: Value) -> object:
    """What a value is compared by (a date by its start instant)."""
    if isinstance(value, DateValue):
        return value.start.timestamp()
    return value


def equal(left: Value, right: Value) -> bool:
    """``==`` between two values (an empty value equals only empty values)."""
    if left is None or right is None:
        # An empty value equals only another empty value or empty text/list.
        other = right if left is None else left
        return other is None or (isinstance(other, str | tuple) and len(other) == 0)
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    return comparable(left) == comparable(right)


_ORDERINGS: dict[str, Callable[[object, object], bool]] = {
    "<": lambda a, b: a < b,  # type: ignore[operator]
    ">": lambda a, b: a > b,  # type: ignore[operator]
    "<=": lambda a, b: a <= b,  # type: ignore[operator]
    ">=": lambda a, b: a >= b,  # type: ignore[operator]
}


def _order(operator: str, left: Value, right: Value) -> bool:
    if is_number(left) or is_number(right):
        return _ORDERINGS[operator](as_number(left, operator), as_number(right, operator))
    if left is None or right is None:
        return False
    a, b = comparable(left), comparable(right)
    if type(a) is not type(b) or isinstance(a, tuple):
        raise FormulaError(f"cannot compare {type_name(left)} with {type_name(right)}")
    return _ORDERINGS[operator](a, b)


def binary(operator: str, left: Value, right: Value) -> Value:
    """A binary operator applied to two evaluated operands."""
    if operator == "+":
        return _add(left, right)
    if operator in ("-", "*", "/", "%", "^"):
        return arithmetic(operator, left, right)
    if operator == "==":
        return equal(left, right)
    if operator == "!=":
        return not equal(left, right)
    return _order(operator, left, right)


# --------------------------------------------------------------------------------------------
# Dates: month arithmetic and Moment.js-style formatting


def add_months(day: _Day, months: int) -> _Day:
    """A date or datetime moved by whole months, the day clamped to the month's last day."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    last_day = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return day.replace(year=year, month=month, day=min(day.day, last_day))


_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DATE_TOKENS = re.compile(
    r"\[[^\]]*\]|YYYY|YY|Y|Q|MMMM|MMM|MM|Mo|M|DDDD|DDD|Do|DD|D|dddd|ddd|dd|d|E|WW|W|"
    r"HH|H|hh|h|mm|m|ss|s|SSS|A|a|X|x|ZZ|Z"
)


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def _date_token(moment: datetime, token: str) -> str:
    hour12 = moment.hour % 12 or 12
    offset = moment.strftime("%z") or "+0000"
    table: dict[str, Callable[[], str]] = {
        "YYYY": lambda: f"{moment.year:04d}",
        "YY": lambda: f"{moment.year % 100:02d}",
        "Y": lambda: str(moment.year),
        "Q": lambda: str((moment.month - 1) // 3 + 1),
        "MMMM": lambda: _MONTH_NAMES[moment.month - 1],
        "MMM": lambda: _MONTH_NAMES[moment.month - 1][:3],
        "MM": lambda: f"{moment.month:02d}",
        "Mo": lambda: _ordinal(moment.month),
        "M": lambda: str(moment.month),
        "DDDD": lambda: f"{moment.timetuple().tm_yday:03d}",
        "DDD": lambda: str(moment.timetuple().tm_yday),
        "Do": lambda: _ordinal(moment.day),
        "DD": lambda: f"{moment.day:02d}",
        "D": lambda: str(moment.day),
        "dddd": lambda: _DAY_NAMES[moment.weekday()],
        "ddd": lambda: _DAY_NAMES[moment.weekday()][:3],
        "dd": lambda: _DAY_NAMES[moment.weekday()][:2],
        "d": lambda: str(moment.isoweekday() % 7),
        "E": lambda: str(moment.isoweekday()),
        "WW": lambda: f"{moment.isocalendar().week:02d}",
        "W": lambda: str(moment.isocalendar().week),
        "HH": lambda: f"{moment.hour:02d}",
        "H": lambda: str(moment.hour),
        "hh": lambda: f"{hour12:02d}",
        "h": lambda: str(hour12),
        "mm": lambda: f"{moment.minute:02d}",
        "m": lambda: str(moment.minute),
        "ss": lambda: f"{moment.second:02d}",
        "s": lambda: str(moment.second),
        "SSS": lambda: f"{moment.microsecond // 1000:03d}",
        "A": lambda: "AM" if moment.hour < 12 else "PM",
        "a": lambda: "am" if moment.hour < 12 else "pm",
        "X": lambda: str(int(moment.timestamp())),
        "x": lambda: str(int(moment.timestamp() * 1000)),
        "ZZ": lambda: offset,
        "Z": lambda: f"{offset[:3]}:{offset[3:]}",
    }
    if token.startswith("["):
        return token[1:-1]
    return table[token]()


def format_date(moment: datetime, pattern: str) -> str:
    """A datetime formatted with Moment.js tokens (``MMMM D, YYYY``)."""
    return _DATE_TOKENS.sub(lambda match: _date_token(moment, match.group(0)), pattern)
