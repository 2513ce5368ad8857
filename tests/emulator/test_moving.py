"""POST /v1/pages/{id}/move: under another page, into a data source, and Notion's refusals."""

from __future__ import annotations

from typing import Any

import pytest
from notion_client import APIResponseError

from tests.conftest import ROOT_PAGE_ID
from tests.emulator.conftest import create_database, plain, text

SCHEMA = {
    "Name": {"title": {}},
    "Estimate": {"number": {}},
    "Stage": {"select": {"options": [{"name": "Todo"}, {"name": "Done"}]}},
}


def child_ids(notion: Any, page: str) -> list[str]:
    """The ids of a page's children, in order."""
    return [b["id"] for b in notion.blocks.children.list(block_id=page)["results"]]


def new_page(notion: Any, title: str, parent: str = ROOT_PAGE_ID) -> str:
    """A page under ``parent``."""
    page = notion.pages.create(parent={"page_id": parent}, properties={"title": text(title)})
    return str(page["id"])


def test_a_page_moves_under_another_page(notion: Any) -> None:
    """The answer shows the new parent; the old parent lists it no more, the new one does."""
    old, new = new_page(notion, "Drafts"), new_page(notion, "Published")
    moving = new_page(notion, "Launch notes", old)
    moved = notion.pages.move(page_id=moving, parent={"type": "page_id", "page_id": new})
    expected: tuple[Any, ...] = ({"type": "page_id", "page_id": new}, "Launch notes", [], [moving])
    assert expected == (
        moved["parent"],
        plain(moved["properties"]["title"]["title"]),
        child_ids(notion, old),
        child_ids(notion, new),
    )


def test_a_page_moves_into_a_data_source_and_its_title_becomes_the_rows(notion: Any) -> None:
    """A plain page becomes a row: its title fills the title property, the rest is empty."""
    database, source = create_database(notion, "Tasks", SCHEMA)
    page = new_page(notion, "Write the docs")
    moved = notion.pages.move(page_id=page, parent={"data_source_id": source})
    rows = notion.data_sources.query(data_source_id=source)["results"]
    assert moved["parent"] == {
        "type": "data_source_id",
        "data_source_id": source,
        "database_id": database,
    }
    assert [
        (plain(r["properties"]["Name"]["title"]), r["properties"]["Estimate"]["number"])
        for r in rows
    ] == [("Write the docs", None)]


def test_a_row_moving_to_another_data_source_keeps_values_of_the_same_name_and_type(
    notion: Any,
) -> None:
    """Estimate (number in both) stays; Stage (select here, text there) is dropped."""
    _, backlog = create_database(notion, "Backlog", SCHEMA)
    _, sprint = create_database(
        notion,
        "Sprint",
        {"Task": {"title": {}}, "Estimate": {"number": {}}, "Stage": {"rich_text": {}}},
    )
    row = notion.pages.create(
        parent={"data_source_id": backlog},
        properties={
            "Name": {"title": text("Ship it")},
            "Estimate": {"number": 3},
            "Stage": {"select": {"name": "Todo"}},
        },
    )
    moved = notion.pages.move(page_id=row["id"], parent={"data_source_id": sprint})["properties"]
    expected: tuple[Any, ...] = ("Ship it", 3, [])
    assert expected == (
        plain(moved["Task"]["title"]),
        moved["Estimate"]["number"],
        moved["Stage"]["rich_text"],
    )
    assert notion.data_sources.query(data_source_id=backlog)["results"] == []


def test_a_row_moved_under_a_page_keeps_its_title_only(notion: Any) -> None:
    """Out of its data source, a row is a plain page with its title."""
    _, source = create_database(notion, "Tasks", SCHEMA)
    row = notion.pages.create(
        parent={"data_source_id": source},
        properties={"Name": {"title": text("Archive me")}, "Estimate": {"number": 5}},
    )
    moved = notion.pages.move(page_id=row["id"], parent={"page_id": ROOT_PAGE_ID})
    assert (
        list(moved["properties"]),
        plain(moved["properties"]["title"]["title"]),
    ) == (["title"], "Archive me")


def test_a_page_cannot_move_under_itself_or_its_sub_pages(notion: Any) -> None:
    """400 validation_error either way; the page stays where it was."""
    top = new_page(notion, "Handbook")
    sub = new_page(notion, "Chapter", top)
    refusals = []
    for target in (top, sub):
        with pytest.raises(APIResponseError) as refused:
            notion.pages.move(page_id=top, parent={"page_id": target})
        refusals.append((refused.value.status, str(refused.value)))
    expected = [(400, "A page can't be moved into itself or one of its sub-pages.")] * 2
    assert expected == refusals
    assert top in child_ids(notion, ROOT_PAGE_ID)


def test_a_database_cannot_be_moved_nor_be_a_parent(notion: Any) -> None:
    """The path must name a page (404 as for any other page call); a database_id parent is
    refused by the validator, which names the two parents it takes."""
    database, _ = create_database(notion, "Tasks", SCHEMA)
    page = new_page(notion, "Loose page")
    with pytest.raises(APIResponseError) as not_a_page:
        notion.pages.move(page_id=database, parent={"page_id": ROOT_PAGE_ID})
    with pytest.raises(APIResponseError) as bad_parent:
        notion.pages.move(page_id=page, parent={"database_id": database})
    assert (not_a_page.value.status, not_a_page.value.code) == (404, "object_not_found")
    assert str(bad_parent.value) == (
        "body failed validation. Fix one:\n"
        "body.parent.page_id should be defined, instead was `undefined`.\n"
        "body.parent.data_source_id should be defined, instead was `undefined`."
    )


def test_a_trashed_page_cannot_move_nor_receive_pages(notion: Any) -> None:
    """Notion's "Can't edit block that is archived" for the page or the new parent."""
    trashed, page = new_page(notion, "Old"), new_page(notion, "Current")
    notion.pages.update(page_id=trashed, in_trash=True)
    messages = []
    for moving, target in ((trashed, ROOT_PAGE_ID), (page, trashed)):
        with pytest.raises(APIResponseError) as refused:
            notion.pages.move(page_id=moving, parent={"page_id": target})
        messages.append(str(refused.value))
    archived = "Can't edit block that is archived. You must unarchive the block before editing."
    assert [archived, archived] == messages


def test_moving_works_at_2026_03_11_too(notion_2026: Any) -> None:
    """The endpoint answers at both versions (no archived key at 2026-03-11)."""
    page = new_page(notion_2026, "Later")
    moved = notion_2026.pages.move(page_id=page, parent={"page_id": ROOT_PAGE_ID})
    assert ("archived" in moved, moved["parent"]["page_id"]) == (False, ROOT_PAGE_ID)
