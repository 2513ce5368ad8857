"""Dates at Notion's precision: the date codec and the instant canonicalisation others reuse.

Canonical forms (one exact format each, so equal meanings are equal strings):

- a date without time: ``"YYYY-MM-DD"``;
- a datetime: UTC, truncated to the minute, ``"YYYY-MM-DDTHH:MMZ"`` (``"2026-12-01T09:00Z"``);
- a date property value: ``None`` or ``{"start": <date or datetime>, "end": <same or None>}``.

Notion stores datetimes at minute precision and answers with an offset and ``time_zone: null``,
so ``2026-12-01T10:00:30+01:00`` written and read back is ``"2026-12-01T09:00Z"`` both ways. A
manifest ``time_zone`` (IANA name) places a naive datetime and is then dropped, as Notion does;
naive datetimes without one are UTC. Used by the date, verification, formula, rollup, timestamp
and rich-text (date mention) codecs.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Hashable, Mapping
from typing import ClassVar

from reconciler.model import JSON
from reconciler.properties.base import (
    UNREAD,
    PropertyCodec,
    References,
    SharingKey,
    Unread,
    ValueProblem,
)
from reconciler.properties.checks import check_mapping_keys, describe_kind, optional_str

__all__ = [
    "DateCodec",
    "canonical_instant",
    "date_from_manifest",
    "date_from_response",
    "date_to_request",
    "display_date",
    "instant_to_request",
]

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_KEYS = frozenset({"start", "end", "time_zone"})


def _zone(name: str | None, path: tuple[str | int, ...]) -> dt.tzinfo:
    if name is None:
        return dt.UTC
    # Imported by the first named time zone (~3 ms of start-up that most runs never need).
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueProblem(
            f"{name!r} is not a time zone",
            hint="use an IANA name such as Europe/Berlin, America/New_York or UTC",
            path=path,
        ) from error


def _minute_utc(moment: dt.datetime, zone: dt.tzinfo) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        utc = moment.astimezone(dt.UTC)
    except OverflowError:
        raise ValueProblem(
            f"{moment.isoformat()} falls outside the years 1 to 9999 in UTC",
            hint="write a date between 0001-01-01 and 9999-12-31 (in UTC)",
        ) from None
    return f"{utc.date().isoformat()}T{utc.hour:02d}:{utc.minute:02d}Z"


def canonical_instant(
    value: object, *, time_zone: str | None = None, path: tuple[str | int, ...] = ()
) -> str:
    """The canonical text of a date or datetime given as ISO text or a Python date/datetime."""
    zone = _zone(time_zone, ("time_zone",))
    if isinstance(value, dt.datetime):
        return _minute_utc(value, zone)
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueProblem(
            f"a date must be ISO text such as 2026-12-01 or 2026-12-01T09:00, "
            f"not {describe_kind(value)}",
            path=path,
        )
    text = value.strip()
    try:
        if _DATE_ONLY.match(text):
            return dt.date.fromisoformat(text).isoformat()
        return _minute_utc(dt.datetime.fromisoformat(text), zone)
    except ValueError as error:
        raise ValueProblem(
            f"{value!r} is not an ISO date or datetime",
            hint="write 2026-12-01, 2026-12-01T09:00 or 2026-12-01T09:00+02:00",
            path=path,
        ) from error


def instant_to_request(canonical: str) -> str:
    """The text Notion is sent for a canonical instant (datetimes with seconds and ``Z``)."""
    if canonical.endswith("Z"):
        return canonical[:-1] + ":00Z"
    return canonical


def date_from_manifest(value: object) -> JSON:
    """Canonical date value from ISO text, a YAML date/datetime or ``{start, end, time_zone}``."""
    if value is None or value == "":
        return None
    if not isinstance(value, Mapping):
        return {"start": canonical_instant(value), "end": None}
    check_mapping_keys(value, "a date", _DATE_KEYS, required=frozenset({"start"}))
    zone = optional_str(value.get("time_zone"), "the time zone", path=("time_zone",))
    _zone(zone, ("time_zone",))
    start = canonical_instant(value["start"], time_zone=zone, path=("start",))
    end_value = value.get("end")
    end = None
    if end_value is not None and end_value != "":
        end = canonical_instant(end_value, time_zone=zone, path=("end",))
        if len(end) == len(start) and end < start:
            raise ValueProblem(
                f"the date ends ({end}) before it starts ({start})",
                hint="swap start and end",
                path=("end",),
            )
    return {"start": start, "end": end}


def date_from_response(body: object) -> JSON:
    """Canonical date value from Notion's ``{start, end, time_zone}`` (or null)."""
    if not isinstance(body, Mapping) or not isinstance(body.get("start"), str):
        return None
    zone = body.get("time_zone") if isinstance(body.get("time_zone"), str) else None
    start = _answered_instant(body["start"], zone)
    end_text = body.get("end")
    end = _answered_instant(end_text, zone) if isinstance(end_text, str) else None
    return {"start": start, "end": end}


@functools.lru_cache(maxsize=4096)
def _answered_instant(text: str, zone: str | None) -> str:
    """``canonical_instant`` of a date Notion answered, each text parsed once: the pages of a
    read repeat a few hundred days (a pure function of its text and zone; a text it refuses
    is refused each time, exceptions are not kept)."""
    return canonical_instant(text, time_zone=zone)


def date_to_request(value: JSON) -> JSON:
    """The ``{start, end?}`` Notion is sent for a canonical date value (None clears it).

    Notion replaces the whole date, so leaving ``end`` out clears an end it held.
    """
    if not isinstance(value, dict) or not isinstance(value.get("start"), str):
        return None
    payload: dict[str, JSON] = {"start": instant_to_request(str(value["start"]))}
    end = value.get("end")
    if isinstance(end, str):
        payload["end"] = instant_to_request(end)
    return payload


def display_date(value: JSON) -> str:
    """``2026-12-01`` or ``2026-12-01T09:00Z → 2026-12-01T11:00Z``."""
    if not isinstance(value, dict) or not isinstance(value.get("start"), str):
        return ""
    end = value.get("end")
    return f"{value['start']} → {end}" if isinstance(end, str) else str(value["start"])


def _date_as_sent(prop: Mapping[str, JSON]) -> Hashable | Unread:
    """A date's start, end and time zone as Notion sent them (None for no date): all that
    ``date_from_response`` reads."""
    body = prop.get("date")
    if body is None:
        return None
    if type(body) is dict:
        return (body.get("start"), body.get("end"), body.get("time_zone"))
    return UNREAD


class DateCodec(PropertyCodec):
    """date: a day or a minute, optionally with an end."""

    type_name = "date"
    repeating: ClassVar[bool] = True

    def from_manifest(self, value: object, config: Mapping[str, JSON]) -> JSON:
        return date_from_manifest(value)

    def to_request(self, value: JSON, config: Mapping[str, JSON], refs: References) -> JSON:
        return date_to_request(value)

    def from_response(self, prop: Mapping[str, JSON], config: Mapping[str, JSON]) -> JSON:
        return date_from_response(prop.get("date"))

    def sharing_key(self) -> SharingKey:
        return _date_as_sent

    def display(self, value: JSON, refs: References | None = None) -> str:
        return display_date(value)
