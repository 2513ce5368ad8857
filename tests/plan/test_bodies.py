"""A row's body change: by canonical hash, classed by what Notion holds, refused when lossy
beyond approval (unknown blocks, a truncated page, dropped sub-pages)."""

from __future__ import annotations

import pytest

from reconciler.bodies import body_hash, raw_hash
from reconciler.errors import PlanError, Problem
from reconciler.model import DesiredBody, DesiredRow, LiveBody, LiveRow, SourceLocation, WrittenBody
from reconciler.plan import Change, ChangeClass, UpdateBody
from reconciler.plan.bodies import body_change

ROW = DesiredRow("intro", {}, SourceLocation("manifests/docs.yaml", 12, 5),
                 body=DesiredBody("# Intro\n*New* text\n"))  # fmt: skip


def _live(markdown: str, **fields: object) -> LiveRow:
    body = LiveBody(markdown, **fields)  # type: ignore[arg-type]
    return LiveRow("page-1", "intro", {}, "https://notion.so/page-1", body=body)


def _change(live: LiveRow) -> Change:
    change = body_change("docs", ROW, live)
    assert isinstance(change, Change)
    return change


def test_a_body_equal_in_canonical_form_is_no_change() -> None:
    """Notion's `_` italic and missing blank lines are not a difference."""
    assert body_change("docs", ROW, _live("# Intro\n_New_ text")) is None


def test_notions_form_of_what_was_written_is_no_change() -> None:
    """Notion holds exactly what it held right after the reconciler wrote this body."""
    written = WrittenBody(body_hash(ROW.body.markdown), body_hash("odd form"))  # type: ignore[union-attr]
    assert body_change("docs", ROW, _live("odd form", written=written)) is None


def test_overwriting_an_empty_body_is_safe() -> None:
    """Nothing is lost."""
    change = _change(_live(""))
    assert (change.change_class, change.payload) == (
        ChangeClass.SAFE,
        UpdateBody("", ROW.body.markdown, body_hash(""), body_hash(ROW.body.markdown)),  # type: ignore[union-attr]
    )


def test_overwriting_what_the_reconciler_wrote_is_safe() -> None:
    """The body still holds the reconciler's last write."""
    written = WrittenBody(body_hash("Old"), body_hash("Old"))
    change = _change(_live("Old", written=written))
    assert change.change_class is ChangeClass.SAFE
    assert change.note == "Notion still holds what the reconciler last wrote"


def test_overwriting_an_edit_made_in_notion_is_lossy() -> None:
    """Edited since the reconciler's write: approval needed."""
    written = WrittenBody(body_hash("Old"), body_hash("Old"))
    change = _change(_live("Edited in Notion", written=written))
    assert change.change_class is ChangeClass.LOSSY
    assert "edited in Notion since" in change.note


def test_overwriting_a_body_never_written_is_lossy() -> None:
    """Without a record nothing says the content is the reconciler's own."""
    assert _change(_live("Someone's text")).change_class is ChangeClass.LOSSY


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"unknown_block_ids": ("b1",)}, "Markdown cannot show"),
        ({"truncated": True}, "too long to read whole"),
    ],
    ids=["unknown blocks", "truncated"],
)
def test_a_body_markdown_cannot_carry_is_a_problem(fields: dict[str, object], words: str) -> None:
    """Never overwritten: a problem at the row, with the way out."""
    problem = body_change("docs", ROW, _live("Something", **fields))
    assert isinstance(problem, Problem)
    assert (problem.file, problem.line) == ("manifests/docs.yaml", 12)
    assert words in problem.message
    assert "row 'intro'" in problem.message
    assert "stop managing this row's body" in problem.hint


def test_a_body_dropping_a_sub_page_is_a_problem() -> None:
    """Notion refuses to delete sub-pages with a body: the plan says how to keep them."""
    live = _live(
        'Text\n<page url="https://www.notion.so/00112233445566778899aabbccddeeff">Sub</page>'
    )
    problem = body_change("docs", ROW, live)
    assert isinstance(problem, Problem)
    assert "page 00112233445566778899aabbccddeeff" in problem.message
    assert (
        '<page url="https://www.notion.so/00112233445566778899aabbccddeeff"></page>' in problem.hint
    )


def test_a_body_not_read_is_a_bug_not_a_silence() -> None:
    """A managed body missing from the live read is an error, never "no change"."""
    with pytest.raises(PlanError, match="holds no body"):
        body_change("docs", ROW, LiveRow("page-1", "intro", {}, "u"))


def test_the_markdown_last_sent_is_known_by_its_exact_text() -> None:
    """A manifest body byte for byte as last sent takes the recorded hash, and a body read
    before its hash: nothing is canonicalised again (the record's hashes are taken as they
    are, so made-up ones show it)."""
    markdown = ROW.body.markdown  # type: ignore[union-attr]
    written = WrittenBody("sent-hash", "held-hash", raw_hash(markdown))
    live = LiveRow(
        "page-1", "intro", {}, "u", body=LiveBody("x", written=written, hash="sent-hash")
    )
    assert body_change("docs", ROW, live) is None
