"""The differ's row changes: matched by key, field-level diffs, links, restores, trashes, errors."""

from __future__ import annotations

import dataclasses

import pytest

import reconciler.plan.rows
from reconciler.errors import PlanError, PlanProblems
from reconciler.model import PropertySpec
from reconciler.plan import (
    Action,
    ChangeClass,
    CreateRow,
    FieldDiff,
    LinkRow,
    RestoreRow,
    UpdateRow,
)
from tests.plan.world import (
    ADA,
    GRACE,
    TASK_SPECS,
    World,
    desired_row,
    live_row,
    page,
    task_values,
    with_live_values,
    with_values,
)


def _edit_task(world: World, index: int, **values: object) -> World:
    rows = list(world.desired_rows("tasks"))
    rows[index] = with_values(rows[index], **values)  # type: ignore[arg-type]
    return world.desired_db("tasks", rows=tuple(rows))


def _add_task(world: World, slug: str, **values: object) -> World:
    row = desired_row(slug, task_values(slug, slug.replace("-", " ").title(), **values))  # type: ignore[arg-type]
    return world.desired_db("tasks", rows=(*world.desired_rows("tasks"), row))


def test_a_changed_value_is_an_update_of_that_field_only() -> None:
    """One changed status: update_row with one FieldDiff, the page id and the live row's hash."""
    world = _edit_task(World.steady(), 1, Status="Done")
    [change] = world.plan().changes
    live = world.live_rows("tasks")[1]
    assert (
        change.action,
        change.target,
        change.change_class,
    ) == (Action.UPDATE_ROW, "design-pages", ChangeClass.SAFE)
    assert (FieldDiff("Status", "Doing", "Done"),) == change.diffs
    assert change.payload == UpdateRow({"Status": "Doing"}, {"Status": "Done"})
    assert (live.page_id, live.content_hash) == (change.page_id, change.live_hash)


def test_rows_with_the_same_content_never_reach_the_field_compare(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Unchanged rows are passed over by ``same_content``: no property is compared one by one."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("field_diffs called for an unchanged row")

    monkeypatch.setattr(reconciler.plan.rows, "field_diffs", refuse)
    assert World.steady().plan().is_empty
    with pytest.raises(AssertionError, match="field_diffs called"):  # a changed row's path
        _edit_task(World.steady(), 1, Status="Done").plan()


def test_an_integer_and_an_equal_float_are_the_same_number() -> None:
    """2 in the manifest and 2.0 from Notion: no change."""
    world = World.steady()
    live = list(world.live_rows("tasks"))
    live[0] = with_live_values(live[0], {"Estimate": 2.0})
    assert world.live_db("tasks", rows=tuple(live)).plan().is_empty


def test_people_by_e_mail_match_their_user_ids() -> None:
    """A manifest naming ada@example.com equals a live value holding Ada's user id."""
    world = _edit_task(World.steady(), 1, Owner=["ada@example.com"])
    assert world.plan().is_empty


def test_an_unknown_e_mail_is_a_plan_error_naming_row_and_property() -> None:
    """An e-mail no workspace user has: PlanError with database, row key, property and value."""
    world = _edit_task(World.steady(), 1, Owner=["nobody@example.com"])
    with pytest.raises(PlanError) as caught:
        world.plan()
    message = caught.value.message
    assert "'tasks', row 'design-pages', property 'Owner'" in message
    assert "'nobody@example.com'" in message
    assert caught.value.hint


def test_a_relation_key_without_a_target_row_is_a_plan_error() -> None:
    """Project: [Mobile app] with no such project: PlanError saying what to do."""
    world = _edit_task(World.steady(), 0, Project=["Mobile app"])
    with pytest.raises(PlanError) as caught:
        world.plan()
    assert "no row of 'projects' has the key 'Mobile app'" in caught.value.message
    assert "add a row with the key 'Mobile app'" in str(caught.value.hint)


def test_every_unplannable_value_of_a_run_is_reported_at_once() -> None:
    """Two unknown e-mails in two rows and a missing relation key: one PlanProblems with all
    three, sorted by where they are written, each with its hint."""
    world = _edit_task(World.steady(), 0, Owner=["nobody@example.com"], Project=["Mobile app"])
    world = _edit_task(world, 1, Owner=["noone@example.com", ADA])
    with pytest.raises(PlanProblems) as caught:
        world.plan()
    rows = {p.message.split("row ", 1)[1].split(",", 1)[0] for p in caught.value.problems}
    assert len(caught.value.problems) == 3
    assert len(rows) == 2
    assert caught.value.message.startswith("3 values in the manifests cannot be planned:\n")
    assert "'nobody@example.com'" in caught.value.message
    assert "'noone@example.com'" in caught.value.message
    assert "no row of 'projects' has the key 'Mobile app'" in caught.value.message
    assert caught.value.message.count("    hint: ") == 3


def _status_world() -> World:
    """Status as a status property that declares no options; Notion has Todo, Doing, Done."""
    return World.steady().status_without_options(TASK_SPECS)


def test_a_status_value_notion_does_not_have_is_a_plan_problem() -> None:
    """Writing a status value never creates the option: an undeclared one that is not live is
    refused at plan time, naming the live options and how to add it; a live one is planned."""
    assert [c.diffs for c in _edit_task(_status_world(), 1, Status="Done").plan().changes] == [
        (FieldDiff("Status", "Doing", "Done"),)
    ]
    with pytest.raises(PlanProblems) as caught:
        _edit_task(_status_world(), 1, Status="Blocked").plan()
    assert "'Blocked' is not an option of this status property in Notion (it has Doing, Done," in (
        caught.value.message
    )
    assert "declare the options under 'Status'" in str(caught.value.hint)


def test_values_under_a_type_change_are_written_with_a_note_saying_why() -> None:
    """Estimate number → rich_text: each row with an estimate is written after the change, and
    the change says why its old value shows as empty."""
    world = World.steady()
    specs = tuple(
        PropertySpec("Estimate", "rich_text", {}) if s.name == "Estimate" else s for s in TASK_SPECS
    )
    rows = tuple(
        with_values(row, Estimate=str(row.values["Estimate"]))
        if row.values.get("Estimate") is not None
        else row
        for row in world.desired_rows("tasks")
    )
    world.desired_db("tasks", properties=specs, rows=rows)
    updates = [c for c in world.plan().changes if c.action is Action.UPDATE_ROW]
    assert updates
    assert all(
        c.note.startswith("Estimate: the type changes, so the value is written") for c in updates
    )


def test_clearing_a_value_is_lossy_but_unticking_a_checkbox_is_not() -> None:
    """Estimate 2 → empty is lossy; Done true → false is a safe update."""
    cleared = _edit_task(World.steady(), 0, Estimate=None).plan().changes[0]
    unticked = _edit_task(World.steady(), 0, Done=False).plan().changes[0]
    assert cleared.change_class == ChangeClass.LOSSY
    assert unticked.change_class == ChangeClass.SAFE


def test_a_new_row_relating_to_existing_rows_is_one_create() -> None:
    """Relations to rows that exist already go straight into the create (no link needed)."""
    world = _add_task(World.steady(), "write-copy", project=["Website"], blocked_by=["write-brief"])
    [change] = world.plan().changes
    assert isinstance(change.payload, CreateRow)
    values = change.payload.values
    assert (values["Project"], values["Blocked by"]) == (["Website"], ["write-brief"])


def test_relations_to_rows_created_in_the_same_apply_wait_for_a_link() -> None:
    """Two new rows blocking each other (a cycle): both created, then both linked in phase 4."""
    world = _add_task(World.steady(), "draft", blocked_by=["review"])
    world = _add_task(world, "review", blocked_by=["draft"])
    actions = [(c.action, c.target, c.phase) for c in world.plan().changes]
    assert actions == [
        (Action.CREATE_ROW, "draft", 2),
        (Action.CREATE_ROW, "review", 2),
        (Action.LINK_ROW, "draft", 4),
        (Action.LINK_ROW, "review", 4),
    ]


def test_a_self_relation_to_its_own_new_row_is_linked_after_the_create() -> None:
    """A new row that names itself gets its relation in a link after its create."""
    world = _add_task(World.steady(), "loop", blocked_by=["loop"])
    link = world.plan().changes[-1]
    assert isinstance(link.payload, LinkRow)
    assert link.payload.new == {"Blocked by": ["loop"]}


def test_an_update_pointing_at_a_new_row_splits_into_update_and_link() -> None:
    """Other fields update in phase 3; the relation to the new row links in phase 4."""
    world = _add_task(World.steady(), "research")
    world = _edit_task(world, 1, Status="Done", **{"Blocked by": ["write-brief", "research"]})
    changes = [c for c in world.plan().changes if c.target == "design-pages"]
    assert [c.action for c in changes] == [Action.UPDATE_ROW, Action.LINK_ROW]
    update, link = changes
    assert isinstance(update.payload, UpdateRow)
    assert isinstance(link.payload, LinkRow)
    assert update.payload.new == {"Status": "Done"}
    assert link.payload.new == {"Blocked by": ["research", "write-brief"]}
    assert (update.page_id, update.live_hash) == (link.page_id, link.live_hash)


def test_a_row_missing_from_a_pruned_manifest_is_trashed() -> None:
    """prune: true and a live row the manifest lacks: trash_row, destructive, phase 5."""
    world = World.steady()
    world.desired_db("tasks", rows=world.desired_rows("tasks")[:1])
    world.live_db("tasks", rows=(world.live_rows("tasks")[0], world.live_rows("tasks")[1]))
    changes = world.plan().changes
    trash = [c for c in changes if c.action is Action.TRASH_ROW]
    assert [("design-pages", ChangeClass.DESTRUCTIVE, 5, page(12))] == [
        (c.target, c.change_class, c.phase, c.page_id) for c in trash
    ]


def test_without_prune_rows_missing_from_the_manifest_are_left_alone_and_counted() -> None:
    """prune: false: no trash; the row counts as not managed."""
    world = World.steady()
    world.desired_db("tasks", prune=False, rows=world.desired_rows("tasks")[:1])
    plan = world.plan()
    assert plan.is_empty
    tasks = plan.database("tasks")
    assert tasks is not None
    assert (tasks.managed_rows, tasks.unmanaged_rows) == (1, 1)


def _left_alone(count: int, *, keyless: int = 0) -> World:
    """prune: false, the manifest without any row, and ``count`` live rows (``keyless`` of them
    without a key, titled ``Draft N``)."""
    world = World.steady()
    rows = [
        live_row(100 + n, f"task-{n:02}", task_values(f"task-{n:02}", f"Task {n}"))
        for n in range(count - keyless)
    ]
    rows += [live_row(200 + n, None, task_values("", f"Draft {n}")) for n in range(keyless)]
    world.live_db("tasks", rows=tuple(rows))
    world.desired_db("tasks", prune=False, rows=())
    return world


def test_rows_left_alone_are_named_the_first_few_by_key() -> None:
    """prune: false and 7 rows not in the manifest: the plan names the first five by key (in
    key order), and counts them all."""
    tasks = _left_alone(7).plan().database("tasks")
    assert tasks is not None
    assert (tasks.unmanaged_rows, tasks.unmanaged_names) == (
        7,
        ("task-00", "task-01", "task-02", "task-03", "task-04"),
    )


def test_a_row_left_alone_without_a_key_is_named_by_its_title() -> None:
    """A live row with an empty key is named by its title (after the keyed ones)."""
    tasks = _left_alone(2, keyless=1).plan().database("tasks")
    assert tasks is not None
    assert tasks.unmanaged_names == ("task-00", "Draft 0")


def test_a_trashed_row_whose_key_is_back_is_restored_with_its_changes() -> None:
    """The key comes back: restore_row (safe) setting in_trash false and the changed values."""
    world = World.steady()
    trashed = dataclasses.replace(world.live_rows("tasks")[1], in_trash=True)
    world.live_db("tasks", rows=(world.live_rows("tasks")[0], trashed))
    world = _edit_task(world, 1, Estimate=8)
    [change] = world.plan().changes
    assert (Action.RESTORE_ROW, ChangeClass.SAFE, page(12)) == (
        change.action,
        change.change_class,
        change.page_id,
    )
    assert change.payload == RestoreRow({"Estimate": 5.5}, {"Estimate": 8})
    assert change.payload.encode() == (
        {"in_trash": True, "Estimate": 5.5},
        {"in_trash": False, "Estimate": 8},
    )


def test_ignored_properties_are_never_compared() -> None:
    """Notes is ignored: a live value there changes nothing."""
    world = World.steady()
    live = list(world.live_rows("tasks"))
    live[0] = with_live_values(live[0], {"Notes": "hand-written"})
    assert world.live_db("tasks", rows=tuple(live)).plan().is_empty


def test_keyless_live_rows_of_a_pruned_database_are_trashed() -> None:
    """A live row with an empty key is no manifest row: with prune it goes to the trash."""
    world = World.steady()
    stray = live_row(19, None, task_values("", "Untitled"))
    world.live_db("tasks", rows=(*world.live_rows("tasks"), stray))
    [change] = world.plan().changes
    assert (Action.TRASH_ROW, page(19), "a row without a key") == (
        change.action,
        change.target,
        change.note,
    )


def test_people_values_are_labelled_for_display() -> None:
    """The plan carries e-mails for the user ids its people values name."""
    plan = _edit_task(World.steady(), 1, Owner=[ADA, GRACE]).plan()
    assert plan.users == {ADA: "ada@example.com", GRACE: "grace@example.com"}
