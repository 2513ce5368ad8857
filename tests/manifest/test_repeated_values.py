"""Values met again in later rows: each row gets exactly what the codec makes of its value.

The loader reads a value it has already read in the same column once (``Done`` in 10,000 rows);
these tests pin that what a row gets is still the codec's own reading of its value, that values
which compare equal but read differently (``1``, ``1.0``, ``True``) are kept apart, and that a
refused value is reported on every row that holds it.
"""

from __future__ import annotations

import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.model import JSON
from reconciler.properties import ValueProblem, codec_for
from tests.manifest.conftest import Repository

PROPERTIES: dict[str, object] = {
    "Name": "title",
    "Status": {"type": "select", "options": ["1", "1.0", "-0.0", "0.0", "Done"]},
    "Free": "select",
    "Tags": {"type": "multi_select", "options": ["a", "b", "1"]},
    "Owner": "people",
    "Estimate": "number",
    "Done": "checkbox",
    "Due": "date",
    "Link": "url",
}
POOL = st.sampled_from(
    [
        None, "", 1, 1.0, 0.0, -0.0, True, False, "1", "1.0", "Done", "done", "a", "b",
        ["a", "b"], ["b", "a"], ["a", 1], [1], ["1"], "2026-12-01", "2026-12-01T10:30+02:00",
        "ada@example.com", "ADA@example.com", "https://example.com", 2**60, "x, y",
    ]
)  # fmt: skip
ROWS = st.lists(
    st.dictionaries(st.sampled_from([n for n in PROPERTIES if n != "Name"]), POOL, max_size=8),
    min_size=1,
    max_size=12,
)


def _config(name: str) -> dict[str, JSON]:
    declared = PROPERTIES[name]
    raw = {"type": declared} if isinstance(declared, str) else declared
    assert isinstance(raw, dict)
    return codec_for(str(raw["type"])).parse_config(raw)


def _expected(name: str, value: object) -> str | None:
    """The codec's own reading of the value as exact JSON; None when it refuses the value."""
    declared = PROPERTIES[name]
    type_name = declared if isinstance(declared, str) else declared["type"]  # type: ignore[index]
    try:
        return json.dumps(codec_for(str(type_name)).from_manifest(value, _config(name)))
    except ValueProblem:
        return None


def _manifest(rows: list[dict[str, object]]) -> str:
    named = [{"Name": f"row {index}", **row} for index, row in enumerate(rows)]
    return yaml.safe_dump(
        {"database": "tasks", "title": "Tasks", "properties": PROPERTIES, "rows": named}
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=ROWS)
def test_every_row_gets_the_codecs_reading_of_its_own_value(
    repo: Repository, rows: list[dict[str, object]]
) -> None:
    """Whatever values repeat across rows, a row's canonical values are those the codec makes
    of the row's values (as exact JSON: ``1``, ``1.0`` and ``true`` differ), and every refused
    value is one problem."""
    repo.write("tasks.yaml", _manifest(rows))
    expected = [{name: _expected(name, value) for name, value in row.items()} for row in rows]
    refused = sum(1 for row in expected for found in row.values() if found is None)
    if refused:
        assert len(repo.problems("tasks.yaml")) == refused
        return
    loaded = repo.load("tasks.yaml").databases[0].rows
    for row, wanted in zip(loaded, expected, strict=True):
        assert {name: json.dumps(row.values[name]) for name in wanted} == wanted


def test_equal_numbers_written_differently_stay_apart(repo: Repository) -> None:
    """``1`` and ``1.0`` are equal in Python but name different options: each row keeps its
    own, whichever came first."""
    repo.write("tasks.yaml", _manifest([{"Status": 1}, {"Status": 1.0}, {"Status": 1}]))
    rows = repo.load("tasks.yaml").databases[0].rows
    assert [row.values["Status"] for row in rows] == ["1", "1.0", "1"]


def test_a_refused_value_is_reported_on_every_row_that_holds_it(repo: Repository) -> None:
    """A value the property refuses, met again in later rows, is a problem at each of them."""
    repo.write(
        "tasks.yaml", _manifest([{"Status": "Nope"}, {"Status": "Done"}, {"Status": "Nope"}])
    )
    problems = repo.problems("tasks.yaml")
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [
        (problems[0].line, "Status"),
        (problems[1].line, "Status"),
    ]
    assert problems[0].line < problems[1].line
    assert all("'Nope' is not an option" in p.message for p in problems)


def test_rows_sharing_a_list_value_each_get_it_sorted(repo: Repository) -> None:
    """Lists with the same items in another order read to the same canonical value, and a list
    met again reads as it did the first time."""
    repo.write(
        "tasks.yaml",
        _manifest([{"Tags": ["b", "a"]}, {"Tags": ["a", "b"]}, {"Tags": ["b", "a"]}]),
    )
    rows = repo.load("tasks.yaml").databases[0].rows
    assert [row.values["Tags"] for row in rows] == [["a", "b"]] * 3


def test_a_value_shared_by_an_alias_reads_the_same_in_every_row(repo: Repository) -> None:
    """A YAML alias gives later rows the very object of the anchor's row (a date range here,
    which is not remembered by its value): each row still gets the codec's reading of it."""
    repo.write(
        "tasks.yaml",
        "database: tasks\ntitle: Tasks\nproperties: {Name: title, Due: date, Tags: multi_select}\n"
        "rows:\n"
        "  - {Name: a, Due: &due {start: 2026-12-01, end: 2026-12-05}, Tags: &tags [b, a]}\n"
        "  - {Name: b, Due: *due, Tags: *tags}\n",
    )
    rows = repo.load("tasks.yaml").databases[0].rows
    assert [(row.values["Due"], row.values["Tags"]) for row in rows] == [
        ({"start": "2026-12-01", "end": "2026-12-05"}, ["a", "b"])
    ] * 2


def test_csv_rows_read_as_the_same_rows_written_in_yaml(repo: Repository) -> None:
    """Cells that repeat down a CSV column give each row what the same row gives in YAML."""
    header = "database: tasks\ntitle: Tasks\nproperties: {Name: title, Estimate: number,"
    header += " Done: checkbox, Owner: people, Tags: multi_select, Due: date}\n"
    repo.write("csv/tasks.yaml", header + "rows_from: tasks.csv\n")
    repo.write(
        "csv/tasks.csv",
        "Name,Estimate,Done,Owner,Tags,Due\n"
        "a,3,yes,Ada@example.com,x;y,2026-12-01/2026-12-05\n"
        "b,3,yes,Ada@example.com,x;y,2026-12-01/2026-12-05\n"
        "c,2.5,no,,y,\n"
        "d,3,yes,Ada@example.com,x;y,2026-12-01/2026-12-05\n",
    )
    first = "{Name: a, Estimate: 3, Done: true, Owner: [Ada@example.com], Tags: [x, y],"
    first += " Due: {start: 2026-12-01, end: 2026-12-05}}"
    rows = [first, first.replace("Name: a", "Name: b")]
    rows.append("{Name: c, Estimate: 2.5, Done: false, Tags: [y]}")
    rows.append(rows[0].replace("Name: a", "Name: d"))
    repo.write("yaml/tasks.yaml", header + "rows:\n" + "".join(f"  - {r}\n" for r in rows))
    from_csv = repo.load("csv").databases[0].rows
    from_yaml = repo.load("yaml").databases[0].rows
    assert [json.dumps(r.values) for r in from_csv] == [json.dumps(r.values) for r in from_yaml]
