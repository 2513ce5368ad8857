"""A fresh plan identical to one the journal holds done: Notion, read by id, decides what is done.

Planning the manifests again gives the very same plan (the same checksum) only when Notion no
longer shows what the earlier apply of it did, or when a read lags behind it. The first must be
sent again (else the apply reports "already done" for ever); the second must not (a duplicate).
"""

from __future__ import annotations

import copy
from typing import Any

from reconciler.apply import Status
from reconciler.model import LiveState
from reconciler.plan import Plan
from reconciler.readspec import read_specs
from tests.apply.conftest import PEOPLE, PROJECTS, TASKS, Project, writes


def tasks_without_outline(**settings: Any) -> dict[str, Any]:
    tasks = copy.deepcopy(TASKS) | settings
    tasks["rows"] = [row for row in tasks["rows"] if row["Slug"] != "outline"]
    return tasks


def add_outline(project: Project, **settings: Any) -> tuple[Plan, LiveState]:
    """Converge without the outline task, then plan adding it (and apply that plan)."""
    project.write(PROJECTS, tasks_without_outline(**settings))
    project.converge()
    project.write(PROJECTS, copy.deepcopy(TASKS) | settings)
    plan, live = project.plan()
    assert [c.id for c in plan.changes] == ["tasks/create_row/outline"]
    assert project.apply(plan, live=live).complete
    return plan, live


def live_rows(project: Project, key: str) -> list[str]:
    """The page ids of the live rows outside the trash with this key."""
    live = project.gateway.read_state(read_specs(project.desired(), ["tasks"])).databases["tasks"]
    return [row.page_id for row in live.rows if row.key == key and not row.in_trash]


def test_a_reset_workspace_is_filled_again(project: Project) -> None:
    """The workspace emptied (a new --local file): the same plan again is sent in full."""
    first = project.converge()
    project.emulator.reset()
    project.emulator.seed({"users": PEOPLE})
    plan, live = project.plan()
    assert plan.checksum == first.checksum

    again = project.apply(plan, live=live)

    assert [o.status for o in again.outcomes] == [Status.DONE] * len(plan.changes)
    assert len(again.voided) == len(plan.changes)
    assert {v.reason for v in again.voided} == {
        "the database it created is gone from Notion (deleted, in the trash, or unshared)"
    }
    assert project.plan()[0].is_empty


def test_a_row_deleted_for_good_is_created_again(project: Project) -> None:
    """The created page is gone: the record is voided and the row created once more."""
    plan, _ = add_outline(project)
    (page_id,) = live_rows(project, "outline")
    project.emulator.store.delete(page_id)
    replanned, live = project.plan()
    assert replanned.checksum == plan.checksum

    result = project.apply(replanned, live=live)

    assert [(v.change, v.reason) for v in result.voided] == [
        (
            "tasks/create_row/outline",
            "the row it created is gone from Notion (deleted or in the trash)",
        )
    ]
    assert [o.status for o in result.outcomes] == [Status.DONE]
    assert len(live_rows(project, "outline")) == 1
    assert project.plan()[0].is_empty


def test_a_row_whose_key_was_changed_is_created_again(project: Project) -> None:
    """The plan applied again with the read it was made from, after someone changed the
    created row's key: the page found by id is not the row the plan creates, so the record is
    voided and the row created again (the renamed one is left alone)."""
    plan, live = add_outline(project, prune=False)
    (page_id,) = live_rows(project, "outline")
    project.gateway.update_row(
        page_id,
        {"Slug": {"rich_text": [{"type": "text", "text": {"content": "outline-old"}}]}},
        database="tasks",
        row_key="outline",
    )

    result = project.apply(plan, live=live)

    assert [v.reason for v in result.voided] == [
        "the row it created no longer has that key in Notion"
    ]
    assert (len(live_rows(project, "outline")), live_rows(project, "outline-old")) == (
        1,
        [page_id],
    )


def test_a_create_a_lagging_read_missed_is_not_sent_again(project: Project) -> None:
    """The same plan with the same (old) read, as when a query lags behind the create: the
    page is found by id with its key, so nothing is written and no row is duplicated."""
    plan, live = add_outline(project)
    since = project.mark()

    result = project.apply(plan, live=live)

    assert (result.voided, [o.status for o in result.outcomes]) == ((), [Status.ALREADY_DONE])
    assert not writes(project.emulator, since)
    assert len(live_rows(project, "outline")) == 1


def test_a_value_put_back_by_hand_is_written_again(project: Project) -> None:
    """An update applied, then undone by hand in Notion: the same plan is sent again."""
    plan, live = project.planned_estimate_change()
    assert project.apply(plan, live=live).complete
    (page_id,) = live_rows(project, "design-pages")
    project.gateway.update_row(
        page_id, {"Estimate": {"number": 5}}, database="tasks", row_key="design-pages"
    )
    replanned, live = project.plan()
    assert replanned.checksum == plan.checksum

    result = project.apply(replanned, live=live)

    assert [v.change for v in result.voided] == ["tasks/update_row/design-pages"]
    assert [o.status for o in result.outcomes] == [Status.DONE]
    assert project.plan()[0].is_empty


def test_a_saved_plan_applied_again_after_its_row_was_deleted_creates_it_again(
    project: Project,
) -> None:
    """A saved plan (no fresh read): the created page is checked by id; gone, it is created
    again instead of being reported done."""
    plan, _ = add_outline(project)
    (page_id,) = live_rows(project, "outline")
    project.emulator.store.delete(page_id)

    result = project.apply(plan)

    assert [v.reason for v in result.voided] == [
        "the row it created is gone from Notion (deleted or in the trash)"
    ]
    assert [o.status for o in result.outcomes] == [Status.DONE]
    assert len(live_rows(project, "outline")) == 1


def test_a_saved_plan_applied_again_after_a_value_was_put_back_writes_it_again(
    project: Project,
) -> None:
    """The row is back exactly as the plan saw it: the update is sent again; a row holding
    the plan's value (the change done) is left alone, nothing written."""
    plan, live = project.planned_estimate_change()
    assert project.apply(plan, live=live).complete
    since = project.mark()
    again = project.apply(plan)
    assert (again.voided, [o.status for o in again.outcomes]) == ((), [Status.ALREADY_DONE])
    assert not writes(project.emulator, since)
    (page_id,) = live_rows(project, "design-pages")
    project.gateway.update_row(
        page_id, {"Estimate": {"number": 5}}, database="tasks", row_key="design-pages"
    )

    result = project.apply(plan)

    assert [v.change for v in result.voided] == ["tasks/update_row/design-pages"]
    assert [o.status for o in result.outcomes] == [Status.DONE]
    assert project.plan()[0].is_empty


def test_a_database_a_lagging_read_missed_is_not_created_again(project: Project) -> None:
    """The first plan (create everything) applied again with its own read: the databases exist
    by id, so every record is kept and nothing is written."""
    plan, live = project.plan()
    assert project.apply(plan, live=live).complete
    since = project.mark()

    result = project.apply(plan, live=live)

    assert result.voided == ()
    assert {o.status for o in result.outcomes} == {Status.ALREADY_DONE}
    assert not writes(project.emulator, since)
