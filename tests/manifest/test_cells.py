"""CSV cells read for their property types before the codecs check them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.adopt.rows import escaped_item
from reconciler.manifest.cells import cell_reader, cell_text, cell_value, formula_safe
from tests.manifest.conftest import Repository


@pytest.mark.parametrize(
    ("type_name", "text", "expected"),
    [
        ("number", "3", 3),
        ("number", "-2.5", -2.5),
        ("number", "1e3", 1000.0),
        ("number", "three", "three"),
        ("checkbox", "Yes", True),
        ("checkbox", "x", True),
        ("checkbox", "FALSE", False),
        ("checkbox", "0", False),
        ("multi_select", "design; docs", ["design", "docs"]),
        ("people", "ada@example.com;grace@example.com", ["ada@example.com", "grace@example.com"]),
        ("relation", "a\\;b;c", ["a;b", "c"]),
        ("files", "https://example.com/a.pdf", ["https://example.com/a.pdf"]),
        ("date", "2026-12-01", "2026-12-01"),
        ("date", "2026-12-01/2026-12-05", {"start": "2026-12-01", "end": "2026-12-05"}),
        ("place", '{"lat": 52.5, "lon": 13.4}', {"lat": 52.5, "lon": 13.4}),
        ("verification", "Verified", {"state": "verified"}),
        ("select", " Todo ", "Todo"),
        ("title", " Write docs", " Write docs"),
    ],
)
def test_a_cell_becomes_the_value_its_type_takes(
    type_name: str, text: str, expected: object
) -> None:
    """Numbers, booleans, lists (;-separated), ranges and JSON objects are read from text."""
    assert expected == cell_value(type_name, text)


@pytest.mark.parametrize("type_name", ["number", "title", "multi_select", "checkbox"])
def test_an_empty_cell_leaves_the_property_unset(type_name: str) -> None:
    """Blank cells (spaces only too) mean "not set"."""
    assert cell_value(type_name, "  ") is None


def test_a_yaml_number_in_a_text_property_is_the_text_as_written(repo: Repository) -> None:
    """`Name: 007`, `Ph: +4420`, `Ph: 0x1F`, `Name: 1e3`: the characters written, not the
    number YAML reads (leading zeros, the plus sign and the notation are kept)."""
    repo.write(
        "p.yaml",
        "database: p\ntitle: P\nkey: K\n"
        "properties: {K: rich_text, Name: title, Ph: phone_number, N: number}\n"
        "rows:\n"
        "  - {K: 2026, Name: 007, Ph: +4420, N: 007}\n"
        "  - {K: b, Name: 1e3, Ph: 0x1F}\n"
        "  - {K: c, Name: 1.50, Ph: 0044207946}\n",
    )
    rows = repo.load("p.yaml").databases[0].rows
    assert [(r.key, r.values["Name"], r.values["Ph"]) for r in rows] == [
        ("2026", "007", "+4420"),
        ("b", "1e3", "0x1F"),
        ("c", "1.50", "0044207946"),
    ]
    assert rows[0].values["N"] == 7  # a number property keeps the number


ITEM = (
    st.text(alphabet=st.sampled_from(["a", "b", " ", ";", "\\", ":", "é"]), min_size=1)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ITEM, min_size=1, max_size=5))
def test_list_cells_written_by_export_read_back_as_the_same_items(items: list[str]) -> None:
    """Semicolons and backslashes anywhere in an item (one ending in a backslash included):
    the cell export writes splits into exactly those items."""
    cell = "; ".join(escaped_item(item) for item in items)
    assert cell_value("multi_select", cell) == items


def test_a_backslash_before_other_characters_needs_no_escape() -> None:
    """`C:\\dir` stays as written; `\\;` is a semicolon; `\\\\` a backslash."""
    assert cell_value("multi_select", "C:\\dir; a\\;b; end\\\\") == ["C:\\dir", "a;b", "end\\"]


def test_a_csv_header_matches_a_name_with_spaces_as_written(repo: Repository) -> None:
    """A property named " Spaced " is found by the header cell " Spaced "; "Name " by "Name"
    still (spaces around other names are trimmed)."""
    repo.write(
        "s.yaml",
        'database: s\ntitle: S\nkey: Name\nproperties: {Name: title, " Spaced ": rich_text}\n'
        "rows_from: s.csv\n",
    )
    repo.write("s.csv", "Name , Spaced \nx,y\n")
    rows = repo.load("s.yaml").databases[0].rows
    assert [dict(r.values) for r in rows] == [{"Name": "x", " Spaced ": "y"}]


# --- cells a spreadsheet would run as formulas ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("https://evil.example","x")', '\'=HYPERLINK("https://evil.example","x")'),
        ("+SUM(1,2)", "'+SUM(1,2)"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("'=already escaped", "''=already escaped"),
        ("''", "'''"),
        ("'quoted", "'quoted"),
        ("plain", "plain"),
    ],
)
def test_formula_leading_text_is_written_with_an_apostrophe(text: str, cell: str) -> None:
    """= + - @ tab CR first get a leading '; a ' that could read as that mark gets one too."""
    assert (formula_safe(text), cell_text(cell)) == (cell, text)


@given(st.text())
@settings(max_examples=300)
def test_reading_a_formula_safe_cell_gives_the_text_back(text: str) -> None:
    """cell_text undoes formula_safe for every text."""
    assert cell_text(formula_safe(text)) == text


@pytest.mark.parametrize(
    ("type_name", "cell", "expected"),
    [
        ("rich_text", "'=1+1", "=1+1"),
        ("select", "'-Blocked", "-Blocked"),
        ("multi_select", "'-a; +b", ["-a", "+b"]),
        ("phone_number", "'+44 20 7946 0000", "+44 20 7946 0000"),
        ("number", "-2", -2),
    ],
)
def test_rows_from_reads_an_escaped_cell_as_its_text(
    type_name: str, cell: str, expected: object
) -> None:
    """The leading ' goes for every type but number, where -2 stays the number -2."""
    assert cell_value(type_name, cell) == expected


CELL_TYPES = [
    "title", "rich_text", "number", "checkbox", "select", "status", "multi_select", "people",
    "relation", "files", "date", "place", "verification", "url", "email", "phone_number",
]  # fmt: skip
CELLS = st.text(alphabet=" '\t\r\n;\\=+-@/{}[]\"0123456789.eExyz:,", max_size=12) | st.sampled_from(
    ["", " ", "'", "'=1", "''", " x ", "3", "3.0", "-0.0", "1e3", "Yes", "x; y", "2026-12-01/"]
)


@settings(max_examples=300, deadline=None)
@given(type_name=st.sampled_from(CELL_TYPES), cells=st.lists(CELLS, max_size=8))
def test_a_columns_reader_reads_every_cell_as_cell_value_does(
    type_name: str, cells: list[str]
) -> None:
    """The reader made once for a column gives, for every cell and again for a cell met
    before, exactly what ``cell_value`` gives (equal, and of the same types)."""
    read = cell_reader(type_name)
    for cell in [*cells, *cells]:
        value = read(cell)
        expected = cell_value(type_name, cell)
        assert (value, repr(value)) == (expected, repr(expected))
