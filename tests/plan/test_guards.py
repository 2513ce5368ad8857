"""Guards: deletes withheld after an incomplete read, from an empty manifest, with duplicate keys,
and in protected databases; each one leaves a note."""

from __future__ import annotations

import dataclasses

from reconciler.plan import Action, GuardKind, GuardNote
from tests.plan.world import World, live_row, task_values, with_values


def _stale_task(world: World) -> World:
    """A live task the manifest no longer lists (with prune: true, a trash)."""
    extra = live_row(13, "old-task", task_values("old-task", "An old task"))
    return world.live_db("tasks", rows=(*world.live_rows("tasks"), extra))


def _actions(world: World) -> list[Action]:
    return [change.action for change in world.plan().changes]


def test_without_guards_a_stale_row_is_trashed() -> None:
    """The baseline the guards act on: one trash_row."""
    assert _actions(_stale_task(World.steady())) == [Action.TRASH_ROW]


def test_an_incomplete_read_withholds_every_trash() -> None:
    """A read cut by the query cap: no trash, and a note giving the reason."""
    world = _stale_task(World.steady()).live_db(
        "tasks", complete=False, incomplete_reasons=("more than 10000 rows in one minute",)
    )
    plan = world.plan()
    assert plan.is_empty
    tasks = plan.database("tasks")
    assert tasks is not None
    [note] = tasks.guards
    assert (note.kind, note.withheld) == ("incomplete_read", 1)
    assert "more than 10000 rows in one minute" in note.message


def test_an_empty_pruned_manifest_trashes_nothing_without_allow_empty() -> None:
    """Zero rows and prune: true: every trash withheld, and the note names allow_empty."""
    plan = World.steady().desired_db("tasks", rows=()).plan()
    tasks = plan.database("tasks")
    assert tasks is not None
    assert [c.action for c in tasks.changes] == []
    [note] = tasks.guards
    assert (note.kind, note.withheld) == ("empty_manifest", 2)
    assert "allow_empty: true" in note.message


def test_allow_empty_lets_an_empty_manifest_empty_the_database() -> None:
    """allow_empty: true: both rows are trashed."""
    world = World.steady().desired_db("tasks", rows=(), allow_empty=True)
    assert _actions(world) == [Action.TRASH_ROW, Action.TRASH_ROW]


def test_duplicate_live_keys_withhold_trashes_and_updates_of_those_rows() -> None:
    """Two pages share a key: no trash in the database, no update of the key; URLs listed."""
    world = _stale_task(World.steady())
    twin = dataclasses.replace(
        world.live_rows("tasks")[1], page_id="00000000-0000-4000-8000-000000000099", url="u99"
    )
    world.live_db("tasks", rows=(*world.live_rows("tasks"), twin))
    rows = list(world.desired_rows("tasks"))
    rows[1] = with_values(rows[1], Status="Done")
    plan = world.desired_db("tasks", rows=tuple(rows)).plan()
    assert plan.is_empty
    tasks = plan.database("tasks")
    assert tasks is not None
    [note] = tasks.guards
    assert (note.kind, note.urls, note.withheld) == (
        "duplicate_keys",
        ("https://www.notion.so/row-12", "u99"),
        2,
    )


def test_a_protected_database_never_loses_rows_or_properties() -> None:
    """protect: true: the trash is withheld and the note says so."""
    plan = _stale_task(World.steady()).desired_db("tasks", protect=True).plan()
    tasks = plan.database("tasks")
    assert tasks is not None
    assert tasks.changes == ()
    assert tasks.guards == (
        GuardNote(
            GuardKind.PROTECTED,
            "tasks is protected (`protect: true`): 1 delete left out (1 row to trash,"
            " 0 properties to remove)",
            withheld=1,
        ),
    )


def test_guards_leave_the_other_changes_alone() -> None:
    """An incomplete read still updates rows: only deletes are withheld."""
    world = _stale_task(World.steady()).live_db("tasks", complete=False)
    rows = list(world.desired_rows("tasks"))
    rows[0] = with_values(rows[0], Estimate=3)
    assert _actions(world.desired_db("tasks", rows=tuple(rows))) == [Action.UPDATE_ROW]
