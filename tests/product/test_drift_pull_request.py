"""The drift workflow's pull-request path, run here: the commands ``notion-drift.yml`` runs, read
from the workflow itself, against the embedded ``--local`` workspace standing in for Notion, with
the git side in a temporary repository.

The create-pull-request action cannot run here; what it is given is checked instead: the branch
content (every change the pull left in the checkout, committed as the action commits it), the
body (the file the pull's ``--summary`` wrote, which the action's ``body-path`` names), and that
without Notion edits the checkout has no diff, so the action opens nothing (and closes an open
pull request). The CLI runs in-process through click's CliRunner (``tests.adopt.workspace``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.adopt.test_pull_checkout import TASKS
from tests.adopt.workspace import PERSON, Team

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "examples" / "github" / "notion-drift.yml"
RUNNER_TEMP = "${{ runner.temp }}"


def _step(step_id: str) -> dict[str, Any]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return next(s for s in workflow["jobs"]["drift"]["steps"] if s.get("id") == step_id)


def _check_step() -> str:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return str(
        next(
            s["run"]
            for s in workflow["jobs"]["drift"]["steps"]
            if s.get("name") == "Check the pull"
        )
    )


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return Team.applied(tmp_path / "team", {"manifests/tasks.yaml": TASKS})


@pytest.fixture
def runner_temp(tmp_path: Path) -> Path:
    """The runner's temporary folder (outside the checkout)."""
    folder = tmp_path / "runner-temp"
    folder.mkdir()
    return folder


def run_pull_step(team: Team, runner_temp: Path) -> int:
    """The pull step's command and arguments, as the composite action splits them (``--local``
    added: the embedded workspace stands in for Notion)."""
    pull = _step("pull")
    args = str(pull["with"]["args"]).replace(RUNNER_TEMP, str(runner_temp))
    return team.run(str(pull["with"]["command"]), *args.split()).exit_code


def run_check_step(exit_code: int, runner_temp: Path) -> int:
    """The "Check the pull" script, as GitHub runs a `run:` step (bash -eo pipefail)."""
    env = {
        "PATH": os.environ["PATH"],
        "EXIT_CODE": str(exit_code),
        "GITHUB_STEP_SUMMARY": str(runner_temp / "step-summary.md"),
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", _check_step()],
        env=env,
        capture_output=True,
        check=False,
    )
    return done.returncode


def what_the_action_receives(team: Team, runner_temp: Path) -> tuple[list[str], str]:
    """The files the action's branch changes (every change of the checkout, committed as it
    commits them) and the body it reads."""
    proposal = _step("proposal")["with"]
    team.git("checkout", "-q", "-b", str(proposal["branch"]))
    team.commit(str(proposal["commit-message"]))
    changed = team.git("diff", "--name-only", f"main...{proposal['branch']}").split()
    body = Path(str(proposal["body-path"]).replace(RUNNER_TEMP, str(runner_temp)))
    return changed, body.read_text(encoding="utf-8")


def test_notion_edits_become_the_branch_content_and_the_body(team: Team, runner_temp: Path) -> None:
    """A person edits a task in Notion: the pull step exits 2, the check passes, the branch
    holds the manifest's change alone, and the body names the row, who edited it and when."""
    with team.notion() as notion:
        page = team.rows(notion, "Tasks", "Slug")["pages"]
        notion.pages.update(page["id"], properties={"Estimate": {"number": 8}})

    code = run_pull_step(team, runner_temp)
    changed, body = what_the_action_receives(team, runner_temp)

    assert (code, run_check_step(code, runner_temp)) == (2, 0)
    assert changed == ["manifests/tasks.yaml"]
    assert "+  - {Slug: pages, Name: Design the pages, Estimate: 8}" in team.git("show", "HEAD")
    assert f"| tasks | pages | changed in Notion | Estimate | {PERSON} |" in body


def test_no_edits_in_notion_leave_no_diff_so_no_pull_request(team: Team, runner_temp: Path) -> None:
    """Notion as the manifests say: exit 0, the check passes, and the checkout has no change, so
    the action opens no pull request (and closes an open one)."""
    code = run_pull_step(team, runner_temp)

    assert (code, run_check_step(code, runner_temp)) == (0, 0)
    assert team.git("status", "--porcelain") == ""


def test_a_failed_pull_fails_the_job_before_the_pull_request_step(runner_temp: Path) -> None:
    """Exit 1 (an error: no token, Notion down, a refusal) fails the check step, so the
    pull-request step never runs on a half-done pull."""
    assert run_check_step(1, runner_temp) == 1
