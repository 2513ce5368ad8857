"""``reconciler pull`` and properties changed in Notion: options are always added to their
declaration; properties added, renamed, retyped or removed there are reported, and written only
with ``--schema`` (a new declaration with its values, ``renamed_from``, the new type).

The CLI runs in-process through click's CliRunner (``tests.adopt.workspace.Team``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.adopt.workspace import Team

TASKS = """\
database: tasks
title: Tasks
key: Slug
properties:
  Name: title
  Slug: rich_text
  Stage: {type: select, options: [Idea, Doing]}   # the stages we use
  Estimate: number
  Points: number
rows:
  - {Slug: brief, Name: Write the brief, Stage: Idea, Estimate: 2, Points: 1}
  - {Slug: pages, Name: Design the pages, Estimate: 5}
"""


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Team:
    return Team.applied(tmp_path_factory.mktemp("schema"), {"manifests/tasks.yaml": TASKS})


@pytest.fixture
def team(applied: Team, tmp_path: Path) -> Team:
    return applied.copy(tmp_path)


def _change_schema(team: Team, properties: dict[str, Any]) -> None:
    with team.notion() as notion:
        notion.data_sources.update(team.source_id(notion, "Tasks"), properties=properties)


def _set(team: Team, slug: str, properties: dict[str, Any]) -> None:
    with team.notion() as notion:
        page = team.rows(notion, "Tasks", "Slug")[slug]
        notion.pages.update(page["id"], properties=properties)


def _add_priority(team: Team) -> None:
    """A select Priority with two coloured options, set on the brief row."""
    options = [{"name": "High", "color": "red"}, {"name": "Low", "color": "gray"}]
    _change_schema(team, {"Priority": {"select": {"options": options}}})
    _set(team, "brief", {"Priority": {"select": {"name": "High"}}})


def test_an_option_added_in_notion_is_added_to_the_declaration(team: Team) -> None:
    """A row set to a new option in Notion: the option joins the flow list, the row gets it,
    and the plan is empty."""
    _set(team, "pages", {"Stage": {"select": {"name": "Review"}}})
    team.expect(0, "pull")
    text = team.read("manifests/tasks.yaml")
    assert "  Stage: {type: select, options: [Idea, Doing, " in text
    assert "Review" in text.split("rows:")[0]
    assert "  - {Slug: pages, Name: Design the pages, Estimate: 5, Stage: Review}\n" in text
    team.plan_is_empty()


def test_a_property_added_in_notion_is_only_reported_without_schema(team: Team) -> None:
    """Priority added in Notion: reported as written with --schema; no file changes."""
    _add_priority(team)
    pulled = team.expect(0, "pull", "--detailed-exitcode")
    assert (
        "tasks: Priority: added in Notion (select); written with --schema (not written)"
        in pulled.stdout
    )
    assert team.diff() == ""


def test_schema_declares_a_property_added_in_notion_with_its_values(team: Team) -> None:
    """With --schema, Priority is declared with its options and colours, the brief row gets
    High, and the plan is empty."""
    _add_priority(team)
    team.expect(0, "pull", "--schema")
    text = team.read("manifests/tasks.yaml")
    assert "  Priority: {type: select, options: [{name: High, color: red}, {name: Low, color:" in (
        text
    )
    assert "{Slug: brief, Name: Write the brief, Stage: Idea, Estimate: 2, Points: 1," in text
    assert "Priority: High}" in text
    team.plan_is_empty()


def test_schema_writes_a_rename_made_in_notion_as_renamed_from(team: Team) -> None:
    """Estimate renamed Effort in Notion: --schema renames the declaration and every row's
    entry, marks `renamed_from: Estimate`, and the plan is empty."""
    _change_schema(team, {"Estimate": {"name": "Effort"}})
    reported = team.expect(0, "pull")
    assert "tasks: Estimate: renamed in Notion to 'Effort'" in reported.stdout
    team.expect(0, "pull", "--schema")
    text = team.read("manifests/tasks.yaml")
    assert "  Effort: {type: number, renamed_from: Estimate}\n" in text
    assert "Estimate: 2" not in text
    assert "Effort: 2" in text
    assert "Effort: 5" in text
    team.plan_is_empty()


def test_schema_writes_a_type_changed_in_notion_with_the_converted_values(team: Team) -> None:
    """Points made a text property in Notion: --schema declares it rich_text and writes each
    row's converted value; the plan is empty."""
    _change_schema(team, {"Points": {"rich_text": {}}})
    reported = team.expect(0, "pull")
    assert "tasks: Points: its type is rich_text in Notion, number here" in reported.stdout
    team.expect(0, "pull", "--schema")
    text = team.read("manifests/tasks.yaml")
    assert "  Points: rich_text\n" in text
    team.plan_is_empty()


def test_a_property_removed_in_notion_is_reported_and_left_declared(team: Team) -> None:
    """Points removed in Notion: reported with what to do, even with --schema; no file changes."""
    _change_schema(team, {"Points": None})
    pulled = team.expect(0, "pull", "--schema")
    assert "tasks: Points: declared here, not in Notion" in pulled.stdout
    assert team.diff() == ""
