"""The differ's shortcut for unchanged rows (``RowLayout.unchanged``) against its general compare.

Rows read from Notion hold their values as one tuple (``RowValues``); where both sides share a
layout the differ tells an unchanged row by comparing the two rows' values as tuples, and
falls back to the general compare (``resolve``, ``live``, ``same_content``, ``field_diffs``)
whenever it cannot be sure. Each case here plans one world twice, with the live values as plain
mappings (the general compare only) and as a read's tuples (the shortcut first): the plans, and
the problems, are the same.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.errors import PlanProblems
from reconciler.model import JSON, LiveRow, PropertySpec, RowValues, same_content
from reconciler.plan import Plan
from reconciler.plan.comparable import RowLayout
from reconciler.properties import WorkspaceReferences
from tests.plan.world import ADA, GRACE, TASK_SPECS, World, spec

_FLAT_SPECS = tuple(s for s in TASK_SPECS if s.type != "relation")
_FLAT_NAMES = [s.name for s in _FLAT_SPECS]


def _flat_world() -> World:
    """The steady world with tasks that relate to nothing (the shortcut's usual database)."""
    world = World.steady()
    tasks = world.desired.database("tasks")
    assert tasks is not None
    rows = tuple(
        dataclasses.replace(row, values={k: v for k, v in row.values.items() if k in _FLAT_NAMES})
        for row in tasks.rows
    )
    world.desired_db("tasks", properties=(*_FLAT_SPECS, spec("Notes", "rich_text")), rows=rows)
    live = world.live.databases["tasks"]
    live_rows = tuple(
        dataclasses.replace(
            row,
            values={k: v for k, v in row.values.items() if k in _FLAT_NAMES},
        )
        for row in live.rows
    )
    properties = tuple(p for p in live.properties if p.type != "relation")
    return world.live_db("tasks", properties=properties, rows=live_rows)


def _with_extra(world: World, extra: Sequence[str]) -> World:
    """The world with live values of properties the manifests do not name (None)."""
    for handle, live in world.live.databases.items():
        rows = tuple(
            dataclasses.replace(row, values={**row.values, **dict.fromkeys(extra)})
            for row in live.rows
        )
        world.live_db(handle, rows=rows)
    return world


def _as_read(world: World, order: Sequence[str] | None = None) -> World:
    """The world with every live row's values as a read gives them: one tuple each, under one
    name map per database (the tasks' names in ``order``, the rest after them)."""
    for handle, live in world.live.databases.items():
        names = list(live.rows[0].values)
        if order is not None and handle == "tasks":
            names = [*order, *(name for name in names if name not in order)]
        at = {name: index for index, name in enumerate(names)}
        rows = tuple(
            dataclasses.replace(
                row, values=RowValues(at, tuple(row.values[name] for name in names))
            )
            for row in live.rows
        )
        world.live_db(handle, rows=rows)
    return world


def _edit(world: World, index: int, **values: JSON) -> World:
    rows = list(world.desired_rows("tasks"))
    rows[index] = dataclasses.replace(rows[index], values={**rows[index].values, **values})
    return world.desired_db("tasks", rows=tuple(rows))


def _edit_live(world: World, index: int, **values: JSON) -> World:
    rows = list(world.live_rows("tasks"))
    rows[index] = dataclasses.replace(rows[index], values={**rows[index].values, **values})
    return world.live_db("tasks", rows=tuple(rows))


def _shown(plan: Plan) -> list[object]:
    return [
        plan.checksum,
        *[(c.action, c.target, c.diffs, c.payload, c.note) for c in plan.changes],
    ]


def _outcome(world: World) -> object:
    """The plan's changes, or the problems that stop it."""
    try:
        return _shown(world.plan())
    except PlanProblems as problems:
        return problems.message


def _both(**values: tuple[JSON, JSON]) -> World:
    """The flat world with the first row's values set in the manifest and in Notion."""
    world = _edit(_flat_world(), 0, **{name: pair[0] for name, pair in values.items()})
    return _edit_live(world, 0, **{name: pair[1] for name, pair in values.items()})


_CASES: dict[str, Callable[[], World]] = {
    "steady": _flat_world,
    "a changed status": lambda: _edit(_flat_world(), 1, Status="Done"),
    "an owner by e-mail": lambda: _edit(_flat_world(), 1, Owner=["ada@example.com"]),
    "an unknown e-mail": lambda: _edit(_flat_world(), 0, Owner=["nobody@example.com"]),
    "2 against a live 2.0": lambda: _edit_live(_flat_world(), 0, Estimate=2.0),
    "0.0 against a live -0.0": lambda: _both(Estimate=(0.0, -0.0)),
    "NaN on both sides": lambda: _both(Estimate=(math.nan, math.nan)),
    "True against a live 1": lambda: _edit_live(_flat_world(), 0, Done=1),
    "a changed checkbox": lambda: _edit_live(_flat_world(), 0, Done=False),
    "owners in another order": lambda: _edit_live(_flat_world(), 0, Owner=[GRACE, ADA]),
    "an icon managed": lambda: _flat_world().desired_db(
        "tasks",
        rows=(
            dataclasses.replace(_flat_world().desired_rows("tasks")[0], icon="🚀"),
            _flat_world().desired_rows("tasks")[1],
        ),
    ),
    "a row in the trash": lambda: _flat_world().live_db(
        "tasks",
        rows=(
            dataclasses.replace(_flat_world().live_rows("tasks")[0], in_trash=True),
            _flat_world().live_rows("tasks")[1],
        ),
    ),
    "with relations": World.steady,
}  # fmt: skip


@pytest.mark.parametrize("case", list(_CASES))
@pytest.mark.parametrize(
    ("order", "extra"),
    [(None, ()), (list(reversed(_FLAT_NAMES)), ()), (None, ("Notes", "Rollup"))],
    ids=["in order", "reversed", "extra names"],
)
def test_a_read_s_rows_plan_as_plain_rows_do(
    case: str, order: list[str] | None, extra: tuple[str, ...]
) -> None:
    """Whatever the rows hold, and however the read orders its names: the same plan, or the
    same problems, as when every row goes the general way."""
    general = _outcome(_with_extra(_CASES[case](), extra))
    assert _outcome(_as_read(_with_extra(_CASES[case](), extra), order)) == general


def test_a_status_value_must_still_be_a_live_option() -> None:
    """Status properties that declare no options go the general way: an unknown value is a
    problem, whether the live rows are a read's tuples or not."""

    def status_world() -> World:
        return _edit(_flat_world().status_without_options(_FLAT_SPECS), 1, Status="Blocked")

    general = _outcome(status_world())
    assert "'Blocked' is not an option of this status property" in str(general)
    assert _outcome(_as_read(status_world())) == general


def test_a_property_whose_type_changes_is_written_as_before() -> None:
    """Estimate number → rich_text: its live values are not compared; the rows are updated."""

    def changed_type() -> World:
        world = _flat_world()
        specs = tuple(
            PropertySpec("Estimate", "rich_text", {}) if s.name == "Estimate" else s
            for s in _FLAT_SPECS
        )
        world = world.desired_db("tasks", properties=specs)
        return _edit(_edit(world, 0, Estimate="2"), 1, Estimate="5.5")

    general = _outcome(changed_type())
    assert len(general) == 4  # type: ignore[arg-type]  # the checksum, the type change, two updates
    assert _outcome(_as_read(changed_type())) == general


def test_unchanged_rows_of_a_read_take_the_shortcut(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows a read gives, equal to the manifest's: neither resolved into mappings nor compared
    property by property; a changed row still is."""
    world = _as_read(_flat_world())

    def refuse(*args: object) -> None:
        raise AssertionError("resolve called")

    monkeypatch.setattr(RowLayout, "resolve", refuse)
    assert world.plan().is_empty
    with pytest.raises(AssertionError, match="resolve called"):
        _edit(world, 1, Status="Done").plan()


_VALUES: dict[str, st.SearchStrategy[JSON]] = {
    "title": st.sampled_from(["", "Write", "Write the brief"]),
    "rich_text": st.sampled_from(["", "write-brief", "design-pages"]),
    "select": st.sampled_from([None, "Todo", "Done"]),
    "number": st.sampled_from([None, 0, 1, 2, 0.0, -0.0, 1.0, 2.5, math.nan, True]),
    "people": st.sampled_from([[], [ADA], [GRACE, ADA], ["ada@example.com"], ["nobody@x.org"]]),
    "checkbox": st.sampled_from([True, False, 0, 1]),
}


def _rows(
    draw: st.DrawFn,
) -> tuple[dict[str, JSON], dict[str, JSON]]:
    desired = {s.name: draw(_VALUES[s.type]) for s in _FLAT_SPECS}
    live = {
        name: (value if draw(st.booleans()) else draw(_VALUES[s.type]))
        for (name, value), s in zip(desired.items(), _FLAT_SPECS, strict=True)
    }
    if live["Owner"] == ["ada@example.com"]:
        live["Owner"] = [ADA]
    return desired, live


@settings(deadline=None, max_examples=300)
@given(st.composite(_rows)())
def test_the_shortcut_says_unchanged_only_of_rows_of_the_same_content(
    rows: tuple[dict[str, JSON], dict[str, JSON]],
) -> None:
    """For any pair of rows: ``unchanged`` never says so of rows whose resolved values differ
    in content, and says so of rows whose values are the same, types and all."""
    desired_values, live_values = rows
    world = _flat_world()
    world = world.desired_db(
        "tasks",
        rows=(dataclasses.replace(world.desired_rows("tasks")[0], values=desired_values),),
    )
    at = {name: index for index, name in enumerate(_FLAT_NAMES)}
    live_row = LiveRow(
        "00000000-0000-4000-8000-0000000000aa",
        "write-brief",
        RowValues(at, tuple(live_values[name] for name in _FLAT_NAMES)),
        "https://www.notion.so/aa",
    )
    desired_db = world.desired.database("tasks")
    assert desired_db is not None
    layout = RowLayout.of(desired_db, world.live.databases["tasks"])
    refs = WorkspaceReferences.from_live(world.live)
    row = desired_db.rows[0]
    unchanged = layout.unchanged(row, live_row, refs)
    want, problems = layout.resolve(row, refs)
    if problems:
        assert not unchanged
        return
    have = layout.live(live_row, refs)
    if unchanged:
        assert same_content(have, want)
    assert unchanged == (have == want and all(_strictly(have[n], want[n]) for n in _FLAT_NAMES))


def _strictly(a: JSON, b: JSON) -> bool:
    """Whether two top-level values known equal have one type and, as floats, one sign."""
    if type(a) is not type(b):
        return False
    return not isinstance(a, float) or math.copysign(1, a) == math.copysign(1, float(b))  # type: ignore[arg-type]
