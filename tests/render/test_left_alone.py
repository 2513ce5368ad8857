"""Rows a manifest leaves alone (prune: false) are named, not only counted, in every rendering
(issue 14, item 20): the first few keys, then how many more."""

from __future__ import annotations

import json

from reconciler.render import render_json, render_markdown, render_text
from tests.plan.world import World, live_row, task_values


def _plan_leaving_alone(count: int) -> World:
    world = World.steady()
    rows = tuple(
        live_row(100 + n, f"task-{n:02}", task_values(f"task-{n:02}", f"Task {n}"))
        for n in range(count)
    )
    world.live_db("tasks", rows=rows)
    return world.desired_db("tasks", prune=False, rows=())


def test_the_text_names_the_rows_left_alone() -> None:
    """Two rows: both named."""
    text = render_text(_plan_leaving_alone(2).plan())
    assert "  · 2 rows not managed (prune: false): task-00, task-01\n" in text


def test_the_text_names_the_first_five_and_counts_the_rest() -> None:
    """Eight rows: five named, "and 3 more"."""
    text = render_text(_plan_leaving_alone(8).plan())
    assert (
        "8 rows not managed (prune: false): task-00, task-01, task-02, task-03, task-04 and 3 more"
    ) in text


def test_the_pull_request_comment_names_them_in_its_table() -> None:
    """The comment's "Left alone" cell names them (escaped like any text from Notion)."""
    comment = render_markdown(_plan_leaving_alone(2).plan())
    assert "| 2 rows (task-00, task-01) |" in comment


def test_the_json_rendering_lists_them() -> None:
    """--format json: `unmanaged_row_names` beside the count."""
    document = json.loads(render_json(_plan_leaving_alone(8).plan()))
    (tasks,) = [db for db in document["databases"] if db["handle"] == "tasks"]
    assert (tasks["unmanaged_rows"], len(tasks["unmanaged_row_names"])) == (8, 5)
