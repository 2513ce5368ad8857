"""POST /v1/data_sources/{id}/query: order, filters, sorts, cursors, trash and the result cap."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from notion_client import APIResponseError
from notion_client.helpers import collect_paginated_api

from reconciler.emulator import Emulator
from tests.conftest import INTEGRATION, TOKEN, in_process_client
from tests.emulator.conftest import create_database, plain, text

SCHEMA = {
    "Name": {"title": {}},
    "Estimate": {"number": {}},
    "Stage": {"select": {"options": [{"name": "Todo"}, {"name": "Done"}]}},
    "Due": {"date": {}},
}


@pytest.fixture
def tasks(notion: Any) -> str:
    """A data source with five tasks, created in the order Task 0 .. Task 4."""
    _, source = create_database(notion, "Tasks", SCHEMA)
    for n in range(5):
        notion.pages.create(
            parent={"data_source_id": source},
            properties={
                "Name": {"title": text(f"Task {n}")},
                "Estimate": {"number": n},
                "Stage": {"select": {"name": "Done" if n % 2 else "Todo"}},
                "Due": {"date": {"start": f"2026-12-0{n + 1}"}},
            },
        )
    return source


@pytest.fixture
def minutely() -> Iterator[Any]:
    """A client of an emulator whose clock moves one minute at every reading."""
    moments = (datetime(2026, 6, 1, 9, 0, tzinfo=UTC) + timedelta(minutes=n) for n in count())
    emulator = Emulator(tokens={TOKEN: INTEGRATION}, rate_limit=None, clock=lambda: next(moments))
    yield in_process_client(emulator)
    emulator.close()


def names(results: list[dict[str, Any]]) -> list[str]:
    """The task names of query results."""
    return [plain(r["properties"]["Name"]["title"]) for r in results]


def test_without_sorts_the_newest_rows_come_first(notion: Any, tasks: str) -> None:
    """Observed in every recorded query: newest first."""
    result = notion.data_sources.query(data_source_id=tasks)
    assert names(result["results"]) == ["Task 4", "Task 3", "Task 2", "Task 1", "Task 0"]
    assert (
        result["has_more"],
        result["next_cursor"],
        result["type"],
        result["page_or_data_source"],
    ) == (False, None, "page_or_data_source", {})


def test_pages_of_results_follow_opaque_cursors(notion: Any, tasks: str) -> None:
    """page_size splits the answer; next_cursor continues it (Notion's s:<token>:<id> form)."""
    first = notion.data_sources.query(data_source_id=tasks, page_size=2)
    second = notion.data_sources.query(
        data_source_id=tasks, page_size=2, start_cursor=first["next_cursor"]
    )
    third = notion.data_sources.query(
        data_source_id=tasks, page_size=2, start_cursor=second["next_cursor"]
    )
    assert [names(r["results"]) for r in (first, second, third)] == [
        ["Task 4", "Task 3"],
        ["Task 2", "Task 1"],
        ["Task 0"],
    ]
    assert (first["has_more"], second["has_more"], third["has_more"]) == (True, True, False)
    assert first["next_cursor"].startswith("s:")


def test_a_cursor_still_works_after_its_listing_was_forgotten(
    notion: Any, tasks: str, emulator: Any
) -> None:
    """The cursor names the next row, so a restarted emulator can resume the query."""
    first = notion.data_sources.query(data_source_id=tasks, page_size=2)
    emulator.cursors.clear()
    second = notion.data_sources.query(
        data_source_id=tasks, page_size=2, start_cursor=first["next_cursor"]
    )
    assert names(second["results"]) == ["Task 2", "Task 1"]


def test_a_bogus_cursor_is_refused(notion: Any, tasks: str) -> None:
    """A cursor the emulator did not issue fails."""
    with pytest.raises(APIResponseError) as refused:
        notion.data_sources.query(data_source_id=tasks, start_cursor="bogus")
    assert str(refused.value) == "The start_cursor provided is invalid: bogus"


def test_a_filter_and_sorts_choose_and_order_rows(notion: Any, tasks: str) -> None:
    """Filter conditions and sorts as Notion applies them."""
    result = notion.data_sources.query(
        data_source_id=tasks,
        filter={
            "and": [
                {"property": "Stage", "select": {"equals": "Todo"}},
                {"property": "Estimate", "number": {"greater_than": 0}},
            ]
        },
        sorts=[{"property": "Due", "direction": "ascending"}],
    )
    assert names(result["results"]) == ["Task 2", "Task 4"]


def test_a_timestamp_filter_and_sort(minutely: Any) -> None:
    """created_time windows, as the 10,000-row workaround uses them (rows a minute apart)."""
    _, source = create_database(minutely, "Tasks", SCHEMA)
    for n in range(4):
        minutely.pages.create(
            parent={"data_source_id": source}, properties={"Name": {"title": text(f"Task {n}")}}
        )
    third = minutely.data_sources.query(data_source_id=source)["results"][1]["created_time"]
    result = minutely.data_sources.query(
        data_source_id=source,
        filter={"timestamp": "created_time", "created_time": {"on_or_after": third}},
        sorts=[{"timestamp": "created_time", "direction": "ascending"}],
    )
    assert names(result["results"]) == ["Task 2", "Task 3"]


def test_a_filter_on_an_unknown_property_is_refused_in_notions_words(
    notion: Any, tasks: str
) -> None:
    """The filter engine's refusal reaches the client as validation_error."""
    with pytest.raises(APIResponseError) as refused:
        notion.data_sources.query(
            data_source_id=tasks, filter={"property": "Colour", "select": {"equals": "red"}}
        )
    assert (
        refused.value.code,
        str(refused.value),
    ) == ("validation_error", "Could not find property with name or id: Colour")


def test_filters_nest_at_most_two_levels(notion: Any, tasks: str) -> None:
    """A third level of compound filters is refused."""
    leaf = {"property": "Name", "title": {"equals": "Task 1"}}
    with pytest.raises(APIResponseError) as refused:
        notion.data_sources.query(data_source_id=tasks, filter={"and": [{"or": [{"and": [leaf]}]}]})
    assert refused.value.code == "validation_error"
    assert "should be not present" in str(refused.value)


def test_trashed_rows_are_left_out_unless_asked_for(notion: Any, tasks: str) -> None:
    """in_trash rows do not show; in_trash: true asks for the trashed ones."""
    rows = notion.data_sources.query(data_source_id=tasks)["results"]
    notion.pages.update(page_id=rows[0]["id"], in_trash=True)
    kept = notion.data_sources.query(data_source_id=tasks)
    trashed = notion.request(
        path=f"data_sources/{tasks}/query", method="POST", body={"in_trash": True}
    )
    assert (len(kept["results"]), names(trashed["results"])) == (4, ["Task 4"])


def test_a_query_stops_at_the_result_cap_and_says_so(notion: Any, emulator: Any) -> None:
    """At query_result_cap rows: has_more false and request_status incomplete."""
    emulator.configure({"query_result_cap": 50})
    _, source = create_database(notion, "Big", {"Name": {"title": {}}})
    for n in range(60):
        notion.pages.create(
            parent={"data_source_id": source}, properties={"Name": {"title": text(f"Row {n}")}}
        )
    first = notion.data_sources.query(data_source_id=source, page_size=40)
    last = notion.data_sources.query(
        data_source_id=source, page_size=40, start_cursor=first["next_cursor"]
    )
    assert (len(first["results"]), first["has_more"]) == (40, True)
    assert (len(last["results"]), last["has_more"], last["next_cursor"]) == (10, False, None)
    assert last["request_status"] == {
        "type": "incomplete",
        "incomplete_reason": "query_result_limit_reached",
    }
    assert "request_status" not in first


def test_collecting_all_pages_with_the_client_helper(notion: Any, tasks: str) -> None:
    """notion-client's pagination helper reads every row through the cursors."""
    rows = collect_paginated_api(notion.data_sources.query, data_source_id=tasks, page_size=2)
    assert len(rows) == 5


def test_query_takes_filter_properties(notion: Any, tasks: str) -> None:
    """filter_properties limits the properties of every result."""
    result = notion.data_sources.query(data_source_id=tasks, filter_properties=["Estimate"])
    assert [list(r["properties"]) for r in result["results"]] == [["Estimate"]] * 5


def test_page_size_over_100_is_refused(notion: Any, tasks: str) -> None:
    """Notion caps page_size at 100."""
    with pytest.raises(APIResponseError) as refused:
        notion.data_sources.query(data_source_id=tasks, page_size=101)
    assert (
        str(refused.value)
        == "body failed validation: body.page_size should be ≤ `100`, instead was `101`."
    )


def test_a_filter_on_a_formula_made_through_the_api_is_refused(notion: Any, tasks: str) -> None:
    """As reported of Notion (ultimate-notion #297, n8n #30524), whatever the formula returns."""
    notion.data_sources.update(
        data_source_id=tasks,
        properties={"Double": {"formula": {"expression": 'prop("Estimate") * 2'}}},
    )
    with pytest.raises(APIResponseError) as refused:
        notion.data_sources.query(
            data_source_id=tasks,
            filter={"property": "Double", "formula": {"number": {"greater_than": 4}}},
        )
    expected = ("validation_error", "Unable to filter based on a formula of unknown type")
    assert expected == (refused.value.code, str(refused.value))


def test_a_filter_on_a_seeded_formula_works(emulator: Emulator, notion: Any) -> None:
    """Formulas seeded as made in Notion's app stay filterable."""
    source = "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a"
    emulator.seed(
        {
            "databases": [
                {
                    "id": "6c7d8e9f-0a1b-4c2d-9e3f-4a5b6c7d8e9f",
                    "title": text("Estimates"),
                    "data_sources": [
                        {
                            "id": source,
                            "properties": {
                                "Name": {"type": "title", "title": {}},
                                "Estimate": {"type": "number", "number": {}},
                                "Double": {
                                    "type": "formula",
                                    "formula": {"expression": 'prop("Estimate") * 2'},
                                },
                            },
                        }
                    ],
                }
            ],
            "pages": [
                {
                    "id": f"8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1{n}",
                    "parent": {"type": "data_source_id", "data_source_id": source},
                    "properties": {
                        "Name": {"type": "title", "title": text(f"Task {n}")},
                        "Estimate": {"type": "number", "number": n},
                    },
                }
                for n in range(4)
            ],
        }
    )
    result = notion.data_sources.query(
        data_source_id=source,
        filter={"property": "Double", "formula": {"number": {"greater_than": 2}}},
    )
    expected = ["Task 3", "Task 2"]
    assert expected == names(result["results"])


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("equals", ["Launch"]),
        ("on_or_before", ["Kickoff", "Launch"]),
        ("on_or_after", ["Launch", "Review"]),
        ("before", ["Kickoff"]),
        ("after", ["Review"]),
    ],
)
def test_a_date_time_filter_matches_the_page_set_to_that_instant(
    notion: Any, condition: str, expected: list[str]
) -> None:
    """Notion keeps the minute of a date-time and compares the filter's instant to the minute:
    the page written with 17:11:43.123+02:00 (shown as 17:11:00.000+02:00) is "equal" to it."""
    _, source = create_database(notion, "Events", SCHEMA)
    instant = "2026-06-27T17:11:43.123+02:00"
    for name, start in (
        ("Kickoff", "2026-06-27T17:10:59.999+02:00"),
        ("Launch", instant),
        ("Review", "2026-06-27T17:12:00.000+02:00"),
    ):
        notion.pages.create(
            parent={"data_source_id": source},
            properties={"Name": {"title": text(name)}, "Due": {"date": {"start": start}}},
        )
    result = notion.data_sources.query(
        data_source_id=source,
        filter={"property": "Due", "date": {condition: instant}},
        sorts=[{"property": "Due", "direction": "ascending"}],
    )
    assert expected == names(result["results"])


def test_a_title_sort_orders_numbers_in_titles_by_value(notion: Any) -> None:
    """Notion collates titles numerically: Article 2 comes before Article 10."""
    _, source = create_database(notion, "Articles", SCHEMA)
    for n in (10, 2, 1, 21):
        notion.pages.create(
            parent={"data_source_id": source}, properties={"Name": {"title": text(f"Article {n}")}}
        )
    result = notion.data_sources.query(
        data_source_id=source, sorts=[{"property": "Name", "direction": "ascending"}]
    )
    assert names(result["results"]) == ["Article 1", "Article 2", "Article 10", "Article 21"]
