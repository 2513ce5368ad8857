"""The plan's prior state: each planned property as the live read showed it, and the read spec
a plan builds from it (what apply reads again, without any manifest)."""

from __future__ import annotations

import dataclasses

from reconciler.model import LiveProperty, PropertySpec
from reconciler.plan import DatabasePlan, PriorProperty
from reconciler.readspec import ReadProperty
from tests.plan.world import TASK_SPECS, TASKS_DB, TASKS_DS, World, spec


def _tasks_plan(*declared: PropertySpec, rename: tuple[str, str] | None = None) -> DatabasePlan:
    """The tasks database planned with these declarations replacing (by name) or joining the
    steady ones; ``rename`` (old, new) also renames the rows' values of that property."""
    world = World.steady()
    tasks = world.desired.database("tasks")
    assert tasks is not None
    old, new = rename or ("", "")
    replaced = {spec.renamed_from or spec.name: spec for spec in declared}
    specs = [replaced.pop(s.name, s) for s in tasks.properties]
    rows = tuple(
        dataclasses.replace(row, values={new if k == old else k: v for k, v in row.values.items()})
        for row in tasks.rows
    )
    world.desired_db("tasks", properties=(*specs, *replaced.values()), rows=rows)
    planned = world.plan().database("tasks")
    assert planned is not None
    return planned


def test_each_planned_property_carries_the_live_property_as_read() -> None:
    """A renamed property keeps its live name, a retyped one its live type, both with their
    live ids; a property still to be added has no prior state."""
    days = dataclasses.replace(TASK_SPECS[3], name="Days", renamed_from="Estimate")
    done = PropertySpec("Done", "rich_text")
    plan = _tasks_plan(days, done, spec("Due", "date"), rename=("Estimate", "Days"))
    priors = {p.name: p.prior for p in plan.properties}
    assert priors["Days"] == PriorProperty("p3", "Estimate", "number")
    assert priors["Done"] == PriorProperty("p7", "Done", "checkbox")
    assert priors["Due"] is None
    assert priors["Name"] == PriorProperty("title", "Name", "title")


def test_a_plans_read_spec_reads_rows_under_the_names_and_types_it_saw() -> None:
    """The read spec of a planned database: its ids, key, row count, and every property's
    live side as the plan read it (so rows read again hash as the plan's did)."""
    days = dataclasses.replace(TASK_SPECS[3], name="Days", renamed_from="Estimate")
    plan = _tasks_plan(days, spec("Due", "date"), rename=("Estimate", "Days"))
    read = plan.read_spec()
    assert (read.id, read.data_source, read.data_source_id) == (TASKS_DB, TASKS_DS, TASKS_DS)
    assert (read.key, read.row_count, read.keys, read.where) == ("Slug", 2, (), "the plan")
    assert read.property_named("Days") == ReadProperty(
        "Days", "number", "Estimate", LiveProperty("p3", "Estimate", "number")
    )
    assert read.property_named("Due") == ReadProperty("Due", "date")


def test_ids_learnt_by_the_apply_override_the_plans() -> None:
    """A database the apply created is read by the ids it got (the plan had none)."""
    plan = dataclasses.replace(_tasks_plan(), database_id=None, data_source_id=None)
    assert plan.read_spec().id is None
    read = plan.read_spec(database_id="db-made", data_source_id="ds-made")
    assert (read.id, read.data_source, read.data_source_id) == ("db-made", "ds-made", "ds-made")
