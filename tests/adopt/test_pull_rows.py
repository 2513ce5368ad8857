"""``reconciler pull`` and the rows it writes, or leaves alone saying why: values a manifest takes
from ``${VAR}``, Notion-owned values, a trashed row others still relate to, sensitive values in
a conflict, a database not created yet.

The CLI runs in-process through click's CliRunner (``tests.adopt.workspace.Team``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.adopt.workspace import Team

TASKS = """\
database: tasks
title: Tasks
key: Slug
prune: true
properties:
  Name: title
  Slug: rich_text
  Site: url
  Notes: {type: rich_text, owner: notion}
  Code: {type: rich_text, sensitive: true}
  Blocked by: {type: relation, database: tasks}
rows:
  - {Slug: brief, Name: Write the brief, Site: "${DOCS_SITE}", Notes: first draft, Code: A1}
  - {Slug: pages, Name: Design the pages, Blocked by: [brief]}
"""
CONFIG = "manifests: manifests\nenv: [DOCS_SITE]\n"


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Team:
    monkeypatch.setenv("DOCS_SITE", "https://docs.example.com")
    team = Team.create(tmp_path, {"manifests/tasks.yaml": TASKS, "reconciler.yaml": CONFIG})
    team.expect(0, "apply", "--yes")
    return team


def _update(team: Team, slug: str, properties: dict[str, object]) -> None:
    with team.notion() as notion:
        page = team.rows(notion, "Tasks", "Slug")[slug]
        notion.pages.update(page["id"], properties=properties)


def _text(content: str) -> dict[str, object]:
    return {"rich_text": [{"text": {"content": content}}]}


def test_a_value_taken_from_a_variable_is_reported_never_overwritten(team: Team) -> None:
    """Site is ${DOCS_SITE} in the manifest; changed in Notion, it is reported with the file and
    line, and the manifest keeps the variable."""
    _update(team, "brief", {"Site": {"url": "https://elsewhere.example.com"}})
    pulled = team.expect(0, "pull", "--detailed-exitcode")
    assert team.read("manifests/tasks.yaml") == TASKS
    [line] = [line for line in pulled.stdout.splitlines() if line.startswith("not written:")]
    assert line.startswith("not written: manifests/tasks.yaml:")
    assert "${DOCS_SITE}" in line


def test_a_notion_owned_value_edited_in_notion_is_pulled_too(team: Team) -> None:
    """Notes is owned by Notion (apply never reverts it): pull still brings its value into git,
    and the plan stays empty."""
    _update(team, "brief", {"Notes": _text("second draft")})
    team.expect(0, "plan", "--detailed-exitcode")
    team.expect(0, "pull")
    assert "Notes: second draft" in team.read("manifests/tasks.yaml")
    team.plan_is_empty()


def test_a_trashed_row_another_row_still_relates_to_stays_and_is_named(team: Team) -> None:
    """brief is trashed in Notion while pages is still blocked by it: removing it would leave the
    manifest naming a row it lacks, so it stays, and pull says why."""
    with team.notion() as notion:
        page = team.rows(notion, "Tasks", "Slug")["brief"]
        notion.pages.update(page["id"], in_trash=True)
    pulled = team.expect(0, "pull")
    assert team.read("manifests/tasks.yaml") == TASKS
    assert (
        "left alone: tasks: row 'brief' is in the Notion trash, but live rows still relate to it:"
        " not removed"
    ) in pulled.stdout


def test_a_conflict_on_a_sensitive_property_shows_no_value(team: Team) -> None:
    """Code is sensitive: a conflict on it names the row and the property, never the values."""
    team.write("manifests/tasks.yaml", TASKS.replace("Code: A1", "Code: B2"))
    _update(team, "brief", {"Code": _text("C3")})
    stopped = team.expect(1, "pull")
    assert "tasks, row 'brief', Code: here: (sensitive); in Notion: (sensitive)" in stopped.stderr
    assert all(value not in stopped.stderr for value in ("A1", "B2", "C3"))


def test_a_database_not_created_yet_is_named_and_left_alone(team: Team) -> None:
    """A manifest whose database apply has not created: pull names it and writes nothing."""
    team.write(
        "manifests/later.yaml",
        "database: later\ntitle: Later\nproperties: {Name: title}\nrows: [{Name: One}]\n",
    )
    team.commit("Later")
    pulled = team.expect(0, "pull", "--detailed-exitcode")
    assert "left alone: later: not in Notion yet (apply creates it): nothing to pull" in (
        pulled.stdout
    )
