"""``reconciler pull`` in a git checkout never loses a hand edit, and its options.

Files with uncommitted changes are refused (naming them, suggesting a commit or ``--force``); a
value changed by hand that Notion did not change is kept; a value changed both by hand and in
Notion since HEAD stops the pull, showing both sides; ``--dry-run`` writes nothing,
``--detailed-exitcode`` exits 2 when files change, ``--database`` limits the pull, and pull
never sends a write to Notion.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import cli
from reconciler.emulator import Emulator, EmulatorServer
from tests.adopt.workspace import Team
from tests.apply.conftest import writes
from tests.conftest import TOKEN, in_process_client

TASKS = """\
database: tasks
parent: 00000000-0000-4000-8000-000000000001
title: Tasks
key: Slug
prune: true
properties:
  Name: title
  Slug: rich_text
  Estimate: number
rows:
  - {Slug: brief, Name: Write the brief, Estimate: 2}   # the first task
  - {Slug: pages, Name: Design the pages, Estimate: 5}
"""

NOTES = """\
database: notes
parent: 00000000-0000-4000-8000-000000000001
title: Notes
key: Title
properties:
  Title: title
  Stars: number
rows:
  - {Title: Kickoff, Stars: 3}
"""


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Team:
    return Team.applied(
        tmp_path_factory.mktemp("tasks"),
        {"manifests/tasks.yaml": TASKS, "manifests/notes.yaml": NOTES},
    )


@pytest.fixture
def team(applied: Team, tmp_path: Path) -> Team:
    return applied.copy(tmp_path)


def _set(team: Team, title: str, key_property: str, key: str, name: str, number: float) -> None:
    with team.notion() as notion:
        page = team.rows(notion, title, key_property)[key]
        notion.pages.update(page["id"], properties={name: {"number": number}})


def _estimate_in_notion(team: Team, slug: str, estimate: float) -> None:
    _set(team, "Tasks", "Slug", slug, "Estimate", estimate)


def test_a_file_with_uncommitted_changes_is_refused_and_named(team: Team) -> None:
    """A comment added by hand and not committed: pull refuses that file, names it, suggests a
    commit or --force, and writes nothing."""
    edited = TASKS + "# a note of mine\n"
    team.write("manifests/tasks.yaml", edited)
    _estimate_in_notion(team, "pages", 8)
    refused = team.expect(1, "pull")
    assert "Error: manifests/tasks.yaml has uncommitted changes" in refused.stderr
    assert "commit them first" in refused.stderr
    assert "--force" in refused.stderr
    assert team.read("manifests/tasks.yaml") == edited


def test_force_edits_a_file_with_uncommitted_changes_and_keeps_them(team: Team) -> None:
    """With --force the value Notion changed is written, the uncommitted comment stays."""
    team.write("manifests/tasks.yaml", TASKS + "# a note of mine\n")
    _estimate_in_notion(team, "pages", 8)
    team.expect(0, "pull", "--force")
    assert team.read("manifests/tasks.yaml") == (
        TASKS.replace("Estimate: 5}", "Estimate: 8}") + "# a note of mine\n"
    )


def test_a_value_changed_by_hand_that_notion_did_not_change_is_kept(team: Team) -> None:
    """Estimate 2 → 3 by hand (not applied yet), Notion still says 2: pull keeps the 3 and says
    so; the file is not touched, so nothing is refused."""
    edited = TASKS.replace("Estimate: 2}", "Estimate: 3}")
    team.write("manifests/tasks.yaml", edited)
    pulled = team.expect(0, "pull", "--detailed-exitcode")
    assert team.read("manifests/tasks.yaml") == edited
    assert (
        "kept: manifests/tasks.yaml:11: tasks, row 'brief', Estimate: your uncommitted value is"
        " kept (apply writes it to Notion)"
    ) in pulled.stdout


def test_a_value_changed_both_by_hand_and_in_notion_stops_the_pull_showing_both(
    team: Team,
) -> None:
    """Estimate 2 → 3 here, 2 → 4 in Notion: pull stops with both sides and HEAD's value, even
    with --force, and writes nothing."""
    edited = TASKS.replace("Estimate: 2}", "Estimate: 3}")
    team.write("manifests/tasks.yaml", edited)
    _estimate_in_notion(team, "brief", 4)
    stopped = team.expect(1, "pull", "--force")
    assert (
        "manifests/tasks.yaml:11: tasks, row 'brief', Estimate: here: 3; in Notion: 4"
    ) in stopped.stderr
    assert "at HEAD: 2" in stopped.stderr
    assert "nothing was written" in stopped.stderr
    assert team.read("manifests/tasks.yaml") == edited


def test_a_row_removed_by_hand_is_not_added_back(team: Team) -> None:
    """The pages row deleted from the manifest (prune: true, the trash not applied yet): pull
    does not add it back from Notion."""
    edited = TASKS.replace("  - {Slug: pages, Name: Design the pages, Estimate: 5}\n", "")
    team.write("manifests/tasks.yaml", edited)
    pulled = team.expect(0, "pull")
    assert team.read("manifests/tasks.yaml") == edited
    assert "tasks, row 'pages': removed here by hand (uncommitted): stays removed" in pulled.stdout


def test_outside_a_git_checkout_pull_edits_the_files(team: Team) -> None:
    """No checkout, no uncommitted changes to protect: the file is edited."""
    shutil.rmtree(team.root / ".git")
    team.write("manifests/tasks.yaml", TASKS + "# a note of mine\n")
    _estimate_in_notion(team, "pages", 8)
    team.expect(0, "pull")
    assert "Estimate: 8}" in team.read("manifests/tasks.yaml")


def test_dry_run_shows_the_diff_and_writes_nothing(team: Team) -> None:
    """--dry-run prints the unified diff, says nothing was written, and exits 2 with
    --detailed-exitcode: the files would change."""
    _estimate_in_notion(team, "pages", 8)
    shown = team.expect(2, "pull", "--dry-run", "--detailed-exitcode")
    assert "-  - {Slug: pages, Name: Design the pages, Estimate: 5}\n" in shown.stdout
    assert "+  - {Slug: pages, Name: Design the pages, Estimate: 8}\n" in shown.stdout
    assert "Dry run: 1 file would change; nothing was written." in shown.stderr
    assert team.read("manifests/tasks.yaml") == TASKS


def test_detailed_exitcode_is_zero_when_nothing_changes(team: Team) -> None:
    """Notion as the manifests say: exit 0, no file touched, nothing on stdout."""
    quiet = team.expect(0, "pull", "--detailed-exitcode")
    assert (quiet.stdout, team.diff()) == ("", "")
    assert "Nothing to pull: the manifests say what Notion holds." in quiet.stderr


def test_database_limits_the_pull_to_that_database(team: Team) -> None:
    """Both databases edited in Notion; --database notes pulls the notes only."""
    _estimate_in_notion(team, "pages", 8)
    _set(team, "Notes", "Title", "Kickoff", "Stars", 5)
    team.expect(0, "pull", "--database", "notes")
    assert team.read("manifests/tasks.yaml") == TASKS
    assert team.read("manifests/notes.yaml") == NOTES.replace("Stars: 3", "Stars: 5")


def test_an_unknown_database_is_refused_before_reading(team: Team) -> None:
    """--database with a handle no manifest declares: exit 1, naming the known ones."""
    refused = team.expect(1, "pull", "--database", "nope")
    assert "--database nope: no manifest declares this database" in refused.stderr


def test_pull_never_writes_to_notion(
    tmp_path: Path, emulator: Emulator, emulator_server: EmulatorServer
) -> None:
    """Over TCP against a served workspace: pull reads, and sends no write request at all."""
    team = Team.create(tmp_path, {"manifests/tasks.yaml": TASKS})
    env = {"NOTION_TOKEN": TOKEN, "NOTION_BASE_URL": emulator_server.url}
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(team.root)
        assert runner.invoke(cli, ["apply", "--yes"], env=env).exit_code == 0
        notion = in_process_client(emulator)
        source = notion.search(query="Tasks")["results"]
        [tasks] = [s for s in source if s["object"] == "data_source"]
        page = notion.data_sources.query(tasks["id"])["results"][0]
        notion.pages.update(page["id"], properties={"Estimate": {"number": 13}})
        mark = len(emulator.requests())
        pulled = runner.invoke(cli, ["pull", "--detailed-exitcode"], env=env)
    assert pulled.exit_code == 2, pulled.output
    assert writes(emulator, mark) == []


def test_a_path_limits_the_pull_to_its_manifests(team: Team) -> None:
    """`pull manifests/notes.yaml`: only that manifest's database is pulled."""
    _estimate_in_notion(team, "pages", 8)
    _set(team, "Notes", "Title", "Kickoff", "Stars", 5)
    team.expect(0, "pull", "manifests/notes.yaml")
    assert team.read("manifests/tasks.yaml") == TASKS
    assert team.read("manifests/notes.yaml") == NOTES.replace("Stars: 3", "Stars: 5")


def test_adopt_rows_adds_rows_created_in_notion(team: Team) -> None:
    """notes has prune: false: a row created in Notion is only reported, unless --adopt-rows,
    which adds it after the last row."""
    with team.notion() as notion:
        notion.pages.create(
            parent={"data_source_id": team.source_id(notion, "Notes")},
            properties={
                "Title": {"title": [{"text": {"content": "Retro"}}]},
                "Stars": {"number": 4},
            },
        )
    reported = team.expect(0, "pull", "--detailed-exitcode")
    assert (
        "left alone: notes: 1 live row not in the manifest left alone (prune: false);"
        " `reconciler pull --adopt-rows` adds them"
    ) in reported.stdout
    team.expect(2, "pull", "--adopt-rows", "--detailed-exitcode")
    assert team.read("manifests/notes.yaml") == NOTES + "  - {Title: Retro, Stars: 4}\n"


def test_local_store_is_the_workspace_pull_reads(team: Team) -> None:
    """`pull --local --local-store FILE` reads the workspace in FILE (given as the CLI is)."""
    _estimate_in_notion(team, "pages", 8)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(team.root)
        pulled = CliRunner().invoke(cli, ["pull", "--local", "--local-store", str(team.store)])
    assert pulled.exit_code == 0, pulled.output
    assert f"from local workspace {team.store}" in pulled.stderr
    assert "Estimate: 8}" in team.read("manifests/tasks.yaml")
