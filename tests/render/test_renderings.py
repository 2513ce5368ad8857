"""The three renderings pinned as snapshots: every kind of change, guards, a truncated comment."""

from __future__ import annotations

import dataclasses
import json

import jsonschema  # type: ignore[import-untyped]
import pytest
from syrupy.assertion import SnapshotAssertion

from reconciler.model import JSON
from reconciler.plan import Action, plan_schema
from reconciler.render import MARKER, MAX_COMMENT, render_json, render_markdown, render_text
from reconciler.render.describe import show_change, trashed_title
from tests.render.plans import every_kind_of_change, guarded


def test_text_of_every_kind_of_change(snapshot: SnapshotAssertion) -> None:
    """The terminal rendering of a plan holding every action."""
    assert render_text(every_kind_of_change(), apply_args="plan.json") == snapshot


def test_text_in_colour(snapshot: SnapshotAssertion) -> None:
    """With colour: the same text with ANSI styles on symbols, word diffs and notes."""
    assert render_text(every_kind_of_change(), colour=True) == snapshot


def test_markdown_of_every_kind_of_change(snapshot: SnapshotAssertion) -> None:
    """The pull-request comment of a plan holding every action."""
    assert render_markdown(every_kind_of_change()) == snapshot


def test_json_of_every_kind_of_change(snapshot: SnapshotAssertion) -> None:
    """The machine rendering of a plan holding every action."""
    assert render_json(every_kind_of_change()) == snapshot


@pytest.mark.parametrize("render", [render_text, render_markdown, render_json])
def test_guards_and_masked_values(render: object, snapshot: SnapshotAssertion) -> None:
    """Guard notes and masked sensitive values, in each rendering."""
    assert callable(render)
    assert render(guarded()) == snapshot


def test_the_json_rendering_follows_the_schema() -> None:
    """--format json validates against schemas/plan.schema.json."""
    for plan in (every_kind_of_change(), guarded()):
        jsonschema.Draft202012Validator(plan_schema()).validate(json.loads(render_json(plan)))


@pytest.mark.parametrize("render", [render_text, render_markdown, render_json])
def test_sensitive_values_never_appear(render: object) -> None:
    """The phone numbers of sensitive properties are in no rendering."""
    assert callable(render)
    shown = str(render(every_kind_of_change())) + str(render(guarded()))
    assert [n for n in ("+44 20 7946 0000", "+44 20 7946 9999", "+1 555 0100") if n in shown] == []


def test_a_comment_too_long_is_cut_at_whole_changes(snapshot: SnapshotAssertion) -> None:
    """3,000 new rows: at most 65,000 bytes, the head kept, a note on what was left out."""
    comment = render_markdown(guarded(rows=3000), full_plan="the plan-json artifact")
    assert len(comment.encode("utf-8")) <= MAX_COMMENT
    assert comment.startswith(MARKER)
    assert comment.count("<details>") == comment.count("</details>")
    assert comment[:1500] == snapshot(name="head")
    assert comment[-900:] == snapshot(name="tail")


def test_truncation_is_deterministic() -> None:
    """The same plan is cut at the same place."""
    assert render_markdown(guarded(rows=3000)) == render_markdown(guarded(rows=3000))


def test_a_trashed_rows_title_is_shown_unless_it_is_the_key() -> None:
    """What a trash loses is named by its title; a title that is the key is in the headline."""
    plan = every_kind_of_change()
    tasks = plan.database("tasks")
    assert tasks is not None
    trash = next(c for c in tasks.changes if c.action is Action.TRASH_ROW)
    assert trashed_title(tasks, trash) == ("Name", "An old task")
    assert trashed_title(dataclasses.replace(tasks, key="Name"), trash) is None


def test_a_change_that_shows_alike_says_what_kind_it_is() -> None:
    """Bold added to a title: both sides read "An old task", so the line says the formatting
    changes instead of showing two equal strings; a real change shows old → new."""
    plan = every_kind_of_change()
    tasks = plan.database("tasks")
    assert tasks is not None
    bold: JSON = [{"text": "An old task", "bold": True}]
    assert show_change(plan, tasks, "Name", "An old task", bold) == (
        '"An old task" (the same text; its formatting changes: see --format json)'
    )
    assert show_change(plan, tasks, "Name", "a", "b") == '"a" → "b"'
