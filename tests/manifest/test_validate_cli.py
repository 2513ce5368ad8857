"""`reconciler validate`: offline, a summary line per database, every problem on stderr."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import cli

REPOSITORY = Path(__file__).parents[2]


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A runner without a token: validate never needs one."""
    monkeypatch.delenv("NOTION_TOKEN", raising=False)
    monkeypatch.delenv("NOTION_TOKEN_FILE", raising=False)
    return CliRunner()


def test_validate_passes_on_the_example_with_one_line_per_database(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exit 0; each database with its rows, properties and file, then a total."""
    monkeypatch.chdir(REPOSITORY)
    result = runner.invoke(cli, ["validate", "manifests/"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "people: 3 rows, 6 properties (manifests/people.yaml)",
        "projects: 2 rows, 10 properties (manifests/projects.yaml)",
        "tasks: 6 rows, 14 properties (manifests/tasks.yaml)",
        "valid: 3 databases, 11 rows",
    ]


def test_validate_without_paths_reads_the_configured_folder(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No PATH: the manifests folder of the repository (default manifests/)."""
    monkeypatch.chdir(REPOSITORY)
    result = runner.invoke(cli, ["validate"])
    assert (result.exit_code, result.stdout.splitlines()[-1]) == (0, "valid: 3 databases, 11 rows")


def test_validate_reports_every_problem_on_stderr_and_exits_1(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All problems, with file:line:column and hints, and no traceback."""
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "a.yaml").write_text(
        "database: a\ntitle: A\nprune: yes\nproperties: {Name: titel}\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["validate", "m"])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: 2 problems in the manifests:\nm/a.yaml:3:8: prune")
    assert "m/a.yaml:4:20: 'titel' is not a known property type" in result.stderr
    assert "hint: " in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_help_shows_examples(runner: CliRunner) -> None:
    """--help explains the command and gives examples."""
    result = runner.invoke(cli, ["validate", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert "reconciler validate manifests/" in result.stdout


def test_validate_reads_variables_from_the_environment(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """${VAR} comes from the process environment (a variable reconciler.yaml allows)."""
    (tmp_path / "reconciler.yaml").write_text("env: [TITLE]\n", encoding="utf-8")
    (tmp_path / "t.yaml").write_text(
        "database: t\ntitle: ${TITLE}\nproperties: {Name: title}\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(os.environ, "TITLE", "Team tasks")
    result = runner.invoke(cli, ["validate", "t.yaml"])
    assert (
        result.exit_code,
        result.stdout.splitlines()[0],
    ) == (0, "t: 0 rows, 1 property (t.yaml)")
