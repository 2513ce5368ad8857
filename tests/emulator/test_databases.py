"""Databases and data sources: create, retrieve, update, and the differences between versions."""

from __future__ import annotations

from typing import Any

import pytest
from notion_client import APIResponseError

from tests.conftest import ROOT_PAGE_ID
from tests.emulator.conftest import create_database, plain, text

DATABASE_KEYS_2026 = {
    "object", "id", "title", "description", "parent", "is_inline", "in_trash", "is_locked",
    "created_time", "last_edited_time", "data_sources", "icon", "cover", "url", "public_url",
    "request_id",
}  # fmt: skip
DATA_SOURCE_KEYS_2026 = {
    "object", "id", "cover", "icon", "created_time", "created_by", "last_edited_by",
    "last_edited_time", "title", "description", "is_inline", "properties", "parent",
    "database_parent", "url", "public_url", "in_trash", "request_id",
}  # fmt: skip


def test_a_database_is_created_with_its_first_data_source(notion: Any) -> None:
    """POST /v1/databases answers the database; its data source holds the schema."""
    database = notion.databases.create(
        parent={"type": "page_id", "page_id": ROOT_PAGE_ID},
        title=text("Projects"),
        initial_data_source={"properties": {"Name": {"title": {}}, "Budget": {"number": {}}}},
    )
    source = notion.data_sources.retrieve(data_source_id=database["data_sources"][0]["id"])
    assert [{"id": source["id"], "name": "Projects"}] == database["data_sources"]
    assert {n: p["type"] for n, p in source["properties"].items()} == {
        "Name": "title",
        "Budget": "number",
    }
    assert source["properties"]["Name"]["id"] == "title"
    assert {"type": "database_id", "database_id": database["id"]} == source["parent"]
    assert source["database_parent"] == {"type": "page_id", "page_id": ROOT_PAGE_ID}


def test_version_2025_shows_archived_and_2026_does_not(notion: Any, notion_2026: Any) -> None:
    """2026-03-11 removed `archived` from every object; 2025-09-03 still shows it."""
    database_id, source_id = create_database(notion, "Projects", {"Name": {"title": {}}})
    old = notion.databases.retrieve(database_id=database_id)
    new = notion_2026.databases.retrieve(database_id=database_id)
    source = notion_2026.data_sources.retrieve(data_source_id=source_id)
    assert DATABASE_KEYS_2026 | {"archived"} == set(old)
    assert set(new) == DATABASE_KEYS_2026
    assert set(source) == DATA_SOURCE_KEYS_2026


def test_archived_in_a_request_is_refused_at_2026(notion_2026: Any) -> None:
    """A 2026-03-11 request carrying `archived` fails validation; `in_trash` replaces it."""
    database_id, _ = create_database(notion_2026, "Projects", {"Name": {"title": {}}})
    with pytest.raises(APIResponseError) as refused:
        notion_2026.request(
            path=f"databases/{database_id}", method="PATCH", body={"archived": True}
        )
    assert (
        str(refused.value)
        == "body failed validation: body.archived should be not present, instead was `true`."
    )


def test_a_database_under_a_page_is_a_child_database_block(notion: Any) -> None:
    """The parent page lists the database among its children as child_database."""
    database_id, _ = create_database(notion, "Projects", {"Name": {"title": {}}})
    children = notion.blocks.children.list(block_id=ROOT_PAGE_ID)["results"]
    assert [("child_database", database_id, {"title": "Projects"})] == [
        (c["type"], c["id"], c[c["type"]]) for c in children
    ]


def test_a_database_title_and_description_update(notion: Any) -> None:
    """PATCH /v1/databases changes title and description; the data source follows the title."""
    database_id, source_id = create_database(notion, "Projects", {"Name": {"title": {}}})
    updated = notion.databases.update(
        database_id=database_id, title=text("Programmes"), description=text("All of them")
    )
    source = notion.data_sources.retrieve(data_source_id=source_id)
    assert (plain(updated["title"]), plain(updated["description"])) == ("Programmes", "All of them")
    assert (plain(source["title"]), plain(source["description"])) == ("Programmes", "All of them")


def test_a_database_goes_to_the_trash_and_back(notion: Any) -> None:
    """in_trash on a database trashes its data sources too, and restores them."""
    database_id, source_id = create_database(notion, "Projects", {"Name": {"title": {}}})
    trashed = notion.databases.update(database_id=database_id, in_trash=True)
    in_trash = notion.data_sources.retrieve(data_source_id=source_id)["in_trash"]
    restored = notion.databases.update(database_id=database_id, in_trash=False)
    assert (trashed["in_trash"], in_trash, restored["in_trash"]) == (True, True, False)


def test_databases_take_no_schema_since_2025(notion: Any) -> None:
    """`properties` moved to the data source: the database update refuses it."""
    database_id, _ = create_database(notion, "Projects", {"Name": {"title": {}}})
    with pytest.raises(APIResponseError) as refused:
        notion.request(
            path=f"databases/{database_id}",
            method="PATCH",
            body={"properties": {"X": {"number": {}}}},
        )
    assert str(refused.value).startswith(
        "body failed validation: body.properties should be not present"
    )


def test_a_second_data_source_joins_the_database(notion: Any) -> None:
    """POST /v1/data_sources adds a data source with its own schema."""
    database_id, first = create_database(notion, "Projects", {"Name": {"title": {}}})
    second = notion.data_sources.create(
        parent={"type": "database_id", "database_id": database_id},
        title=text("Archive"),
        properties={"Label": {"title": {}}, "Year": {"number": {}}},
    )
    database = notion.databases.retrieve(database_id=database_id)
    assert [first, second["id"]] == [s["id"] for s in database["data_sources"]]
    assert [s["name"] for s in database["data_sources"]] == ["Projects", "Archive"]
    assert {"Label", "Year"} == set(second["properties"])


def test_a_row_cannot_use_a_database_parent_once_it_has_two_sources(notion: Any) -> None:
    """A database_id parent works for one data source and is refused for several."""
    database_id, _ = create_database(notion, "Projects", {"Name": {"title": {}}})
    row = notion.pages.create(
        parent={"database_id": database_id}, properties={"Name": {"title": text("A")}}
    )
    notion.data_sources.create(
        parent={"database_id": database_id}, properties={"Name": {"title": {}}}
    )
    with pytest.raises(APIResponseError) as refused:
        notion.pages.create(parent={"database_id": database_id}, properties={})
    assert row["parent"]["type"] == "data_source_id"
    assert refused.value.code == "validation_error"


def test_an_unknown_body_key_is_refused(notion: Any) -> None:
    """Notion's validator refuses keys it does not know."""
    with pytest.raises(APIResponseError) as refused:
        notion.request(
            path="databases",
            method="POST",
            body={"parent": {"page_id": ROOT_PAGE_ID}, "colour": "red"},
        )
    assert (
        str(refused.value)
        == 'body failed validation: body.colour should be not present, instead was `"red"`.'
    )


def test_a_missing_parent_is_refused(notion: Any) -> None:
    """A database needs a parent page."""
    with pytest.raises(APIResponseError) as refused:
        notion.request(path="databases", method="POST", body={"title": text("Orphan")})
    assert (
        str(refused.value)
        == "body failed validation: body.parent should be defined, instead was `undefined`."
    )


def test_a_database_without_a_title_is_called_new_database(notion: Any) -> None:
    """Observed: an untitled database answers "New database"; its data source has no title."""
    database = notion.databases.create(
        parent={"page_id": ROOT_PAGE_ID},
        initial_data_source={"properties": {"Name": {"title": {}}}},
    )
    source = notion.data_sources.retrieve(data_source_id=database["data_sources"][0]["id"])
    assert (plain(database["title"]), source["title"]) == ("New database", [])


def test_a_single_source_database_shows_its_data_sources_title(notion: Any) -> None:
    """Observed: retitling the only data source retitles its database."""
    database = notion.databases.create(
        parent={"page_id": ROOT_PAGE_ID},
        initial_data_source={"properties": {"Name": {"title": {}}}},
    )
    notion.data_sources.update(
        data_source_id=database["data_sources"][0]["id"], title=text("Employees")
    )
    again = notion.databases.retrieve(database_id=database["id"])
    assert (plain(again["title"]), again["data_sources"][0]["name"]) == ("Employees", "Employees")
