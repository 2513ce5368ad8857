"""Body changes as renderings show them: a unified diff, coloured in a terminal, a ``diff`` code
block in a pull-request comment that no body can break out of."""

from __future__ import annotations

from reconciler.bodies import body_hash
from reconciler.plan import (
    Change,
    ChangeClass,
    CreateRow,
    DatabasePlan,
    Estimate,
    Plan,
    PlannedProperty,
    UpdateBody,
)
from reconciler.render import render_markdown, render_text
from reconciler.render.describe import MAX_BODY_LINES


def _plan(*changes: Change, unmanaged_bodies: int = 0) -> Plan:
    database = DatabasePlan(
        handle="docs",
        title="Docs",
        key="Slug",
        properties=(PlannedProperty("Slug", "title"),),
        changes=changes,
        database_id="db",
        data_source_id="ds",
        body_from="content/{Slug}.md" if unmanaged_bodies else None,
        unmanaged_bodies=unmanaged_bodies,
    )
    return Plan(databases=(database,), estimate=Estimate(1, 0.3, 3.0), checksum="c" * 64)


def _body_change(old: str, new: str, change_class: ChangeClass = ChangeClass.LOSSY) -> Change:
    payload = UpdateBody(old, new, body_hash(old), body_hash(new))
    return Change("docs", "intro", change_class, payload, page_id="p1", note="the note")


def test_a_terminal_shows_the_body_diff_in_colour() -> None:
    """Removed lines red, added green, hunk headers dim; the headline names the row."""
    text = render_text(_plan(_body_change("Old line\nSame", "New line\nSame")), colour=True)
    assert "update the body of row intro" in text
    assert "\x1b[31m-Old line\x1b[0m" in text
    assert "\x1b[32m+New line\x1b[0m" in text
    assert "\x1b[2m@@ -1,2 +1,2 @@\x1b[0m" in text


def test_a_comment_shows_the_diff_in_a_diff_block() -> None:
    """Inside the change's list item, as a fenced ``diff`` block."""
    comment = render_markdown(_plan(_body_change("a", "b")))
    assert "  ```diff\n  @@ -1 +1 @@\n  -a\n  +b\n  ```\n" in comment


def test_a_body_cannot_close_its_code_block_or_the_details() -> None:
    """Backtick runs get a longer fence; HTML stays text inside the block; control characters
    are shown as escapes."""
    hostile = "```\n</details>\n<img src=x onerror=alert(1)>\n@everyone \x1b[2J"
    comment = render_markdown(_plan(_body_change("", hostile, ChangeClass.SAFE)))
    block = comment.split("````diff\n", 1)[1].split("\n  ````\n", 1)[0]
    assert "+</details>" in block
    assert "\x1b" not in comment
    assert "\\x1b[2J" in block


def test_a_long_diff_is_cut_and_says_so() -> None:
    """Past the line limit the rest is counted, not shown."""
    new = "\n".join(f"line {n}" for n in range(MAX_BODY_LINES + 30))
    text = render_text(_plan(_body_change("", new, ChangeClass.SAFE)))
    assert f"line {MAX_BODY_LINES - 2}" in text
    assert "… 31 more lines of the diff" in text


def test_a_new_rows_body_is_shown_as_added_lines() -> None:
    """A create writes its body: its size among the values, its lines added."""
    create = Change(
        "docs", "intro", ChangeClass.SAFE, CreateRow({"Slug": "intro", "_body": "Hi\nthere"})
    )
    text = render_text(_plan(create))
    assert "_body: 2 lines of Markdown" in text
    assert "+Hi" in text
    assert "+there" in text


def test_rows_without_body_files_are_said_once() -> None:
    """The rows the template names no file for are one line of what is left alone."""
    text = render_text(_plan(unmanaged_bodies=3))
    assert text.count("3 rows have no file under content/{Slug}.md") == 1
    assert "3 bodies" in render_markdown(_plan(unmanaged_bodies=3))
