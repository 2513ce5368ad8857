"""Every property type: written through notion-client, read back, and written back unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from notion_client import APIResponseError

from tests.emulator.conftest import plain, text

FILE = {"name": "spec.pdf", "type": "external", "external": {"url": "https://example.com/spec.pdf"}}
PLACE = {"lat": 52.52, "lon": 13.405, "address": "Berlin"}
WRITABLE_VALUES: list[tuple[str, dict[str, Any], Any]] = [
    ("Name", {"title": text("Write the docs")}, "Write the docs"),
    ("Notes", {"rich_text": text("Start with the README")}, "Start with the README"),
    ("Estimate", {"number": 3.5}, 3.5),
    ("Stage", {"select": {"name": "Done"}}, "Done"),
    ("Tags", {"multi_select": [{"name": "docs"}, {"name": "web"}]}, ["docs", "web"]),
    ("Progress", {"status": {"name": "In progress"}}, "In progress"),
    ("Due", {"date": {"start": "2026-12-01"}}, {"start": "2026-12-01", "end": None,
                                               "time_zone": None}),
    ("Attachments", {"files": [FILE]}, [FILE]),
    ("Done", {"checkbox": True}, True),
    ("Link", {"url": "https://example.com/docs"}, "https://example.com/docs"),
    ("Mail", {"email": "ada@example.com"}, "ada@example.com"),
    ("Phone", {"phone_number": "+44 20 7946 0958"}, "+44 20 7946 0958"),
    ("Where", {"place": PLACE},
     PLACE | {"name": None, "aws_place_id": None, "google_place_id": None}),
    ("Checked", {"verification": {"state": "unverified"}},
     {"state": "unverified", "date": None, "verified_by": None}),
]  # fmt: skip


def shown(value: dict[str, Any]) -> Any:
    """The part of a response value a test compares (names for options, text for rich text)."""
    kind = value["type"]
    payload = value[kind]
    if kind in ("title", "rich_text"):
        return plain(payload)
    if kind in ("select", "status"):
        return payload["name"]
    if kind == "multi_select":
        return [o["name"] for o in payload]
    return payload


@pytest.mark.parametrize(
    ("name", "request_value", "expected"), WRITABLE_VALUES, ids=[v[0] for v in WRITABLE_VALUES]
)
def test_a_written_value_reads_back(
    notion: Any, every_type: str, name: str, request_value: dict[str, Any], expected: Any
) -> None:
    """Each writable type is stored and returned in Notion's response shape."""
    page = notion.pages.create(
        parent={"data_source_id": every_type}, properties={name: request_value}
    )
    read = notion.pages.retrieve(page_id=page["id"])
    assert expected == shown(read["properties"][name])


@pytest.mark.parametrize(
    ("name", "request_value", "expected"), WRITABLE_VALUES, ids=[v[0] for v in WRITABLE_VALUES]
)
def test_a_value_read_back_can_be_written_back_unchanged(
    notion: Any, every_type: str, name: str, request_value: dict[str, Any], expected: Any
) -> None:
    """A response value is a valid request value and writing it changes nothing (round trip)."""
    page = notion.pages.create(
        parent={"data_source_id": every_type}, properties={name: request_value}
    )
    first = notion.pages.retrieve(page_id=page["id"])["properties"][name]
    notion.pages.update(page_id=page["id"], properties={name: first})
    second = notion.pages.retrieve(page_id=page["id"])["properties"][name]
    assert first == second


def test_people_are_returned_as_full_user_objects(
    notion: Any, every_type: str, people: dict[str, str]
) -> None:
    """A people value written by id reads back as the users with their names and e-mails."""
    page = notion.pages.create(
        parent={"data_source_id": every_type},
        properties={"Owner": {"people": [{"id": people["Ada"], "object": "user"}]}},
    )
    owner = page["properties"]["Owner"]["people"]
    assert [{"object": "user", "id": people["Ada"], "name": "Ada Lovelace", "avatar_url": None,
             "type": "person", "person": {"email": "ada@example.com"}}] == owner  # fmt: skip


def test_read_only_values_are_computed(notion: Any, every_type: str, emulator: Any) -> None:
    """created/edited time and by, unique_id with prefix and formula are filled in by Notion."""
    first = notion.pages.create(
        parent={"data_source_id": every_type}, properties={"Estimate": {"number": 21}}
    )
    second = notion.pages.create(parent={"data_source_id": every_type}, properties={})
    props = first["properties"]
    assert props["Ticket"]["unique_id"] == {"prefix": "TSK", "number": 1}
    assert second["properties"]["Ticket"]["unique_id"] == {"prefix": "TSK", "number": 2}
    assert props["Double"]["formula"] == {"type": "number", "number": 42}
    assert first["created_time"] == props["Created"]["created_time"]
    assert emulator.bot_id() == props["Creator"]["created_by"]["id"]
    assert props["Editor"]["last_edited_by"]["type"] == "bot"
    assert props["Press"]["button"] == {}


def test_a_datetime_is_cut_to_the_minute_and_given_its_zones_offset(
    notion: Any, every_type: str
) -> None:
    """Notion drops seconds and time_zone, and returns the offset of that zone at that date."""
    page = notion.pages.create(
        parent={"data_source_id": every_type},
        properties={
            "Due": {"date": {"start": "2026-06-27T17:57:32.424991", "time_zone": "Europe/London"}}
        },
    )
    assert page["properties"]["Due"]["date"] == {
        "start": "2026-06-27T17:57:00.000+01:00",
        "end": None,
        "time_zone": None,
    }


def test_a_datetime_with_an_offset_keeps_its_instant(notion: Any, every_type: str) -> None:
    """An aware datetime without time_zone is kept at its own offset."""
    page = notion.pages.create(
        parent={"data_source_id": every_type},
        properties={
            "Due": {"date": {"start": "2026-01-05T09:30:59Z", "end": "2026-01-05T11:00:00+02:00"}}
        },
    )
    assert page["properties"]["Due"]["date"] == {
        "start": "2026-01-05T09:30:00.000+00:00",
        "end": "2026-01-05T11:00:00.000+02:00",
        "time_zone": None,
    }


def test_an_unknown_select_name_creates_the_option(notion: Any, every_type: str) -> None:
    """Writing an option name the schema lacks adds that option, with a colour."""
    notion.pages.create(
        parent={"data_source_id": every_type}, properties={"Stage": {"select": {"name": "Blocked"}}}
    )
    options = notion.data_sources.retrieve(data_source_id=every_type)["properties"]["Stage"][
        "select"
    ]["options"]
    assert [o["name"] for o in options] == ["Todo", "Done", "Blocked"]
    assert options[2]["color"] in (
        "gray",
        "brown",
        "orange",
        "yellow",
        "green",
        "blue",
        "purple",
        "pink",
        "red",
    )


def test_an_unknown_status_name_is_refused(notion: Any, every_type: str) -> None:
    """Status options must exist already; Notion refuses the write."""
    with pytest.raises(APIResponseError) as refused:
        notion.pages.create(
            parent={"data_source_id": every_type},
            properties={"Progress": {"status": {"name": "Blocked"}}},
        )
    assert (refused.value.code, refused.value.status) == ("validation_error", 400)
    assert 'Status option "Blocked" does not exist' in str(refused.value)


def test_a_new_row_gets_the_default_status(notion: Any, every_type: str) -> None:
    """A row created without a status shows the first option of the To-do group."""
    page = notion.pages.create(parent={"data_source_id": every_type}, properties={})
    assert page["properties"]["Progress"]["status"]["name"] == "Not started"


def test_a_select_name_with_a_comma_is_refused_in_notions_words(
    notion: Any, every_type: str
) -> None:
    """Option names cannot hold commas."""
    with pytest.raises(APIResponseError) as refused:
        notion.pages.create(
            parent={"data_source_id": every_type},
            properties={"Stage": {"select": {"name": "High, really"}}},
        )
    assert str(refused.value) == "Invalid select option, commas not allowed: High, really"


P = "body failed validation: body.properties."
LIMITS: list[tuple[str, dict[str, Any], str]] = [
    (
        "text content over 2000",
        {"Notes": {"rich_text": text("x" * 2001)}},
        P + "Notes.rich_text[0].text.content.length should be ≤ `2000`, instead was `2001`.",
    ),
    (
        "astral emoji count twice",
        {"Notes": {"rich_text": text("x" * 1999 + "😀")}},
        P + "Notes.rich_text[0].text.content.length should be ≤ `2000`, instead was `2001`.",
    ),
    (
        "more than 100 rich text items",
        {"Notes": {"rich_text": text("a") * 101}},
        P + "Notes.rich_text.length should be ≤ `100`, instead was `101`.",
    ),
    (
        "more than 100 multi_select",
        {"Tags": {"multi_select": [{"name": f"t{n}"} for n in range(101)]}},
        P + "Tags.multi_select.length should be ≤ `100`, instead was `101`.",
    ),
    (
        "url over 2000",
        {"Link": {"url": "https://example.com/" + "a" * 1981}},
        P + "Link.url.length should be ≤ `2000`, instead was `2001`.",
    ),
    (
        "email over 200",
        {"Mail": {"email": "a" * 189 + "@example.com"}},
        P + "Mail.email.length should be ≤ `200`, instead was `201`.",
    ),
    (
        "phone over 200",
        {"Phone": {"phone_number": "1" * 201}},
        P + "Phone.phone_number.length should be ≤ `200`, instead was `201`.",
    ),
    (
        "more than 100 people",
        {"Owner": {"people": [{"id": "5a0c6f4e-2c4b-4f1e-9d4a-0a1b2c3d4e5f"}] * 101}},
        P + "Owner.people.length should be ≤ `100`, instead was `101`.",
    ),
    (
        "number given as text",
        {"Estimate": {"number": "5"}},
        P + 'Estimate.number should be a number or `null`, instead was `"5"`.',
    ),
    (
        "value of another type",
        {"Estimate": {"rich_text": text("5")}},
        "Estimate is expected to be number.",
    ),
    (
        "unknown property",
        {"Colour": {"rich_text": text("red")}},
        "Colour is not a property that exists.",
    ),
]


@pytest.mark.parametrize(("why", "properties", "message"), LIMITS, ids=[v[0] for v in LIMITS])
def test_values_over_notions_limits_are_refused_in_its_words(
    notion: Any, every_type: str, why: str, properties: dict[str, Any], message: str
) -> None:
    """Notion's limits and type checks, with its validation_error messages."""
    del why
    with pytest.raises(APIResponseError) as refused:
        notion.pages.create(parent={"data_source_id": every_type}, properties=properties)
    assert ("validation_error", message) == (refused.value.code, str(refused.value))


def test_problems_with_several_properties_are_reported_together(
    notion: Any, every_type: str
) -> None:
    """Notion joins "is expected to be" and "is not a property" problems in one message."""
    with pytest.raises(APIResponseError) as refused:
        notion.pages.create(
            parent={"data_source_id": every_type},
            properties={"Estimate": {"rich_text": []}, "Colour": {"rich_text": []}},
        )
    assert (
        str(refused.value)
        == "Estimate is expected to be number. Colour is not a property that exists."
    )


def test_read_only_properties_cannot_be_written(notion: Any, every_type: str) -> None:
    """A formula, unique id or timestamp value in a write is refused."""
    with pytest.raises(APIResponseError) as refused:
        notion.pages.create(
            parent={"data_source_id": every_type}, properties={"Double": {"formula": {"number": 1}}}
        )
    assert str(refused.value) == "Double is a formula property, which is read-only."


def test_properties_may_be_named_by_id(notion: Any, every_type: str) -> None:
    """A request may key a value by the property's id instead of its name."""
    schema = notion.data_sources.retrieve(data_source_id=every_type)["properties"]
    page = notion.pages.create(
        parent={"data_source_id": every_type}, properties={schema["Estimate"]["id"]: {"number": 7}}
    )
    assert page["properties"]["Estimate"]["number"] == 7


def test_adjacent_runs_with_the_same_formatting_come_back_as_one(
    notion: Any, every_type: str
) -> None:
    """Observed: Notion merges neighbouring text runs that share annotations and link."""
    runs = [
        {"text": {"content": "Write "}},
        {"text": {"content": "the docs"}},
        {"text": {"content": " now"}, "annotations": {"bold": True}},
    ]
    page = notion.pages.create(
        parent={"data_source_id": every_type}, properties={"Notes": {"rich_text": runs}}
    )
    notes = page["properties"]["Notes"]["rich_text"]
    assert [(r["plain_text"], r["annotations"]["bold"]) for r in notes] == [
        ("Write the docs", False),
        (" now", True),
    ]


def test_people_and_relations_read_back_can_be_written_back_unchanged(
    notion: Any, every_type: str, people: dict[str, str]
) -> None:
    """Round trip of reference values: full user objects and relation lists with has_more."""
    notion.data_sources.update(
        data_source_id=every_type,
        properties={"Blocks": {"relation": {"data_source_id": every_type, "single_property": {}}}},
    )
    other = notion.pages.create(parent={"data_source_id": every_type}, properties={})
    page = notion.pages.create(
        parent={"data_source_id": every_type},
        properties={
            "Owner": {"people": [{"id": people["Grace"]}]},
            "Blocks": {"relation": [{"id": other["id"]}]},
        },
    )
    first = {k: page["properties"][k] for k in ("Owner", "Blocks")}
    notion.pages.update(page_id=page["id"], properties=first)
    again = notion.pages.retrieve(page_id=page["id"])["properties"]
    assert first == {k: again[k] for k in ("Owner", "Blocks")}
