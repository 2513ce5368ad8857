"""The read spec and the one matching rule: what the gateway reads, built from a manifest."""

from __future__ import annotations

import dataclasses

from reconciler.model import LiveDatabase, LiveProperty, PropertySpec
from reconciler.readspec import ReadProperty, matched_properties, read_spec, read_specs
from tests.plan.world import PROJECTS_DB, TASKS_DB, TASKS_DS, World, live_row

ESTIMATE = LiveProperty("p3", "Estimate", "number")
EFFORT = LiveProperty("p9", "Effort", "number")


def test_a_declared_property_manages_the_live_property_of_its_name() -> None:
    """By name first: a former name is not looked at while the name exists."""
    declared = [PropertySpec("Estimate", "number", renamed_from="Effort")]
    assert matched_properties(declared, [ESTIMATE, EFFORT]) == {"Estimate": ESTIMATE}


def test_renamed_from_names_the_live_property_until_the_rename_is_done() -> None:
    """A declared name not live yet manages the property of its former name."""
    declared = [PropertySpec("Days", "number", renamed_from="Estimate")]
    assert matched_properties(declared, [ESTIMATE]) == {"Days": ESTIMATE}


def test_a_name_a_rename_frees_and_declares_again_is_a_new_property() -> None:
    """`Days: {renamed_from: Estimate}` next to a new `Estimate`: the live Estimate is the
    renamed one, and the new Estimate manages nothing yet."""
    declared = [
        PropertySpec("Days", "number", renamed_from="Estimate"),
        PropertySpec("Estimate", "rich_text"),
    ]
    assert matched_properties(declared, [ESTIMATE]) == {"Days": ESTIMATE}


def test_a_manifests_spec_holds_its_managed_properties_and_row_keys() -> None:
    """Ignored properties are not read; every manifest row's key is looked for."""
    tasks = World.steady().desired.database("tasks")
    assert tasks is not None
    spec = read_spec(tasks)
    assert (spec.handle, spec.key, spec.id, spec.where) == (
        "tasks",
        "Slug",
        TASKS_DB,
        "manifests/tasks.yaml:1:5",
    )
    assert "Notes" not in [p.name for p in spec.properties]
    assert spec.keys == ("write-brief", "design-pages")
    assert spec.property_named("Estimate") == ReadProperty("Estimate", "number")


def test_read_specs_keep_the_manifests_order_and_choose_by_handle() -> None:
    """All databases, or those named, in the manifests' (dependency) order."""
    desired = World.steady().desired
    assert [s.handle for s in read_specs(desired)] == ["projects", "tasks"]
    assert [s.id for s in read_specs(desired, ["tasks", "projects"])] == [PROJECTS_DB, TASKS_DB]
    assert read_specs(desired, ["tasks"])[0].handle == "tasks"


def test_a_located_spec_knows_ids_live_properties_and_the_row_count() -> None:
    """After a read: the data source to read rows from, each property's live side by the
    matching rule, and the live rows outside the trash (for the reader's cost rule)."""
    world = World.steady()
    tasks = world.desired.database("tasks")
    assert tasks is not None
    live = world.live.databases["tasks"]
    trashed = live_row(13, "old", {}, in_trash=True)
    with_trash: LiveDatabase = dataclasses.replace(live, rows=(*live.rows, trashed))
    located = read_spec(tasks).located(with_trash)
    assert (located.data_source_id, located.row_count) == (TASKS_DS, 2)
    estimate = located.property_named("Estimate")
    assert estimate is not None
    assert estimate.live == live.property_named("Estimate")
