"""The undo plan every apply writes: a plan file that puts back what the apply did."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from reconciler.apply import ApplyResult, Status
from reconciler.apply.records.undo import undo_plan
from reconciler.errors import StalePlanError
from reconciler.plan import Action, ChangeClass, Plan, dump_plan, load_plan
from reconciler.readspec import read_specs
from tests.apply.conftest import PROJECTS, TASKS, Project


def converged_then(project: Project, *manifests: dict[str, Any]) -> Plan:
    """Apply the base manifests, then write these and apply them; the undo plan of that."""
    project.converge()
    project.write(*manifests)
    plan, live = project.plan()
    result = project.apply(plan, live=live)
    assert result.complete
    assert result.undo_path is not None
    return load_plan(result.undo_path)


def row_values(project: Project, handle: str) -> dict[str, dict[str, Any]]:
    live = project.gateway.read_state(read_specs(project.desired(), [handle])).databases[handle]
    return {str(r.key): dict(r.values) for r in live.rows if not r.in_trash}


def test_undo_puts_back_the_old_values(project: Project) -> None:
    """An estimate changed from 5 to 8 is 5 again after the undo plan is applied."""
    tasks = copy.deepcopy(TASKS)
    tasks["rows"][1]["Estimate"] = 8
    undo = converged_then(project, tasks)
    expected = [("tasks/update_row/design-pages", {"Estimate": 5})]
    assert expected == [(c.id, c.payload.encode()[1]) for c in undo.changes]
    project.apply(undo)
    five = 5
    assert five == row_values(project, "tasks")["design-pages"]["Estimate"]


def test_undo_trashes_the_rows_the_apply_created(project: Project) -> None:
    """A new row is trashed by the undo (a destructive change that needs approval)."""
    tasks = copy.deepcopy(TASKS)
    tasks["rows"].append({"Slug": "review", "Name": "Review the pages"})
    undo = converged_then(project, tasks)
    trash = next(c for c in undo.changes if c.target == "review")
    assert trash.action is Action.TRASH_ROW
    project.apply(undo)
    assert "review" not in row_values(project, "tasks")


def test_undo_restores_the_rows_the_apply_trashed(project: Project) -> None:
    """A pruned row comes back from the trash, the same page."""
    tasks = copy.deepcopy(TASKS)
    tasks["rows"] = tasks["rows"][:2]
    undo = converged_then(project, tasks)
    restore = next(c for c in undo.changes if c.target == "outline")
    assert restore.action is Action.RESTORE_ROW
    project.apply(undo)
    assert "outline" in row_values(project, "tasks")


def test_undo_removes_added_properties_and_renames_back(project: Project) -> None:
    """Schema changes are reversed: an added property goes, a renamed one gets its name back."""
    projects = copy.deepcopy(PROJECTS)
    budget = projects["properties"].pop("Budget")
    projects["properties"]["Funding"] = {**budget, "renamed_from": "Budget"}
    projects["properties"]["Website"] = "url"
    for row in projects["rows"]:
        row["Funding"] = row.pop("Budget")
    undo = converged_then(project, projects)
    expected = {
        ("projects/rename_property/Budget", "rename_property"),
        ("projects/remove_property/Website", "remove_property"),
    }
    assert expected == {(c.id, c.action.value) for c in undo.changes}
    project.apply(undo)
    project.write(PROJECTS)
    plan, _ = project.plan()
    assert plan.is_empty


def test_the_undo_of_values_of_a_renamed_property_writes_them_under_the_old_name(
    project: Project,
) -> None:
    """A property renamed and a value of it changed in one apply: the undo renames it back and
    sets the value back under the old name, its diffs showing that name (the undo plan file
    loads: it shows what it writes)."""
    projects = copy.deepcopy(PROJECTS)
    budget = projects["properties"].pop("Budget")
    projects["properties"]["Funding"] = {**budget, "renamed_from": "Budget"}
    for row in projects["rows"]:
        row["Funding"] = row.pop("Budget")
    projects["rows"][0]["Funding"] = 15000
    undo = converged_then(project, projects)
    update = next(c for c in undo.changes if c.action is Action.UPDATE_ROW)
    assert (update.payload.encode(), [d.path for d in update.diffs]) == (
        ({"Budget": 15000}, {"Budget": 12000}),
        ["Budget"],
    )
    assert project.apply(undo).complete
    project.write(PROJECTS)
    assert project.plan()[0].is_empty


def test_undo_then_plan_of_the_old_manifests_is_empty(project: Project) -> None:
    """After the undo, Notion matches the manifests as they were before the apply."""
    tasks = copy.deepcopy(TASKS)
    tasks["rows"][0]["Done"] = False
    tasks["rows"][2]["Project"] = ["Website"]
    tasks["rows"].append({"Slug": "review", "Name": "Review", "Blocked by": ["outline"]})
    undo = converged_then(project, tasks)
    result = project.apply(undo)
    assert result.complete
    project.write(TASKS)
    plan, _ = project.plan()
    assert plan.is_empty


def test_undo_refuses_a_row_edited_after_the_apply(project: Project) -> None:
    """The undo carries each row's hash after the apply: a later edit makes it stale."""
    tasks = copy.deepcopy(TASKS)
    tasks["rows"][1]["Estimate"] = 8
    undo = converged_then(project, tasks)
    change = undo.changes[0]
    assert change.page_id is not None
    project.gateway.update_row(
        change.page_id, {"Estimate": {"number": 13}}, database="tasks", row_key="design-pages"
    )
    with pytest.raises(StalePlanError):
        project.apply(undo)


def test_an_apply_that_did_nothing_writes_no_undo_plan(project: Project) -> None:
    """A plan already applied leaves the earlier undo plan alone and reports none."""
    plan, live = project.plan()
    project.apply(plan, live=live)
    again = project.apply(plan)
    assert again.undo_path is None
    assert all(o.status is Status.ALREADY_DONE for o in again.outcomes)


def test_an_undo_that_clears_a_value_is_lossy_and_one_that_sets_it_back_is_safe(
    project: Project,
) -> None:
    """Setting a value (safe) is undone by clearing it (lossy); clearing (lossy) is undone by
    setting it back (safe): the undo is classed by what it does."""
    set_it = copy.deepcopy(TASKS)
    set_it["rows"][2]["Estimate"] = 4  # outline had none
    undo_set = converged_then(project, set_it)
    assert [(c.id, c.change_class) for c in undo_set.changes] == [
        ("tasks/update_row/outline", ChangeClass.LOSSY)
    ]
    clear_it = copy.deepcopy(TASKS)
    del clear_it["rows"][1]["Estimate"]  # design-pages had 5
    undo_clear = converged_then(project, clear_it)
    assert {(c.id, c.change_class) for c in undo_clear.changes} == {
        ("tasks/update_row/design-pages", ChangeClass.SAFE),  # 5 comes back
        ("tasks/update_row/outline", ChangeClass.SAFE),  # 4 comes back
    }


def test_the_undo_of_a_restore_that_changed_values_shows_them(project: Project) -> None:
    """A row restored from the trash with a corrected value: its undo trashes it again and
    shows the value it puts back as a field diff (it was written without being shown)."""
    project.converge()
    (page_id,) = [
        row.page_id
        for row in project.gateway.read_state(read_specs(project.desired(), ["tasks"]))
        .databases["tasks"]
        .rows
        if row.key == "design-pages"
    ]
    project.gateway.update_row(
        page_id, {"Estimate": {"number": 42}}, database="tasks", row_key="design-pages"
    )
    project.gateway.set_row_trashed(page_id, True, database="tasks", row_key="design-pages")
    plan, live = project.plan()
    result = project.apply(plan, live=live)
    assert result.undo_path is not None
    undo = load_plan(result.undo_path)
    update = next(c for c in undo.changes if c.action is Action.UPDATE_ROW)
    assert [(d.path, d.old, d.new) for d in update.diffs] == [("Estimate", 5, 42)]


def reads_after_the_writes(project: Project, since: int) -> list[str]:
    """The requests after the apply's last write (the undo plan's read-back, if any)."""
    logged = project.emulator.requests()[since:]
    last = max(
        (n for n, r in enumerate(logged) if r["method"] == "PATCH" or r["path"] == "/v1/pages"),
        default=-1,
    )
    return [f"{r['method']} {r['path']}" for r in logged[last + 1 :]]


def read_back_undo(project: Project, plan: Plan, result: ApplyResult) -> Plan | None:
    """The undo plan of ``result`` made as it was before answers were used: every row read back."""
    return undo_plan(plan, result.outcomes, project.gateway, created=result.created, schemas={})


def assert_read_back_after_the_writes(project: Project, *manifests: dict[str, Any]) -> None:
    """Apply these manifests: complete, with reads after the last write (the undo plan's
    read-back), and exactly the requests the plan estimated."""
    project.write(*manifests)
    plan, live = project.plan()
    since = project.mark()
    result = project.apply(plan, live=live)
    assert result.complete
    assert reads_after_the_writes(project, since) != []
    assert plan.estimate.requests == project.mark() - since


def test_the_undo_of_rows_without_relations_is_made_from_the_writes_answers(
    project: Project,
) -> None:
    """Projects reads no relation: the hashes of its undo plan come from the answers of the
    update and the create, with no request after the last write, and the undo plan
    is the one a read-back of the rows gives, byte for byte; the apply sends what its plan
    estimated."""
    project.converge()
    projects = copy.deepcopy(PROJECTS)
    projects["rows"][0].update(Budget=15000, Stage="Done", Lead=["grace@example.com"])
    projects["rows"].append({"Name": "Roadmap", "Stage": "Idea", "Budget": 500})
    project.write(projects)
    plan, live = project.plan()
    assert {c.action for c in plan.changes} == {Action.UPDATE_ROW, Action.CREATE_ROW}
    since = project.mark()
    result = project.apply(plan, live=live)
    assert result.complete
    assert result.undo_path is not None
    assert reads_after_the_writes(project, since) == []
    assert plan.estimate.requests == project.mark() - since
    read_back = read_back_undo(project, plan, result)
    assert read_back is not None
    assert result.undo_path.read_bytes() == dump_plan(read_back).encode("utf-8")


def test_a_failed_change_has_the_rows_read_back(project: Project) -> None:
    """A change that failed may have been written after all: the rows are read back for the
    undo plan, which then holds their hashes as Notion has them."""
    project.converge()
    projects = copy.deepcopy(PROJECTS)
    projects["rows"][0]["Budget"] = 15000
    projects["rows"][1]["Budget"] = 4000
    project.write(projects)
    plan, live = project.plan()
    failing = next(c.page_id for c in plan.changes if c.target == "Handbook")
    project.emulator.configure(
        {"faults": [{"method": "PATCH", "path": f"/v1/pages/{failing}", "status": 400, "times": 1}]}
    )
    since = project.mark()
    result = project.apply(plan, live=live)
    assert result.count(Status.FAILED) == 1
    assert result.undo_path is not None
    done = next(c.page_id for c in plan.changes if c.target == "Website")
    assert reads_after_the_writes(project, since) == [f"GET /v1/pages/{done}"]
    assert load_plan(result.undo_path) == read_back_undo(project, plan, result)


def test_rows_that_read_a_relation_are_read_back(project: Project) -> None:
    """Tasks reads relations, which a trash or a dual relation written from another row can
    change without a write to the row: its rows are read back for the undo plan."""
    tasks = copy.deepcopy(TASKS)
    tasks["rows"][1]["Estimate"] = 8
    project.converge()
    assert_read_back_after_the_writes(project, tasks)


def test_the_result_carries_the_undo_plan_it_wrote(project: Project) -> None:
    """The caller gets the undo plan itself with its path (the CLI decides its approval from
    it without reading the file back): the same plan the file holds."""
    tasks = copy.deepcopy(TASKS)
    tasks["rows"][1]["Estimate"] = 8
    project.converge()
    project.write(tasks)
    plan, live = project.plan()
    result = project.apply(plan, live=live)
    assert result.undo_path is not None
    assert result.undo == load_plan(result.undo_path)


def test_rows_of_a_database_whose_schema_the_apply_changes_are_read_back(
    project: Project,
) -> None:
    """A property added to projects changes what its rows are read by: the rows the apply
    wrote are read back for the undo plan, as the estimate counts."""
    project.converge()
    projects = copy.deepcopy(PROJECTS)
    projects["properties"]["Website"] = "url"
    projects["rows"][0].update(Budget=15000, Website="https://example.com")
    assert_read_back_after_the_writes(project, projects)
