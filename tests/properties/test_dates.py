"""Dates: minute precision in UTC, time zones applied then dropped, date-only kept as a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from reconciler.properties import ValueProblem, WorkspaceReferences, codec_for

DATE = codec_for("date")
REFS = WorkspaceReferences()


def _answer(start: str, end: str | None = None) -> dict[str, Any]:
    """A date property as Notion returns it."""
    return {"type": "date", "date": {"start": start, "end": end, "time_zone": None}}


def test_a_date_only_value_stays_a_day() -> None:
    """2026-12-01 is the day, with no end."""
    expected = {"start": "2026-12-01", "end": None}
    assert expected == DATE.from_manifest("2026-12-01", {})
    assert expected == DATE.from_response(_answer("2026-12-01"), {})


def test_yaml_date_objects_are_accepted() -> None:
    """PyYAML turns 2026-12-01 into datetime.date and a timestamp into datetime."""
    expected = [
        {"start": "2026-12-01", "end": None},
        {"start": "2026-12-01T09:00Z", "end": None},
    ]
    moment = dt.datetime(2026, 12, 1, 10, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert expected == [
        DATE.from_manifest(dt.date(2026, 12, 1), {}),
        DATE.from_manifest(moment, {}),
    ]


def test_seconds_and_offsets_normalise_to_the_utc_minute() -> None:
    """10:00:30+01:00 written and read back as 10:00+01:00 is one value: no change."""
    written = DATE.from_manifest("2026-12-01T10:00:30+01:00", {})
    read = DATE.from_response(_answer("2026-12-01T10:00:00.000+01:00"), {})
    expected = {"start": "2026-12-01T09:00Z", "end": None}
    assert expected == written
    assert expected == read


def test_a_naive_datetime_is_utc() -> None:
    """Without an offset or time_zone a datetime is read as UTC."""
    expected = {"start": "2026-12-01T09:00Z", "end": None}
    assert expected == DATE.from_manifest("2026-12-01T09:00", {})


def test_a_time_zone_places_a_naive_datetime_and_is_dropped() -> None:
    """09:00 in Europe/Berlin (winter, +01:00) is 08:00Z; Notion drops time_zone too."""
    value = {"start": "2026-12-01T09:00", "end": "2026-12-01T17:30", "time_zone": "Europe/Berlin"}
    expected = {"start": "2026-12-01T08:00Z", "end": "2026-12-01T16:30Z"}
    assert expected == DATE.from_manifest(value, {})


def test_the_recorded_time_zone_normalisation_holds() -> None:
    """Recorded: 17:57:32.42 Europe/London (BST) came back as 17:57+01:00."""
    sent = DATE.from_manifest(
        {"start": "2026-06-27T17:57:32.424991", "time_zone": "Europe/London"}, {}
    )
    answered = DATE.from_response(_answer("2026-06-27T17:57:00.000+01:00"), {})
    assert sent == answered


def test_a_range_keeps_its_end() -> None:
    """Start and end are both canonical."""
    expected = {"start": "2026-12-01", "end": "2026-12-03"}
    assert expected == DATE.from_manifest({"start": "2026-12-01", "end": "2026-12-03"}, {})


def test_requests_send_datetimes_with_seconds_and_z() -> None:
    """The canonical minute goes out as an ISO datetime Notion accepts; no end, no end key."""
    expected = [{"start": "2026-12-01T09:00:00Z"}, {"start": "2026-12-01", "end": "2026-12-02"}]
    actual = [
        DATE.to_request({"start": "2026-12-01T09:00Z", "end": None}, {}, REFS),
        DATE.to_request({"start": "2026-12-01", "end": "2026-12-02"}, {}, REFS),
    ]
    assert expected == actual


def test_empty_dates_are_none_and_clear_with_null() -> None:
    """null and "" are no date; sending None clears the property."""
    assert DATE.from_manifest("", {}) is None
    assert DATE.to_request(None, {}, REFS) is None
    assert DATE.from_response({"type": "date", "date": None}, {}) is None


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ("1 December 2026", ()),
        (20261201, ()),
        ({"start": "2026-12-01", "time_zone": "Mars/Olympus"}, ("time_zone",)),
        ({"start": "2026-12-03", "end": "2026-12-01"}, ("end",)),
        ({"end": "2026-12-01"}, ()),
        ({"start": "2026-12-01", "until": "2026-12-02"}, ("until",)),
        ({"start": "2026-13-01"}, ("start",)),
    ],
)
def test_bad_dates_are_value_problems_at_the_right_place(
    value: object, path: tuple[object, ...]
) -> None:
    """Prose, numbers, unknown zones, reversed ranges, missing start and unknown keys."""
    with pytest.raises(ValueProblem) as caught:
        DATE.from_manifest(value, {})
    assert path == caught.value.path


def test_display_shows_a_range_with_an_arrow() -> None:
    """A range reads start → end."""
    expected = "2026-12-01 → 2026-12-03"
    assert expected == DATE.display({"start": "2026-12-01", "end": "2026-12-03"})


@pytest.mark.parametrize("value", ["9999-12-31T23:59:00-05:00", "0001-01-01T00:30+01:00"])
def test_a_datetime_past_the_calendar_in_utc_is_a_clear_problem(value: str) -> None:
    """Year 9999 west of UTC (or year 1 east of it) cannot be put in UTC: a ValueProblem with a
    hint, not an OverflowError."""
    with pytest.raises(ValueProblem, match="falls outside the years 1 to 9999 in UTC") as caught:
        DATE.from_manifest(value, {})
    assert caught.value.hint


def test_a_date_notion_answers_is_read_alike_each_time_and_refused_each_time() -> None:
    """Dates Notion answered are parsed once per text and zone: the same text reads the same
    every time, and a text that is no date is refused every time, not only the first."""
    codec = codec_for("date")
    answer: dict[str, Any] = {
        "type": "date",
        "date": {"start": "2026-04-05T09:00:00.000+02:00", "end": None},
    }
    assert codec.from_response(answer, {}) == codec.from_response(answer, {})
    assert codec.from_response(answer, {}) == {"start": "2026-04-05T07:00Z", "end": None}
    for _ in range(2):
        with pytest.raises(ValueProblem, match="not an ISO date"):
            codec.from_response({"type": "date", "date": {"start": "someday"}}, {})
