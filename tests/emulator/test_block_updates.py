"""PATCH /v1/blocks/{id}: block content, and the trash of blocks, pages and databases."""

from __future__ import annotations

from typing import Any

import pytest
from notion_client import APIResponseError

from tests.conftest import ROOT_PAGE_ID
from tests.emulator.conftest import create_database, plain, text


def paragraph(content: str) -> dict[str, Any]:
    """A paragraph block request."""
    return {"object": "block", "type": "paragraph", "paragraph": {"rich_text": text(content)}}


@pytest.fixture
def block(notion: Any) -> str:
    """A paragraph "Draft" on a fresh page."""
    page = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={})["id"]
    return str(
        notion.blocks.children.append(block_id=page, children=[paragraph("Draft")])["results"][0][
            "id"
        ]
    )


def test_an_update_changes_the_fields_it_names_and_keeps_the_others(
    notion: Any, block: str
) -> None:
    """New colour, same text; then new text, same colour."""
    notion.blocks.update(block_id=block, paragraph={"color": "red_background"})
    updated = notion.blocks.update(block_id=block, paragraph={"rich_text": text("Final")})
    read = notion.blocks.retrieve(block_id=block)
    expected = ("Final", "red_background")
    assert expected == (plain(updated["paragraph"]["rich_text"]), updated["paragraph"]["color"])
    assert expected == (plain(read["paragraph"]["rich_text"]), read["paragraph"]["color"])


def test_an_update_of_another_block_type_is_refused(notion: Any, block: str) -> None:
    """A heading payload for a paragraph: 400 validation_error, the block unchanged."""
    with pytest.raises(APIResponseError) as refused:
        notion.blocks.update(block_id=block, heading_1={"rich_text": text("Title")})
    assert (refused.value.status, refused.value.code) == (400, "validation_error")
    assert plain(notion.blocks.retrieve(block_id=block)["paragraph"]["rich_text"]) == "Draft"


def test_a_block_is_trashed_and_restored_with_in_trash(notion: Any, block: str) -> None:
    """in_trash true hides it from its page's children; false brings it back."""
    page = notion.blocks.retrieve(block_id=block)["parent"]["page_id"]
    trashed = notion.blocks.update(block_id=block, in_trash=True)["in_trash"]
    hidden = notion.blocks.children.list(block_id=page)["results"]
    restored = notion.blocks.update(block_id=block, in_trash=False)["in_trash"]
    shown = notion.blocks.children.list(block_id=page)["results"]
    assert (True, [], False, [block]) == (trashed, hidden, restored, [b["id"] for b in shown])


def test_a_trashed_block_cannot_be_edited(notion: Any, block: str) -> None:
    """Notion's "Can't edit block that is archived" until it is restored."""
    notion.blocks.delete(block_id=block)
    with pytest.raises(APIResponseError) as refused:
        notion.blocks.update(block_id=block, paragraph={"rich_text": text("Late")})
    assert str(refused.value) == (
        "Can't edit block that is archived. You must unarchive the block before editing."
    )


def test_a_database_is_trashed_and_restored_through_the_block_endpoints(notion: Any) -> None:
    """DELETE /v1/blocks/{database_id} trashes it and its data source; PATCH in_trash false
    restores both."""
    database, source = create_database(notion, "Tasks", {"Name": {"title": {}}})
    deleted = notion.blocks.delete(block_id=database)
    trashed = (
        notion.databases.retrieve(database_id=database)["in_trash"],
        notion.data_sources.retrieve(data_source_id=source)["in_trash"],
    )
    restored = notion.blocks.update(block_id=database, in_trash=False)
    back = (
        notion.databases.retrieve(database_id=database)["in_trash"],
        notion.data_sources.retrieve(data_source_id=source)["in_trash"],
    )
    assert (
        deleted["type"],
        deleted["in_trash"],
        restored["type"],
        restored["in_trash"],
    ) == ("child_database", True, "child_database", False)
    assert (trashed, back) == ((True, True), (False, False))


def test_a_page_is_trashed_and_restored_through_the_block_endpoint(notion: Any) -> None:
    """PATCH /v1/blocks/{page_id} with in_trash moves the page itself."""
    page = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Old")})
    notion.blocks.update(block_id=page["id"], in_trash=True)
    trashed = notion.pages.retrieve(page_id=page["id"])["in_trash"]
    notion.blocks.update(block_id=page["id"], in_trash=False)
    assert (trashed, notion.pages.retrieve(page_id=page["id"])["in_trash"]) == (True, False)


def test_a_page_title_is_not_changed_through_the_block_endpoint(notion: Any) -> None:
    """child_page content belongs to the page endpoint: 400, the title unchanged."""
    page = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Kept")})
    with pytest.raises(APIResponseError) as refused:
        # notion-client drops child_page from blocks.update; send it as Notion would get it
        notion.request(
            path=f"blocks/{page['id']}", method="PATCH", body={"child_page": {"title": "Renamed"}}
        )
    title = notion.pages.retrieve(page_id=page["id"])["properties"]["title"]["title"]
    assert (
        (refused.value.status, refused.value.code),
        plain(title),
    ) == ((400, "validation_error"), "Kept")


def test_blocks_inside_a_trashed_block_read_as_trashed(notion: Any) -> None:
    """A toggle's child reads in_trash: true once the toggle is deleted, and cannot be edited."""
    page = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={})["id"]
    toggle = notion.blocks.children.append(
        block_id=page,
        children=[
            {
                "type": "toggle",
                "toggle": {"rich_text": text("More"), "children": [paragraph("Inside")]},
            }
        ],
    )["results"][0]["id"]
    inside = notion.blocks.children.list(block_id=toggle)["results"][0]["id"]
    notion.blocks.delete(block_id=toggle)
    assert notion.blocks.retrieve(block_id=inside)["in_trash"] is True
    with pytest.raises(APIResponseError):
        notion.blocks.update(block_id=inside, paragraph={"rich_text": text("Edited")})


def test_a_copy_of_a_synced_block_lists_the_originals_children(notion: Any) -> None:
    """synced_from points at the original; its children are the original's."""
    page = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={})["id"]
    original = notion.blocks.children.append(
        block_id=page,
        children=[
            {
                "type": "synced_block",
                "synced_block": {"synced_from": None, "children": [paragraph("Shared")]},
            }
        ],
    )["results"][0]
    copy = notion.blocks.children.append(
        block_id=page,
        children=[
            {
                "type": "synced_block",
                "synced_block": {"synced_from": {"type": "block_id", "block_id": original["id"]}},
            }
        ],
    )["results"][0]
    listed = notion.blocks.children.list(block_id=copy["id"])["results"]
    assert (
        copy["has_children"],
        [plain(b["paragraph"]["rich_text"]) for b in listed],
    ) == (True, ["Shared"])


def test_a_custom_emoji_mention_reads_as_its_name(notion: Any) -> None:
    """A mention of a workspace emoji is kept as sent and reads ``:name:``."""
    emoji = {
        "id": "3839ce7b-60a4-804c-bdcd-007ad3034fba",
        "name": "rocket-cat",
        "url": "https://example.com/rocket-cat.png",
    }
    result = notion.blocks.children.append(
        block_id=ROOT_PAGE_ID,
        children=[
            {
                "type": "paragraph",
                "paragraph": {
                    "rich_text": [
                        {
                            "type": "mention",
                            "mention": {"type": "custom_emoji", "custom_emoji": emoji},
                        }
                    ]
                },
            }
        ],
    )
    item = result["results"][0]["paragraph"]["rich_text"][0]
    assert (":rocket-cat:", emoji) == (item["plain_text"], item["mention"]["custom_emoji"])
