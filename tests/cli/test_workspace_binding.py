"""A saved plan is bound to the workspace it was made against (issue 14, item 5): applied to
another one it is refused with nothing written, and the journal is kept per workspace."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from reconciler.cli import cli
from reconciler.cli.runtime import LOCAL_USERS
from reconciler.emulator import Emulator, EmulatorServer
from tests.apply.conftest import writes
from tests.conftest import INTEGRATION, TOKEN

REPOSITORY = Path(__file__).resolve().parents[2]


def run(*args: str, **env: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env or None, catch_exceptions=False)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example manifests, the current directory; no Notion settings."""
    shutil.copytree(REPOSITORY / "manifests", tmp_path / "manifests")
    monkeypatch.chdir(tmp_path)
    for name in ("PEOPLE_DATABASE_ID", "PROJECTS_DATABASE_ID", "TASKS_DATABASE_ID"):
        monkeypatch.delenv(name, raising=False)
    for name in ("NOTION_ROOT_PAGE", "NOTION_TOKEN", "NOTION_BASE_URL", "RECONCILER_APPROVE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def elsewhere() -> Iterator[tuple[Emulator, EmulatorServer]]:
    """Another workspace, served over TCP, with the example's people."""
    emulator = Emulator(store=":memory:", tokens={TOKEN: INTEGRATION}, rate_limit=None)
    emulator.reset()
    emulator.seed({"users": [dict(user) for user in LOCAL_USERS]})
    with emulator.serve(host="127.0.0.1", port=0) as server:
        yield emulator, server
    emulator.close()


def test_a_saved_plan_records_the_workspace_it_was_made_against(repo: Path) -> None:
    """plan -o: the file names the API (here the --local store), the workspace and the bot."""
    planned = run("plan", "--local", "-o", "plan.json")
    assert planned.exit_code == 0, planned.output
    workspace = json.loads((repo / "plan.json").read_text(encoding="utf-8"))["workspace"]
    store = (repo / ".reconciler" / "local.sqlite").resolve()
    assert (workspace["api"], workspace["bot_name"]) == (f"local:{store}", "reconciler (local)")
    assert workspace["workspace_id"]


def test_a_local_plan_applied_to_another_notion_is_refused_and_writes_nothing(
    repo: Path, elsewhere: tuple[Emulator, EmulatorServer]
) -> None:
    """The issue's steps: `plan --local -o plan.json`, then `apply plan.json --yes` with
    NOTION_BASE_URL pointing elsewhere: exit 1 naming both workspaces, nothing written there."""
    emulator, server = elsewhere
    assert run("plan", "--local", "-o", "plan.json").exit_code == 0
    mark = len(emulator.requests())
    refused = run("apply", "plan.json", "--yes", NOTION_TOKEN=TOKEN, NOTION_BASE_URL=server.url)
    assert refused.exit_code == 1, refused.output
    assert "this plan was made against workspace" in refused.stderr
    assert f"at local:{(repo / '.reconciler' / 'local.sqlite').resolve()}" in refused.stderr
    assert "but this apply reaches workspace" in refused.stderr
    assert f"at {server.url}" in refused.stderr
    assert "nothing was written" in refused.stderr
    assert writes(emulator, mark) == []


def test_a_plan_of_one_local_store_is_refused_by_another(repo: Path) -> None:
    """Two --local stores are two workspaces: a plan of one does not apply to the other."""
    assert run("plan", "--local", "--local-store", "a.sqlite", "-o", "plan.json").exit_code == 0
    refused = run("apply", "--local", "--local-store", "b.sqlite", "--yes", "plan.json")
    assert refused.exit_code == 1, refused.output
    assert "b.sqlite" in refused.stderr
    assert "a.sqlite" in refused.stderr


def test_a_fresh_local_store_is_not_told_of_another_stores_journal(repo: Path) -> None:
    """The journal is kept per workspace: applying the same manifests to a fresh store creates
    everything, without 'sent again' records of the store applied before."""
    first = run("apply", "--local", "--local-store", "a.sqlite", "--yes")
    second = run("apply", "--local", "--local-store", "b.sqlite", "--yes")
    assert (first.exit_code, second.exit_code) == (0, 0), second.output
    assert "Sent again" not in second.output
    assert "gone" not in second.output
    assert _summary(first) == _summary(second)
    assert len(list((repo / ".reconciler").glob("journal-*.jsonl"))) == 2


def _summary(result: Result) -> str:
    """``Apply: 28 done, 0 already done, ...`` without the requests and seconds."""
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("Apply: ")]
    return line.split(";")[0]


def test_the_plans_read_counts_the_question_of_the_workspace(
    repo: Path, emulator: Emulator, emulator_server: EmulatorServer
) -> None:
    """`Read N databases: R requests` counts every request the plan sent, GET /v1/users/me
    included."""
    emulator.seed({"users": [dict(user) for user in LOCAL_USERS]})
    env = {"NOTION_TOKEN": TOKEN, "NOTION_BASE_URL": emulator_server.url}
    (repo / "manifests" / "tasks.yaml").unlink()
    (repo / "manifests" / "projects.yaml").unlink()
    mark = len(emulator.requests())
    planned = run("plan", **env)
    assert planned.exit_code == 0, planned.output
    sent = emulator.requests()[mark:]
    assert "GET /v1/users/me" in {f"{r['method']} {r['path']}" for r in sent}
    assert f"Read 1 database: {len(sent)} requests" in planned.stderr
