"""`reconciler plan` and `reconciler show` on the example manifests in the --local workspace."""

from __future__ import annotations

import csv
import io
import json
import shlex
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from reconciler.cli import cli
from reconciler.manifest.cells import cell_value
from reconciler.properties import codec_for

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example manifests in a fresh folder, the current directory."""
    shutil.copytree(REPOSITORY / "manifests", tmp_path / "manifests")
    monkeypatch.chdir(tmp_path)
    for name in ("PEOPLE_DATABASE_ID", "PROJECTS_DATABASE_ID", "TASKS_DATABASE_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("NOTION_ROOT_PAGE", raising=False)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def local(*args: str) -> Result:
    return run(*args, "--local", "--local-store", "local.sqlite")


def test_plan_on_a_new_workspace_creates_every_database(repo: Path) -> None:
    """Nothing in Notion yet: the plan creates people, projects and tasks, exit 0."""
    result = local("plan")
    assert result.exit_code == 0, result.stderr
    created = [line.strip() for line in result.stdout.splitlines() if "create database" in line]
    assert created == [
        "+ create database People",
        "+ create database Projects",
        "+ create database Tasks",
    ]
    assert "Read 3 databases:" in result.stderr


def test_detailed_exitcode_is_two_when_there_are_changes(repo: Path) -> None:
    """--detailed-exitcode: changes present → exit 2."""
    assert local("plan", "--detailed-exitcode").exit_code == 2


def test_a_saved_plan_shows_as_it_was_planned(repo: Path) -> None:
    """plan -o then show: the same text; the file is a checked plan file."""
    planned = local("plan", "-o", "plan.json")
    shown = run("show", "plan.json")
    assert (planned.exit_code, shown.exit_code) == (0, 0)
    # The same plan, and the same closing command (the plan file records its workspace); only
    # plan shows the links and the rate of a --local workspace.
    assert _workspace_free(shown.stdout) == _workspace_free(planned.stdout)
    assert planned.stdout.splitlines()[-1] == (
        "Apply with: reconciler apply --yes --local --local-store local.sqlite plan.json"
    )
    assert shown.stdout.splitlines()[-1] == planned.stdout.splitlines()[-1]
    assert "Saved the plan to plan.json" in planned.stderr


def _workspace_free(text: str) -> list[str]:
    """The lines of a rendered plan that do not depend on knowing the workspace."""
    return [
        line
        for line in text.splitlines()[:-1]
        if not line.startswith("Estimate:") and "live row" not in line
    ]


def test_the_apply_hint_repeats_the_plans_arguments(repo: Path) -> None:
    """No saved plan: `Apply with:` names the same workspace, databases and paths (quoted for a
    shell); a saved plan: its file."""
    (repo / "my manifests").mkdir()
    for name in ("people.yaml", "projects.yaml", "tasks.yaml", "data"):
        (repo / "manifests" / name).rename(repo / "my manifests" / name)
    result = local("plan", "--database", "people", "my manifests")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "Apply with: reconciler apply --yes --local --local-store local.sqlite --database people"
        " 'my manifests'"
    )
    saved = local("plan", "-o", "the plan.json", "my manifests")
    assert saved.stdout.splitlines()[-1] == (
        "Apply with: reconciler apply --yes --local --local-store local.sqlite 'the plan.json'"
    )
    assert saved.stderr.splitlines()[-1].startswith("28 changes (28 safe, 0 lossy, 0 destructive)")


def test_json_output_is_pure_json_with_masked_values_and_the_read(repo: Path) -> None:
    """--format json: stdout parses; sensitive phones masked; request accounting under `read`."""
    result = local("plan", "--format", "json")
    document = json.loads(result.stdout)
    assert (document["masked"], document["read"]["requests"] > 0) == (True, True)
    assert "+44 20 7946 0001" not in result.stdout


def test_markdown_output_starts_with_the_sticky_marker(repo: Path) -> None:
    """--format markdown: the comment a workflow posts, found again by its marker."""
    result = local("plan", "--format", "markdown")
    assert result.stdout.startswith("<!-- notion-reconciler:plan -->\n")


def test_show_refuses_a_modified_plan_file(repo: Path) -> None:
    """Editing plan.json after planning: show exits 1 with the reason on stderr."""
    local("plan", "-o", "plan.json")
    path = repo / "plan.json"
    path.write_text(path.read_text().replace("Ada Lovelace", "Ada King"), encoding="utf-8")
    result = run("show", "plan.json")
    assert result.exit_code == 1
    assert "was modified after it was written" in result.stderr


def test_database_limits_the_plan_and_says_what_was_left_out(repo: Path) -> None:
    """--database people: only people is planned; the others are named as untouched."""
    result = local("plan", "--database", "people")
    assert result.exit_code == 0
    assert "create database Tasks" not in result.stdout
    assert "Not planned (--database): projects, tasks; left untouched." in result.stdout


def test_an_unknown_database_handle_is_exit_one_with_the_known_ones(repo: Path) -> None:
    """--database nope: a clear error listing the handles."""
    result = local("plan", "--database", "nope")
    assert result.exit_code == 1
    assert "hint: databases of these manifests: people, projects, tasks" in result.stderr


def test_after_apply_the_plan_is_empty_and_an_edit_is_exactly_one_update(repo: Path) -> None:
    """apply --yes, then plan: no changes (exit 0); one edited status: one update (exit 2)."""
    assert local("apply", "--yes").exit_code == 0
    steady = local("plan", "--detailed-exitcode")
    assert (steady.exit_code, "No changes" in steady.stdout) == (0, True)
    tasks = repo / "manifests" / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    tasks.write_text(text.replace("Status: In progress", "Status: Done", 1), encoding="utf-8")
    edited = local("plan", "--detailed-exitcode", "--format", "json")
    changes = [c for db in json.loads(edited.stdout)["databases"] for c in db["changes"]]
    assert edited.exit_code == 2
    assert [(c["id"], c["diffs"]) for c in changes] == [
        ("tasks/update_row/design-pages", [{"path": "Status", "old": "In progress", "new": "Done"}])
    ]


def test_help_shows_examples() -> None:
    """plan --help and show --help end with examples."""
    assert "Examples:" in run("plan", "--help").stdout
    assert "Examples:" in run("show", "--help").stdout


def test_the_undo_command_an_apply_prints_works_as_printed(repo: Path) -> None:
    """A --local apply names its undo plan with the same workspace options; run as printed, it
    puts the old value back and the next plan shows the edit again."""
    assert local("apply", "--yes").exit_code == 0
    tasks = repo / "manifests" / "tasks.yaml"
    text = tasks.read_text(encoding="utf-8")
    tasks.write_text(text.replace("Status: In progress", "Status: Done", 1), encoding="utf-8")
    edited = local("apply", "--yes")
    assert edited.exit_code == 0, edited.stderr
    line = next(x for x in edited.stdout.splitlines() if x.startswith("Undo plan: "))
    words = shlex.split(line.split("put back what this apply did: ", 1)[1].rstrip(")"))
    assert words[:6] == ["reconciler", "apply", "--yes", "--local", "--local-store", "local.sqlite"]
    undone = run(*words[1:])
    assert undone.exit_code == 0, undone.stderr
    assert "Apply: 1 done" in undone.stdout
    again = local("plan", "--format", "json")
    changes = [c["id"] for db in json.loads(again.stdout)["databases"] for c in db["changes"]]
    assert changes == ["tasks/update_row/design-pages"]


def test_a_deleted_local_workspace_is_filled_again_by_the_next_apply(repo: Path) -> None:
    """Deleting the --local file and applying again re-creates everything (the journal's
    records of the first apply are set aside, and the notice says so)."""
    assert local("apply", "--yes").exit_code == 0
    (repo / "local.sqlite").unlink()

    again = local("apply", "--yes")

    assert again.exit_code == 0, again.stderr
    assert "Apply: 28 done, 0 already done" in again.stdout
    assert "Sent again: 28 changes that an earlier apply of this same plan recorded done" in (
        again.stderr
    )
    assert "No changes" in local("plan").stdout


def test_named_files_survive_a_csv_export(repo: Path) -> None:
    """A file with a name of its own is exported as a JSON list in its CSV cell, and that cell
    reads back as the files the manifest declares (names included)."""
    assert local("apply", "--yes").exit_code == 0
    exported = local("export", "--database", "projects", "--format", "csv", "-o", "-")
    assert exported.exit_code == 0, exported.stderr
    rows = {row["Name"]: row for row in csv.DictReader(io.StringIO(exported.stdout))}
    files = codec_for("files")
    manifest = yaml.safe_load((repo / "manifests" / "projects.yaml").read_text(encoding="utf-8"))
    declared = next(row["Brief"] for row in manifest["rows"] if row["Name"] == "Website")
    cell = rows["Website"]["Brief"]
    assert cell.startswith("[")
    read_back = files.from_manifest(cell_value("files", cell), {})
    assert read_back == files.from_manifest(declared, {})
