"""Every command the reconciler suggests runs as printed where it was printed (issue 14, item 6).

Each test runs the CLI as a subprocess without a terminal (stdin from /dev/null, output to
pipes: a CI job), takes the command a run suggested, runs it exactly as printed, and checks
that it does what the suggestion says. The example manifests and a --local workspace stand in
for Notion; a change that clears Ada's phone makes a plan that needs approval.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
CLI = "from reconciler.cli import main; main()"


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTION_", "RECONCILER_"))}
    for name in ("PEOPLE_DATABASE_ID", "PROJECTS_DATABASE_ID", "TASKS_DATABASE_ID"):
        env.pop(name, None)
    return {**env, "NO_COLOR": "1"}


def reconciler(root: Path, *args: str) -> Ran:
    """The CLI in a subprocess without a terminal, as a CI job runs it."""
    done = subprocess.run(
        [sys.executable, "-c", CLI, *args],
        cwd=root,
        env=environment(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def as_printed(root: Path, line: str) -> Ran:
    """Run a suggested command line exactly as printed (a `reconciler ...` command)."""
    words = shlex.split(line)
    assert words[0] == "reconciler", line
    return reconciler(root, *words[1:])


def suggestion(text: str, after: str) -> str:
    """The command following ``after`` on its line (or alone on the next line)."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if after in line:
            rest = line.split(after, 1)[1].strip().strip("`")
            return rest or lines[number + 1].strip()
    raise AssertionError(f"no {after!r} in:\n{text}")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The example applied to the --local workspace; then Ada's phone cleared in the manifest
    (a lossy change: it needs approval)."""
    shutil.copytree(REPOSITORY / "manifests", tmp_path / "manifests")
    applied = reconciler(tmp_path, "apply", "--local", "--yes")
    assert applied.code == 0, applied.stderr
    manifest = tmp_path / "manifests" / "people.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace('Phone: "+44 20 7946 0001"', "Phone: null"), "utf-8")
    return tmp_path


def safe_change(root: Path) -> None:
    """Give Ada another phone instead of clearing it: nothing then needs approval."""
    manifest = root / "manifests" / "people.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("Phone: null", 'Phone: "+44 20 7946 0002"'), "utf-8")


def in_sync(root: Path) -> bool:
    return reconciler(root, "plan", "--local", "--detailed-exitcode").code == 0


def test_the_plans_approval_command_runs_as_printed_in_ci(repo: Path) -> None:
    """`plan -o plan.json` without a terminal suggests `reconciler apply --yes ... --approve X`,
    which applies the plan."""
    planned = reconciler(repo, "plan", "--local", "-o", "plan.json")
    line = suggestion(planned.stdout, "approve exactly this plan with:")
    assert line.startswith("reconciler apply --yes --local plan.json --approve ")
    assert as_printed(repo, line).code == 0
    assert in_sync(repo)


def test_a_safe_plans_apply_command_runs_as_printed_in_ci(repo: Path) -> None:
    """No lossy change: `Apply with: reconciler apply --yes --local` applies it."""
    safe_change(repo)
    planned = reconciler(repo, "plan", "--local")
    line = suggestion(planned.stdout, "Apply with:")
    assert line == "reconciler apply --yes --local"
    assert as_printed(repo, line).code == 0
    assert in_sync(repo)


def test_a_blocked_applys_approval_command_runs_as_printed_in_ci(repo: Path) -> None:
    """`apply --local plan.json` without --yes and without a terminal is blocked (exit 3); the
    command it suggests (`--yes` and `--approve <sum>`) applies the plan."""
    reconciler(repo, "plan", "--local", "-o", "plan.json")
    blocked = reconciler(repo, "apply", "--local", "plan.json")
    assert blocked.code == 3, blocked.stderr
    line = suggestion(blocked.stderr, "to approve exactly this plan:")
    assert line.startswith("reconciler apply --yes --local plan.json --approve ")
    assert as_printed(repo, line).code == 0
    assert in_sync(repo)


def test_a_blocked_applys_allow_destroy_command_runs_as_printed_in_ci(repo: Path) -> None:
    """The other suggestion of a blocked apply, `--allow-destroy`, applies the plan too."""
    blocked = reconciler(repo, "apply", "--local")
    line = suggestion(blocked.stderr, "or approve every lossy and destructive change:")
    assert line == "reconciler apply --yes --local --allow-destroy"
    assert as_printed(repo, line).code == 0
    assert in_sync(repo)


def test_an_unconfirmed_applys_command_runs_as_printed_in_ci(repo: Path) -> None:
    """A safe apply without --yes and without a terminal writes nothing (exit 1) and says the
    command that applies it."""
    safe_change(repo)
    unconfirmed = reconciler(repo, "apply", "--local")
    assert unconfirmed.code == 1
    line = suggestion(unconfirmed.stderr, "hint: to apply it:")
    assert line == "reconciler apply --yes --local"
    assert as_printed(repo, line).code == 0
    assert in_sync(repo)


def test_the_undo_command_runs_as_printed_in_ci(repo: Path) -> None:
    """The undo an apply suggests (it restores what the apply changed, the created rows'
    trashes approved for exactly that undo) runs as printed and puts Notion back."""
    fresh = repo / "fresh"
    shutil.copytree(REPOSITORY / "manifests", fresh / "manifests")
    applied = reconciler(fresh, "apply", "--local", "--yes")
    line = suggestion(applied.stdout, "to put back what this apply did:").removesuffix(")")
    assert line.startswith("reconciler apply --yes --local .reconciler/undo/undo-")
    assert " --approve " in line
    undone = as_printed(fresh, line)
    assert undone.code == 0, undone.stderr
    assert "done" in undone.stdout
    assert reconciler(fresh, "plan", "--local", "--detailed-exitcode").code == 2


def test_shows_apply_command_names_the_plans_workspace(repo: Path) -> None:
    """`show plan.json` of a --local plan suggests applying it to that same store (the plan
    records it), with --yes in CI; it runs as printed."""
    reconciler(repo, "plan", "--local", "-o", "plan.json")
    shown = reconciler(repo, "show", "plan.json")
    line = suggestion(shown.stdout, "approve exactly this plan with:")
    assert line.startswith(
        "reconciler apply --yes --local --local-store .reconciler/local.sqlite plan.json --approve"
    )
    assert as_printed(repo, line).code == 0
    assert in_sync(repo)


def test_the_pull_request_comment_gives_one_approval_instruction(repo: Path) -> None:
    """The Markdown comment says one way to approve: commit the checksum to the approval file
    the apply workflow reads; no `reconciler apply` command besides (the instruction runs as
    printed in tests/product/test_review_flow.py, through the workflows' own steps)."""
    planned = reconciler(repo, "plan", "--local", "--format", "markdown", "-o", "plan.json")
    instructions = [line for line in planned.stdout.splitlines() if "approve" in line]
    checksum = planned.stderr.rsplit("checksum ", 1)[1].strip()
    assert [line.strip() for line in instructions[1:]] == [
        f"echo {checksum} > .github/reconciler-approve"
    ]
    assert "reconciler apply" not in planned.stdout
