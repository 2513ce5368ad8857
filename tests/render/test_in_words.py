"""Plans read as sentences: option changes in words, and a --local plan without links that open
nowhere or an estimate at a rate nobody waits for."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from reconciler.plan import Change, ChangeClass, FieldDiff, Plan, PropertyShape, UpdateProperty
from reconciler.render import render_markdown, render_text
from reconciler.render.describe import estimate_words, show_config_change, show_link
from tests.plan.world import World

EMULATOR_ROW_URL = "https://www.notion.so/0000000000004000800000000000a099"
EMULATOR_ROW_ID = "00000000-0000-4000-8000-00000000a099"


def _stage_change(diff: FieldDiff) -> Change:
    shape = PropertyShape("select")
    payload = UpdateProperty(shape, shape)
    return Change("tasks", "Stage", ChangeClass.SAFE, payload, diffs=(diff,))


@pytest.mark.parametrize(
    ("diff", "words"),
    [
        (
            FieldDiff("Stage.options.Blocked", None, {"color": "red", "name": "Blocked"}),
            "add option Blocked (red)",
        ),
        (FieldDiff("Stage.options.Later", None, {"name": "Later"}), "add option Later"),
        (
            FieldDiff("Stage.options.Archived", {"color": "gray", "name": "Archived"}, None),
            "remove option Archived",
        ),
        (
            FieldDiff("Stage.options.Done.color", "green", "blue"),
            "option Done: colour green → blue",
        ),
        (
            FieldDiff("Stage.options.v1.2.description", None, "First cut"),
            "option v1.2: description (none) → First cut",
        ),
        (FieldDiff("Stage.format", "number", "percent"), "Stage.format: number → percent"),
    ],
)
def test_option_changes_read_as_words(diff: FieldDiff, words: str) -> None:
    """Adding, removing and recolouring an option say so; other settings keep path: old → new."""
    assert show_config_change(_stage_change(diff), diff) == words


def test_a_new_option_reads_in_words_in_the_text_and_the_comment() -> None:
    """No `(none) → {"color": ...}` JSON in either rendering."""
    world = World.steady()
    plan = world.plan()
    diff = FieldDiff("Stage.options.Blocked", None, {"color": "red", "name": "Blocked"})
    tasks = plan.databases[-1]
    with_option = dataclasses.replace(tasks, changes=(_stage_change(diff), *tasks.changes))
    plan = dataclasses.replace(plan, databases=(*plan.databases[:-1], with_option))

    assert "      add option Blocked (red)" in render_text(plan)
    assert "  - add option Blocked (red)" in render_markdown(plan)


def _local_plan() -> Plan:
    """A plan of databases with emulator URLs and a duplicate-key guard naming a row's URL."""
    world = World.steady()
    twin = dataclasses.replace(
        world.live_rows("tasks")[1],
        page_id=EMULATOR_ROW_ID,
        url=EMULATOR_ROW_URL,
    )
    world.live_db("tasks", rows=(*world.live_rows("tasks"), twin))
    return world.plan(requests_per_second=10_000.0)


@pytest.mark.parametrize("render", [render_text, render_markdown])
def test_a_local_plan_names_pages_by_id_not_by_notion_links(render: Callable[..., str]) -> None:
    """The local workspace's pages open nowhere: ids instead of www.notion.so links."""
    shown = render(_local_plan(), local=True)

    assert "notion.so" not in shown
    assert f"page {EMULATOR_ROW_ID}" in shown


def test_a_plan_of_notion_keeps_its_links() -> None:
    """Against Notion the links are the way to the rows."""
    assert EMULATOR_ROW_URL in render_text(_local_plan())


def test_a_local_estimate_counts_requests_without_a_rate() -> None:
    """Not "about 0 s at 10000 requests/s": the local workspace has no rate limit."""
    plan = _local_plan()
    assert estimate_words(plan, local=True).endswith("(the local workspace has no rate limit)")
    assert "10000 requests/s" not in render_text(plan, local=True)


def test_show_link_says_nothing_for_a_local_url_without_an_id() -> None:
    """A URL that names no page id is left out rather than shown as a dead link."""
    assert show_link("https://www.notion.so/row-99", local=True) == ""
