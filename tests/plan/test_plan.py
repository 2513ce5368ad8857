"""The plan as a whole: deterministic, checksummed, counted, estimated, limited by --database."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import pytest

from reconciler.errors import PlanError
from reconciler.model import canonical_json
from reconciler.plan import (
    Action,
    ChangeClass,
    CreateRow,
    Estimate,
    FieldDiff,
    GuardKind,
    GuardNote,
    Plan,
    UpdateRow,
    checksum,
    dump_plan,
)
from reconciler.plan.serialise import content_of
from tests.plan.world import World, desired_row, live_row, task_values, with_values


def _busy_world() -> World:
    """One update, one create, one trash and one new property across both databases."""
    world = World.steady()
    rows = list(world.desired_rows("tasks"))
    rows[0] = with_values(rows[0], Estimate=3)
    rows.append(desired_row("ship", task_values("ship", "Ship it", project=["Analytics"])))
    world.desired_db("tasks", rows=tuple(rows))
    extra = live_row(13, "old-task", task_values("old-task", "An old task"))
    return world.live_db("tasks", rows=(*world.live_rows("tasks"), extra))


def test_the_same_inputs_give_byte_identical_plans() -> None:
    """Two plans of the same states serialise to the same bytes, live row order aside."""
    first = dump_plan(_busy_world().plan())
    world = _busy_world()
    world.live_db("tasks", rows=tuple(reversed(world.live_rows("tasks"))))
    assert dump_plan(world.plan()) == first


def test_the_checksum_is_the_sha256_of_the_canonical_content() -> None:
    """sha256 over the canonical JSON of what the apply would do (``content_of``)."""
    plan = _busy_world().plan()
    content = canonical_json(content_of(plan))
    assert plan.checksum == hashlib.sha256(content.encode()).hexdigest()


def test_the_checksum_covers_the_live_row_hashes() -> None:
    """A touched live row with other content (another live_hash) changes the checksum."""
    plan = _busy_world().plan()
    assert checksum(_with_update(plan, live_hash="0" * 64)) != plan.checksum


def _with_update(plan: Plan, **changed: Any) -> Plan:
    """The plan with its row update replaced by a copy with these fields changed."""
    tasks = plan.database("tasks")
    assert tasks is not None
    update = next(c for c in tasks.changes if c.action is Action.UPDATE_ROW)
    other = dataclasses.replace(update, **changed)
    changes = tuple(other if c is update else c for c in tasks.changes)
    edited = dataclasses.replace(tasks, changes=changes)
    return dataclasses.replace(plan, databases=(plan.databases[0], edited))


def test_rewording_what_a_plan_shows_keeps_its_checksum() -> None:
    """Notes, diffs and guard notes explain a plan to people: rewording them voids no
    approval."""
    plan = _busy_world().plan()
    reworded = _with_update(
        plan,
        note="a reworded note",
        diffs=(FieldDiff("Estimate", "two", "three"),),
    )
    tasks = reworded.database("tasks")
    assert tasks is not None
    guard = GuardNote(GuardKind.INCOMPLETE_READ, "reworded", withheld=1)
    reworded = dataclasses.replace(
        reworded,
        databases=(reworded.databases[0], dataclasses.replace(tasks, guards=(guard,))),
        users={"someone": "someone@example.com"},
    )
    assert checksum(reworded) == plan.checksum


def test_a_changed_value_to_write_changes_the_checksum() -> None:
    """The values a change writes are what an approval approves: another value, another
    checksum."""
    plan = _busy_world().plan()
    other = _with_update(plan, payload=UpdateRow({"Estimate": 2}, {"Estimate": 4}))
    assert checksum(other) != plan.checksum


def test_a_changed_prior_state_changes_the_checksum() -> None:
    """The live property ids the apply writes by are part of what it does."""
    plan = _busy_world().plan()
    tasks = plan.database("tasks")
    assert tasks is not None
    first = tasks.properties[1]
    assert first.prior is not None
    moved = dataclasses.replace(first, prior=dataclasses.replace(first.prior, id="elsewhere"))
    properties = (tasks.properties[0], moved, *tasks.properties[2:])
    edited = dataclasses.replace(tasks, properties=properties)
    assert checksum(dataclasses.replace(plan, databases=(plan.databases[0], edited))) != (
        plan.checksum
    )


def test_request_accounting_is_outside_the_checksum_and_equality() -> None:
    """The `read` section differs between runs; plans and checksums do not."""
    world = _busy_world()
    first = world.plan(read={"requests": 4})
    second = world.plan(read={"requests": 9})
    assert (first == second, first.checksum == second.checksum) == (True, True)


def test_counts_cover_every_class() -> None:
    """One update and one create are safe; the trash is destructive."""
    assert _busy_world().plan().counts() == {
        ChangeClass.SAFE: 2,
        ChangeClass.LOSSY: 0,
        ChangeClass.DESTRUCTIVE: 1,
    }


def test_the_estimate_counts_real_requests_and_their_time() -> None:
    """update + create + trash = 3 writes; the stale check re-reads the 2 touched rows of 3 in one
    query (cheaper than 2 GETs) and looks the new key up in one; the undo plan reads the 3 rows
    written back in one query, plus a GET for the trashed one (queries skip the trash); the
    apply asks which workspace it reaches once: 8 requests, 3.2 s at 2.5 requests/s."""
    plan = _busy_world().plan(requests_per_second=2.5)
    assert plan.estimate == Estimate(requests=8, seconds=3.2, rps=2.5)


def test_schema_changes_of_one_stage_are_one_request() -> None:
    """Two new properties of one database are one data source update (and the apply's one
    question of which workspace it reaches, and its stale-schema check: the database and its
    data source read again)."""
    world = World.steady()
    tasks = world.desired.database("tasks")
    assert tasks is not None
    extra = (
        dataclasses.replace(tasks.properties[0], name="Due", type="date"),
        dataclasses.replace(tasks.properties[0], name="Link", type="url"),
    )
    plan = world.desired_db("tasks", properties=(*tasks.properties, *extra)).plan()
    assert (len(plan.changes), plan.estimate.requests) == (2, 4)


def test_database_limits_the_plan_and_names_the_others() -> None:
    """--database tasks: only tasks changes; projects is listed as skipped and untouched."""
    world = _busy_world().desired_db("projects", title="Initiatives")
    plan = world.plan(databases=["tasks"])
    assert ([db.handle for db in plan.databases], plan.skipped_databases) == (
        ["tasks"],
        ("projects",),
    )


def test_relations_into_a_skipped_database_still_resolve_by_key() -> None:
    """Rows of a skipped target still count for relation keys (its live rows were read)."""
    plan = _busy_world().plan(databases=["tasks"])
    create = next(c for c in plan.changes if c.action is Action.CREATE_ROW)
    assert isinstance(create.payload, CreateRow)
    assert create.payload.values["Project"] == ["Analytics"]


def test_an_unknown_database_handle_is_a_plan_error() -> None:
    """--database clients when no manifest declares it: the known handles are the hint."""
    with pytest.raises(PlanError) as caught:
        World.steady().plan(databases=["clients"])
    assert "--database clients" in caught.value.message
    assert caught.value.hint == "databases of these manifests: projects, tasks"


def test_changes_are_in_apply_order_across_databases() -> None:
    """Plan.changes: schema (phase 1) of every database before any row change, trashes late."""
    world = _busy_world().desired_db("projects", title="Initiatives")
    phases = [change.phase for change in world.plan().changes]
    assert phases == sorted(phases)
