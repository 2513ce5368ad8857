"""Properties of the Markdown endpoints over generated documents: no input breaks them, and what a
page reads as is what it holds (writing it back changes nothing)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from notion_client import APIResponseError

from reconciler.emulator import Emulator
from tests.conftest import ROOT_PAGE_ID, in_process_client

LINE_STARTS = ["", "# ", "### ", "- ", "* ", "1. ", "- [ ] ", "- [x] ", "> ", "\t- ", "\t",
               "\\# ", "\\- ", "1\\. "]  # fmt: skip
WORDS = ["word", "snake_case", "a*b", "**bold**", "_it_", "*it*", "~~gone~~", "`code`",
         "[link](https://example.com)", "$x^2$", "<br>", "{x}", "é", "😀", "2 * 3", "#tag",
         "C#", "x -", '<span color="red">red</span>', "**_both_**", "\\*", "|"]  # fmt: skip
BLOCKS = [
    "```py\nx = 1\n\n  y = 2\n```",
    "<details>\n<summary>Title *i*</summary>\n\tchild **b**\n</details>",
    '<callout icon="💡" color="gray_bg">\n\tnote\n\t- item\n</callout>',
    "| A | B |\n|---|---|\n| 1 | 2 |",
    "$$\nE = mc^2\n$$",
    "---",
    "<empty-block/>",
]
PIECES = ["# ", "- ", "1. ", "> ", "\t", "\n", "\n\n", "**", "*", "_", "~~", "`", "```", "$",
          "$$", "[", "]", "(", ")", "<br>", "<details>", "<summary>", "</summary>", "</details>",
          '<callout icon="x">', "</callout>", "<table>", "<tr>", "<td>", "</td>", "</tr>",
          "</table>", "|", "---", '{color="red"}', '{toggle="true"}', '<span color="blue">',
          "</span>", "<empty-block/>", "<columns>", "<column>", "</column>", "</columns>",
          "\\", "word", " ", "😀", "<", ">", "{", "}", "![a](b)"]  # fmt: skip

line = st.builds(
    lambda start, words: start + " ".join(words),
    st.sampled_from(LINE_STARTS),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=5),
)
document = st.lists(st.one_of(line, st.sampled_from(BLOCKS)), min_size=1, max_size=8).map("\n".join)
garbage = st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join)
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fresh() -> tuple[Emulator, Any]:
    """A new emulator and a client (hypothesis runs many examples per test function)."""
    emulator = Emulator(store=":memory:", tokens={"secret_t": "T"}, rate_limit=None)
    emulator.reset()
    return emulator, in_process_client(emulator, token="secret_t")


def write(notion: Any, markdown: str) -> str:
    """A page written as this Markdown; its id."""
    page = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID},
        properties={"title": [{"text": {"content": "Doc"}}]},
        markdown=markdown,
    )
    return str(page["id"])


@QUICK
@given(document)
def test_writing_back_what_a_page_reads_as_changes_nothing(markdown: str) -> None:
    """Read, write it back: the same Markdown and the same block ids (Notion's form is a fixed
    point, so apply then plan finds nothing to do)."""
    emulator, notion = fresh()
    page_id = write(notion, markdown)
    read = notion.pages.retrieve_markdown(page_id=page_id)["markdown"]
    ids = [b["id"] for b in notion.blocks.children.list(block_id=page_id)["results"]]
    again = notion.pages.update_markdown(
        page_id=page_id, type="replace_content", replace_content={"new_str": read}
    )["markdown"]
    after = [b["id"] for b in notion.blocks.children.list(block_id=page_id)["results"]]
    assert (again, after) == (read, ids)
    emulator.close()


@QUICK
@given(garbage)
def test_any_text_is_taken_or_refused_never_an_internal_error(markdown: str) -> None:
    """Whatever the Markdown, the answer is a page or a 400, and what it reads as writes back."""
    emulator, notion = fresh()
    page_id: str | None = None
    try:
        page_id = write(notion, markdown)
    except APIResponseError as refused:
        status = refused.status
    else:
        read = notion.pages.retrieve_markdown(page_id=page_id)["markdown"]
        notion.pages.update_markdown(
            page_id=page_id, type="replace_content", replace_content={"new_str": read}
        )
        status = 200
    assert status in (200, 400)
    emulator.close()
