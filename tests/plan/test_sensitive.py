"""Sealed sensitive values: what a plan file keeps of them, and how an apply gets them back.

The tasks' Name is marked sensitive here; renaming a task is then a change writing a sensitive
value over another.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from reconciler.cli.runtime import workspace_secret
from reconciler.errors import ApplyError, StalePlanError
from reconciler.plan import (
    Plan,
    UpdateRow,
    dump_plan,
    keyed_by,
    load_plan,
    manifest_values,
    sealed_writes,
    unsealed,
    write_plan,
)
from reconciler.plan.sensitive import seal_key_id
from tests.plan.world import TASK_SPECS, World, spec, with_values

SECRET_NAME = "Write the confidential brief"


def _world(name: str = SECRET_NAME) -> World:
    """Tasks with a sensitive Name, the first task renamed to ``name`` in the manifest."""
    world = World.steady()
    properties = (
        spec("Name", "title", sensitive=True),
        *TASK_SPECS[1:],
        spec("Notes", "rich_text"),
    )
    rows = list(world.desired_rows("tasks"))
    rows[0] = with_values(rows[0], Name=name)
    return world.desired_db("tasks", properties=properties, rows=tuple(rows))


def _update(plan: Plan) -> UpdateRow:
    """The update of the renamed task (a plan may retitle the database too)."""
    (change,) = [c for c in plan.changes if isinstance(c.payload, UpdateRow)]
    assert isinstance(change.payload, UpdateRow)
    return change.payload


def test_the_same_plan_seals_the_same_way() -> None:
    """Sealing is deterministic: planning twice gives the same file and the same checksum, so
    an approval of what `plan` showed matches what `apply` plans again."""
    first, second = _world().plan(), _world().plan()
    assert (dump_plan(first), first.checksum) == (dump_plan(second), second.checksum)


def test_a_plan_file_keeps_a_digest_of_the_written_value_and_nothing_of_the_old(
    tmp_path: Path,
) -> None:
    """The file holds neither name; it reads back with the checksum the plan has."""
    plan = _world().plan()
    path = tmp_path / "plan.json"
    write_plan(plan, path)
    text = path.read_text(encoding="utf-8")
    assert (SECRET_NAME in text, "Write the brief" in text) == (False, False)
    loaded = load_plan(path)
    update = _update(loaded)
    assert update.old == {"Name": {"$sensitive": None}}
    assert list(update.new["Name"]) == ["$sensitive"]  # type: ignore[arg-type]
    assert loaded.checksum == plan.checksum
    assert sealed_writes(loaded) == [("tasks", "write-brief", "Name")]


def test_no_two_plans_seal_a_value_alike(tmp_path: Path) -> None:
    """The sealing key is per plan: the same value written by two different plans has two
    different digests (no table of digests serves twice)."""
    one = _world().plan()
    other = _world().desired_db("tasks", title="Tasks (2026)").plan()
    digests = []
    for number, plan in enumerate((one, other)):
        path = tmp_path / f"{number}.json"
        write_plan(plan, path)
        digests.append(_update(load_plan(path)).new["Name"])
    assert digests[0] != digests[1]


def test_an_apply_takes_the_value_from_the_manifests(tmp_path: Path) -> None:
    """unsealed with the manifests' values gives back what the plan writes, checksum kept."""
    world = _world()
    plan = world.plan()
    path = tmp_path / "plan.json"
    write_plan(plan, path)
    loaded = load_plan(path)
    opened = unsealed(loaded, manifest_values(world.desired, loaded))
    assert (_update(opened).new, opened.checksum) == ({"Name": SECRET_NAME}, plan.checksum)


def test_a_value_changed_in_the_manifests_since_the_plan_is_refused(tmp_path: Path) -> None:
    """The manifest names the task otherwise now: StalePlanError naming where, without either
    value."""
    path = tmp_path / "plan.json"
    write_plan(_world().plan(), path)
    loaded = load_plan(path)
    later = _world("Write the other brief").desired
    with pytest.raises(StalePlanError) as caught:
        unsealed(loaded, manifest_values(later, loaded))
    assert "tasks/write-brief.Name" in caught.value.message
    assert "brief" not in caught.value.message.replace("write-brief", "")


def test_a_digest_edited_into_a_plan_file_writes_nothing_else(tmp_path: Path) -> None:
    """A file whose digest was replaced (and its checksum redone) still only ever writes the
    manifests' value: the digest no longer matches it, so the plan is refused."""
    world = _world()
    plan = world.plan()
    path = tmp_path / "plan.json"
    write_plan(plan, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    (change,) = [c for db in document["databases"] for c in db["changes"]]
    forged = {"$sensitive": "public:" + "0" * 64}  # the key id kept, the digest replaced
    change["after"]["Name"] = change["diffs"][0]["new"] = forged
    edited = load_plan_unchecked(document)
    with pytest.raises(StalePlanError):
        unsealed(edited, manifest_values(world.desired, edited))


def load_plan_unchecked(document: dict[str, object]) -> Plan:
    """The plan a document describes, its checksum recomputed as an attacker would."""
    from reconciler.plan import checksum, plan_from_json

    plan = plan_from_json(document)  # type: ignore[arg-type]
    return dataclasses.replace(plan, checksum=checksum(plan))


def test_a_plan_files_digests_are_keyed_by_the_workspace_secret(tmp_path: Path) -> None:
    """Keyed by the token (as the CLI's plan and apply are), a plan file's reader cannot test
    guesses of a value against its digest: without the token the digest does not come out, and
    only the same token opens the plan again."""
    world = _world()
    with keyed_by(lambda: b"ntn_the_integration_token"):
        plan = world.plan()
        path = tmp_path / "plan.json"
        write_plan(plan, path)
    loaded = load_plan(path)
    assert loaded.checksum == plan.checksum
    values = manifest_values(world.desired, loaded)
    sealed_name = _update(loaded).new["Name"]
    assert isinstance(sealed_name, dict)
    digest = str(sealed_name["$sensitive"])
    key_id, _, keyed = digest.partition(":")
    with pytest.raises(ApplyError):
        unsealed(loaded, values)  # a reader without the token cannot open it
    assert keyed not in dump_plan(_world().plan())  # nor make the same digest
    with keyed_by(lambda: b"ntn_another_token"), pytest.raises(ApplyError):
        unsealed(loaded, values)
    with keyed_by(lambda: b"ntn_the_integration_token"):
        assert _update(unsealed(loaded, values)).new == {"Name": SECRET_NAME}
        assert key_id == seal_key_id() != "public"


def test_a_plan_sealed_under_another_secret_is_refused_as_such(tmp_path: Path) -> None:
    """Made by one integration (a read-only one) and applied by another: exit 1 saying the
    secrets differ and how to share one, not that the values changed."""
    world = _world()
    with keyed_by(lambda: b"ntn_the_reading_token"):
        write_plan(world.plan(), tmp_path / "plan.json")
    loaded = load_plan(tmp_path / "plan.json")
    with keyed_by(lambda: b"ntn_the_writing_token"), pytest.raises(ApplyError) as caught:
        unsealed(loaded, manifest_values(world.desired, loaded))
    assert caught.value.exit_code == 1
    assert "sealed under another secret" in caught.value.message
    assert "RECONCILER_SEAL_KEY" in str(caught.value.hint)


def test_one_shared_seal_key_lets_one_integration_plan_and_another_apply(
    tmp_path: Path,
) -> None:
    """With RECONCILER_SEAL_KEY set for both, the tokens no longer matter: the same checksum,
    and the plan opens."""
    world = _world()
    shared = {"RECONCILER_SEAL_KEY": "a-long-random-shared-secret"}
    reading = {**shared, "NOTION_TOKEN": "ntn_the_reading_token"}
    writing = {**shared, "NOTION_TOKEN": "ntn_the_writing_token"}
    with keyed_by(lambda: workspace_secret(local=False, environ=reading)):
        planned = world.plan()
        write_plan(planned, tmp_path / "plan.json")
    loaded = load_plan(tmp_path / "plan.json")
    with keyed_by(lambda: workspace_secret(local=False, environ=writing)):
        assert world.plan().checksum == planned.checksum
        opened = unsealed(loaded, manifest_values(world.desired, loaded))
    assert _update(opened).new == {"Name": SECRET_NAME}
