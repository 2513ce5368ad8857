"""Times and dates as Notion writes them, and the normalization Notion applies to date values.

Pages and data sources report times at minute precision (``2026-06-27T17:11:00.000Z``), databases
at millisecond precision with an offset (``2026-06-27T17:10:56.975+00:00``). A date value's
datetime is cut to the minute, shifted into its ``time_zone`` (which is then dropped) and written
with an explicit offset; a date without a time stays a date. Used by the value validators, the
store and the page renderer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "Clock",
    "date_or_datetime",
    "date_value_text",
    "minute_time",
    "normalize_datetime",
    "parse_instant",
    "precise_time",
    "system_clock",
    "zone",
]

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware (tests inject a fixed or stepping one)."""

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def system_clock() -> datetime:
    """The real current time in UTC."""
    return datetime.now(UTC)


def minute_time(moment: datetime) -> str:
    """A page or data source time: UTC, cut to the minute, ``.000Z``."""
    cut = moment.astimezone(UTC).replace(second=0, microsecond=0)
    return cut.strftime("%Y-%m-%dT%H:%M:00.000Z")


def precise_time(moment: datetime) -> str:
    """A database time: UTC with milliseconds and ``+00:00``."""
    exact = moment.astimezone(UTC)
    return exact.strftime("%Y-%m-%dT%H:%M:%S.") + f"{exact.microsecond // 1000:03d}+00:00"


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def date_or_datetime(text: str) -> date | datetime | None:
    """A date (no time) or a datetime (naive when the text has no offset); None if unreadable."""
    if _DATE_ONLY.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    if not re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", text):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def zone(name: str) -> tzinfo | None:
    """The IANA time zone of this name, or None when Notion would not know it either."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def normalize_datetime(moment: datetime, time_zone: tzinfo | None) -> str:
    """A datetime as a date value stores it: minute precision, shifted into time_zone, offset."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=time_zone or UTC)
    elif time_zone is not None:
        moment = moment.astimezone(time_zone)
    moment = moment.replace(second=0, microsecond=0)
    offset = moment.utcoffset() or timedelta(0)
    return moment.strftime("%Y-%m-%dT%H:%M:00.000") + _offset_text(offset)


def date_value_text(text: str, time_zone: tzinfo | None) -> str | None:
    """A date value's start or end as Notion stores it, or None if it is not ISO 8601."""
    value = date_or_datetime(text)
    if value is None:
        return None
    if isinstance(value, datetime):
        return normalize_datetime(value, time_zone)
    return value.isoformat()


def parse_instant(text: str) -> datetime | None:
    """An aware datetime for a stored date or time string (dates are midnight UTC)."""
    value = date_or_datetime(text)
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)
