"""Import of a formula Notion keeps as written (a leading ``=``, as its editor may store it).

A real database returned ``={{notion:block_property:…}}* 2``; import declared nothing for it
("unexpected '=' at character 1"). It is declared now, and planning right after is empty.
"""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_import_export_doctor import (  # noqa: F401 - fixtures used by name
    LocalNotion,
    manifest,
    notion,
    repo,
    run,
)
from tests.emulator.conftest import text


def test_a_formula_with_a_leading_equals_sign_is_declared_and_plans_empty(
    notion: LocalNotion,  # noqa: F811 - the fixture
    repo: Path,  # noqa: F811 - the fixture
) -> None:
    """The manifest declares ``=prop("Number") * 2``; plan --detailed-exitcode exits 0."""
    database, source = notion.database(
        "Formula DB", {"Name": {"title": {}}, "Number": {"number": {}}}
    )
    notion.add_properties(source, {"Formula": {"formula": {"expression": '=prop("Number")* 2'}}})
    notion.row(source, {"Name": {"title": text("one")}, "Number": {"number": 1}})

    imported = run("import", database, "--local")
    replanned = run("plan", "--local", "--detailed-exitcode")

    assert (imported.exit_code, replanned.exit_code) == (0, 0), imported.output + replanned.output
    declared = manifest(next((repo / "manifests").glob("*.yaml")))["properties"]["Formula"]
    assert declared == {"type": "formula", "expression": '=prop("Number") * 2'}
