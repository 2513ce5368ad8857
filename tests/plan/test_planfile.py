"""The plan file: written, read back equal, checked (schema, checksum, format version)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest

from reconciler.errors import PlanFileError
from reconciler.plan import (
    PLAN_FORMAT,
    ChangeClass,
    Plan,
    checksum,
    class_of,
    dump_plan,
    load_plan,
    plan_schema,
    write_plan,
)
from reconciler.render import render_json
from tests.plan.world import World, desired_row, task_values, with_values

FORMAT_1 = Path(__file__).parent / "fixtures" / "plan-format-1.json"
"""A plan file as `reconciler plan -o` wrote it before plan format 2 (an update of one row)."""
FORMAT_2 = Path(__file__).parent / "fixtures" / "plan-format-2.json"
"""A plan file of format 2: the example's people database created (Ada's phone in clear)."""


def _plan() -> Plan:
    world = World.steady()
    rows = list(world.desired_rows("tasks"))
    rows[1] = with_values(rows[1], Status="Done", Owner=["ada@example.com", "grace@example.com"])
    rows.append(desired_row("ship", task_values("ship", "Ship it", blocked_by=["design-pages"])))
    return world.desired_db("tasks", rows=tuple(rows)).plan(read={"requests": 7})


def test_a_written_plan_reads_back_equal(tmp_path: Path) -> None:
    """write_plan then load_plan gives an equal Plan, checksum and request accounting kept."""
    plan = _plan()
    path = tmp_path / "plan.json"
    write_plan(plan, path)
    loaded = load_plan(path)
    assert (loaded, loaded.checksum, loaded.read) == (plan, plan.checksum, {"requests": 7})


def test_the_plan_file_follows_the_schema() -> None:
    """The document validates against schemas/plan.schema.json (JSON Schema 2020-12)."""
    jsonschema.Draft202012Validator.check_schema(plan_schema())
    jsonschema.Draft202012Validator(plan_schema()).validate(json.loads(dump_plan(_plan())))


def test_a_modified_plan_file_is_refused(tmp_path: Path) -> None:
    """Editing a value after writing breaks the checksum: PlanFileError saying so."""
    path = tmp_path / "plan.json"
    write_plan(_plan(), path)
    path.write_text(path.read_text().replace('"Done"', '"Doing"'), encoding="utf-8")
    with pytest.raises(PlanFileError, match="was modified after it was written"):
        load_plan(path)


def test_a_plan_file_whose_diffs_show_other_values_is_refused(tmp_path: Path) -> None:
    """The checksum leaves display text out, so a row change whose diffs were edited to show
    values other than those it writes is refused: what `show` displays is what apply does."""
    path = tmp_path / "plan.json"
    write_plan(_plan(), path)
    document = json.loads(path.read_text(encoding="utf-8"))
    update = next(
        c for db in document["databases"] for c in db["changes"] if c["action"] == "update_row"
    )
    update["diffs"][0]["new"] = "something harmless"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(PlanFileError) as caught:
        load_plan(path)
    assert "was modified after it was written: the diffs of change tasks/update_row/" in (
        caught.value.message
    )


def _clearing_plan() -> Plan:
    """A plan with one lossy change: the update clearing the first task's status."""
    world = World.steady()
    rows = list(world.desired_rows("tasks"))
    rows[0] = with_values(rows[0], Status=None)
    return world.desired_db("tasks", rows=tuple(rows)).plan()


def test_a_plan_file_whose_class_was_lowered_is_refused_even_with_its_checksum_redone(
    tmp_path: Path,
) -> None:
    """A lossy change marked safe in the file, with the checksum computed again over the edited
    content, is refused: the class is derived from what the change writes, never read."""
    plan = _clearing_plan()
    (lossy,) = [c for c in plan.changes if c.change_class is ChangeClass.LOSSY]
    sneaky = dataclasses.replace(lossy, change_class=ChangeClass.SAFE)
    tasks = plan.databases[-1]
    edited_db = dataclasses.replace(
        tasks, changes=tuple(sneaky if c is lossy else c for c in tasks.changes)
    )
    edited = dataclasses.replace(plan, databases=(*plan.databases[:-1], edited_db))
    edited = dataclasses.replace(edited, checksum=checksum(edited))
    path = tmp_path / "plan.json"
    path.write_text(dump_plan(edited), encoding="utf-8")
    with pytest.raises(PlanFileError) as caught:
        load_plan(path)
    assert (
        f"was modified after it was written: change {lossy.id} is marked safe, but what it"
        " does is lossy"
    ) in caught.value.message


def test_every_change_of_a_plan_is_classed_by_what_it_does() -> None:
    """The differ classes changes with the same rule the reader and the gates use."""
    plan = _clearing_plan()
    assert [c.change_class for c in plan.changes] == [class_of(c.payload) for c in plan.changes]
    assert ChangeClass.LOSSY in {c.change_class for c in plan.changes}


def test_a_reworded_note_in_a_plan_file_still_applies(tmp_path: Path) -> None:
    """Notes are display text outside the checksum: a file whose note reads otherwise loads
    with the same checksum."""
    plan = _plan()
    path = tmp_path / "plan.json"
    write_plan(plan, path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["databases"][1]["changes"][0]["note"] = "worded otherwise"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert load_plan(path).checksum == plan.checksum


def test_a_masked_rendering_is_not_a_plan_file(tmp_path: Path) -> None:
    """The --format json output cannot be applied: refused with how to write a plan file."""
    path = tmp_path / "rendering.json"
    path.write_text(render_json(_plan()), encoding="utf-8")
    with pytest.raises(PlanFileError) as caught:
        load_plan(path)
    assert "sensitive values masked" in caught.value.message
    assert caught.value.hint == "write the plan file with: reconciler plan -o plan.json"


def test_a_plan_of_a_newer_format_is_refused(tmp_path: Path) -> None:
    """A format newer than this reconciler's: upgrade, or plan again."""
    path = tmp_path / "plan.json"
    document = json.loads(dump_plan(_plan()))
    document["format"] = PLAN_FORMAT + 1
    path.write_text(json.dumps(document), encoding="utf-8")
    expected = f"has plan format {PLAN_FORMAT + 1}; this reconciler reads format {PLAN_FORMAT}"
    with pytest.raises(PlanFileError, match=expected):
        load_plan(path)


def test_a_plan_file_of_the_first_format_is_refused_with_plan_again() -> None:
    """A real plan file written by the previous version (format 1): refused before anything is
    read from it, saying to plan again with this version."""
    with pytest.raises(PlanFileError) as caught:
        load_plan(FORMAT_1)
    message = caught.value.message
    assert "has plan format 1, made by an older notion-reconciler" in message
    assert "nothing was read from it" in message
    assert caught.value.hint == "plan again with this version: reconciler plan -o plan.json"
    assert caught.value.exit_code == 1


def test_a_plan_file_of_the_second_format_is_refused_with_plan_again() -> None:
    """A real format 2 plan file (it held the sensitive values in clear): refused, saying to
    plan again, rather than read as modified."""
    with pytest.raises(PlanFileError) as caught:
        load_plan(FORMAT_2)
    assert "has plan format 2, made by an older notion-reconciler" in caught.value.message


def test_a_file_that_is_not_json_is_refused_with_its_position(tmp_path: Path) -> None:
    """Invalid JSON: where it breaks."""
    path = tmp_path / "plan.json"
    path.write_text('{"format": 1,\n  oops}', encoding="utf-8")
    with pytest.raises(PlanFileError, match="invalid JSON at line 2, column 3"):
        load_plan(path)


def test_a_document_outside_the_schema_is_refused_with_the_path(tmp_path: Path) -> None:
    """An unknown action: the schema error names where it is."""
    path = tmp_path / "plan.json"
    document = json.loads(dump_plan(_plan()))
    document["databases"][1]["changes"][0]["action"] = "delete_everything"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(PlanFileError, match="at databases/1/changes/0/action"):
        load_plan(path)


def test_a_missing_plan_file_is_a_clear_error(tmp_path: Path) -> None:
    """No such file: PlanFileError naming it, never a traceback."""
    with pytest.raises(PlanFileError, match=r"cannot read the plan file .*missing\.json"):
        load_plan(tmp_path / "missing.json")


def test_a_plan_holding_a_secrets_value_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row value equal to GITHUB_TOKEN's value: refused, naming the variable, no file."""
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_pastedIntoARow42")
    world = World.steady()
    rows = list(world.desired_rows("tasks"))
    rows[1] = with_values(rows[1], Name="ghs_pastedIntoARow42")
    plan = world.desired_db("tasks", rows=tuple(rows)).plan()
    path = tmp_path / "plan.json"

    with pytest.raises(PlanFileError) as caught:
        write_plan(plan, path)

    assert caught.value.message == (
        f"the plan holds the value of GITHUB_TOKEN; {path} is not written"
    )
    assert list(tmp_path.iterdir()) == []
