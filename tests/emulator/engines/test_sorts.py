"""Query ordering: sorts by property and timestamp, empties last, Notion's default order."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.emulator.sorting import sort_pages
from tests.emulator.engines import values as v
from tests.emulator.engines.querying import SCHEMA, page


def order(pages: list[dict[str, Any]], *sorts: dict[str, str]) -> list[str]:
    """The titles of the pages in query order; pages are given in creation order."""
    ordered: list[Any] = sort_pages(pages, list(sorts), SCHEMA)
    return [p["properties"]["Name"]["title"][0]["plain_text"] for p in ordered]


def by(prop: str, direction: str = "ascending") -> dict[str, str]:
    return {"property": prop, "direction": direction}


def test_without_sorts_the_newest_page_comes_first():
    """Observed in every unsorted recorded query: created_time descending."""
    pages = [
        page("monday", created="2026-06-22T09:00:00.000Z"),
        page("friday", created="2026-06-26T09:00:00.000Z"),
        page("tuesday", created="2026-06-23T09:00:00.000Z"),
    ]

    expected = ["friday", "tuesday", "monday"]

    assert expected == order(pages)


def test_pages_created_in_the_same_minute_come_newest_first():
    """created_time has minute precision; Notion still returns the last created first."""
    pages = [page("first"), page("second"), page("third")]

    expected = ["third", "second", "first"]

    assert expected == order(pages)


PRICES = [page("cheap", Price=v.number(5)), page("none"), page("dear", Price=v.number(80)),
          page("middle", Price=v.number(42.5))]  # fmt: skip


@pytest.mark.parametrize(
    ("direction", "expected"),
    [("ascending", ["cheap", "middle", "dear", "none"]),
     ("descending", ["dear", "middle", "cheap", "none"])],
)  # fmt: skip
def test_number_sort_puts_empty_values_last_in_both_directions(direction: str, expected: list[str]):
    """Empty values go last whether ascending or descending."""
    assert expected == order(PRICES, by("Price", direction))


def test_text_sort_ignores_case():
    """Titles sort alphabetically regardless of case; an empty title goes last."""
    pages = [page("banana"), page("Apple"), page("cherry"), page("apricot")]

    expected = ["Apple", "apricot", "banana", "cherry"]

    assert expected == order(pages, by("Name"))


@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        (
            "ascending",
            ["Article 1", "article 4", "Article 10", "Article 16b", "Article 16c", "Batch"],
        ),
        (
            "descending",
            ["Batch", "Article 16c", "Article 16b", "Article 10", "article 4", "Article 1"],
        ),
    ],
)
def test_text_sort_compares_runs_of_digits_as_numbers(direction: str, expected: list[str]):
    """Notion collates numerically (observed: "Article 1", "Article 4", "Article 10" ascending),
    case still ignored."""
    titles = ["Article 10", "Batch", "Article 16c", "article 4", "Article 1", "Article 16b"]

    assert expected == order([page(t) for t in titles], by("Name", direction))


def test_empty_title_sorts_last():
    """A page without a title sorts after every titled page."""
    pages = [page("zebra"), {**page("untitled"), "id": "x"}]
    pages[1]["properties"]["Notes"] = v.text("", property_id="txt")
    pages[0]["properties"]["Notes"] = v.text("z", property_id="txt")

    expected = ["zebra", "untitled"]

    assert expected == order(pages, by("Notes"))


def test_select_sorts_by_option_order_not_alphabetically():
    """Select options sort in the order the schema lists them: Backlog, Doing, Done."""
    pages = [page("done", Stage=v.select("Done")), page("backlog", Stage=v.select("Backlog")),
             page("none"), page("doing", Stage=v.select("Doing"))]  # fmt: skip

    expected = ["backlog", "doing", "done", "none"]

    assert expected == order(pages, by("Stage"))


def test_status_sorts_by_option_order():
    """Status options sort in schema order too (Not started before In progress before Done)."""
    pages = [page("done", Status=v.status("Done")), page("new", Status=v.status("Not started")),
             page("busy", Status=v.status("In progress"))]  # fmt: skip

    expected = ["done", "busy", "new"]

    assert expected == order(pages, by("Status", "descending"))


def test_multi_select_sorts_by_its_options_in_schema_order():
    """A multi_select sorts by its first option's rank, then the next ones."""
    pages = [page("green", Tags=v.multi_select("Green")),
             page("red-green", Tags=v.multi_select("Red", "Green")),
             page("red", Tags=v.multi_select("Red")), page("none")]  # fmt: skip

    expected = ["red", "red-green", "green", "none"]

    assert expected == order(pages, by("Tags"))


def test_checkbox_sorts_unticked_first_when_ascending():
    """false before true ascending; a checkbox is never empty."""
    pages = [page("ticked", Done=v.checkbox(True)), page("clear")]

    expected = ["clear", "ticked"]

    assert expected == order(pages, by("Done"))


def test_date_sort_compares_instants_across_offsets():
    """Dates sort by their instant: 09:30+02:00 is before 08:00Z."""
    pages = [page("utc", Due=v.date("2026-06-27T08:00:00.000Z")),
             page("paris", Due=v.date("2026-06-27T09:30:00.000+02:00")),
             page("day", Due=v.date("2026-06-26")), page("none")]  # fmt: skip

    expected = ["day", "paris", "utc", "none"]

    assert expected == order(pages, by("Due"))


def test_people_sort_by_name():
    """People sort by the users' names."""
    pages = [page("bot", Owners=v.people(v.BOT)), page("ada", Owners=v.people(v.ADA)), page("none")]

    expected = ["ada", "bot", "none"]

    assert expected == order(pages, by("Owners"))


def test_formula_sort_uses_the_result():
    """A formula sorts by its result; a null result is empty."""
    pages = [page("nine", Score=v.formula("number", 9)), page("null"),
             page("one", Score=v.formula("number", 1))]  # fmt: skip

    expected = ["nine", "one", "null"]

    assert expected == order(pages, by("Score", "descending"))


def test_rollup_sort_uses_the_number():
    """A number rollup sorts by its number."""
    pages = [
        page("big", Total=v.rollup("number", 72, "sum")),
        page("small", Total=v.rollup("number", 2, "sum")),
    ]

    expected = ["small", "big"]

    assert expected == order(pages, by("Total"))


def test_unique_id_sort_uses_the_number():
    """unique_id sorts by its number."""
    pages = [
        page("ten", Ticket=v.unique_id(10, "TASK")),
        page("two", Ticket=v.unique_id(2, "TASK")),
    ]

    expected = ["two", "ten"]

    assert expected == order(pages, by("Ticket"))


def test_earlier_sorts_win_and_later_ones_break_ties():
    """Observed: Due ascending then Task ascending/descending orders same-day pages by title."""
    pages = [page("Task 1", Due=v.date("2024-01-01")), page("Task 2", Due=v.date("2024-01-02")),
             page("Task 3", Due=v.date("2024-01-01"))]  # fmt: skip

    actual = (
        order(pages, by("Due"), by("Name")),
        order(pages, by("Due"), by("Name", "descending")),
    )

    expected = (["Task 1", "Task 3", "Task 2"], ["Task 3", "Task 1", "Task 2"])

    assert expected == actual


def test_ties_keep_the_default_order():
    """Equal sort keys keep newest first."""
    pages = [page("old", Price=v.number(1)), page("new", Price=v.number(1))]

    expected = ["new", "old"]

    assert expected == order(pages, by("Price"))


def test_timestamp_sort_on_created_time_ascending():
    """{"timestamp": "created_time", "direction": "ascending"}: oldest first (the window walk)."""
    pages = [page("b", created="2026-06-27T10:01:00.000Z"),
             page("a", created="2026-06-27T10:00:00.000Z"),
             page("c", created="2026-06-27T10:02:00.000Z")]  # fmt: skip

    expected = ["a", "b", "c"]

    assert expected == order(pages, {"timestamp": "created_time", "direction": "ascending"})


def test_timestamp_sort_on_last_edited_time_descending():
    """last_edited_time descending puts the latest edit first."""
    pages = [
        page("stale", edited="2026-06-01T10:00:00.000Z"),
        page("fresh", edited="2026-06-27T10:00:00.000Z"),
    ]

    expected = ["fresh", "stale"]
    latest_first = {"timestamp": "last_edited_time", "direction": "descending"}

    assert expected == order(pages, latest_first)


def test_sort_property_may_be_named_by_its_id():
    """A sort's property takes the URL-encoded id too."""
    expected = ["dear", "middle", "cheap", "none"]

    assert expected == order(PRICES, by("%5Di%3BB", "descending"))
