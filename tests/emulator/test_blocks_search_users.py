"""Block children of plain pages, search, and the users endpoints."""

from __future__ import annotations

from typing import Any

import pytest
from notion_client import APIResponseError

from tests.conftest import INTEGRATION, ROOT_PAGE_ID
from tests.emulator.conftest import create_database, plain, text


def paragraph(content: str) -> dict[str, Any]:
    """A paragraph block request."""
    return {"object": "block", "type": "paragraph", "paragraph": {"rich_text": text(content)}}


def test_appended_blocks_are_listed_after_sub_pages_and_databases(notion: Any) -> None:
    """A page's children: its blocks, sub-pages and databases in the order they were added."""
    page = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Handbook")}
    )["id"]
    sub = notion.pages.create(parent={"page_id": page}, properties={"title": text("Onboarding")})[
        "id"
    ]
    appended = notion.blocks.children.append(block_id=page, children=[paragraph("Welcome")])
    database = notion.databases.create(
        parent={"page_id": page},
        title=text("Tasks"),
        initial_data_source={"properties": {"Name": {"title": {}}}},
    )["id"]
    children = notion.blocks.children.list(block_id=page)["results"]
    assert [
        ("child_page", sub),
        ("paragraph", appended["results"][0]["id"]),
        ("child_database", database),
    ] == [(c["type"], c["id"]) for c in children]


def test_an_appended_paragraph_gets_notions_defaults(notion: Any) -> None:
    """Rich text normalized, colour default, icon null (recorded shape)."""
    result = notion.blocks.children.append(block_id=ROOT_PAGE_ID, children=[paragraph("Hi")])
    block = result["results"][0]
    assert (result["object"], result["type"]) == ("list", "block")
    assert (
        plain(block["paragraph"]["rich_text"]),
        block["paragraph"]["color"],
        block["paragraph"]["icon"],
    ) == ("Hi", "default", None)
    assert block["parent"] == {"type": "page_id", "page_id": ROOT_PAGE_ID}


def test_after_places_blocks_at_2025_and_position_at_2026(notion: Any, notion_2026: Any) -> None:
    """`after` (2025-09-03) and `position` (2026-03-11) insert where asked."""
    page = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={})["id"]
    first, last = notion.blocks.children.append(
        block_id=page, children=[paragraph("1"), paragraph("3")]
    )["results"]
    notion.blocks.children.append(block_id=page, children=[paragraph("2")], after=first["id"])
    notion_2026.blocks.children.append(
        block_id=page, children=[paragraph("0")], position={"type": "start"}
    )
    order = [
        plain(b["paragraph"]["rich_text"])
        for b in notion.blocks.children.list(block_id=page)["results"]
    ]
    assert order == ["0", "1", "2", "3"]
    assert last["id"] != first["id"]


def test_blocks_inserted_after_one_are_answered_with_the_blocks_that_follow(
    notion_2026: Any,
) -> None:
    """An append placed after a block returns the new blocks and every later sibling (recorded)."""
    page = notion_2026.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={})["id"]
    first, _, _ = notion_2026.blocks.children.append(
        block_id=page, children=[paragraph("Intro"), paragraph("Usage"), paragraph("FAQ")]
    )["results"]
    answer = notion_2026.blocks.children.append(
        block_id=page,
        children=[paragraph("Install")],
        position={"type": "after_block", "after_block": {"id": first["id"]}},
    )
    expected = ["Install", "Usage", "FAQ"]
    assert expected == [plain(b["paragraph"]["rich_text"]) for b in answer["results"]]


def test_a_page_whose_children_are_all_trashed_has_no_children(notion: Any) -> None:
    """has_children counts only children outside the trash (a recorded DELETE says false)."""
    page = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={})["id"]
    block = notion.blocks.children.append(block_id=page, children=[paragraph("Draft")])
    notion.blocks.delete(block_id=block["results"][0]["id"])
    assert False is notion.blocks.retrieve(block_id=page)["has_children"]


def test_more_than_100_children_are_refused(notion: Any) -> None:
    """At most 100 blocks per append."""
    with pytest.raises(APIResponseError) as refused:
        notion.blocks.children.append(
            block_id=ROOT_PAGE_ID, children=[paragraph(str(n)) for n in range(101)]
        )
    assert (
        str(refused.value)
        == "body failed validation: body.children.length should be ≤ `100`, instead was `101`."
    )


def test_a_third_level_of_nested_children_is_refused(notion: Any) -> None:
    """Two levels of nesting per request; the third is "should be not present"."""
    deepest = paragraph("3")
    level2 = {"type": "toggle", "toggle": {"rich_text": [], "children": [deepest]}}
    level1 = {"type": "toggle", "toggle": {"rich_text": [], "children": [level2]}}
    top = {"type": "toggle", "toggle": {"rich_text": [], "children": [level1]}}
    with pytest.raises(APIResponseError) as refused:
        notion.blocks.children.append(block_id=ROOT_PAGE_ID, children=[top])
    assert str(refused.value).startswith(
        "body failed validation: body.children[0].toggle.children[0].toggle.children[0]"
        ".toggle.children should be not present"
    )


def test_a_block_is_retrieved_and_trashed(notion: Any) -> None:
    """GET and DELETE /v1/blocks/{id}; a deleted page shows as a trashed child_page."""
    block = notion.blocks.children.append(block_id=ROOT_PAGE_ID, children=[paragraph("Bye")])[
        "results"
    ][0]
    page = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Old")})
    fetched = notion.blocks.retrieve(block_id=block["id"])
    deleted = notion.blocks.delete(block_id=page["id"])
    assert (block["id"], "paragraph") == (fetched["id"], fetched["type"])
    assert (
        deleted["type"],
        deleted["child_page"],
        deleted["in_trash"],
        deleted["archived"],
    ) == ("child_page", {"title": "Old"}, True, True)
    assert notion.pages.retrieve(page_id=page["id"])["in_trash"] is True


def test_a_children_cursor_must_be_a_uuid(notion: Any) -> None:
    """Observed: block children refuse a cursor that is not a uuid."""
    with pytest.raises(APIResponseError) as refused:
        notion.blocks.children.list(block_id=ROOT_PAGE_ID, start_cursor="bogus")
    assert (
        str(refused.value)
        == "query failed validation: query.start_cursor should be a valid uuid or `undefined`, "
        'instead was `"bogus"`.'
    )


def test_search_finds_pages_and_data_sources_by_title(notion: Any) -> None:
    """Search matches titles ignoring case; the object filter narrows the kind."""
    notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Team handbook")}
    )
    _, source = create_database(notion, "Handbook tasks", {"Name": {"title": {}}})
    found = notion.search(query="HANDBOOK")["results"]
    sources = notion.search(
        query="handbook", filter={"property": "object", "value": "data_source"}
    )["results"]
    assert {"page", "data_source"} == {r["object"] for r in found}
    assert [source] == [r["id"] for r in sources]


def test_search_finds_titles_sharing_a_word_with_the_query(notion: Any) -> None:
    """As recorded: "Tests" finds "Markdown Text Test"; a title sharing no word is not found."""
    for title in ("Tests", "Markdown Text Test", "Getting Started"):
        notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={"title": text(title)})
    found = notion.search(query="Tests", filter={"property": "object", "value": "page"})
    expected = ["Markdown Text Test", "Tests"]
    assert expected == sorted(plain(r["properties"]["title"]["title"]) for r in found["results"])


def test_search_shows_trashed_data_sources_but_not_trashed_pages(notion: Any) -> None:
    """Recorded: a trashed database's data source still shows, in_trash true; pages do not."""
    database, source = create_database(notion, "Archive DB", {"Name": {"title": {}}})
    page = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Archive notes")}
    )
    notion.blocks.delete(block_id=database)
    notion.blocks.delete(block_id=page["id"])
    found = notion.search(query="Archive")["results"]
    assert [(source, True)] == [(r["id"], r["in_trash"]) for r in found]


def test_search_refuses_database_as_a_filter_value_since_2025(notion: Any) -> None:
    """2025-09-03 searches page or data_source."""
    with pytest.raises(APIResponseError) as refused:
        notion.search(filter={"property": "object", "value": "database"})
    assert (
        str(refused.value)
        == 'body failed validation: body.filter.value should be `"page"` or `"data_source"`, '
        'instead was `"database"`.'
    )


def test_search_pages_through_results(notion: Any) -> None:
    """page_size and next_cursor walk the results."""
    for n in range(3):
        notion.pages.create(
            parent={"page_id": ROOT_PAGE_ID}, properties={"title": text(f"Note {n}")}
        )
    first = notion.search(query="Note", page_size=2)
    second = notion.search(query="Note", page_size=2, start_cursor=first["next_cursor"])
    assert (
        len(first["results"]),
        first["has_more"],
        len(second["results"]),
        second["has_more"],
    ) == (2, True, 1, False)


def test_search_sorts_only_by_last_edited_time(notion: Any) -> None:
    """Observed wording for another timestamp."""
    with pytest.raises(APIResponseError) as refused:
        notion.search(sort={"timestamp": "created_time", "direction": "ascending"})
    assert (
        str(refused.value)
        == 'body.sort.timestamp should be "last_edited_time" when sorting by timestamp.'
    )


def test_users_me_is_the_bot_of_the_tokens_integration(notion: Any, emulator: Any) -> None:
    """The bot carries its owner and workspace details."""
    me = notion.users.me()
    assert (emulator.bot_id(), INTEGRATION, "bot") == (me["id"], me["name"], me["type"])
    assert me["bot"]["owner"] == {"type": "workspace", "workspace": True}


def test_users_are_listed_and_retrieved(notion: Any, people: dict[str, str]) -> None:
    """People and bots of the workspace."""
    listed = notion.users.list()
    ada = notion.users.retrieve(user_id=people["Ada"])
    assert (listed["object"], listed["type"]) == ("list", "user")
    assert {"Ada Lovelace", "Grace Hopper", INTEGRATION} == {u["name"] for u in listed["results"]}
    assert ada["person"] == {"email": "ada@example.com"}


def test_an_unknown_user_is_not_found_in_notions_words(notion: Any) -> None:
    """The users 404 speaks of capabilities, as observed."""
    with pytest.raises(APIResponseError) as refused:
        notion.users.retrieve(user_id="745e79dd-3e43-40de-9d51-39357c1c428f")
    assert str(refused.value).startswith(
        "Could not find user with ID: 745e79dd-3e43-40de-9d51-39357c1c428f. "
        "Make sure your integration has capabilities"
    )


def test_a_users_cursor_that_was_not_issued_is_refused(notion: Any) -> None:
    """Reported wording for a bad users cursor."""
    with pytest.raises(APIResponseError) as refused:
        notion.users.list(start_cursor="bogus")
    assert str(refused.value) == "The start_cursor provided is invalid: bogus"


def test_people_are_listed_before_bots(notion: Any, people: dict[str, str]) -> None:
    """Observed order of GET /v1/users: members first, then bots."""
    kinds = [u["type"] for u in notion.users.list()["results"]]
    assert kinds == ["person", "person", "bot"]
