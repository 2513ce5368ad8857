"""The page Markdown endpoints: reading (unknown blocks, truncation), creating, and every kind of
update, with Notion's guard against deleting sub-pages and databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from notion_client import APIResponseError

from reconciler.emulator import Emulator
from tests.conftest import INTEGRATION, ROOT_PAGE_ID, TOKEN, in_process_client
from tests.emulator.conftest import text


def new_page(notion: Any, markdown: str, title: str = "Runbook") -> str:
    """A page under the root page written as Markdown; its id."""
    page = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text(title)}, markdown=markdown
    )
    return str(page["id"])


def read(notion: Any, page_id: str) -> str:
    """The page's Markdown."""
    return str(notion.pages.retrieve_markdown(page_id=page_id)["markdown"])


def replace(notion: Any, page_id: str, markdown: str, **options: Any) -> dict[str, Any]:
    """PATCH the page's content with replace_content."""
    answer: dict[str, Any] = notion.pages.update_markdown(
        page_id=page_id,
        type="replace_content",
        replace_content={"new_str": markdown, **options},
    )
    return answer


def block_ids(notion: Any, page_id: str) -> list[str]:
    """The ids of the page's top-level blocks, in order."""
    return [b["id"] for b in notion.blocks.children.list(block_id=page_id)["results"]]


def bookmark() -> dict[str, Any]:
    """A block type the Markdown form cannot express."""
    return {"type": "bookmark", "bookmark": {"url": "https://example.com"}}


# -- reading --------------------------------------------------------------------------------------


@pytest.mark.parametrize("client", ["notion", "notion_2026"])
def test_an_empty_page_reads_as_an_empty_page_markdown_object(
    client: str, request: pytest.FixtureRequest
) -> None:
    """The recorded shape, at both API versions."""
    notion = request.getfixturevalue(client)
    page = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={}, children=[])
    answer = notion.pages.retrieve_markdown(page_id=page["id"])
    del answer["request_id"]
    expected = {
        "object": "page_markdown",
        "id": page["id"],
        "markdown": "",
        "truncated": False,
        "unknown_block_ids": [],
    }
    assert answer == expected


def test_a_block_markdown_cannot_express_is_an_unknown_tag_with_its_id_listed(
    notion: Any,
) -> None:
    """A bookmark reads as <unknown url alt="bookmark"/>, listed, without truncation."""
    page_id = new_page(notion, "Before")
    (mark,) = notion.blocks.children.append(block_id=page_id, children=[bookmark()])["results"]
    answer = notion.pages.retrieve_markdown(page_id=page_id)
    url = f"https://www.notion.so/{page_id.replace('-', '')}#{mark['id'].replace('-', '')}"
    assert (answer["markdown"], answer["unknown_block_ids"], answer["truncated"]) == (
        f'Before\n<unknown url="{url}" alt="bookmark"/>',
        [mark["id"]],
        False,
    )


def test_sub_pages_and_databases_read_as_their_tags(notion: Any) -> None:
    """<page url>Title</page> and <database url inline>Title</database>."""
    page_id = new_page(notion, "Intro")
    sub = notion.pages.create(parent={"page_id": page_id}, properties={"title": text("Notes")})
    database = notion.databases.create(
        parent={"page_id": page_id},
        title=text("Tasks"),
        initial_data_source={"properties": {"Name": {"title": {}}}},
    )
    assert read(notion, page_id) == (
        "Intro\n"
        f'<page url="https://www.notion.so/{sub["id"].replace("-", "")}">Notes</page>\n'
        f'<database url="https://www.notion.so/{database["id"].replace("-", "")}" '
        'inline="false">Tasks</database>'
    )


def test_a_page_past_the_block_cap_is_truncated_and_the_rest_read_by_id(
    emulator: Emulator, notion: Any
) -> None:
    """Past markdown_block_cap the rest are unknown tags, truncated is true, and each id left out
    reads through the same endpoint as the subtree it roots."""
    emulator.configure({"markdown_block_cap": 3})
    page_id = new_page(notion, "- one\n\t- one.a\n- two\n- three\n\t- three.a")
    answer = notion.pages.retrieve_markdown(page_id=page_id)
    assert answer["truncated"] is True
    assert answer["markdown"].splitlines()[:3] == ["- one", "\t- one.a", "- two"]
    last = answer["unknown_block_ids"][-1]
    emulator.configure({"markdown_block_cap": 20_000})
    subtree = notion.pages.retrieve_markdown(page_id=last)
    assert (subtree["id"], subtree["markdown"]) == (last, "- three\n\t- three.a")


def test_a_sub_page_the_integration_cannot_see_is_unknown_and_truncated(
    emulator: Emulator, notion: Any
) -> None:
    """Content not shared with the connection reads as an unknown tag, truncated true."""
    page_id = new_page(notion, "Shared part")
    emulator.seed(
        {
            "pages": [
                {
                    "id": "2e8b6a4e-6d6c-4b3f-9f6c-2c3d4e5f6a7b",
                    "parent": {"type": "page_id", "page_id": page_id},
                    "properties": {"title": {"title": text("Secret")}},
                    "_shared_with": ["Someone else"],
                }
            ]
        }
    )
    answer = notion.pages.retrieve_markdown(page_id=page_id)
    assert (answer["truncated"], answer["unknown_block_ids"]) == (
        True,
        ["2e8b6a4e-6d6c-4b3f-9f6c-2c3d4e5f6a7b"],
    )
    assert 'alt="child_page"' in answer["markdown"]


def test_reading_a_missing_page_is_notions_404(notion: Any) -> None:
    """object_not_found, as for any page."""
    with pytest.raises(APIResponseError) as caught:
        notion.pages.retrieve_markdown(page_id="0c6f5a4e-2c4b-4f1e-9d4a-0a1b2c3d4e5f")
    assert (caught.value.status, caught.value.code) == (404, "object_not_found")


# -- creating -------------------------------------------------------------------------------------


def test_a_leading_heading_becomes_the_title_when_none_is_given(notion: Any) -> None:
    """Without properties.title the first # heading is the title, not content."""
    page = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, markdown="# Meeting notes\nDiscussed the roadmap."
    )
    title = page["properties"]["title"]["title"][0]["plain_text"]
    assert (title, read(notion, page["id"])) == ("Meeting notes", "Discussed the roadmap.")


def test_a_leading_heading_stays_content_when_a_title_is_given(notion: Any) -> None:
    """With a title the heading is the first block."""
    page_id = new_page(notion, "# Agenda\nItems", title="Meeting")
    assert read(notion, page_id) == "# Agenda\nItems"


def test_a_database_row_written_as_markdown_takes_its_title_from_the_heading(
    notion: Any,
) -> None:
    """A data source row's title property is filled the same way."""
    database = notion.databases.create(
        parent={"page_id": ROOT_PAGE_ID},
        title=text("Posts"),
        initial_data_source={"properties": {"Headline": {"title": {}}}},
    )
    row = notion.pages.create(
        parent={"data_source_id": database["data_sources"][0]["id"]},
        markdown="# Launch day\nWe shipped.",
    )
    assert row["properties"]["Headline"]["title"][0]["plain_text"] == "Launch day"
    assert read(notion, row["id"]) == "We shipped."


def test_markdown_and_children_together_are_refused(notion: Any) -> None:
    """They are mutually exclusive: 400 validation_error, nothing created."""
    before = block_ids(notion, ROOT_PAGE_ID)
    with pytest.raises(APIResponseError) as caught:
        notion.pages.create(
            parent={"page_id": ROOT_PAGE_ID},
            markdown="Hi",
            children=[{"type": "paragraph", "paragraph": {"rich_text": text("Hi")}}],
        )
    assert (caught.value.code, block_ids(notion, ROOT_PAGE_ID)) == ("validation_error", before)


def test_markdown_that_is_not_a_string_is_refused(notion: Any) -> None:
    """Notion's validator wording."""
    with pytest.raises(APIResponseError, match=r"body.markdown should be a string"):
        notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, markdown=["Hi"])


# -- updating -------------------------------------------------------------------------------------


def test_replace_content_answers_the_new_markdown(notion: Any) -> None:
    """The answer is the page_markdown object of the page after the change."""
    page_id = new_page(notion, "Old")
    answer = replace(notion, page_id, "New\n- item")
    assert (answer["object"], answer["markdown"]) == ("page_markdown", "New\n- item")
    assert read(notion, page_id) == "New\n- item"


def test_blocks_that_stay_the_same_keep_their_ids(notion: Any) -> None:
    """Only what changed is replaced; unchanged blocks (written any equivalent way) stay."""
    page_id = new_page(notion, "Intro\n- keep *me*\nOld ending")
    first, kept, _ = block_ids(notion, page_id)
    replace(notion, page_id, "Intro\n* keep _me_\nNew ending")
    now = block_ids(notion, page_id)
    assert (now[0], now[1]) == (first, kept)
    assert read(notion, page_id) == "Intro\n- keep _me_\nNew ending"


@pytest.fixture
def stepping() -> Iterator[tuple[Emulator, Any]]:
    """An emulator on a fixed clock (2026-07-01 09:00:10 UTC) and a client for it."""
    emu = Emulator(
        store=":memory:",
        tokens={TOKEN: INTEGRATION},
        rate_limit=None,
        clock=lambda: datetime(2026, 7, 1, 9, 0, 10, tzinfo=UTC),
    )
    emu.reset()
    yield emu, in_process_client(emu)
    emu.close()


def test_an_edit_moves_the_pages_last_edited_time_to_the_minute(
    stepping: tuple[Emulator, Any],
) -> None:
    """Editing content through Markdown moves last_edited_time (minute precision)."""
    emulator, notion = stepping
    page_id = new_page(notion, "Draft")
    emulator.configure({"clock_offset_s": timedelta(minutes=5).total_seconds()})
    replace(notion, page_id, "Final")
    assert notion.pages.retrieve(page_id=page_id)["last_edited_time"] == "2026-07-01T09:05:00.000Z"


def test_editing_a_nested_block_moves_the_pages_last_edited_time(
    stepping: tuple[Emulator, Any],
) -> None:
    """Content appended inside a toggle is an edit of the page (its cache key moves)."""
    emulator, notion = stepping
    page_id = new_page(notion, "<details>\n<summary>More</summary>\n\tHidden\n</details>")
    (toggle,) = block_ids(notion, page_id)
    emulator.configure({"clock_offset_s": 120})
    notion.blocks.children.append(
        block_id=toggle, children=[{"type": "paragraph", "paragraph": {"rich_text": text("Also")}}]
    )
    assert notion.pages.retrieve(page_id=page_id)["last_edited_time"] == "2026-07-01T09:02:00.000Z"


def test_writing_what_the_page_already_holds_changes_nothing(
    stepping: tuple[Emulator, Any],
) -> None:
    """No real edit: same block ids, last_edited_time unmoved."""
    emulator, notion = stepping
    page_id = new_page(notion, "# Plan\n- a\n- b")
    ids = block_ids(notion, page_id)
    emulator.configure({"clock_offset_s": 3600})
    replace(notion, page_id, "# Plan\n\n* a\n* b\n")
    page = notion.pages.retrieve(page_id=page_id)
    assert (block_ids(notion, page_id), page["last_edited_time"]) == (
        ids,
        "2026-07-01T09:00:00.000Z",
    )


def test_update_content_replaces_one_match(notion: Any) -> None:
    """Search and replace on the page's Markdown."""
    page_id = new_page(notion, "Owner: Ada\nDue: Friday")
    notion.pages.update_markdown(
        page_id=page_id,
        type="update_content",
        update_content={"content_updates": [{"old_str": "Friday", "new_str": "Monday"}]},
    )
    assert read(notion, page_id) == "Owner: Ada\nDue: Monday"


def test_update_content_that_matches_nothing_is_refused(notion: Any) -> None:
    """400 validation_error naming the old_str; the page is unchanged."""
    page_id = new_page(notion, "Due: Friday")
    with pytest.raises(APIResponseError, match="was not found") as caught:
        notion.pages.update_markdown(
            page_id=page_id,
            type="update_content",
            update_content={"content_updates": [{"old_str": "Sunday", "new_str": "Monday"}]},
        )
    assert (caught.value.code, read(notion, page_id)) == ("validation_error", "Due: Friday")


def test_update_content_with_several_matches_needs_replace_all_matches(notion: Any) -> None:
    """Refused when ambiguous; every match replaced with replace_all_matches."""
    page_id = new_page(notion, "- todo\n- todo")
    update = {"old_str": "todo", "new_str": "done"}
    with pytest.raises(APIResponseError, match="matches 2 times"):
        notion.pages.update_markdown(
            page_id=page_id, type="update_content", update_content={"content_updates": [update]}
        )
    notion.pages.update_markdown(
        page_id=page_id,
        type="update_content",
        update_content={"content_updates": [{**update, "replace_all_matches": True}]},
    )
    assert read(notion, page_id) == "- done\n- done"


@pytest.mark.parametrize(
    ("insert", "expected"),
    [
        ({"content": "Z"}, "A\n- B\n\t- C\nZ"),
        ({"content": "Z", "position": {"type": "end"}}, "A\n- B\n\t- C\nZ"),
        ({"content": "Z", "position": {"type": "start"}}, "Z\nA\n- B\n\t- C"),
        ({"content": "Z", "after": "A"}, "A\nZ\n- B\n\t- C"),
        ({"content": "Z", "after": "- B...C"}, "A\n- B\n\t- C\nZ"),
        ({"content": "Z", "after": "B"}, "A\n- B\n\t- C\nZ"),
    ],
    ids=["default end", "end", "start", "after a block", "after a range", "after a parent"],
)
def test_insert_content_places_new_blocks(
    notion: Any, insert: dict[str, Any], expected: str
) -> None:
    """At the end, at the start, or after the top-level block a selection ends in."""
    page_id = new_page(notion, "A\n- B\n\t- C")
    notion.pages.update_markdown(page_id=page_id, type="insert_content", insert_content=insert)
    assert read(notion, page_id) == expected


def test_insert_content_with_after_and_position_is_refused(notion: Any) -> None:
    """They cannot be combined."""
    page_id = new_page(notion, "A")
    with pytest.raises(APIResponseError, match="after or position, not both"):
        notion.pages.update_markdown(
            page_id=page_id,
            type="insert_content",
            insert_content={"content": "Z", "after": "A", "position": {"type": "start"}},
        )


def test_replace_content_range_replaces_the_selected_text(notion: Any) -> None:
    """An ellipsis selection from start text to end text is replaced."""
    page_id = new_page(notion, "Intro\n## Old section\nOld body\n## Next")
    notion.pages.update_markdown(
        page_id=page_id,
        type="replace_content_range",
        replace_content_range={"content": "## New section", "content_range": "## Old...body"},
    )
    assert read(notion, page_id) == "Intro\n## New section\n## Next"


def test_a_selection_that_matches_nothing_is_refused(notion: Any) -> None:
    """400 saying how a selection is written."""
    page_id = new_page(notion, "Intro")
    with pytest.raises(APIResponseError, match="does not match the page content"):
        notion.pages.update_markdown(
            page_id=page_id,
            type="replace_content_range",
            replace_content_range={"content": "x", "content_range": "Outro...end"},
        )


# -- the guard ------------------------------------------------------------------------------------


def sub_page(notion: Any, parent: str, title: str = "Notes") -> str:
    """A sub-page; its id."""
    return str(
        notion.pages.create(parent={"page_id": parent}, properties={"title": text(title)})["id"]
    )


def test_content_that_would_delete_a_sub_page_is_refused(notion: Any) -> None:
    """400 naming the sub-page; nothing changes."""
    page_id = new_page(notion, "Intro")
    child = sub_page(notion, page_id)
    before = read(notion, page_id)
    with pytest.raises(APIResponseError) as caught:
        replace(notion, page_id, "Only this")
    assert caught.value.code == "validation_error"
    assert 'would delete 1 child page(s) or database(s): page: "Notes"' in str(caught.value)
    assert (read(notion, page_id), notion.pages.retrieve(page_id=child)["in_trash"]) == (
        before,
        False,
    )


def test_a_sub_pages_tag_keeps_it_where_the_tag_is(notion: Any) -> None:
    """Including <page url> in the new content keeps the same sub-page, moved to that place."""
    page_id = new_page(notion, "Intro")
    child = sub_page(notion, page_id)
    tag = f'<page url="https://www.notion.so/{child.replace("-", "")}">Notes</page>'
    replace(notion, page_id, f"{tag}\nAfter")
    assert read(notion, page_id) == f"{tag}\nAfter"
    assert block_ids(notion, page_id)[0] == child


def test_allow_deleting_content_moves_the_sub_page_to_the_trash(notion: Any) -> None:
    """With the guard lifted the sub-page goes to the trash."""
    page_id = new_page(notion, "Intro")
    child = sub_page(notion, page_id)
    replace(notion, page_id, "Only this", allow_deleting_content=True)
    assert notion.pages.retrieve(page_id=child)["in_trash"] is True
    assert read(notion, page_id) == "Only this"


def test_a_database_is_guarded_like_a_sub_page(notion: Any) -> None:
    """Dropping a child database is refused too, naming it."""
    page_id = new_page(notion, "Intro")
    notion.databases.create(
        parent={"page_id": page_id},
        title=text("Tasks"),
        initial_data_source={"properties": {"Name": {"title": {}}}},
    )
    with pytest.raises(APIResponseError, match='database: "Tasks"'):
        replace(notion, page_id, "Intro")


def test_a_tag_naming_a_page_elsewhere_is_refused(notion: Any) -> None:
    """A <page> tag can only keep one of the page's own sub-pages."""
    page_id = new_page(notion, "Intro")
    elsewhere = new_page(notion, "Other", title="Other")
    tag = f'<page url="https://www.notion.so/{elsewhere.replace("-", "")}">Other</page>'
    with pytest.raises(APIResponseError, match="not in this page"):
        replace(notion, page_id, tag)


def test_an_unknown_tag_keeps_its_block_and_leaving_it_out_drops_it(notion: Any) -> None:
    """Writing back what was read keeps a bookmark; omitting its tag trashes it."""
    page_id = new_page(notion, "Intro")
    (mark,) = notion.blocks.children.append(block_id=page_id, children=[bookmark()])["results"]
    markdown = read(notion, page_id)
    replace(notion, page_id, markdown + "\nMore")
    assert mark["id"] in block_ids(notion, page_id)
    replace(notion, page_id, "Intro\nMore")
    assert mark["id"] not in block_ids(notion, page_id)


# -- the request ----------------------------------------------------------------------------------


def test_allow_async_answers_with_a_task_that_holds_the_result(notion: Any) -> None:
    """202 async_task, queued; the task then shows succeeded with the page_markdown result."""
    page_id = new_page(notion, "Old")
    queued = notion.request(
        path=f"pages/{page_id}/markdown",
        method="PATCH",
        body={"allow_async": True, "type": "insert_content", "insert_content": {"content": "New"}},
    )
    assert (queued["object"], queued["status"], queued["poll_after_seconds"]) == (
        "async_task",
        "queued",
        2,
    )
    done = notion.request(path=f"async_tasks/{queued['id']}", method="GET")
    assert (done["status"], done["operation"]) == (
        "succeeded",
        {"surface": "rest", "name": "PATCH /v1/pages/:page_id/markdown"},
    )
    assert (done["result"]["object"], done["result"]["markdown"]) == ("page_markdown", "Old\nNew")


def test_an_async_task_is_answered_202(emulator: Emulator, notion: Any) -> None:
    """The status code of a started task, as recorded."""
    page_id = new_page(notion, "Old")
    raw = httpx.Client(transport=httpx.WSGITransport(app=emulator), base_url="http://emulator")
    answer = raw.patch(
        f"/v1/pages/{page_id}/markdown",
        json={"allow_async": True, "type": "replace_content", "replace_content": {"new_str": "x"}},
        headers={"Authorization": f"Bearer {TOKEN}", "Notion-Version": "2025-09-03"},
    )
    assert (answer.status_code, answer.json()["object"]) == (202, "async_task")


def test_an_unknown_operation_type_is_refused(notion: Any) -> None:
    """type must name one of the four operations."""
    page_id = new_page(notion, "A")
    with pytest.raises(APIResponseError, match=r"body\.type should be one of"):
        notion.pages.update_markdown(page_id=page_id, type="append", append={"content": "B"})


def test_a_trashed_page_cannot_be_edited(notion: Any) -> None:
    """Notion's archived refusal."""
    page_id = new_page(notion, "A")
    notion.pages.update(page_id=page_id, in_trash=True)
    with pytest.raises(APIResponseError, match="archived"):
        replace(notion, page_id, "B")


def test_the_2026_version_edits_the_same_way(notion_2026: Any) -> None:
    """Notion-Version 2026-03-11 serves the same endpoints."""
    page_id = new_page(notion_2026, "A")
    replace(notion_2026, page_id, "B")
    assert read(notion_2026, page_id) == "B"


def test_an_unknown_tag_naming_no_block_of_the_page_keeps_nothing(notion: Any) -> None:
    """A tag copied from another page is left out; the rest is written."""
    other = new_page(notion, "Elsewhere")
    (mark,) = notion.blocks.children.append(block_id=other, children=[bookmark()])["results"]
    copied = read(notion, other).splitlines()[1]
    page_id = new_page(notion, "Intro")
    replace(notion, page_id, f"Intro\n{copied}\nOutro")
    assert read(notion, page_id) == "Intro\nOutro"
    assert mark["id"] in block_ids(notion, other)
