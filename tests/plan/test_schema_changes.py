"""The differ's schema changes: add, rename, update, options, type changes and removals."""

from __future__ import annotations

import dataclasses

import pytest

from reconciler.errors import PlanError
from reconciler.model import LiveProperty, PropertySpec
from reconciler.plan import (
    Action,
    AddProperty,
    ChangeClass,
    FieldDiff,
    PropertyShape,
    RemoveOptions,
    RenameProperty,
    UpdateDatabase,
)
from tests.plan.world import (
    TASK_SPECS,
    World,
    live_options,
    live_properties,
    options,
    relation,
    spec,
)


def _tasks_specs(*extra: PropertySpec, without: str = "") -> tuple[PropertySpec, ...]:
    return (*(s for s in TASK_SPECS if s.name != without), *extra, spec("Notes", "rich_text"))


def _live_tasks(*props: LiveProperty, without: str = "") -> tuple[LiveProperty, ...]:
    base = [p for p in live_properties(TASK_SPECS) if p.name != without]
    return (*base, LiveProperty("notes", "Notes", "rich_text"), *props)


def test_steady_state_plans_nothing() -> None:
    """Live databases that hold what the manifests say give an empty plan."""
    plan = World.steady().plan()
    assert plan.is_empty
    assert dict.fromkeys(ChangeClass, 0) == plan.counts()


def test_a_declared_property_missing_live_is_added() -> None:
    """A new declaration becomes a safe add_property in phase 1 with its type and config."""
    world = World.steady().desired_db(
        "tasks", properties=_tasks_specs(PropertySpec("Due", "date", {}))
    )
    [change] = world.plan().changes
    assert (
        change.action,
        change.target,
        change.change_class,
        change.phase,
    ) == (Action.ADD_PROPERTY, "Due", ChangeClass.SAFE, 1)
    assert change.payload == AddProperty(PropertyShape("date", {}))


def test_renamed_from_renames_in_place_and_rows_compare_under_the_old_name() -> None:
    """`renamed_from` plans a rename; the rows' values, read under the old name, are equal."""
    renamed = dataclasses.replace(TASK_SPECS[3], name="Effort days", renamed_from="Estimate")
    world = World.steady()
    rows = tuple(
        dataclasses.replace(
            row,
            values={("Effort days" if k == "Estimate" else k): v for k, v in row.values.items()},
        )
        for row in world.desired_rows("tasks")
    )
    specs = tuple(renamed if s.name == "Estimate" else s for s in _tasks_specs())
    world.desired_db("tasks", properties=specs, rows=rows)
    [change] = world.plan().changes
    assert (change.action, change.target) == (Action.RENAME_PROPERTY, "Effort days")
    assert change.payload == RenameProperty("Estimate", "Effort days")


def test_a_formula_over_a_renamed_property_is_not_a_change() -> None:
    """Renaming Estimate while the formula names it by its new name: only the rename (Notion
    rewrites the formula itself); a formula that really changes is still an update."""
    renamed = dataclasses.replace(TASK_SPECS[3], name="Days", renamed_from="Estimate")
    effort = PropertySpec("Effort", "formula", {"expression": 'prop("Days") * 8'})
    world = World.steady()
    rows = tuple(
        dataclasses.replace(
            row, values={("Days" if k == "Estimate" else k): v for k, v in row.values.items()}
        )
        for row in world.desired_rows("tasks")
    )
    specs = tuple(renamed if s.name == "Estimate" else s for s in _tasks_specs(effort))
    live_effort = LiveProperty("eff", "Effort", "formula", {"expression": 'prop("Estimate") * 8'})
    world.desired_db("tasks", properties=specs, rows=rows)
    world.live_db("tasks", properties=_live_tasks(live_effort))
    assert [(c.action, c.target) for c in world.plan().changes] == [
        (Action.RENAME_PROPERTY, "Days")
    ]
    changed = dataclasses.replace(effort, config={"expression": 'prop("Days") * 9'})
    world.desired_db("tasks", properties=tuple(changed if s.name == "Effort" else s for s in specs))
    update = next(c for c in world.plan().changes if c.action is Action.UPDATE_PROPERTY)
    assert update.diffs == (FieldDiff("Effort.expression", 'prop("Days") * 8', 'prop("Days") * 9'),)


def test_a_changed_setting_is_a_safe_update_with_its_field_diff() -> None:
    """number format number → dollar: update_property, one FieldDiff naming the setting."""
    dollars = PropertySpec("Estimate", "number", {"format": "dollar"})
    specs = tuple(dollars if s.name == "Estimate" else s for s in _tasks_specs())
    [change] = World.steady().desired_db("tasks", properties=specs).plan().changes
    assert change.action == Action.UPDATE_PROPERTY
    assert change.change_class == ChangeClass.SAFE
    assert (FieldDiff("Estimate.format", "number", "dollar"),) == change.diffs


def test_a_new_option_is_added_by_a_safe_update() -> None:
    """Declaring a fourth option updates the property; nothing is removed."""
    status = PropertySpec(
        "Status", "select", {"options": options("Todo", "Doing", "Done", "Blocked")}
    )
    specs = tuple(status if s.name == "Status" else s for s in _tasks_specs())
    [change] = World.steady().desired_db("tasks", properties=specs).plan().changes
    assert (change.action, change.change_class) == (Action.UPDATE_PROPERTY, ChangeClass.SAFE)
    assert (FieldDiff("Status.options.Blocked", None, {"name": "Blocked"}),) == change.diffs


def _status_live_with_extra_option() -> World:
    live_status = LiveProperty(
        "p2", "Status", "select", {"options": live_options("Todo", "Doing", "Done", "Archived")}
    )
    world = World.steady()
    props = tuple(live_status if p.name == "Status" else p for p in _live_tasks())
    return world.live_db("tasks", properties=props)


def test_undeclared_options_are_left_alone_and_listed() -> None:
    """Without prune_options a live option the manifest does not name is kept and counted."""
    plan = _status_live_with_extra_option().plan()
    assert plan.is_empty
    assert plan.databases[1].unmanaged_options == ("Status: Archived",)


def test_prune_options_removes_undeclared_options_as_a_lossy_late_change() -> None:
    """With prune_options: remove_options, lossy, in phase 6, naming the options removed."""
    status = dataclasses.replace(TASK_SPECS[2], prune_options=True)
    specs = tuple(status if s.name == "Status" else s for s in _tasks_specs())
    world = _status_live_with_extra_option().desired_db("tasks", properties=specs)
    [change] = world.plan().changes
    assert (
        change.action,
        change.change_class,
        change.phase,
    ) == (Action.REMOVE_OPTIONS, ChangeClass.LOSSY, 6)
    assert change.payload == RemoveOptions(("Archived",))


def test_a_type_change_is_lossy_and_rows_are_rewritten() -> None:
    """number → rich_text: change_type (lossy); every row's value is written in the new type."""
    as_text = PropertySpec("Estimate", "rich_text", {})
    specs = tuple(as_text if s.name == "Estimate" else s for s in _tasks_specs())
    world = World.steady().desired_db("tasks", properties=specs)
    rows = tuple(
        dataclasses.replace(row, values={**row.values, "Estimate": "2 days"})
        for row in world.desired_rows("tasks")
    )
    plan = world.desired_db("tasks", rows=rows).plan()
    kinds = [(c.action, c.change_class) for c in plan.changes]
    assert kinds == [
        (Action.CHANGE_TYPE, ChangeClass.LOSSY),
        (Action.UPDATE_ROW, ChangeClass.SAFE),
        (Action.UPDATE_ROW, ChangeClass.SAFE),
    ]


def test_undeclared_live_properties_are_left_alone_and_listed() -> None:
    """A live property no manifest declares is kept and listed (prune_properties off)."""
    world = World.steady().live_db(
        "tasks", properties=_live_tasks(LiveProperty("x1", "Budget code", "rich_text"))
    )
    plan = world.plan()
    assert plan.is_empty
    assert plan.databases[1].unmanaged_properties == ("Budget code",)


def test_prune_properties_removes_undeclared_properties_but_never_the_title() -> None:
    """remove_property (destructive, phase 6) for undeclared ones; the title property stays."""
    world = World.steady().live_db(
        "projects",
        properties=(
            *live_properties((spec("Name", "title"), spec("Lead", "people"))),
            LiveProperty("x1", "Budget code", "rich_text"),
        ),
    )
    world.desired_db("projects", prune_properties=True)
    [change] = world.plan().changes
    assert (
        change.action,
        change.target,
        change.change_class,
        change.phase,
    ) == (Action.REMOVE_PROPERTY, "Budget code", ChangeClass.DESTRUCTIVE, 6)


def test_a_new_database_title_retitles_the_database() -> None:
    """With an id, the title is managed: update_database from the live title to the new one."""
    [change] = World.steady().desired_db("projects", title="Initiatives").plan().changes
    assert (change.action, change.payload) == (
        Action.UPDATE_DATABASE,
        UpdateDatabase("Projects", "Initiatives"),
    )


def test_declaring_the_title_under_another_name_asks_for_renamed_from() -> None:
    """A title property named differently than the live one is a PlanError with the fix."""
    specs = (spec("Project", "title"), spec("Lead", "people"))
    world = World.steady().desired_db("projects", properties=specs)
    with pytest.raises(PlanError) as caught:
        world.plan()
    assert "its title property is 'Name'" in caught.value.message
    assert "renamed_from: Name" in str(caught.value.hint)


def test_turning_the_title_into_another_type_is_refused() -> None:
    """A title property never changes type: PlanError naming the database and property."""
    specs = (spec("Name", "rich_text"), spec("Lead", "people"))
    world = World.steady().desired_db("projects", properties=specs)
    with pytest.raises(PlanError, match="'projects', property 'Name' is a title property"):
        world.plan()


def test_a_relation_to_a_database_that_exists_nowhere_is_a_plan_error() -> None:
    """Adding a relation to a handle neither live nor planned names it and how to fix it."""
    extra = PropertySpec("Client", "relation", relation("clients"))
    world = World.steady().desired_db("tasks", properties=_tasks_specs(extra))
    world.live = dataclasses.replace(
        world.live,
        databases={
            **world.live.databases,
            "clients": dataclasses.replace(
                world.live.databases["projects"], handle="clients", database_id=None, rows=()
            ),
        },
    )
    with pytest.raises(PlanError, match="relates to 'clients', which does not exist"):
        world.plan(databases=["tasks"])


def test_turning_a_dual_relation_single_is_lossy() -> None:
    """dual_property → single_property removes the back property in the target: lossy."""
    world = World.steady()
    dual = LiveProperty(
        "p5", "Project", "relation",
        {"database": "projects", "type": "dual_property", "synced_property": "Tasks"},
    )  # fmt: skip
    props = tuple(dual if p.name == "Project" else p for p in _live_tasks())
    [change] = world.live_db("tasks", properties=props).plan().changes
    assert (change.action, change.change_class) == (Action.UPDATE_PROPERTY, ChangeClass.LOSSY)
