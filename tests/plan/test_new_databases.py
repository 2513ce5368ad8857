"""Databases the plan creates: the initial schema, what waits, rows and their links."""

from __future__ import annotations

import dataclasses

import pytest

from reconciler.errors import PlanError
from reconciler.model import LiveDatabase, PropertySpec
from reconciler.plan import Action, ChangeClass, CreateDatabase, CreateRow, LinkRow
from tests.plan.world import ROOT, World


def _nothing_live(world: World) -> World:
    for handle in ("projects", "tasks"):
        world.live_db(
            handle, database_id=None, data_source_id=None, properties=(), rows=(), url=None
        )
        world.desired_db(handle, id=None, parent=ROOT)
    return world


def _with_rollup(world: World) -> World:
    projects = world.desired.database("projects")
    assert projects is not None
    rollup = PropertySpec(
        "Open tasks", "rollup", {"relation": "Tasks", "property": "Name", "function": "count"}
    )
    back = PropertySpec(
        "Tasks",
        "relation",
        {"database": "tasks", "type": "single_property", "synced_property": None},
    )
    rows = tuple(
        dataclasses.replace(row, values={**row.values, "Tasks": []}) for row in projects.rows
    )
    return world.desired_db("projects", properties=(*projects.properties, back, rollup), rows=rows)


def test_a_database_not_found_is_created_with_what_depends_on_nothing() -> None:
    """create_database holds every property that needs no other new database, itself included."""
    plan = _nothing_live(World.steady()).plan()
    tasks = plan.database("tasks")
    assert tasks is not None
    create = tasks.changes[0]
    assert isinstance(create.payload, CreateDatabase)
    assert (create.payload.title, create.payload.parent) == ("Tasks", ROOT)
    initial = create.payload.properties
    assert list(initial) == ["Name", "Slug", "Status", "Estimate", "Owner", "Done"]
    later = [c.target for c in tasks.changes if c.action is Action.ADD_PROPERTY]
    assert later == ["Project", "Blocked by"]


def test_relations_come_before_rollups_across_databases() -> None:
    """In phase 1 every relation (order 1) precedes every rollup or formula (order 2)."""
    plan = _with_rollup(_nothing_live(World.steady())).plan()
    schema = [(c.database, c.target) for c in plan.changes if c.action is Action.ADD_PROPERTY]
    assert schema == [
        ("projects", "Tasks"),
        ("tasks", "Project"),
        ("tasks", "Blocked by"),
        ("projects", "Open tasks"),
    ]


def test_rows_of_a_new_database_are_created_then_linked() -> None:
    """Every row is a create; relation values naming new rows wait for link_row in phase 4."""
    plan = _nothing_live(World.steady()).plan()
    tasks = plan.database("tasks")
    assert tasks is not None
    design = {c.action: c for c in tasks.changes if c.target == "design-pages"}
    assert {Action.CREATE_ROW, Action.LINK_ROW} == set(design)
    create = design[Action.CREATE_ROW].payload
    assert isinstance(create, CreateRow)
    created = create.values
    assert "Project" not in created
    assert "Blocked by" not in created
    link = design[Action.LINK_ROW]
    assert (link.phase, link.page_id) == (4, None)
    assert isinstance(link.payload, LinkRow)
    assert link.payload.new == {"Blocked by": ["write-brief"], "Project": ["Website"]}


def test_empty_values_are_not_written_on_create() -> None:
    """A create carries only non-empty values (an unticked checkbox is Notion's default)."""
    plan = _nothing_live(World.steady()).plan()
    tasks = plan.database("tasks")
    assert tasks is not None
    design = next(c for c in tasks.changes if c.id == "tasks/create_row/design-pages")
    assert isinstance(design.payload, CreateRow)
    assert design.payload.values == {
        "Name": "Design the pages",
        "Slug": "design-pages",
        "Status": "Doing",
        "Estimate": 5.5,
        "Owner": ["0000000a-0000-4000-8000-00000000000a"],
    }


def test_a_database_without_parent_cannot_be_created() -> None:
    """Not found and no `parent`: a PlanError saying where to create it."""
    world = _nothing_live(World.steady()).desired_db("projects", parent=None)
    with pytest.raises(PlanError, match="has no `parent` page"):
        world.plan()


def test_every_change_of_a_new_workspace_is_safe() -> None:
    """Creating everything loses nothing."""
    plan = _nothing_live(World.steady()).plan()
    assert {ChangeClass.SAFE} == {change.change_class for change in plan.changes}


def test_a_planned_database_relating_to_a_skipped_new_one_is_refused() -> None:
    """--database tasks while projects does not exist yet: the relation cannot be created."""
    world = _nothing_live(World.steady())
    projects: LiveDatabase = world.live.databases["projects"]
    assert projects.database_id is None
    with pytest.raises(PlanError, match="relates to 'projects', which does not exist"):
        world.plan(databases=["tasks"])
