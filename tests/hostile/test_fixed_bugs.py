"""Bugs the hostile suite found, each pinned in-process where it was fixed.

Loader: integers of thousands of digits crashed ``int()`` (YAML, CSV) or came back as Python's
own message (JSON); past a double's range the number codec raised OverflowError; a JSON data file
nested past Python's recursion limit crashed; keys could carry terminal escapes, line breaks and
direction overrides; nothing bounded the rows of one database; ordering thousands of databases
was quadratic. Renderer: control characters of values reached the terminal as they were.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.errors import ManifestError, Problem
from reconciler.manifest import load_desired_state
from reconciler.manifest.references import dependency_order
from reconciler.model import DesiredDatabase, PropertySpec, SourceLocation
from reconciler.properties import ValueProblem
from reconciler.properties.simple import NumberCodec
from reconciler.render import render_text
from tests.plan.world import World, live_row, task_values, with_values

HEAD = """\
database: tasks
title: Tasks
properties:
  Name: title
  Estimate: number
"""


def problems_of(root: Path, manifest: str, files: dict[str, str] | None = None) -> list[Problem]:
    (root / "manifests").mkdir(exist_ok=True)
    (root / "manifests" / "tasks.yaml").write_text(manifest, encoding="utf-8")
    for name, text in (files or {}).items():
        (root / "manifests" / name).write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        load_desired_state(["manifests"], environ={}, cwd=root, root=root)
    return list(caught.value.problems)


def messages(problems: Iterable[Problem]) -> list[str]:
    return [problem.message for problem in problems]


# --- numbers ------------------------------------------------------------------------------------


def test_a_yaml_integer_of_thousands_of_digits_is_refused_as_infinite(tmp_path: Path) -> None:
    """int() refuses over 4,300 digits; the reader gives infinity, which the codec refuses."""
    problems = problems_of(tmp_path, HEAD + f"rows:\n  - {{Name: a, Estimate: {'9' * 5000}}}\n")
    expected = ["Estimate: a number must be finite, not inf"]
    assert expected == messages(problems)


def test_a_csv_integer_of_thousands_of_digits_is_refused_as_infinite(tmp_path: Path) -> None:
    """The CSV cell reader converts digits the same way."""
    csv = "Name,Estimate\na," + "9" * 5000 + "\n"
    problems = problems_of(tmp_path, HEAD + "rows_from: rows.csv\n", {"rows.csv": csv})
    expected = ["Estimate: a number must be finite, not inf"]
    assert expected == messages(problems)


def test_a_json_integer_of_thousands_of_digits_is_refused_as_infinite(tmp_path: Path) -> None:
    """JSON data files too: no Python limit message reaches the user."""
    data = '[{"Name": "a", "Estimate": -' + "9" * 5000 + "}]"
    problems = problems_of(tmp_path, HEAD + "rows_from: rows.json\n", {"rows.json": data})
    expected = ["Estimate: a number must be finite, not -inf"]
    assert expected == messages(problems)


@pytest.mark.parametrize("value", [10**400, -(10**400), 2**1024 - 1])
def test_an_integer_past_the_largest_double_is_refused_not_overflowing(value: int) -> None:
    """float() of such an integer raises OverflowError; the codec says what is wrong instead."""
    with pytest.raises(ValueProblem) as caught:
        NumberCodec().from_manifest(value, {})
    assert caught.value.message.startswith("a number must be finite, not ")
    assert "64-bit floats" in caught.value.hint


def test_the_largest_double_is_still_a_number() -> None:
    """The bound is the double's range, not less: 1.7976931348623157e308 is kept."""
    largest = 1.7976931348623157e308
    assert largest == NumberCodec().from_manifest(largest, {})


# --- nesting ------------------------------------------------------------------------------------


def test_json_rows_nested_past_the_recursion_limit_are_refused(tmp_path: Path) -> None:
    """json.loads raises RecursionError on deep nesting; it becomes a problem at the data file."""
    data = "[" * 100_000 + "]" * 100_000
    problems = problems_of(tmp_path, HEAD + "rows_from: rows.json\n", {"rows.json": data})
    expected = [("manifests/rows.json", 1, "the JSON data is nested too deeply to read")]
    assert expected == [(p.file, p.line, p.message) for p in problems]


# --- keys ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("\\e[2Jwrite-docs", "U+001B"),
        ("write\\ndocs", "U+000A"),
        ("write\\tdocs", "U+0009"),
        ("write\\0docs", "U+0000"),
        ("write\\x7fdocs", "U+007F"),
        ("write\\x9bdocs", "U+009B"),
        ("invoice\\u202Efdp.exe", "U+202E"),
        ("write\\u2066docs", "U+2066"),
    ],
)
def test_a_key_with_a_control_character_is_refused(tmp_path: Path, key: str, shown: str) -> None:
    """Keys end up in plans, terminals and PR comments: control characters are refused."""
    problems = problems_of(tmp_path, HEAD + f'rows:\n  - {{Name: "{key}"}}\n')
    [problem] = problems
    assert f"contains the control character {shown}" in problem.message
    at_the_key = (7, 12)
    assert at_the_key == (problem.line, problem.column)


def test_emoji_with_joiners_stay_valid_keys(tmp_path: Path) -> None:
    """Zero-width joiners are format characters of emoji, not controls: the key is kept."""
    (tmp_path / "manifests").mkdir()
    key = "👩\u200d💻 Developer docs"
    (tmp_path / "manifests" / "tasks.yaml").write_text(HEAD + f"rows:\n  - {{Name: {key}}}\n")
    state = load_desired_state(["manifests"], environ={}, cwd=tmp_path, root=tmp_path)
    assert [key] == [row.key for row in state.databases[0].rows]


# --- the row limit ------------------------------------------------------------------------------


def test_more_rows_than_the_limit_are_refused_at_rows_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past MAX_ROWS one problem names the database and the count, before any value is read."""
    monkeypatch.setattr("reconciler.manifest.database.MAX_ROWS", 3)
    csv = "Name,Estimate\na,1\nb,2\nc,3\nd,not a number\n"
    problems = problems_of(tmp_path, HEAD + "rows_from: rows.csv\n", {"rows.csv": csv})
    expected = [
        (
            "manifests/tasks.yaml",
            6,
            "database 'tasks' has 4 rows; a manifest manages at most 3 rows per database",
        )
    ]
    assert expected == [(p.file, p.line, p.message) for p in problems]


def test_exactly_the_row_limit_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit is inclusive."""
    monkeypatch.setattr("reconciler.manifest.database.MAX_ROWS", 3)
    (tmp_path / "manifests").mkdir()
    rows = "".join(f"  - {{Name: t{n}}}\n" for n in range(3))
    (tmp_path / "manifests" / "tasks.yaml").write_text(HEAD + "rows:\n" + rows)
    state = load_desired_state(["manifests"], environ={}, cwd=tmp_path, root=tmp_path)
    expected = ["t0", "t1", "t2"]
    assert expected == [row.key for row in state.databases[0].rows]


# --- memory of CSV marks -----------------------------------------------------------------------


def test_a_csv_cell_problem_points_at_its_line_and_column(tmp_path: Path) -> None:
    """Cell marks are found again on demand (no mark per cell is kept): line and column."""
    csv = 'Name,Estimate\na,1\n"b, quoted",2\nc,three\n'
    problems = problems_of(tmp_path, HEAD + "rows_from: rows.csv\n", {"rows.csv": csv})
    expected = [("manifests/rows.csv", 4, 3)]
    assert expected == [(p.file, p.line, p.column) for p in problems]


def test_a_multi_line_csv_record_points_at_its_first_line(tmp_path: Path) -> None:
    """A record spanning lines (a quoted line break) is located at column 1 of its first line:
    both of its problems (the number, and the line break in its key)."""
    csv = 'Name,Estimate\n"two\nlines",three\n'
    problems = problems_of(tmp_path, HEAD + "rows_from: rows.csv\n", {"rows.csv": csv})
    assert [(p.file, p.line, p.column) for p in problems] == [("manifests/rows.csv", 2, 1)] * 2
    assert [p.message.split(":")[0].split("'")[0] for p in problems] == ["Estimate", "row 1"]


# --- dependency order ---------------------------------------------------------------------------


def _database(handle: str, targets: Iterable[str]) -> DesiredDatabase:
    relations = tuple(
        PropertySpec(f"To {target}", "relation", {"database": target}) for target in targets
    )
    return DesiredDatabase(
        handle=handle,
        title=handle,
        key="Name",
        properties=(PropertySpec("Name", "title"), *relations),
        rows=(),
        location=SourceLocation(f"manifests/{handle}.yaml", 1, 1),
    )


def _reference_order(databases: list[DesiredDatabase]) -> list[str]:
    """The definition: the smallest handle whose targets are placed; in a cycle the smallest."""
    needs = {
        db.handle: {
            str(spec.config["database"])
            for spec in db.properties
            if spec.type == "relation" and spec.config["database"] != db.handle
        }
        & {d.handle for d in databases}
        for db in databases
    }
    remaining, ordered = set(needs), []
    while remaining:
        ready = sorted(h for h in remaining if not needs[h] & remaining)
        chosen = ready[0] if ready else min(remaining)
        ordered.append(chosen)
        remaining.discard(chosen)
    return ordered


HANDLES = st.sampled_from([f"db{n}" for n in range(8)])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(HANDLES, st.lists(HANDLES, max_size=4), min_size=1))
def test_dependency_order_places_the_smallest_ready_handle_first(
    graph: dict[str, list[str]],
) -> None:
    """The linear-time order equals its definition, cycles and self-relations included."""
    databases = [_database(handle, targets) for handle, targets in graph.items()]
    assert _reference_order(databases) == [db.handle for db in dependency_order(databases)]


def test_dependency_order_of_a_long_chain_puts_targets_first() -> None:
    """5,000 databases each relating to the next: the last is placed first, in one pass."""
    count = 5000
    databases = [
        _database(f"db{n:05}", [f"db{n + 1:05}"] if n + 1 < count else []) for n in range(count)
    ]
    expected = [f"db{n:05}" for n in reversed(range(count))]
    assert expected == [db.handle for db in dependency_order(databases)]


# --- the terminal -------------------------------------------------------------------------------


def _plan_with_control_characters() -> World:
    world = World.steady()
    first, second = world.desired_rows("tasks")
    hostile = "Write\x1b]0;owned\x07 the brief\x1b[2J\r\u202e"
    world.desired_db("tasks", rows=(with_values(first, Name=hostile), second))
    stray = live_row(13, "stray\x1b[8m", task_values("stray\x1b[8m", "Stray"))
    world.live_db("tasks", rows=(*world.live_rows("tasks"), stray))
    return world


def test_plan_text_shows_control_characters_as_escapes() -> None:
    """Without colour no escape character reaches the terminal; each is shown as \\xNN."""
    text = render_text(_plan_with_control_characters().plan())
    assert "\x1b" not in text
    assert "\r" not in text
    assert "\u202e" not in text
    assert "Write{+\\x1b]0;owned\\x07+} the brief{+\\x1b[2J\\x0d\\u202e+}" in text
    assert "stray\\x1b[8m" in text


def test_plan_text_in_colour_keeps_only_its_own_colours() -> None:
    """With colour, the only escapes left are the renderer's own SGR colour codes."""
    text = render_text(_plan_with_control_characters().plan(), colour=True)
    foreign = re.sub(r"\x1b\[(?:0|1|2|31|32|33|35|36)m", "", text)
    assert "\x1b" not in foreign
    assert "\\x1b]0;owned" in text


def test_plain_text_values_render_unchanged() -> None:
    """Tabs, line breaks and ordinary Unicode are not escaped."""
    world = World.steady()
    first, second = world.desired_rows("tasks")
    world.desired_db("tasks", rows=(with_values(first, Name="Écrire\tla «doc» 📝"), second))
    expected = "Name: [-Write-]{+Écrire\tla+} [-the-]{+«doc»+} [-brief-]{+📝+}"
    assert expected in render_text(world.plan())
