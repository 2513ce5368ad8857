"""`reconciler apply` against the emulator over TCP: every gate path, its exit code, and proof
(the emulator's request log) that a refused apply wrote nothing."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import shlex
import socket
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from reconciler.apply import (
    ChangeFinished,
    ChangeOutcome,
    StageStarted,
    Status,
    WorkspaceLock,
)
from reconciler.cli import cli
from reconciler.cli.progress import TerminalProgress
from reconciler.emulator import Emulator, EmulatorServer
from reconciler.plan import (
    Change,
    ChangeClass,
    CreateRow,
    TrashRow,
    checksum,
    load_plan,
    write_plan,
)
from tests.apply.conftest import PEOPLE, PROJECTS, TASKS, writes
from tests.conftest import TOKEN, in_process_client

BLOCKED, STALE = 3, 4


@dataclasses.dataclass
class Repo:
    """A repository of manifests applied to the emulator served over TCP."""

    root: Path
    emulator: Emulator

    def write(self, *manifests: dict[str, Any]) -> None:
        for manifest in manifests:
            text = yaml.safe_dump(manifest, sort_keys=False)
            (self.root / "manifests" / f"{manifest['database']}.yaml").write_text(text)

    def run(self, *args: str, stdin: str | None = None, **env: str) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, list(args), input=stdin, env=env or None, catch_exceptions=False)

    def mark(self) -> int:
        return len(self.emulator.requests())

    def writes_since(self, mark: int) -> list[str]:
        return writes(self.emulator, mark)


@pytest.fixture
def repo(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    emulator: Emulator,
    emulator_server: EmulatorServer,
) -> Repo:
    """Projects and tasks manifests, Notion at the emulator, the rate limit off."""
    emulator.seed({"users": PEOPLE})
    (tmp_path / "manifests").mkdir()
    (tmp_path / "reconciler.yaml").write_text("rate_limit: {rps: 0}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NOTION_TOKEN", TOKEN)
    monkeypatch.setenv("NOTION_BASE_URL", emulator_server.url)
    monkeypatch.delenv("RECONCILER_APPROVE", raising=False)
    repo = Repo(tmp_path, emulator)
    repo.write(PROJECTS, TASKS)
    return repo


def expect_exit(result: Result, expected: int) -> None:
    """The command ended with this exit code (its output shown when not)."""
    assert expected == result.exit_code, result.output


def tasks_with(rows: list[dict[str, Any]]) -> dict[str, Any]:
    tasks = copy.deepcopy(TASKS)
    tasks["rows"] = rows
    return tasks


def twelve_tasks() -> list[dict[str, Any]]:
    return [{"Slug": f"task-{n:02}", "Name": f"Task {n}"} for n in range(12)]


def applied(repo: Repo, *args: str) -> Result:
    result = repo.run("apply", "--yes", *args)
    expect_exit(result, 0)
    return result


def test_a_safe_plan_applies_with_yes(repo: Repo) -> None:
    """Creates only: exit 0, the rows exist, and planning again is empty."""
    result = applied(repo)
    assert "Apply: 12 done, 0 already done, 0 failed, 0 skipped" in result.stdout
    again = repo.run("plan", "--detailed-exitcode")
    expect_exit(again, 0)


def test_without_yes_and_without_a_terminal_nothing_is_written(repo: Repo) -> None:
    """The plan is shown, exit 1, and the emulator saw no write."""
    since = repo.mark()
    result = repo.run("apply")
    expect_exit(result, 1)
    assert "+ create database Tasks" in result.stdout
    assert "hint: to apply them: reconciler apply --yes" in result.stderr
    assert not repo.writes_since(since)


def test_a_trash_without_approval_is_blocked(repo: Repo) -> None:
    """Pruning a row needs approval: exit 3, the message names it and the commands."""
    applied(repo)
    repo.write(tasks_with(TASKS["rows"][:2]))
    since = repo.mark()
    result = repo.run("apply", "--yes")
    expect_exit(result, BLOCKED)
    assert "destructive trash_row tasks/outline" in result.stderr
    # The commands keep --yes, so they run as printed where there is no terminal.
    assert "reconciler apply --yes --approve " in result.stderr
    assert "reconciler apply --yes --allow-destroy" in result.stderr
    assert not repo.writes_since(since)


def test_allow_destroy_applies_the_trash(repo: Repo) -> None:
    """--allow-destroy lifts the hold: exit 0."""
    applied(repo)
    repo.write(tasks_with(TASKS["rows"][:2]))
    result = repo.run("apply", "--yes", "--allow-destroy")
    expect_exit(result, 0)
    assert "Undo plan: " in result.stdout


def test_over_the_threshold_allow_destroy_is_not_enough(repo: Repo) -> None:
    """Trashing 4 of 12 rows (33%) is held despite --allow-destroy: exit 3, nothing written."""
    repo.write(tasks_with(twelve_tasks()))
    applied(repo)
    repo.write(tasks_with(twelve_tasks()[4:]))
    since = repo.mark()
    result = repo.run("apply", "--yes", "--allow-destroy")
    expect_exit(result, BLOCKED)
    assert "over a threshold, --allow-destroy is not enough" in result.stderr
    assert "--allow-destroy --force-thresholds" in result.stderr
    assert not repo.writes_since(since)


def test_force_thresholds_applies_a_mass_trash(repo: Repo) -> None:
    """--allow-destroy --force-thresholds: exit 0, four rows trashed."""
    repo.write(tasks_with(twelve_tasks()))
    applied(repo)
    repo.write(tasks_with(twelve_tasks()[4:]))
    result = repo.run("apply", "--yes", "--allow-destroy", "--force-thresholds")
    expect_exit(result, 0)
    assert "Apply: 4 done" in result.stdout


def test_the_plans_checksum_approves_it(repo: Repo) -> None:
    """plan -o plan.json, then apply plan.json --approve <its checksum>: exit 0."""
    applied(repo)
    repo.write(tasks_with(TASKS["rows"][:2]))
    repo.run("plan", "-o", "plan.json")
    approved = load_plan(Path("plan.json")).checksum
    result = repo.run("apply", "--yes", "plan.json", "--approve", approved)
    expect_exit(result, 0)


def test_the_approval_may_come_from_the_environment(repo: Repo) -> None:
    """RECONCILER_APPROVE works like --approve (CI)."""
    applied(repo)
    repo.write(tasks_with(TASKS["rows"][:2]))
    repo.run("plan", "-o", "plan.json")
    approved = load_plan(Path("plan.json")).checksum
    result = repo.run("apply", "--yes", "plan.json", RECONCILER_APPROVE=approved)
    expect_exit(result, 0)


def test_another_plans_checksum_approves_nothing(repo: Repo) -> None:
    """A mismatched --approve: exit 3, the mismatch named, nothing written."""
    applied(repo)
    repo.write(tasks_with(TASKS["rows"][:2]))
    repo.run("plan", "-o", "plan.json")
    since = repo.mark()
    result = repo.run("apply", "--yes", "plan.json", "--approve", "0" * 64)
    expect_exit(result, BLOCKED)
    assert f"--approve {'0' * 64} does not match this plan's checksum" in result.stderr
    assert not repo.writes_since(since)


def test_a_plan_file_of_an_older_format_is_refused_before_any_request(repo: Repo) -> None:
    """A plan saved by the previous version (format 1): exit 1, a message that says to plan
    again, and no request at all."""
    older = Path(__file__).parents[1] / "plan" / "fixtures" / "plan-format-1.json"
    Path("old.json").write_text(older.read_text(encoding="utf-8"), encoding="utf-8")
    since = repo.mark()
    result = repo.run("apply", "--yes", "old.json")
    expect_exit(result, 1)
    assert "old.json has plan format 1, made by an older notion-reconciler" in result.stderr
    assert "plan again with this version: reconciler plan -o plan.json" in result.stderr
    assert repo.emulator.requests()[since:] == []


def test_a_protected_database_refuses_a_crafted_trash(repo: Repo) -> None:
    """A plan file crafted to trash a row of a protect: true database (checksum recomputed)
    is refused whatever the approval: exit 3, nothing written."""
    protected = copy.deepcopy(PROJECTS)
    protected["protect"] = True
    repo.write(protected)
    applied(repo)
    repo.run("plan", "-o", "plan.json")
    plan = load_plan(Path("plan.json"))
    projects = plan.database("projects")
    assert projects is not None
    page = _page_of(repo, "projects", "Handbook")
    trash = Change("projects", "Handbook", ChangeClass.DESTRUCTIVE, TrashRow(), page_id=page)
    crafted = dataclasses.replace(projects, changes=(trash,))
    draft = dataclasses.replace(plan, databases=(crafted,))
    write_plan(dataclasses.replace(draft, checksum=checksum(draft)), Path("crafted.json"))
    since = repo.mark()
    result = repo.run("apply", "--yes", "--allow-destroy", "--force-thresholds", "crafted.json")
    expect_exit(result, BLOCKED)
    assert "refused, whatever the approval (protect: true)" in result.stderr
    assert not repo.writes_since(since)


def test_protect_set_after_a_plan_was_saved_still_holds(repo: Repo) -> None:
    """A saved plan trashing a row, then `protect: true` added to the manifest: applying the
    plan is refused whatever the approval; manifests that do not load leave a note."""
    applied(repo)
    repo.write(tasks_with(TASKS["rows"][:2]))
    expect_exit(repo.run("plan", "-o", "plan.json"), 0)
    protected = tasks_with(TASKS["rows"][:2])
    protected["protect"] = True
    repo.write(protected)
    since = repo.mark()
    result = repo.run("apply", "--yes", "--allow-destroy", "plan.json")
    expect_exit(result, BLOCKED)
    assert "refused, whatever the approval (protect: true)" in result.stderr
    assert not repo.writes_since(since)
    (repo.root / "manifests" / "broken.yaml").write_text("database: [\n", encoding="utf-8")
    noted = repo.run("apply", "--yes", "--allow-destroy", "plan.json")
    assert "note: the manifests could not be read to check `protect:`" in noted.stderr


def _page_of(repo: Repo, handle: str, key: str) -> str:
    """The page id of a live row, read through the emulator's own API."""
    client = in_process_client(repo.emulator)
    found = client.search(query="", filter={"property": "object", "value": "page"})
    for page in found["results"]:
        title = page["properties"].get("Name", {}).get("title", [])
        if title and title[0]["plain_text"] == key:
            return str(page["id"])
    raise AssertionError(f"no page {key} in {handle}")


def test_a_stale_saved_plan_is_refused(repo: Repo) -> None:
    """A row edited after `plan -o`: exit 4, the row named, nothing written."""
    applied(repo)
    edited = tasks_with(copy.deepcopy(TASKS["rows"]))
    edited["rows"][1]["Estimate"] = 8
    repo.write(edited)
    repo.run("plan", "-o", "plan.json")
    page = _page_of(repo, "tasks", "Design the pages")
    in_process_client(repo.emulator).pages.update(page, properties={"Done": {"checkbox": True}})
    since = repo.mark()
    result = repo.run("apply", "--yes", "plan.json")
    expect_exit(result, STALE)
    assert "tasks/design-pages" in result.stderr
    assert not repo.writes_since(since)


def test_applying_a_finished_plan_again_writes_nothing(repo: Repo) -> None:
    """apply plan.json twice: the second run is all already done, no write."""
    repo.run("plan", "-o", "plan.json")
    applied(repo, "plan.json")
    since = repo.mark()
    result = applied(repo, "plan.json")
    assert "0 done, 12 already done" in result.stdout
    assert re.search(
        r"Every change of this plan was applied before \(recorded in"
        r" \.reconciler/journal-[0-9a-f]{12}\.jsonl\)",
        result.stderr,
    )
    assert not repo.writes_since(since)


def test_at_a_terminal_typing_the_database_name_approves(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a TTY the gate asks for the database name, then for confirmation."""
    applied(repo)
    repo.write(tasks_with(TASKS["rows"][:2]))
    monkeypatch.setattr("reconciler.cli.cmd_apply.interactive", lambda: True)
    result = repo.run("apply", stdin="tasks\ny\n")
    expect_exit(result, 0)
    assert "Type the database name (tasks)" in result.stderr


def test_at_a_terminal_a_wrong_name_blocks(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Typing anything else than the name: exit 3, nothing written."""
    applied(repo)
    repo.write(tasks_with(TASKS["rows"][:2]))
    monkeypatch.setattr("reconciler.cli.cmd_apply.interactive", lambda: True)
    since = repo.mark()
    result = repo.run("apply", stdin="yes\n")
    expect_exit(result, BLOCKED)
    assert not repo.writes_since(since)


def test_at_a_terminal_declining_writes_nothing(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Answering no at the confirmation: exit 1, nothing written."""
    monkeypatch.setattr("reconciler.cli.cmd_apply.interactive", lambda: True)
    since = repo.mark()
    result = repo.run("apply", stdin="n\n")
    expect_exit(result, 1)
    assert not repo.writes_since(since)


def test_a_held_lock_refuses_a_second_apply(repo: Repo) -> None:
    """Another apply holds the workspace: LockError naming it, exit 1, nothing written."""
    since = repo.mark()
    with WorkspaceLock(repo.root / ".reconciler" / "apply.lock", describe="reconciler apply x"):
        result = repo.run("apply", "--yes", "--lock-wait", "0.2")
    expect_exit(result, 1)
    assert "another apply holds the lock on this workspace" in result.stderr
    assert not repo.writes_since(since)


def test_ci_progress_is_a_readable_account_by_default(repo: Repo) -> None:
    """Without a terminal, and without --log-format json: a line per stage with its count and
    the summary; no JSON, no line per change."""
    result = applied(repo)
    assert "Applying databases: 2 changes" in result.stderr
    assert "Applying row creates: 5 changes" in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("{")] == []
    assert "apply change" not in result.stderr
    assert "Apply: 12 done" in result.stdout


@pytest.mark.parametrize("how", ["--log-format", "RECONCILER_LOG_FORMAT"])
def test_log_format_json_gives_one_json_event_per_change(repo: Repo, how: str) -> None:
    """--log-format json (or RECONCILER_LOG_FORMAT=json): each change is one JSON event on
    stderr, and so is every note."""
    if how == "--log-format":
        result = repo.run("apply", "--yes", "--log-format", "json")
    else:
        result = repo.run("apply", "--yes", RECONCILER_LOG_FORMAT="json")
    expect_exit(result, 0)
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    changes = [line for line in lines if line.get("event") == "apply change"]
    expected = 12
    assert expected == len(changes)
    assert {"change", "status", "finished", "total"} <= set(changes[0])
    assert lines[0]["event"].startswith("Read 2 databases:")


def test_quiet_apply_prints_only_its_result(repo: Repo) -> None:
    """--quiet: no plan shown, no progress, no notes; the summary, the databases created and
    the undo plan are the result."""
    result = repo.run("apply", "--yes", "--quiet")
    expect_exit(result, 0)
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Apply: 12 done")
    assert [line.split(":")[0] for line in lines[1:3]] == [
        "Created database projects",
        "Created database tasks",
    ]
    assert lines[3].startswith("Undo plan: ")
    assert len(lines) == 4


def test_no_changes_is_said_once_on_one_stream(repo: Repo) -> None:
    """A workspace in sync: plan and apply say "No changes" once each, on stdout only."""
    applied(repo)
    for args in (("plan",), ("apply", "--yes")):
        result = repo.run(*args)
        expect_exit(result, 0)
        assert (result.stdout.count("No changes"), result.stderr.count("No changes")) == (1, 0)


def test_database_limits_the_apply_to_that_database(repo: Repo) -> None:
    """--database tasks applies the tasks changes and leaves projects as they are."""
    applied(repo)
    projects = copy.deepcopy(PROJECTS)
    projects["rows"][0]["Budget"] = 99
    edited = tasks_with(copy.deepcopy(TASKS["rows"]))
    edited["rows"][0]["Estimate"] = 3
    repo.write(projects, edited)
    result = applied(repo, "--database", "tasks")
    assert "Apply: 1 done" in result.stdout
    rest = repo.run("plan", "--format", "json")
    changed = [c["id"] for db in json.loads(rest.stdout)["databases"] for c in db["changes"]]
    expected = ["projects/update_row/Website"]
    assert expected == changed


def test_a_saved_plan_linking_into_a_database_it_leaves_out_applies_the_link(
    repo: Repo,
) -> None:
    """plan --database tasks -o, with a new link to a project row: apply writes the one task
    (the plan carries the related database's ids), and nothing is left to do."""
    applied(repo)
    edited = tasks_with(copy.deepcopy(TASKS["rows"]))
    edited["rows"][2]["Project"] = ["Website"]
    repo.write(edited)
    repo.run("plan", "--database", "tasks", "-o", "plan.json")
    since = repo.mark()
    result = repo.run("apply", "--yes", "plan.json")
    expect_exit(result, 0)
    assert len(repo.writes_since(since)) == 1
    expect_exit(repo.run("plan", "--detailed-exitcode"), 0)


def test_the_terminal_progress_is_one_redrawn_line() -> None:
    """On a TTY each finished change redraws the bar; the last one ends the line."""
    runner = CliRunner()
    change = Change("tasks", "a", ChangeClass.SAFE, CreateRow())

    def draw() -> None:
        progress = TerminalProgress()
        progress(StageStarted(2, 0, "row creates", 2))
        progress(ChangeFinished(ChangeOutcome(change, Status.DONE), 1, 2))
        progress(ChangeFinished(ChangeOutcome(change, Status.FAILED, message="x"), 2, 2))

    with runner.isolation() as (_, err, _both):
        draw()
        shown = err.getvalue().decode()
    assert "\r[###############---------------] 1/2 row creates" in shown
    assert shown.rstrip().endswith("2/2 row creates, 1 failed")


def test_the_suggested_approval_command_works_as_printed(repo: Repo) -> None:
    """The `--approve` command a blocked apply prints, run as is, applies the plan."""
    applied(repo)
    repo.write(tasks_with(TASKS["rows"][:2]))
    blocked = repo.run("apply", "--yes")
    expect_exit(blocked, BLOCKED)
    line = next(
        line for line in blocked.stderr.splitlines() if line.startswith("to approve exactly")
    )
    words = shlex.split(line.split(": ", 1)[1])
    command = ["reconciler", "apply", "--yes"]
    assert command == words[:3]
    result = repo.run(*words[1:])
    expect_exit(result, 0)
    assert "Apply: 1 done" in result.stdout


def test_the_approval_command_a_plan_suggests_works_as_printed(repo: Repo) -> None:
    """`plan` without a saved plan suggests `reconciler apply <same arguments> --approve X`,
    with --yes as there is no terminal to confirm on; run as printed it applies the plan."""
    applied(repo)
    repo.write(tasks_with(TASKS["rows"][:2]))
    planned = repo.run("plan", "--database", "tasks", "manifests")
    expect_exit(planned, 0)
    lines = planned.stdout.splitlines()
    asked = lines.index(
        "1 change can lose data and needs approval; approve exactly this plan with:"
    )
    words = shlex.split(lines[asked + 1])
    checksum_ = planned.stderr.rsplit("checksum ", 1)[1].strip()
    assert words == [
        "reconciler", "apply", "--yes", "--database", "tasks", "manifests", "--approve", checksum_,
    ]  # fmt: skip
    result = repo.run(*words[1:])
    expect_exit(result, 0)
    assert "Apply: 1 done" in result.stdout


def test_apply_shows_its_plan_without_suggesting_another_apply(repo: Repo) -> None:
    """The plan apply shows before it writes ends at the checksum: no `Apply with:` hint."""
    result = applied(repo)
    assert "Checksum: " in result.stdout
    assert "Apply with:" not in result.stdout
    assert "approve exactly this plan" not in result.stdout


def test_one_change_without_a_terminal_is_spelt_in_the_singular(repo: Repo) -> None:
    """One pending change: `the 1 change shown above needs confirmation`."""
    applied(repo)
    repo.write(tasks_with([{**TASKS["rows"][0], "Name": "Renamed"}, *TASKS["rows"][1:]]))
    result = repo.run("apply")
    expect_exit(result, 1)
    assert "not applied: the 1 change shown above needs confirmation" in result.stderr


def test_an_unreachable_lock_stops_the_apply_without_showing_its_password(repo: Repo) -> None:
    """RECONCILER_LOCK_URL names a Redis that does not answer: exit 1 before anything is
    written, naming the host; the URL's password is shown nowhere."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: nothing listens there
    since = repo.mark()
    result = repo.run(
        "apply", "--yes", RECONCILER_LOCK_URL=f"redis://:lockPassw0rdSecret@127.0.0.1:{port}/0"
    )
    expect_exit(result, 1)
    assert f"in Redis at 127.0.0.1:{port}/0 cannot be reached" in result.stderr
    assert "lockPassw0rdSecret" not in result.output
    assert not repo.writes_since(since)


def test_apply_prints_the_id_and_url_of_each_database_it_creates(repo: Repo) -> None:
    """Each new database: its id and URL, to pin in the manifest; pinned, the plan is empty."""
    result = applied(repo)
    created = [line for line in result.stdout.splitlines() if line.startswith("Created database")]
    assert [line.split(":", 1)[0] for line in created] == [
        "Created database projects",
        "Created database tasks",
    ]
    found = re.search(
        r"Created database tasks: id ([0-9a-f-]{36}) \((\S+)\); pin it", result.stdout
    )
    assert found is not None, result.stdout
    database_id, url = found.groups()
    assert url.startswith("https://")
    assert database_id.replace("-", "") in url
    assert f"pin it in its manifest with `id: {database_id}`" in created[1]
    repo.write({**TASKS, "id": database_id})
    expect_exit(repo.run("plan", "--detailed-exitcode"), 0)


def test_a_local_apply_prints_the_id_without_a_url(tmp_path: Path) -> None:
    """In the --local workspace a URL opens nowhere: the id alone."""
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "tasks.yaml").write_text(
        "database: tasks\ntitle: Tasks\nproperties: {Name: title}\nrows: [{Name: a}]\n"
    )
    result = CliRunner().invoke(
        cli,
        [
            "apply",
            "--local",
            "--local-store",
            str(tmp_path / "l.sqlite"),
            "--yes",
            str(tmp_path / "manifests"),
        ],
    )
    expect_exit(result, 0)
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("Created database")]
    assert re.fullmatch(
        r"Created database tasks: id [0-9a-f-]{36}; pin it in its manifest with `id: \S+`", line
    )
