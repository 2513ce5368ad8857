"""Bodies written to the emulator read back in the same canonical form, construct by construct.

The emulator answers ``GET /v1/pages/{id}/markdown`` in Notion's normalised form (``_`` italic,
``- `` bullets, counted numbers, tabs, no blank lines, tags); what a manifest author writes
and what comes back must canonicalise alike, or every plan would show a difference.
"""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.bodies import canonical_markdown
from tests.conftest import ROOT_PAGE_ID

CONSTRUCTS = {
    "headings and inline styles": (
        "## Heading two\nA paragraph with **bold**, *italic*, `code`, ~~strike~~ and a"
        " [link](https://example.com).\n\n### Third\n"
        'Some <span color="red">red text</span> and <span color="blue_background">blue</span>.'
    ),
    "bulleted and numbered lists, nested": (
        "* one\n* two\n    * nested\n    * nested two\n+ three\n\n"
        "1. first\n1. second\n    1. sub a\n    2. sub b\n1. third"
    ),
    "to-dos, nested": "- [ ] todo\n- [X] done\n\t- [ ] nested todo",
    "quotes and callouts": (
        '> A quote\n> Another line\n\n<callout icon="💡" color="yellow_bg">\n'
        "Callout text with **bold**\n- a list inside\n</callout>"
    ),
    "code with a language": "```py\ndef f(x):\n\n    return x  \n```\n\n```\nplain\n```",
    "dividers and equations": (
        "---\n***\nText after\n\n$$\nE = mc^2\n$$\n\nInline $x^2$ math and prices $5 and $6."
    ),
    "tables": (
        "| A | B |\n|---|---|\n| 1 | 2 |\n| 3 |\n\n"
        '<table header-row="true">\n<tr><td>x</td><td>**y**</td></tr>\n'
        "<tr><td>1</td><td>2</td></tr>\n</table>"
    ),
    "toggles": (
        "<details>\n<summary>Toggle me</summary>\nHidden text\n- hidden item\n</details>\n\n"
        '## Toggle heading {toggle="true"}\n\tInside the heading'
    ),
    "mentions and escapes": (
        'Mention <mention-date start="2026-05-01"/> and <mention-user'
        ' url="user://0000000a-0000-4000-8000-00000000000a">Ada</mention-user>.\n'
        "Escapes: a > b, x^2, {braces}, a|b, snake_case_word, _under_ and 1 < 2."
    ),
    "breaks, spaces and colours": (
        "Line one<br/>line two\nTrailing spaces   \n\tIndented paragraph child\n"
        "**[bold link](https://example.com)** and [**bold in link**](https://example.com)\n"
        "***both*** and __bold__ and _it_ and it*al*ic\n"
        'A paragraph {color="red"}\n- bullet {color="blue_background"}'
    ),
}


@pytest.mark.parametrize("markdown", CONSTRUCTS.values(), ids=CONSTRUCTS.keys())
def test_a_body_reads_back_in_the_same_canonical_form(notion: Any, markdown: str) -> None:
    """Created with the Markdown, the page answers Markdown with the same canonical form."""
    title = {"title": [{"text": {"content": "Body"}}]}
    page = notion.pages.create(
        parent={"page_id": ROOT_PAGE_ID}, properties={"title": title}, markdown=markdown
    )
    answered = notion.pages.retrieve_markdown(page["id"])["markdown"]
    assert canonical_markdown(markdown) == canonical_markdown(answered)
