"""``clock_offset_s``: the emulator's clock runs that far ahead, for everything time-based."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from reconciler.emulator import Emulator
from reconciler.emulator.control import ConfigError
from tests.conftest import INTEGRATION, ROOT_PAGE_ID, TOKEN, in_process_client
from tests.emulator.conftest import create_database, text

NOON = datetime(2026, 7, 1, 12, 0, 30, tzinfo=UTC)


@pytest.fixture
def fixed() -> Iterator[Emulator]:
    """An emulator whose clock stands at 2026-07-01 12:00:30 UTC."""
    emu = Emulator(
        store=":memory:", tokens={TOKEN: INTEGRATION}, rate_limit=None, clock=lambda: NOON
    )
    emu.reset()
    yield emu
    emu.close()


def test_pages_are_created_and_edited_at_the_shifted_time(fixed: Emulator) -> None:
    """created_time and last_edited_time come from the clock moved ahead (minute precision)."""
    notion = in_process_client(fixed)
    created = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={})
    fixed.configure({"clock_offset_s": 5400})
    edited = notion.pages.update(page_id=created["id"], properties={"title": text("Later")})
    assert (created["created_time"], edited["last_edited_time"]) == (
        "2026-07-01T12:00:00.000Z",
        "2026-07-01T13:30:00.000Z",
    )


def test_relative_date_filters_use_the_shifted_today(fixed: Emulator) -> None:
    """A filter's `today` is the emulator's: three weeks ahead, a date once ahead is past."""
    notion = in_process_client(fixed)
    _, source = create_database(notion, "Tasks", {"Name": {"title": {}}, "Due": {"date": {}}})
    notion.pages.create(
        parent={"data_source_id": source},
        properties={"Name": {"title": text("Ship")}, "Due": {"date": {"start": "2026-07-10"}}},
    )
    upcoming = {"property": "Due", "date": {"on_or_after": "today"}}
    before = notion.data_sources.query(data_source_id=source, filter=upcoming)["results"]
    fixed.configure({"clock_offset_s": 21 * 86400})
    after = notion.data_sources.query(data_source_id=source, filter=upcoming)["results"]
    assert (len(before), len(after)) == (1, 0)


def test_the_offset_can_be_set_back_and_is_shown(fixed: Emulator) -> None:
    """The config shows the offset; 0 puts the clock back."""
    assert fixed.configure({"clock_offset_s": 600})["clock_offset_s"] == 600.0
    assert fixed.now() == NOON.replace(minute=10)
    fixed.configure({"clock_offset_s": 0})
    assert fixed.now() == NOON


@pytest.mark.parametrize("value", ["600", True, None, float("inf")])
def test_an_offset_that_is_not_a_number_of_seconds_is_refused(fixed: Emulator, value: Any) -> None:
    """The admin API answers 400 saying what it takes."""
    with pytest.raises(ConfigError, match="clock_offset_s must be a number of seconds"):
        fixed.configure({"clock_offset_s": value})
