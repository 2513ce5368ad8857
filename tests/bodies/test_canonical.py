"""The canonical form of a body: what Notion normalises is never a difference, what it keeps is."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reconciler.bodies import EMPTY_BODY_HASH, body_hash, canonical_markdown, subpages

SAME = [
    pytest.param("a\r\nb\rc", "a\nb\nc", id="line endings"),
    pytest.param("a\n\n\nb\n\n", "a\nb", id="blank lines"),
    pytest.param("text   \nmore\t", "text\nmore", id="trailing spaces"),
    pytest.param("* one\n+ two", "- one\n- two", id="bullet markers"),
    pytest.param("1) a\n1. b\n7. c", "1. a\n2. b\n3. c", id="numbering"),
    pytest.param(
        "- parent\n    - child\n        - grandchild",
        "- parent\n\t- child\n\t\t- grandchild",
        id="space indentation",
    ),
    pytest.param("*italic* and __bold__", "_italic_ and **bold**", id="emphasis markers"),
    pytest.param("a<br/>b<br />c", "a<br>b<br>c", id="line breaks"),
    pytest.param("a > b, x^2, {c}", "a \\> b, x\\^2, \\{c\\}", id="escapes"),
    pytest.param("- [X] done", "- [x] done", id="checked to-do"),
    pytest.param("***", "---", id="divider"),
    pytest.param("```py\nx = 1\n```", "```python\nx = 1\n```", id="code language alias"),
    pytest.param(
        '<span color="red_background">x</span>', '<span color="red_bg">x</span>', id="colour names"
    ),
    pytest.param(
        "| a | b |\n| - | - |\n| 1 | 2 |",
        '<table header-row="true"><tr><td>a</td><td>b</td></tr>'
        "<tr><td>1</td><td>2</td></tr></table>",
        id="pipe table",
    ),
    pytest.param(
        "![chart](https://prod-files-secure.s3.us-west-2.amazonaws.com/a/b.png"
        "?X-Amz-Algorithm=AWS4&X-Amz-Signature=abc)",
        "![chart](https://prod-files-secure.s3.us-west-2.amazonaws.com/a/b.png)",
        id="signed file URL",
    ),
    pytest.param(
        '<mention-page url="https://app.notion.com/p/Plan-0123456789abcdef0123456789abcdef">'
        "Plan</mention-page>",
        '<mention-page url="https://www.notion.so/0123456789abcdef0123456789abcdef">'
        "Renamed plan</mention-page>",
        id="mention title",
    ),
    pytest.param(
        '<callout icon="💡">Note</callout>',
        '<callout icon="💡">\n\tNote\n</callout>',
        id="one-line callout",
    ),
    pytest.param("## H\n\tnot a child", "## H\nnot a child", id="plain heading's indented lines"),
    pytest.param("##### five", "#### five", id="headings past four"),
]


@pytest.mark.parametrize(("written", "answered"), SAME)
def test_what_notion_normalises_is_no_difference(written: str, answered: str) -> None:
    """Both forms have one canonical form, so one hash."""
    assert canonical_markdown(written) == canonical_markdown(answered)
    assert body_hash(written) == body_hash(answered)


DIFFERENT = [
    pytest.param("_italic_", "\\_italic\\_", id="emphasis or literal underscores"),
    pytest.param("- item", "1. item", id="bullet or number"),
    pytest.param("- parent\n\t- child", "- parent\n- child", id="nesting"),
    pytest.param("```\nx  \n```", "```\nx\n```", id="spaces inside code"),
    pytest.param("```python\nx\n```", "```ruby\nx\n```", id="code language"),
    pytest.param("**bold**", "bold", id="bold"),
    pytest.param("[a](https://a.example)", "[a](https://b.example)", id="link target"),
    pytest.param('a {color="red"}', 'a {color="blue"}', id="block colour"),
    pytest.param("- [ ] a", "- [x] a", id="to-do state"),
    pytest.param("a\nb", "a<br>b", id="two blocks or a line break"),
]


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_what_notion_keeps_is_a_difference(one: str, other: str) -> None:
    """Content that differs in Notion differs in canonical form."""
    assert body_hash(one) != body_hash(other)


def test_an_empty_body_has_the_empty_hash() -> None:
    """Whitespace alone is no content."""
    assert body_hash(" \n\n\t\n") == EMPTY_BODY_HASH


def test_the_empty_hash_is_the_hash_of_no_content() -> None:
    """The constant written out in the package is what ``body_hash`` makes of an empty body."""
    assert body_hash("") == EMPTY_BODY_HASH


def test_subpages_are_named_by_kind_and_id() -> None:
    """The sub-pages and databases a body holds, whatever their URL's form."""
    text = (
        '<page url="https://www.notion.so/Notes-00112233445566778899aabbccddeeff">Notes</page>\n'
        '<database url="https://www.notion.so/ffeeddccbbaa99887766554433221100" inline="true">'
        "Tasks</database>"
    )
    assert {
        ("page", "00112233445566778899aabbccddeeff"),
        ("database", "ffeeddccbbaa99887766554433221100"),
    } == subpages(text)


_LINES = st.lists(
    st.one_of(
        st.text(alphabet="ab *_~`$[]<>{}|^#-+>1.\\()!", max_size=12),
        st.sampled_from(
            [
                "- item",
                "1. one",
                "> quote",
                "```",
                "$$",
                "---",
                "<details>",
                "</details>",
                "<summary>s</summary>",
                "<callout>",
                "</callout>",
                "| a | b |",
                "|---|---|",
                "\t- nested",
                "    - spaced",
                '## h {toggle="true"}',
                "<empty-block/>",
            ]
        ),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(_LINES)
@example(["*1* 1"])  # an emphasised word then text: the space after it stays one space
def test_the_canonical_form_is_its_own_canonical_form(lines: list[str]) -> None:
    """Canonicalising twice changes nothing: a canonical body reads back as itself."""
    once = canonical_markdown("\n".join(lines))
    assert canonical_markdown(once) == once


@pytest.mark.parametrize(
    ("markdown", "canonical"),
    [("*1* 1", "_1_ 1"), ("a *b* c", "a _b_ c"), ("**x**  y", "**x**  y"), (" lead", "lead")],
)
def test_spaces_next_to_emphasis_are_kept_as_written(markdown: str, canonical: str) -> None:
    assert canonical_markdown(markdown) == canonical
