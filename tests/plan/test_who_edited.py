"""Plans say who changed what: each row change of a live row names who last edited that row in
Notion and when, for display only (the plan file keeps it; the checksum leaves it out)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from reconciler.plan import Action, Plan, checksum, load_plan, write_plan
from reconciler.render import moment, render
from tests.adopt.test_pull_checkout import TASKS
from tests.adopt.workspace import PERSON, Team
from tests.plan.world import ADA, GRACE, World, with_values

EDITED_AT = "2026-03-02T10:15:00.000Z"


def _drifted(editor: str = ADA) -> World:
    """design-pages: Notion says Doing, the manifest Done; Ada edited it there last."""
    world = World.steady()
    rows = list(world.desired_rows("tasks"))
    rows[1] = with_values(rows[1], Status="Done")
    world.desired_db("tasks", rows=tuple(rows))
    live = list(world.live_rows("tasks"))
    live[1] = dataclasses.replace(live[1], last_edited_by=editor, last_edited_time=EDITED_AT)
    return world.live_db("tasks", rows=tuple(live))


def _without_editors(plan: Plan) -> Plan:
    databases = tuple(
        dataclasses.replace(
            db,
            changes=tuple(dataclasses.replace(c, edited_by="", edited_time="") for c in db.changes),
        )
        for db in plan.databases
    )
    return dataclasses.replace(plan, databases=databases)


def test_a_drifted_row_names_who_last_edited_it_in_notion_and_when() -> None:
    """The update of design-pages carries Ada's e-mail (the users list names her id) and the
    page's last_edited_time."""
    [change] = _drifted().plan().changes
    assert (change.action, change.edited_by, change.edited_time) == (
        Action.UPDATE_ROW,
        "ada@example.com",
        EDITED_AT,
    )


def test_an_editor_missing_from_the_users_list_is_shown_by_id() -> None:
    """A user the integration cannot list (a guest, a removed member) is named by id."""
    stranger = "0000000f-0000-4000-8000-00000000000f"
    [change] = _drifted(editor=stranger).plan().changes
    assert change.edited_by == stranger


def test_a_change_without_a_live_row_names_nobody() -> None:
    """A create has no live row, so nobody edited it in Notion."""
    world = World.steady()
    rows = world.desired_rows("projects")
    new = dataclasses.replace(rows[0], key="Docs", values={**rows[0].values, "Name": "Docs"})
    world.desired_db("projects", rows=(*rows, new))
    [change] = world.plan().changes
    assert (change.action, change.edited_by, change.edited_time) == (Action.CREATE_ROW, "", "")


def test_who_edited_is_left_out_of_the_checksum() -> None:
    """Who edited a row and when explain the plan; they never change what it approves."""
    plan = _drifted().plan()
    assert plan.checksum == checksum(_without_editors(plan))
    assert _drifted(editor=GRACE).plan().checksum == plan.checksum


def test_the_plan_file_keeps_who_edited_each_row(tmp_path: Path) -> None:
    """Saved and loaded, the change still says who edited the row and when."""
    plan = _drifted().plan()
    write_plan(plan, tmp_path / "plan.json")
    [change] = load_plan(tmp_path / "plan.json").changes
    assert (change.edited_by, change.edited_time) == ("ada@example.com", EDITED_AT)


def test_text_markdown_and_json_show_who_last_edited_the_row() -> None:
    """Each format names the editor and the minute of the edit under the row change."""
    plan = _drifted().plan()
    words = "last edited in Notion by ada@example.com on 2026-03-02 10:15 UTC"
    text = render(plan, "text")
    markdown = render(plan, "markdown")
    [change] = json.loads(render(plan, "json"))["databases"][1]["changes"]
    assert words in text
    assert "last edited in Notion by ada@\u200bexample.com on 2026-03-02 10:15 UTC" in markdown
    assert (change["last_edited_by"], change["last_edited_time"]) == (
        "ada@example.com",
        EDITED_AT,
    )


def test_a_plan_of_the_workspace_names_the_person_who_edited_a_row_in_notion(
    tmp_path: Path,
) -> None:
    """Through the CLI against the local workspace: a value changed in the Notion app shows in
    `plan` with the integration it came through and the minute of the edit."""
    team = Team.applied(tmp_path, {"manifests/tasks.yaml": TASKS})
    with team.notion() as notion:
        page = team.rows(notion, "Tasks", "Slug")["pages"]
        edited = notion.pages.update(page["id"], properties={"Estimate": {"number": 8}})
    when = moment(edited["last_edited_time"])
    shown = team.expect(2, "plan", "--detailed-exitcode")
    assert f"      last edited in Notion by {PERSON} on {when}\n" in shown.stdout
