"""The differ and ``owner: notion``: written when a row is created or restored, never afterwards."""

from __future__ import annotations

import dataclasses

from reconciler.plan import Action, CreateRow, FieldDiff, RestoreRow
from tests.plan.world import World, desired_row, task_values, with_live_values, with_values


def _notion_owns(world: World, *names: str) -> World:
    """The world whose tasks manifest gives ``names`` to Notion (``owner: notion``)."""
    db = world.desired.database("tasks")
    assert db is not None
    specs = tuple(
        dataclasses.replace(spec, owner="notion") if spec.name in names else spec
        for spec in db.properties
    )
    return world.desired_db("tasks", properties=specs)


def _edited_in_notion(world: World, index: int, **values: object) -> World:
    live = list(world.live_rows("tasks"))
    live[index] = with_live_values(live[index], values)  # type: ignore[arg-type]
    return world.live_db("tasks", rows=tuple(live))


def test_an_edit_in_notion_of_a_notion_owned_value_is_no_change() -> None:
    """Status owned by Notion, changed there from Doing to Done: the plan is empty."""
    world = _edited_in_notion(_notion_owns(World.steady(), "Status"), 1, Status="Done")
    plan = world.plan()
    assert plan.is_empty
    assert set(plan.counts().values()) == {0}


def test_clearing_a_notion_owned_value_in_notion_is_no_lossy_change() -> None:
    """Notion emptied an owned Estimate: nothing to restore, nothing to approve."""
    world = _edited_in_notion(_notion_owns(World.steady(), "Estimate"), 0, Estimate=None)
    assert world.plan().is_empty


def test_a_changed_manifest_value_that_notion_owns_is_not_written_to_an_existing_row() -> None:
    """The manifest's Status changes for a live row: Notion owns it, so the row keeps its value."""
    world = _notion_owns(World.steady(), "Status")
    rows = list(world.desired_rows("tasks"))
    rows[1] = with_values(rows[1], Status="Todo")
    assert world.desired_db("tasks", rows=tuple(rows)).plan().is_empty


def test_git_owned_changes_of_the_row_still_apply_and_name_the_kept_edits() -> None:
    """Estimate (git) and Status (Notion) differ: Estimate is updated, the note names Status."""
    world = _notion_owns(World.steady(), "Status")
    world = _edited_in_notion(world, 1, Status="Done", Estimate=13)
    [change] = world.plan().changes
    assert (Action.UPDATE_ROW, (FieldDiff("Estimate", 13, 5.5),)) == (change.action, change.diffs)
    assert change.note == "Status: owned by Notion (owner: notion), its edits there are kept"


def test_a_new_row_is_created_with_its_notion_owned_values() -> None:
    """A row the manifest adds: create_row writes the Notion-owned Status too."""
    world = _notion_owns(World.steady(), "Status")
    row = desired_row("ship-it", task_values("ship-it", "Ship it", status="Doing"))
    world.desired_db("tasks", rows=(*world.desired_rows("tasks"), row))
    [create] = [c for c in world.plan().changes if c.target == "ship-it"]
    assert isinstance(create.payload, CreateRow)
    assert create.payload.written.get("Status") == "Doing"


def test_a_restored_row_gets_its_notion_owned_values_back() -> None:
    """A trashed row whose key is back is created again: restore_row writes the owned Status."""
    world = _notion_owns(World.steady(), "Status")
    world = _edited_in_notion(world, 1, Status="Done")
    trashed = dataclasses.replace(world.live_rows("tasks")[1], in_trash=True)
    world.live_db("tasks", rows=(world.live_rows("tasks")[0], trashed))
    [change] = world.plan().changes
    assert isinstance(change.payload, RestoreRow)
    assert change.payload.written == {"Status": "Doing"}
