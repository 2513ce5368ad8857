"""The row builder's shortcuts against its general way: the same rows and the same problems.

Most rows of a large manifest hold values met before (options, people, days) or plain texts;
``rows._known_row_values`` reads those in one pass, and hands every other row to the general
way (``rows._row_values``), which reports its problems. The CSV reader reads each cell of a
column whose cells repeat once, and a plain text cell without a call. Each test here loads the
same files with the shortcuts and without them: rows (values as exact JSON, keys, places,
pages' parts) and problems (file, line, column, message, hint) are the same.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import reconciler.manifest.rows
from reconciler.errors import ManifestError
from reconciler.manifest.cells import cell_reader
from tests.manifest.conftest import Repository

PROPERTIES: dict[str, object] = {
    "Slug": "rich_text",
    "Name": "title",
    "Status": {"type": "select", "options": ["Todo", "Doing", "Done"]},
    "Estimate": "number",
    "Owner": "people",
    "Tags": {"type": "multi_select", "options": ["docs", "data"]},
    "Due": "date",
    "Done": "checkbox",
    "Created": "created_time",
}
_HEADER = "database: tasks\ntitle: Tasks\nkey: Slug\n"


def _mostly(usual: list[str], other: list[str]) -> st.SearchStrategy[str]:
    """A cell of ``usual`` most of the time (so that whole files load), else one of ``other``."""
    return st.sampled_from(usual * 30 + other)


# Cells of each column: usual ones, repeated, and ones its property refuses or reads apart.
_CELLS: dict[str, st.SearchStrategy[str]] = {
    "Slug": _mostly(["a"] * 4, ["", " ", "'=x", "a\tb", "7"]),
    "Name": _mostly(["Write", "Write the brief", "", "'+1", " padded "], ["x" * 2001]),
    "Status": _mostly(["Todo", "Done", "", " Doing "], ["Nope"]),
    "Estimate": _mostly(["1", "2.5", "-0.0", "1e3", "", "1" * 30], ["three"]),
    "Owner": _mostly(["ada@example.com", "ada@example.com;g@example.com", ""], ["nobody"]),
    "Tags": _mostly(["docs", "docs;data", "data;docs", ""], ["other", "docs\\;x"]),
    "Due": _mostly(["2026-12-01", "2026-12-01/2026-12-05", ""], ["soon", "2026-13-01"]),
    "Done": _mostly(["yes", "no", "x", "", "TRUE"], ["maybe"]),
    "Created": _mostly([""], ["2026-01-01"]),
    "_icon": _mostly(["", "🚀"], ["not an icon"]),
}
_YAML_VALUES: dict[str, st.SearchStrategy[object]] = {
    "Slug": st.sampled_from(["a"] * 40 + ["b", 7, 7.5, None, "", ["a", "b"]]),
    "Name": st.sampled_from(["Write", 2026, [{"text": "x", "bold": True}], {"text": "y"}, 1.0]),
    "Status": st.sampled_from(["Todo", "Done", None] * 10 + ["Nope", 1, ["Todo"]]),
    "Estimate": st.sampled_from([1, 1.0, -0.0, True, None, 2**70] * 5 + ["three"]),
    "Owner": st.sampled_from(["ada@example.com", ["ada@example.com"], []] * 10 + ["", [1]]),
    "Tags": st.sampled_from([["docs"], ["data", "docs"], "docs"] * 10 + [["other"], [["x"]]]),
    "Due": st.sampled_from(["2026-12-01", {"start": "2026-12-01", "end": None}] * 10 + [5]),
    "Done": st.sampled_from([True, False, None] * 10 + ["yes", 1]),
}
_YAML_EXTRAS = st.sampled_from(
    [{}] * 20 + [{"Created": "2026-01-01"}, {"Undeclared": 1}, {"_icon": 3}, {"_icon": "🚀"}]
)
"""Now and then a row sets a read-only or undeclared property, or its page's icon."""


def _outcome(repo: Repository, path: str, *, drawn: bool = False) -> list[tuple[Any, ...]]:
    """The loaded rows as exact JSON with their places and pages' parts, or the problems."""
    try:
        rows = repo.load(path).databases[0].rows
    except ManifestError as failure:
        if drawn:
            event("problems")
        return [(p.file, p.line, p.column, p.message, p.hint) for p in failure.problems]
    if drawn:
        event("rows" if rows else "no rows")
    return [
        (row.key, json.dumps(row.values), str(row.location), row.icon, row.cover, row.body)
        for row in rows
    ]


def _both_ways(
    repo: Repository, path: str, monkeypatch: pytest.MonkeyPatch, *, drawn: bool = False
) -> list[tuple[Any, ...]]:
    """The outcome with the shortcuts, after checking it is the outcome without them."""
    quick = _outcome(repo, path, drawn=drawn)
    with monkeypatch.context() as patched:
        patched.setattr(reconciler.manifest.rows, "_known_row_values", lambda *args: None)
        general = _outcome(repo, path)
    assert quick == general
    return quick


@st.composite
def _csv_files(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    names = draw(st.permutations(list(_CELLS)))
    columns = names[: draw(st.integers(2, len(names)))]
    if "Slug" not in columns:
        columns = ["Slug", *columns]
    rows = draw(st.lists(st.tuples(*(_CELLS[name] for name in columns)).map(list), max_size=10))
    at = columns.index("Slug")
    for index, row in enumerate(rows):  # keys of their own, but for a drawn repeat or refusal
        row[at] = f"k{index}" if row[at] == "a" and draw(st.integers(0, 9)) else row[at]
    return columns, rows


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=_csv_files())
def test_csv_rows_build_as_the_general_way_builds_them(
    repo: Repository, monkeypatch: pytest.MonkeyPatch, data: tuple[list[str], list[list[str]]]
) -> None:
    """Whatever the cells (repeated, refused, blank, escaped, read-only, a page's icon): the
    same rows, or the same problems at the same file, row and column."""
    columns, rows = data
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([columns, *rows])
    manifest = yaml.safe_dump({"properties": PROPERTIES, "rows_from": "tasks.csv"})
    repo.write("m/tasks.yaml", _HEADER + manifest)
    repo.write("m/tasks.csv", out.getvalue())
    _both_ways(repo, "m", monkeypatch, drawn=True)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.fixed_dictionaries(
                {"Slug": _YAML_VALUES["Slug"]},
                optional={name: value for name, value in _YAML_VALUES.items() if name != "Slug"},
            ),
            _YAML_EXTRAS,
        ).map(lambda drawn: {**drawn[0], **drawn[1]}),  # type: ignore[dict-item]
        max_size=8,
    ).map(
        lambda rows: [  # keys of their own, but for a drawn repeat or refusal
            {**row, "Slug": f"k{index}"} if row["Slug"] == "a" else row
            for index, row in enumerate(rows)
        ]
    )
)
def test_yaml_rows_build_as_the_general_way_builds_them(
    repo: Repository, monkeypatch: pytest.MonkeyPatch, rows: list[dict[str, object]]
) -> None:
    """Inline rows of any values (numbers for texts, runs, aliases' repeats, refused values,
    undeclared and read-only properties): the same rows, or the same problems."""
    manifest = yaml.safe_dump({"properties": PROPERTIES, "rows": rows})
    repo.write("tasks.yaml", _HEADER + manifest)
    _both_ways(repo, "tasks.yaml", monkeypatch, drawn=True)


def test_a_bad_cell_is_reported_at_its_file_row_and_column(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused cell among rows the shortcut reads: the problem names the CSV file, the
    cell's line and column, and the property; the rows around it do not change that."""
    repo.write(
        "m/tasks.yaml",
        _HEADER + yaml.safe_dump({"properties": PROPERTIES}) + "rows_from: tasks.csv\n",
    )
    repo.write(
        "m/tasks.csv",
        "Slug,Status,Estimate\na,Todo,1\nb,Todo,three\nc,Nope,1\nd,Todo,1\n",
    )
    problems = _both_ways(repo, "m", monkeypatch)
    assert [
        (file, line, column, message.split(":")[0]) for file, line, column, message, _ in problems
    ] == [
        ("m/tasks.csv", 3, 8, "Estimate"),
        ("m/tasks.csv", 4, 3, "Status"),
    ]


@settings(max_examples=200, deadline=None)
@given(data=_csv_files())
def test_the_csv_reader_reads_each_cell_as_its_column_reader_does(
    data: tuple[list[str], list[list[str]]],
) -> None:
    """The CSV reader's cells, read inline, are what ``cell_reader`` gives for each column."""
    from reconciler.manifest.declarations import Declarations
    from reconciler.manifest.rows_from import _column_readers, _csv_row
    from reconciler.manifest.source import SourceFile
    from reconciler.model import PropertySpec

    columns, rows = data
    types = {
        name: str(kind if isinstance(kind, str) else kind["type"])  # type: ignore[index]
        for name, kind in PROPERTIES.items()
    }
    specs = tuple(PropertySpec(name, kind, {}) for name, kind in types.items())
    declarations = Declarations(specs, {}, "Slug", frozenset())
    readers = _column_readers([(name, 1) for name in columns], declarations)
    plain = {name: cell_reader(types[name]) for name in columns if name in types}
    plain["_icon"] = lambda cell: cell or None  # a page part's cell: its text (no ' here)
    source = SourceFile.__new__(SourceFile)  # named only by problems: none here
    for cells in rows:
        got = _csv_row(source, cells, 2, readers, [])
        read = [(name, plain[name](cell)) for name, cell in zip(columns, cells, strict=True)]
        expected = {name: value for name, value in read if value is not None}
        assert got is not None
        assert (list(got), repr(got)) == (list(expected), repr(expected))


def test_valid_rows_with_pages_build_as_the_general_way_builds_them(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows the shortcut reads whole, with icons of their own and bodies the database's
    template finds (or does not): the same rows, pages' parts included."""
    manifest = yaml.safe_dump({"properties": PROPERTIES, "body_from": "content/{Slug}.md"})
    repo.write("m/tasks.yaml", _HEADER + manifest + "rows_from: tasks.csv\n")
    repo.write("m/content/b.md", "# B\n")
    repo.write(
        "m/tasks.csv",
        "Slug,Name,Status,Estimate,Owner,Tags,Due,Done,_icon\n"
        "a,Write,Todo,1,ada@example.com,docs;data,2026-12-01,yes,🚀\n"
        "b,Read,Todo,1,ada@example.com,data;docs,2026-12-01,no,\n"
        "c,'=1+1,Done,2.5,,,2026-12-01/2026-12-05,x,\n",
    )
    rows = _both_ways(repo, "m", monkeypatch)
    assert [(key, icon, body is not None) for key, _, _, icon, _, body in rows] == [
        ("a", "🚀", False),
        ("b", None, True),
        ("c", None, False),
    ]
