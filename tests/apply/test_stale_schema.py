"""The stale check of schema changes: a saved plan whose schema prior was edited in the file, or
whose schema changed in Notion since, is refused before the first write (exit 4)."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from reconciler.apply import Status
from reconciler.errors import StalePlanError
from reconciler.model import LiveState
from reconciler.plan import (
    Change,
    ChangePayload,
    ChangeType,
    Plan,
    PriorProperty,
    PropertyShape,
    RemoveOptions,
    RemoveProperty,
    RenameProperty,
    UpdateDatabase,
    UpdateProperty,
    checksum,
    class_of,
    dump_plan,
    parse_plan,
)
from reconciler.readspec import read_specs
from tests.apply.conftest import PROJECTS, TASKS, Project, writes
from tests.apply.test_resume import crash_after_sending

STAGE_PRUNED = {"type": "select", "options": ["Idea", "Active", "Blocked"], "prune_options": True}


def saved(plan: Plan) -> Plan:
    """The plan written to a file and read back, as `apply plan.json` reads it."""
    return parse_plan(dump_plan(plan), "plan.json")


def planned(project: Project, **properties: Any) -> Plan:
    """Converge, then plan projects with these properties declared instead (the saved plan)."""
    project.converge()
    projects = copy.deepcopy(PROJECTS)
    projects["properties"].update(properties)
    project.write(projects)
    return saved(project.plan()[0])


def edited(plan: Plan, change_id: str, payload: ChangePayload) -> Plan:
    """The plan file edited: a change's payload replaced, its class and the checksum made to
    match, so the file reads back without complaint."""
    databases = []
    for db in plan.databases:
        changes = tuple(
            dataclasses.replace(c, payload=payload, change_class=class_of(payload))
            if c.id == change_id
            else c
            for c in db.changes
        )
        databases.append(dataclasses.replace(db, changes=changes))
    plan = dataclasses.replace(plan, databases=tuple(databases))
    return saved(dataclasses.replace(plan, checksum=checksum(plan)))


def change(plan: Plan, change_id: str) -> Change:
    return next(c for c in plan.changes if c.id == change_id)


def refused(project: Project, plan: Plan, *says: str) -> None:
    """The apply of ``plan`` stops with exit 4 saying each text, and writes nothing."""
    since = project.mark()
    with pytest.raises(StalePlanError) as caught:
        project.apply(plan)
    assert caught.value.exit_code == 4
    for text in says:
        assert text in str(caught.value)
    assert str(caught.value.hint).startswith("make the plan again")
    assert not writes(project.emulator, since)


def schema_of(project: Project, handle: str) -> dict[str, Any]:
    """The live data source of a database, as Notion answers (through notion_client)."""
    live = project.gateway.read_state(read_specs(project.desired(), [handle])).databases[handle]
    return {"data_source_id": live.data_source_id, "properties": live.properties}


def test_an_untouched_saved_plan_with_schema_changes_applies(project: Project) -> None:
    """The prior of every schema change still holds: the plan applies completely."""
    plan = planned(project, Stage=STAGE_PRUNED)
    assert {c.id for c in plan.changes} == {
        "projects/update_property/Stage",
        "projects/remove_options/Stage",
    }
    result = project.apply(plan)
    assert result.complete


def test_an_update_whose_live_configuration_was_edited_is_refused(project: Project) -> None:
    """The options the update saw, edited in the file (one dropped, so the request built on
    them would drop it in Notion): refused, naming the database and property."""
    plan = planned(project, Stage=STAGE_PRUNED)
    update = change(plan, "projects/update_property/Stage")
    assert isinstance(update.payload, UpdateProperty)
    options = update.payload.live.config["options"]
    assert isinstance(options, list)
    seen = PropertyShape("select", {"options": options[:-1]})
    sneaky = edited(plan, update.id, dataclasses.replace(update.payload, live=seen))
    refused(project, sneaky, "projects/Stage (property ", "Stage's options changed in Notion")


def test_a_removal_of_options_edited_to_name_fewer_is_refused(project: Project) -> None:
    """The options a removal lists, edited to leave one out of the list (the request removes
    it all the same): refused."""
    plan = planned(project, Stage=STAGE_PRUNED)
    sneaky = edited(plan, "projects/remove_options/Stage", RemoveOptions(()))
    refused(project, sneaky, "projects/Stage", "Stage's options changed in Notion")


def test_a_type_change_whose_prior_type_was_edited_is_refused(project: Project) -> None:
    """A number made text, its prior edited to say it was text already: refused."""
    plan = planned(project, Budget="rich_text")
    retype = change(plan, "projects/change_type/Budget")
    assert isinstance(retype.payload, ChangeType)
    seen = PropertyShape("rich_text", {})
    sneaky = edited(plan, retype.id, dataclasses.replace(retype.payload, live=seen))
    refused(project, sneaky, "projects/Budget", "Budget's type changed in Notion")


def test_a_rename_whose_old_name_was_edited_is_refused(project: Project) -> None:
    """A rename of Budget to Cost, edited to start from another name: refused."""
    plan = planned(project, Cost={"type": "number", "format": "euro", "renamed_from": "Budget"})
    rename = change(plan, "projects/rename_property/Cost")
    assert isinstance(rename.payload, RenameProperty)
    sneaky = edited(plan, rename.id, RenameProperty("Lead", "Cost"))
    refused(project, sneaky, "projects/Cost", "is not named 'Lead' as the plan saw it")


def test_a_planned_property_whose_prior_was_edited_is_refused(project: Project) -> None:
    """The live name the plan recorded for a managed property, edited: refused."""
    plan = planned(project, Stage=STAGE_PRUNED)
    db = next(db for db in plan.databases if db.handle == "projects")
    props = tuple(
        dataclasses.replace(p, prior=PriorProperty(p.prior.id, "Lead", p.prior.type))
        if p.name == "Budget" and p.prior is not None
        else p
        for p in db.properties
    )
    databases = tuple(
        dataclasses.replace(d, properties=props) if d is db else d for d in plan.databases
    )
    moved = dataclasses.replace(plan, databases=databases)
    sneaky = saved(dataclasses.replace(moved, checksum=checksum(moved)))
    refused(project, sneaky, "projects/Budget", "Lead was renamed 'Budget' in Notion")


def test_a_removal_whose_property_type_was_edited_is_refused(project: Project) -> None:
    """A hand-added Notes property pruned; the removal's prior edited to another type."""
    project.converge()
    source = str(schema_of(project, "projects")["data_source_id"])
    project.gateway.update_data_source(source, {"Notes": {"rich_text": {}}}, database="projects")
    projects = copy.deepcopy(PROJECTS)
    projects["prune_properties"] = True
    project.write(projects)
    plan = saved(project.plan()[0])
    removal = change(plan, "projects/remove_property/Notes")
    sneaky = edited(plan, removal.id, RemoveProperty(PropertyShape("checkbox", {})))
    refused(project, sneaky, "projects/Notes", "Notes's type changed in Notion")


def test_a_database_update_whose_old_title_was_edited_is_refused(project: Project) -> None:
    """A retitle of the projects database, its old title edited in the file: refused."""
    project.converge()
    projects = copy.deepcopy(PROJECTS)
    projects["id"] = schema_of(project, "projects")["data_source_id"]
    projects["title"] = "Initiatives"
    project.write(projects)
    plan = saved(project.plan()[0])
    retitle = change(plan, "projects/update_database/projects")
    assert isinstance(retitle.payload, UpdateDatabase)
    sneaky = edited(plan, retitle.id, dataclasses.replace(retitle.payload, old_title="Other"))
    refused(project, sneaky, "projects/Initiatives (database ", "its title changed in Notion")


def _in_notion(project: Project, edit: Callable[[str, Any], dict[str, Any]]) -> None:
    """Someone edits the projects schema in Notion (through notion_client) after the plan."""
    schema = schema_of(project, "projects")
    stage = next(p for p in schema["properties"] if p.name == "Stage")
    project.gateway.update_data_source(
        str(schema["data_source_id"]), edit(stage.id, stage), database="projects"
    )


def test_an_option_added_in_notion_since_the_plan_refuses_it(project: Project) -> None:
    """Stage gets an option in Notion after the plan: the update and the removal built on the
    options the plan saw would drop it unreviewed, so the plan is refused, naming Stage once."""
    plan = planned(project, Stage=STAGE_PRUNED)

    def add_paused(stage_id: str, stage: Any) -> dict[str, Any]:
        options = [{"id": o["id"], "name": o["name"]} for o in stage.config["options"]]
        return {stage_id: {"select": {"options": [*options, {"name": "Paused"}]}}}

    _in_notion(project, add_paused)
    refused(
        project,
        plan,
        "the plan is stale: 1 property changed in Notion since it was made",
        "projects/Stage (property ",
        "Stage's options changed in Notion since the plan",
    )


def test_a_property_renamed_in_notion_since_the_plan_refuses_it(project: Project) -> None:
    """The property a plan updates is renamed in Notion after the plan: refused."""
    plan = planned(project, Stage=STAGE_PRUNED)
    _in_notion(project, lambda stage_id, _stage: {stage_id: {"name": "Phase"}})
    refused(project, plan, "projects/Stage", "Stage was renamed 'Phase' in Notion since the plan")


def test_a_resumed_apply_after_a_crash_mid_schema_stage_completes(project: Project) -> None:
    """The schema update was sent but never journaled done (a crash): Notion holds what it
    writes, which the resumed apply accepts instead of calling the plan stale."""
    plan = planned(project, Stage=STAGE_PRUNED)
    project.apply(plan)
    crashed = ["projects/update_property/Stage", "projects/remove_options/Stage"]
    crash_after_sending(project, crashed)
    result = project.apply(plan)
    assert result.complete
    assert {o.change.id for o in result.outcomes if o.status is Status.DONE} == set(crashed)


def test_done_schema_changes_are_not_checked_again(project: Project) -> None:
    """A finished plan applied again, its property edited in Notion since: nothing is stale,
    since nothing is sent."""
    plan = planned(project, Stage=STAGE_PRUNED)
    project.apply(plan)
    _in_notion(project, lambda stage_id, _stage: {stage_id: {"name": "Phase"}})
    again = project.apply(plan)
    assert {o.status for o in again.outcomes} == {Status.ALREADY_DONE}


def test_a_database_without_schema_changes_is_not_read_for_its_schema(project: Project) -> None:
    """A row-only plan makes no data source GET: the schema check reads only databases with
    a schema change."""
    project.converge()
    tasks = copy.deepcopy(TASKS)
    tasks["rows"][1]["Estimate"] = 8
    project.write(tasks)
    plan = saved(project.plan()[0])
    since = project.mark()
    project.apply(plan)
    fetched = [
        r["path"]
        for r in project.emulator.requests()[since:]
        if r["method"] == "GET" and str(r["path"]).startswith("/v1/data_sources/")
    ]
    assert fetched == []


def test_a_property_added_in_notion_under_the_name_the_plan_adds_refuses_it(
    project: Project,
) -> None:
    """The plan adds Notes; someone adds a Notes of their own in Notion first: the update keyed
    by that name would reconfigure theirs, so the plan is refused."""
    plan = planned(project, Notes="url")
    assert [c.id for c in plan.changes] == ["projects/add_property/Notes"]
    _in_notion(project, lambda _id, _stage: {"Notes": {"rich_text": {}}})
    refused(project, plan, "projects/Notes", "a property named 'Notes' was added in Notion")


def planned_with_read(project: Project, **properties: Any) -> tuple[Plan, LiveState]:
    """Converge, then plan projects with these properties declared instead, with the read the
    plan was made from (as ``apply --yes`` plans inside its lock)."""
    project.converge()
    projects = copy.deepcopy(PROJECTS)
    projects["properties"].update(properties)
    project.write(projects)
    return project.plan()


def schema_reads_before_any_write(project: Project, since: int) -> list[str]:
    """The database and data source GETs since ``since``, up to the first write if any."""
    logged = project.emulator.requests()[since:]
    first = next((n for n, r in enumerate(logged) if r["method"] == "PATCH"), len(logged))
    prefixes = ("/v1/databases/", "/v1/data_sources/")
    return [
        str(r["path"])
        for r in logged[:first]
        if r["method"] == "GET" and str(r["path"]).startswith(prefixes)
    ]


def test_schema_changes_applied_right_after_their_read_are_checked_against_it(
    project: Project,
) -> None:
    """Planned inside the lock and applied with nobody asked in between (``current``): the
    schema changes' priors are checked against the read the plan was just made from, so no
    database or data source is read again before the first write."""
    plan, live = planned_with_read(project, Stage=STAGE_PRUNED)
    since = project.mark()
    result = project.apply(plan, live=live, current=True)
    assert result.complete
    assert schema_reads_before_any_write(project, since) == []


def test_schema_changes_applied_after_a_question_read_the_schema_again(project: Project) -> None:
    """Without ``current`` (a person was asked, or the plan came from a file) the schema is
    read again before the first write, and an option added in Notion since refuses the plan."""
    plan, live = planned_with_read(project, Stage=STAGE_PRUNED)

    def add_paused(stage_id: str, stage: Any) -> dict[str, Any]:
        options = [{"id": o["id"], "name": o["name"]} for o in stage.config["options"]]
        return {stage_id: {"select": {"options": [*options, {"name": "Paused"}]}}}

    _in_notion(project, add_paused)
    since = project.mark()
    with pytest.raises(StalePlanError):
        project.apply(plan, live=live)
    assert schema_reads_before_any_write(project, since) != []
    assert not writes(project.emulator, since)
