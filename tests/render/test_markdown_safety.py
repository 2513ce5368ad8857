"""Text from Notion or manifests cannot break the comment, inject HTML or links, or mention."""

from __future__ import annotations

import dataclasses

import pytest

from reconciler.plan import Plan
from reconciler.render import MAX_COMMENT, escape, render_markdown
from reconciler.render.describe import WordRun, word_diff
from tests.plan.world import World, desired_row, task_values, with_values

HOSTILE = (
    "</details></summary> | col | <img src=x onerror=alert(1)> [click](javascript:alert(1))"
    " ![x](https://evil.example/x.png) `code` ```fence``` @everyone @octo-org/team"
    " https://evil.example www.evil.example **bold** <!-- notion-reconciler:plan -->\nsecond line"
)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a | b", "a \\| b"),
        ("<script>", "&lt;script&gt;"),
        ("@everyone", "@\u200beveryone"),
        ("[x](y)", "\\[x\\](y)"),
        ("`code`", "\\`code\\`"),
        ("line one\nline two", "line one ↵ line two"),
        ("https://example.com", "https:\u200b//example.com"),
        ("www.example.com", "www\u200b.example.com"),
        ("**bold** _it_ ~~gone~~", "\\*\\*bold\\*\\* \\_it\\_ \\~\\~gone\\~\\~"),
        ("fish & chips", "fish &amp; chips"),
    ],
)
def test_escape_makes_markup_inert(raw: str, escaped: str) -> None:
    """Each markup character is escaped; mentions and autolinks are broken by a zero-width space."""
    assert escape(raw) == escaped


def _hostile_plan() -> Plan:
    world = World.steady()
    rows = list(world.desired_rows("tasks"))
    rows[1] = with_values(rows[1], Name=HOSTILE)
    hostile_key = dataclasses.replace(rows[0], key=HOSTILE, values={**rows[0].values})
    world.desired_db("tasks", rows=(rows[1], hostile_key), prune=False)
    return world.plan()


def test_hostile_text_cannot_escape_its_place() -> None:
    """A row title and key full of markup leave one marker, balanced details, no raw HTML."""
    comment = render_markdown(_hostile_plan())
    assert comment.count("<!-- notion-reconciler:plan -->") == 1
    assert comment.count("<details>") == comment.count("</details>") == 1
    assert comment.count("</summary>") == 1
    assert [bad for bad in ("<img", "[click](", "![x](", "@everyone", "@octo", "https://evil",
                            "\nsecond line") if bad in comment] == []  # fmt: skip


def test_table_cells_stay_one_cell() -> None:
    """Every table row has exactly as many unescaped pipes as the header."""
    comment = render_markdown(_hostile_plan())
    lines = [line for line in comment.splitlines() if line.startswith("| ")]
    pipes = {line.replace("\\|", "").count("|") for line in lines}
    assert pipes == {10}


def test_word_diff_marks_only_the_words_that_changed() -> None:
    """Words kept, removed and added, whitespace and punctuation kept as they are."""
    assert word_diff("Write the docs, today", "Write the new docs, tomorrow") == [
        WordRun("=", "Write the "),
        WordRun("+", "new "),
        WordRun("=", "docs, "),
        WordRun("-", "today"),
        WordRun("+", "tomorrow"),
    ]


# --- what a reviewer cannot see -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("\x1b]0;owned\x07title", "\\\\x1b\\]0;owned\\\\x07title"),
        ("invoice\u202efdp.exe", "invoice\\\\u202efdp.exe"),
        ("\u2066isolated\u2069", "\\\\u2066isolated\\\\u2069"),
        ("zero\u200bwidth", "zero\\\\u200bwidth"),
        ("one\u2028two\u2029three\x85four\rfive", "one ↵ two ↵ three ↵ four ↵ five"),
    ],
)
def test_escape_shows_controls_direction_and_invisible_characters(raw: str, escaped: str) -> None:
    """ESC and BEL, bidi controls and zero-width characters become visible; every line
    separator ends the line like a newline does."""
    assert escape(raw) == escaped


def test_a_comment_carries_no_raw_control_or_direction_character() -> None:
    """A row title made to deceive a reviewer reaches the comment only as visible escapes."""
    world = World.steady()
    rows = list(world.desired_rows("tasks"))
    rows[1] = with_values(rows[1], Name="Pay \x1b[8minvoice\x07 \u202egnp.exe\u200b\u2028done")
    world.desired_db("tasks", rows=tuple(rows))

    comment = render_markdown(world.plan())

    assert [c for c in comment if c in "\x1b\x07\u202e\u2028"] == []
    assert "<ins>\\\\x1b\\[8minvoice\\\\x07</ins>" in comment
    assert "<ins>\\\\u202egnp.exe\\\\u200b ↵ done</ins>" in comment


def test_the_size_cap_counts_bytes_not_characters() -> None:
    """3,000 rows of four-byte emoji stay under the cap in UTF-8 bytes, not only in code points."""
    world = World.steady()
    rows = list(world.desired_rows("tasks"))
    emoji = "🚀" * 40
    world.desired_db(
        "tasks",
        rows=(
            *rows,
            *(desired_row(f"t{n}", task_values(f"t{n}", f"{emoji} {n}")) for n in range(3000)),
        ),
    )

    comment = render_markdown(world.plan())

    assert len(comment.encode("utf-8")) <= MAX_COMMENT
    assert "not shown: this comment is limited to 65,000 bytes" in comment
