"""The Markdown form of page content: each construct written as blocks reads as Notion's Markdown,
each written as Markdown reads back as the same blocks, and Markdown round-trips unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.emulator import Emulator
from tests.conftest import ROOT_PAGE_ID
from tests.emulator.conftest import text


def page_with(notion: Any, children: list[dict[str, Any]]) -> str:
    """A page holding these blocks (appended through the block endpoint); its id."""
    page = notion.pages.create(parent={"page_id": ROOT_PAGE_ID}, properties={})
    notion.blocks.children.append(block_id=page["id"], children=children)
    return str(page["id"])


def markdown_of(notion: Any, page_id: str) -> str:
    """The page as GET /v1/pages/{id}/markdown shows it."""
    return str(notion.pages.retrieve_markdown(page_id=page_id)["markdown"])


def run(content: str, **annotations: Any) -> dict[str, Any]:
    """One rich-text run with these annotations."""
    return {"type": "text", "text": {"content": content}, "annotations": annotations}


def block(kind: str, **content: Any) -> dict[str, Any]:
    """A block request."""
    return {"type": kind, kind: content}


TABLE = (
    '<table header-row="true">\n\t<tr>\n\t\t<td>A</td>\n\t\t<td>B</td>\n\t</tr>\n'
    "\t<tr>\n\t\t<td>1</td>\n\t\t<td>2</td>\n\t</tr>\n</table>"
)
ADA = "5a0c6f4e-2c4b-4f1e-9d4a-0a1b2c3d4e5f"

BLOCKS_AS_MARKDOWN = [
    ("heading 1", [block("heading_1", rich_text=text("Plan"))], "# Plan"),
    ("heading 2 in a colour", [block("heading_2", rich_text=text("Risks"), color="red")],
     '## Risks {color="red"}'),
    ("heading 3", [block("heading_3", rich_text=text("Notes"))], "### Notes"),
    ("paragraph", [block("paragraph", rich_text=text("Ship it."))], "Ship it."),
    ("bold, italic, code, strike",
     [block("paragraph", rich_text=[run("a", bold=True), run(" "), run("b", italic=True),
                                    run(" "), run("c", code=True), run(" "),
                                    run("d", strikethrough=True)])],
     "**a** _b_ `c` ~~d~~"),
    ("link", [block("paragraph", rich_text=[
        {"type": "text", "text": {"content": "docs", "link": {"url": "https://example.com"}}}])],
     "[docs](https://example.com)"),
    ("text colour and background",
     [block("paragraph", rich_text=[run("hot", color="red"), run(" "),
                                    run("note", color="yellow_background")])],
     '<span color="red">hot</span> <span color="yellow_bg">note</span>'),
    ("underline", [block("paragraph", rich_text=[run("mind", underline=True)])],
     '<span underline="true">mind</span>'),
    ("inline equation", [block("paragraph", rich_text=[
        {"type": "equation", "equation": {"expression": "e^{i\\pi}"}}])],
     "$e^{i\\pi}$"),
    ("line break", [block("paragraph", rich_text=text("one\ntwo"))], "one<br>two"),
    ("special characters escaped", [block("paragraph", rich_text=text("a*b [c] <d> snake_case"))],
     "a\\*b \\[c\\] \\<d\\> snake_case"),
    ("empty paragraph", [block("paragraph", rich_text=[])], "<empty-block/>"),
    ("paragraph colour", [block("paragraph", rich_text=text("Hi"), color="blue_background")],
     'Hi {color="blue_bg"}'),
    ("nested bulleted list", [block("bulleted_list_item", rich_text=text("a"), children=[
        block("bulleted_list_item", rich_text=text("b"))])],
     "- a\n\t- b"),
    ("numbered list counted", [block("numbered_list_item", rich_text=text(w))
                               for w in ("x", "y", "z")], "1. x\n2. y\n3. z"),
    ("to-dos", [block("to_do", rich_text=text("open")),
                block("to_do", rich_text=text("done"), checked=True)],
     "- [ ] open\n- [x] done"),
    ("quote", [block("quote", rich_text=text("Less is more"))], "> Less is more"),
    ("callout with icon and colour",
     [block("callout", rich_text=text("Careful"), icon={"type": "emoji", "emoji": "⚠️"},
            color="yellow_background")],
     '<callout icon="⚠️" color="yellow_bg">\n\tCareful\n</callout>'),
    ("code with language", [block("code", rich_text=text("print(1)\nprint(2)"), language="python")],
     "```python\nprint(1)\nprint(2)\n```"),
    ("code in plain text", [block("code", rich_text=text("x"), language="plain text")],
     "```\nx\n```"),
    ("divider", [block("divider")], "---"),
    ("equation", [block("equation", expression="E = mc^2")], "$$\nE = mc^2\n$$"),
    ("toggle", [block("toggle", rich_text=text("More"), children=[
        block("paragraph", rich_text=text("Hidden"))])],
     "<details>\n<summary>More</summary>\n\tHidden\n</details>"),
    ("toggle heading", [block("heading_2", rich_text=text("FAQ"), is_toggleable=True, children=[
        block("paragraph", rich_text=text("Answer"))])],
     '## FAQ {toggle="true"}\n\tAnswer'),
    ("table", [block("table", table_width=2, has_column_header=True, has_row_header=False,
                     children=[block("table_row", cells=[text("A"), text("B")]),
                               block("table_row", cells=[text("1"), text("2")])])],
     TABLE),
    ("image", [block("image", type="external", external={"url": "https://example.com/a.png"},
                     caption=text("Chart"))],
     "![Chart](https://example.com/a.png)"),
    ("table of contents", [block("table_of_contents")], "<table_of_contents/>"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("children", "expected"),
    [case[1:] for case in BLOCKS_AS_MARKDOWN],
    ids=[case[0] for case in BLOCKS_AS_MARKDOWN],
)
def test_blocks_read_as_notions_markdown(
    notion: Any, children: list[dict[str, Any]], expected: str
) -> None:
    """Each construct appended as blocks comes back in the Markdown form Notion documents."""
    assert markdown_of(notion, page_with(notion, children)) == expected


@pytest.mark.parametrize(
    "markdown",
    [case[2] for case in BLOCKS_AS_MARKDOWN],
    ids=[case[0] for case in BLOCKS_AS_MARKDOWN],
)
def test_markdown_reads_back_as_written(notion: Any, markdown: str) -> None:
    """Written as Markdown (on create), every construct reads back exactly as it was written."""
    page = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Doc")}, markdown=markdown
    )
    assert markdown_of(notion, page["id"]) == markdown


@pytest.mark.parametrize(
    ("children", "markdown"),
    [case[1:] for case in BLOCKS_AS_MARKDOWN],
    ids=[case[0] for case in BLOCKS_AS_MARKDOWN],
)
def test_markdown_is_stored_as_the_blocks_it_stands_for(
    notion: Any, children: list[dict[str, Any]], markdown: str
) -> None:
    """A page written as Markdown and one built from blocks list the same blocks."""
    from_blocks = page_with(notion, children)
    from_markdown = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Doc")}, markdown=markdown
    )["id"]
    assert shape(notion, from_markdown) == shape(notion, from_blocks)


def shape(notion: Any, block_id: str) -> list[Any]:
    """The blocks under a page or block through the block endpoints: type, content, children."""
    out: list[Any] = []
    for child in notion.blocks.children.list(block_id=block_id)["results"]:
        content = {k: v for k, v in child[child["type"]].items() if k != "children"}
        nested = shape(notion, child["id"]) if child["has_children"] else []
        out.append((child["type"], content, nested))
    return out


VARIANTS = [
    ("italic with stars", "*soon*", "_soon_"),
    ("bold with underscores", "__now__", "**now**"),
    ("bold italic", "***both***", "**_both_**"),
    ("star and plus bullets", "* a\n+ b", "- a\n- b"),
    ("numbers as written", "3. a\n7. b", "1. a\n2. b"),
    ("spaces as indentation", "- a\n    - b\n        - c", "- a\n\t- b\n\t\t- c"),
    ("blank lines between blocks", "# Hello\n\nAsync test content.",
     "# Hello\nAsync test content."),
    ("deep headings", "#### Four\n###### Six", "### Four\n### Six"),
    ("language alias", "```py\nx = 1\n```", "```python\nx = 1\n```"),
    ("pipe table", "| A | B |\n|---|---|\n| 1 | 2 |",
     TABLE),
    ("one toggle on one line", "<details><summary>Hi</summary></details>",
     "<details>\n<summary>Hi</summary>\n</details>"),
    ("callout children unindented", '<callout icon="💡">\nTip\n- one\n</callout>',
     '<callout icon="💡">\n\tTip\n\t- one\n</callout>'),
    ("a heading's indented lines follow it", "# Title\n\tNot a child", "# Title\nNot a child"),
    ("colour written as the API names it", 'Hi {color="red_background"}', 'Hi {color="red_bg"}'),
    ("CRLF line endings", "a\r\nb", "a\nb"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("written", "read"), [v[1:] for v in VARIANTS], ids=[v[0] for v in VARIANTS]
)
def test_markdown_variants_read_back_in_notions_form(notion: Any, written: str, read: str) -> None:
    """What Notion normalises (list markers, emphasis markers, numbering, indentation, blank
    lines) comes back in the one form it writes."""
    page = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Doc")}, markdown=written
    )
    assert markdown_of(notion, page["id"]) == read


def test_mentions_read_as_mention_tags_and_write_back(emulator: Emulator, notion: Any) -> None:
    """Page, user and date mentions: written as blocks, read as tags; the tags write them back."""
    emulator.seed(
        {
            "users": [
                {
                    "id": "5a0c6f4e-2c4b-4f1e-9d4a-0a1b2c3d4e5f",
                    "name": "Ada Lovelace",
                    "type": "person",
                    "person": {"email": "ada@example.com"},
                }
            ]
        }
    )
    target = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Roadmap")}
    )["id"]
    mentions = [
        {"type": "mention", "mention": {"type": "page", "page": {"id": target}}},
        run(" by "),
        {"type": "mention", "mention": {"type": "user", "user": {"id": ADA}}},
        run(" on "),
        {"type": "mention", "mention": {"type": "date", "date": {"start": "2026-07-01"}}},
    ]  # fmt: skip
    page = page_with(notion, [block("paragraph", rich_text=mentions)])
    expected = (
        f'<mention-page url="https://www.notion.so/{target.replace("-", "")}">Roadmap'
        '</mention-page> by <mention-user url="user://5a0c6f4e-2c4b-4f1e-9d4a-0a1b2c3d4e5f">'
        'Ada Lovelace</mention-user> on <mention-date start="2026-07-01"/>'
    )
    assert markdown_of(notion, page) == expected
    again = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("Copy")}, markdown=expected
    )["id"]
    assert (markdown_of(notion, again), shape(notion, again)) == (expected, shape(notion, page))


def test_a_datetime_mention_reads_with_its_time_in_utc(notion: Any) -> None:
    """A date mention with a time shows start, startTime and timeZone; a zone written is kept."""
    written = '<mention-date start="2026-07-01" startTime="14:30" timeZone="Europe/Berlin"/>'
    page = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": text("When")}, markdown=written
    )["id"]
    assert markdown_of(notion, page) == (
        '<mention-date start="2026-07-01" startTime="12:30" timeZone="UTC"/>'
    )
