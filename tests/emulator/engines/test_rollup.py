"""Rollup values: every function of Notion, in the shapes the API returns."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.emulator.rollup import ROLLUP_FUNCTIONS, RollupError, compute
from tests.emulator.engines import values as v

PRICES = [v.number(42), v.number(72), v.number(None), v.number(12)]
DONE = [v.checkbox(True), v.checkbox(False), v.checkbox(True), v.checkbox(True)]
TITLES = [v.title("Item 1"), v.title(""), v.title("Item 2"), v.title("Item 1")]
TAGS = [v.multi_select("Red", "Blue"), v.multi_select(), v.multi_select("Blue", "Green")]
DUES = [
    v.date("2024-11-25T14:08:00.000+00:00"),
    v.date("1981-11-23T07:02:00.000+00:00"),
    v.date(None),
    v.date("2025-01-01", "2025-01-05"),
]


def number(function: str, values, target_type: str) -> object:
    payload = compute(function, values, target_type=target_type)
    assert payload["type"] == "number"
    return payload["number"]


def test_every_notion_function_is_known():
    """The 24 functions of notion-api.md section 2, no more, no less."""
    expected = {
        "count", "count_values", "empty", "not_empty", "unique", "show_unique",
        "percent_empty", "percent_not_empty", "sum", "average", "median", "min", "max",
        "range", "earliest_date", "latest_date", "date_range", "checked", "unchecked",
        "percent_checked", "percent_unchecked", "count_per_group", "percent_per_group",
        "show_original",
    }  # fmt: skip

    assert expected == ROLLUP_FUNCTIONS


def test_count_counts_every_related_page():
    """count is the number of related pages, empty values included (observed: 2 relations, 2)."""
    assert number("count", TITLES, "title") == 4


def test_count_of_no_pages_is_zero():
    """count with no related pages is 0, a number (observed)."""
    expected = {"type": "number", "number": 0, "function": "count"}

    assert expected == compute("count", [], target_type="title")


def test_count_values_counts_each_item_of_a_list():
    """count_values counts the options of multi_select values, not the pages."""
    assert number("count_values", TAGS, "multi_select") == 4


def test_count_values_skips_empty_scalars():
    """count_values over numbers counts the non-empty ones."""
    assert number("count_values", PRICES, "number") == 3


def test_empty_and_not_empty_count_pages():
    """empty and not_empty count pages whose value is empty or not (empty title is empty)."""
    expected = (1, 3)

    assert expected == (number("empty", TITLES, "title"), number("not_empty", TITLES, "title"))


def test_percentages_of_empty_are_fractions():
    """percent_empty/percent_not_empty are fractions of the related pages (0.25, not 25)."""
    expected = (0.25, 0.75)

    actual = (
        number("percent_empty", PRICES, "number"),
        number("percent_not_empty", PRICES, "number"),
    )

    assert expected == actual


def test_percentages_of_no_pages_are_zero():
    """A percentage over no related pages is 0, never a division error."""
    assert number("percent_checked", [], "checkbox") == 0


def test_unique_counts_distinct_values():
    """unique counts distinct non-empty values: two distinct titles among four pages."""
    assert number("unique", TITLES, "title") == 2


def test_unique_counts_distinct_options_across_multi_select_values():
    """unique over multi_select counts distinct options: Red, Blue, Green."""
    assert number("unique", TAGS, "multi_select") == 3


def test_show_unique_lists_each_distinct_value_once():
    """show_unique gives the first occurrence of each distinct value, without ids."""
    expected = [
        {"type": "title", "title": v.rich_text("Item 1")},
        {"type": "title", "title": v.rich_text("Item 2")},
    ]

    assert expected == compute("show_unique", TITLES, target_type="title")["array"]


def test_show_unique_splits_lists_into_one_item_values():
    """show_unique over multi_select gives one value per distinct option."""
    expected = ["Red", "Blue", "Green"]
    payload: dict[str, Any] = compute("show_unique", TAGS, target_type="multi_select")

    assert expected == [item["multi_select"][0]["name"] for item in payload["array"]]


@pytest.mark.parametrize(
    ("function", "expected"),
    [("sum", 126), ("average", 42), ("median", 42), ("min", 12), ("max", 72), ("range", 60)],
)
def test_number_functions_ignore_empty_numbers(function: str, expected: float):
    """sum/average/median/min/max/range over 42, 72, empty, 12."""
    assert expected == number(function, PRICES, "number")


def test_average_keeps_fractions():
    """average of 1 and 2 is 1.5."""
    assert number("average", [v.number(1), v.number(2)], "number") == 1.5


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        ("sum", 0),
        ("average", None),
        ("median", None),
        ("min", None),
        ("max", None),
        ("range", None),
    ],
)
def test_number_functions_of_no_pages(function: str, expected: object):
    """With nothing to aggregate, sum is 0 and the others are null (observed for max)."""
    assert expected == number(function, [], "number")


def test_number_functions_read_formula_numbers():
    """A rolled-up formula contributes its number result."""
    values = [v.formula("number", 3), v.formula("number", None), v.formula("number", 4)]

    assert number("sum", values, "formula") == 7


def test_number_functions_read_unique_ids():
    """A rolled-up unique_id contributes its number."""
    values = [v.unique_id(3, "TASK"), v.unique_id(9, "TASK")]

    assert number("max", values, "unique_id") == 9


def test_checked_and_unchecked_count_checkboxes():
    """checked and unchecked count pages with the box ticked or not."""
    expected = (3, 1)

    assert expected == (number("checked", DONE, "checkbox"), number("unchecked", DONE, "checkbox"))


def test_percent_checked_and_unchecked_are_fractions():
    """percent_checked 0.75 and percent_unchecked 0.25 for three of four ticked."""
    expected = (0.75, 0.25)

    actual = (
        number("percent_checked", DONE, "checkbox"),
        number("percent_unchecked", DONE, "checkbox"),
    )

    assert expected == actual


def test_percent_checked_of_all_ticked_is_one():
    """All ticked gives exactly 1, an integer as Notion shows it."""
    assert number("percent_checked", [v.checkbox(True)], "checkbox") == 1


def test_checked_reads_boolean_formulas():
    """A rolled-up boolean formula counts as a checkbox."""
    values = [v.formula("boolean", True), v.formula("boolean", False)]

    assert number("checked", values, "formula") == 1


def test_earliest_date_is_the_earliest_start():
    """earliest_date gives a date object with end and time_zone null (observed shape)."""
    expected = {
        "type": "date",
        "date": {"start": "1981-11-23T07:02:00.000+00:00", "end": None, "time_zone": None},
        "function": "earliest_date",
    }

    assert expected == compute("earliest_date", DUES, target_type="date")


def test_latest_date_counts_the_end_of_a_range():
    """latest_date considers range ends: 2025-01-05 is the latest date."""
    expected = {"start": "2025-01-05", "end": None, "time_zone": None}

    assert expected == compute("latest_date", DUES, target_type="date")["date"]


def test_date_range_spans_earliest_to_latest():
    """date_range gives start = earliest, end = latest."""
    payload = compute("date_range", DUES, target_type="date")

    expected = {"start": "1981-11-23T07:02:00.000+00:00", "end": "2025-01-05", "time_zone": None}

    assert expected == payload["date"]


def test_date_functions_of_no_dates_are_null():
    """earliest_date with no related pages is a null date (observed)."""
    expected = {"type": "date", "date": None, "function": "earliest_date"}

    assert expected == compute("earliest_date", [], target_type="date")


def test_date_functions_read_created_time():
    """created_time values ('...Z') roll up as dates with an offset."""
    values = [
        v.created_time("2026-06-26T13:45:00.000Z"),
        v.created_time("2026-06-27T09:00:00.000Z"),
    ]

    expected = "2026-06-27T09:00:00.000+00:00"
    payload: dict[str, Any] = compute("latest_date", values, target_type="created_time")

    assert expected == payload["date"]["start"]


def test_show_original_lists_values_without_ids():
    """show_original gives each value without its id, in relation order (observed shape)."""
    expected = {
        "type": "array",
        "array": [{"type": "number", "number": 42}, {"type": "number", "number": 72}],
        "function": "show_original",
    }

    assert expected == compute("show_original", PRICES[:2], target_type="number")


def test_show_original_of_no_pages_is_an_empty_array():
    """show_original with no related pages is an empty array (observed)."""
    expected = {"type": "array", "array": [], "function": "show_original"}

    assert expected == compute("show_original", [], target_type="title")


@pytest.mark.parametrize("function", ["count_per_group", "percent_per_group"])
def test_per_group_functions_are_unsupported(function: str):
    """count_per_group/percent_per_group come back as type unsupported (seen in the wild)."""
    expected = {"type": "unsupported", "unsupported": {}, "function": function}

    assert expected == compute(function, [v.status("Done")], target_type="status")


def test_unknown_function_is_refused():
    """A function Notion does not have raises RollupError naming it."""
    with pytest.raises(RollupError, match="'total'"):
        compute("total", PRICES, target_type="number")


EXPECTED_PAYLOAD_TYPES = {
    "show_original": "array", "show_unique": "array", "count_per_group": "unsupported",
    "percent_per_group": "unsupported", "earliest_date": "date", "latest_date": "date",
    "date_range": "date",
}  # fmt: skip


@pytest.mark.parametrize("function", sorted(ROLLUP_FUNCTIONS))
def test_every_function_answers_for_every_property_type(function: str):
    """Any function over any rolled-up type gives its payload type, never an exception."""
    kind = EXPECTED_PAYLOAD_TYPES.get(function, "number")
    expected = dict.fromkeys(v.EVERY_TYPE, (kind, function))

    actual = {}
    for name, value in v.EVERY_TYPE.items():
        payload = compute(function, [value, value], target_type=value["type"])
        actual[name] = (payload["type"], payload["function"])

    assert expected == actual
