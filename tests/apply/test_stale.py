"""The stale-plan check: a saved plan is refused, with nothing written, when its rows changed."""

from __future__ import annotations

import pytest

from reconciler.apply import Journal, Status
from reconciler.errors import StalePlanError
from reconciler.model import JSON
from reconciler.plan import Plan
from reconciler.readspec import read_specs
from tests.apply.conftest import Project, writes


def planned_update(project: Project) -> Plan:
    """Converge, then plan an estimate change of design-pages (the saved plan)."""
    return project.planned_estimate_change()[0]


def edit_in_notion(project: Project, key: str, properties: dict[str, JSON]) -> None:
    """Someone edits a row by hand in Notion."""
    live = project.gateway.read_state(read_specs(project.desired(), ["tasks"])).databases["tasks"]
    page = next(row.page_id for row in live.rows if row.key == key)
    project.gateway.update_row(page, properties, database="tasks", row_key=key)


def test_a_row_edited_since_the_plan_refuses_the_whole_plan(project: Project) -> None:
    """Exit 4 (StalePlanError) naming the row, and no write request at all."""
    plan = planned_update(project)
    edit_in_notion(project, "design-pages", {"Done": {"checkbox": True}})
    since = project.mark()
    with pytest.raises(StalePlanError) as caught:
        project.apply(plan)
    expected = 4
    assert expected == caught.value.exit_code
    assert "tasks/design-pages" in str(caught.value)
    assert not writes(project.emulator, since)


def test_a_row_trashed_since_the_plan_is_stale(project: Project) -> None:
    """A row someone moved to the trash is named as such; nothing is written."""
    plan = planned_update(project)
    change = next(c for c in plan.changes if c.target == "design-pages")
    assert change.page_id is not None
    project.gateway.set_row_trashed(change.page_id, True, database="tasks", row_key="x")
    since = project.mark()
    with pytest.raises(StalePlanError) as caught:
        project.apply(plan)
    assert "design-pages" in str(caught.value)
    assert "moved to the trash" in str(caught.value)
    assert not writes(project.emulator, since)


def test_a_row_gone_from_the_workspace_is_stale_with_the_likely_causes(project: Project) -> None:
    """A row the integration cannot find any more (deleted for good, unshared, or a plan made
    against another workspace) is named with those causes; nothing is written."""
    plan = planned_update(project)
    change = next(c for c in plan.changes if c.target == "design-pages")
    assert change.page_id is not None
    project.emulator.store.delete(change.page_id)  # what no API call can do: gone for good
    since = project.mark()
    with pytest.raises(StalePlanError) as caught:
        project.apply(plan)
    assert str(caught.value).startswith("the plan is stale: 1 row changed in Notion")
    assert f"tasks/design-pages (page {change.page_id}): not found: deleted, no longer shared" in (
        str(caught.value)
    )
    assert not writes(project.emulator, since)


def test_an_untouched_row_passes_and_the_plan_applies(project: Project) -> None:
    """Edits to rows the plan does not touch do not make it stale."""
    plan = planned_update(project)
    edit_in_notion(project, "outline", {"Done": {"checkbox": True}})
    result = project.apply(plan)
    assert result.complete


def test_changes_already_done_are_not_checked_again(project: Project) -> None:
    """A finished plan applied again is not stale although its rows now differ."""
    plan = planned_update(project)
    project.apply(plan)
    again = project.apply(plan)
    expected = [Status.ALREADY_DONE]
    assert expected == [o.status for o in again.outcomes]


def test_an_unrecorded_own_write_is_not_stale_on_resume(project: Project) -> None:
    """An update sent before a crash but never journaled done: the row holds what the plan
    writes, so the resumed apply accepts it instead of calling the plan stale."""
    plan = planned_update(project)
    change = plan.changes[0]
    journal = Journal(project.journal_path)
    journal.started(plan.checksum, change.id)
    journal.close()
    edit_in_notion(project, "design-pages", {"Estimate": {"number": 8}})
    result = project.apply(plan)
    assert result.complete


def requests_before_the_first_write(project: Project, since: int) -> list[str]:
    logged = project.emulator.requests()[since:]
    first = next(n for n, r in enumerate(logged) if r["method"] == "PATCH")
    return [f"{r['method']} {r['path']}" for r in logged[:first]]


def test_a_plan_applied_right_after_its_read_checks_its_rows_against_that_read(
    project: Project,
) -> None:
    """Planned inside the lock and applied with nobody asked in between (``current``): the
    rows and keys are checked against the read the plan was just made from, so nothing is
    read again before the first write but which workspace the apply reaches."""
    plan, live = project.planned_estimate_change()
    since = project.mark()
    result = project.apply(plan, live=live, current=True)
    assert result.complete
    assert requests_before_the_first_write(project, since) == ["GET /v1/users/me"]


def test_a_plan_applied_after_a_question_reads_its_rows_again(project: Project) -> None:
    """Without ``current`` (a person was asked, or the plan came from a file) the rows the plan
    touches are read again before the first write, and an edit since refuses the plan."""
    plan, live = project.planned_estimate_change()
    edit_in_notion(project, "design-pages", {"Done": {"checkbox": True}})
    since = project.mark()
    with pytest.raises(StalePlanError):
        project.apply(plan, live=live)
    assert not writes(project.emulator, since)
