"""The pull-request flow of the example workflows, run step by step (issue 14, items 6 and 8).

A pull request clears Ada's phone (a lossy change). Its plan job plans and writes the comment;
the comment's one approval instruction, run as printed, approves the plan; on merge the apply
job applies exactly the reviewed plan, or stops with nothing written when Notion changed since
the review. Notion is the emulator over TCP; ``gh`` is a fake that answers as GitHub would for
the merged commit (its pull request, the plan run of its last commit, that run's artifact).
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from reconciler.cli.runtime import LOCAL_USERS
from reconciler.emulator import Emulator, EmulatorServer
from tests.apply.conftest import writes
from tests.conftest import INTEGRATION, TOKEN, tcp_client
from tests.product.workflow_runner import JobRun, environment, run_job

ROOT = Path(__file__).resolve().parents[2]
PLAN_WORKFLOW = ROOT / "examples" / "github" / "notion-plan.yml"
APPLY_WORKFLOW = ROOT / "examples" / "github" / "notion-apply.yml"
HEAD = "5" * 40
MERGED = "6" * 40

FAKE_GH = """#!/usr/bin/env bash
# Answers as GitHub would about one merged pull request (the --jq filters already applied).
case "$1 $2" in
  "api repos/"*) cat "$FAKE_GH_DIR/pull.json" 2>/dev/null || true ;;
  "run list") cat "$FAKE_GH_DIR/run.txt" 2>/dev/null || true ;;
  "run download")
    while [ "$#" -gt 0 ]; do [ "$1" = "--dir" ] && dir="$2"; shift; done
    [ -f "$FAKE_GH_DIR/artifact/plan.json" ] || exit 1
    mkdir -p "$dir" && cp "$FAKE_GH_DIR"/artifact/* "$dir"/ ;;
  *) echo "fake gh: unexpected $*" >&2; exit 2 ;;
esac
"""


@dataclass
class Flow:
    """A pull request's checkout, main's checkout after the merge, and what GitHub knows."""

    pull: Path
    main: Path
    gh: Path
    emulator: Emulator
    server: EmulatorServer

    def environ(self) -> dict[str, str]:
        path = f"{self.gh}:{Path(sys.executable).parent}:{environment({}).get('PATH', '')}"
        return environment(
            {"PATH": path, "FAKE_GH_DIR": str(self.gh), "NOTION_BASE_URL": self.server.url}
        )

    secrets: dict[str, str] = field(default_factory=lambda: {"NOTION_TOKEN": TOKEN})
    """The secrets of the environment the next job runs in."""

    def context(self, **inputs: str) -> dict[str, Any]:
        return {
            "github": {"token": "ghs_fake", "repository": "acme/notion", "sha": MERGED},
            "inputs": inputs,
            "secrets": self.secrets,
            "vars": {},
        }

    def plan_job(self) -> JobRun:
        return run_job(
            PLAN_WORKFLOW, "plan", self.pull, context=self.context(), environ=self.environ()
        )

    def publish_artifact(self) -> None:
        """What GitHub keeps of the plan run of the pull request's last commit."""
        (self.gh / "pull.json").write_text(
            json.dumps({"number": 7, "head": {"sha": HEAD}}), encoding="utf-8"
        )
        (self.gh / "run.txt").write_text("4242\n", encoding="utf-8")
        artifact = self.gh / "artifact"
        artifact.mkdir(exist_ok=True)
        for name in ("plan.json", "plan.md"):
            shutil.copy(self.pull / name, artifact / name)

    def merge(self) -> None:
        shutil.copytree(self.pull / "manifests", self.main / "manifests", dirs_exist_ok=True)
        approval = self.pull / ".github" / "reconciler-approve"
        if approval.exists():
            (self.main / ".github").mkdir(exist_ok=True)
            shutil.copy(approval, self.main / ".github" / "reconciler-approve")

    def apply_job(self, **inputs: str) -> JobRun:
        context = self.context(**inputs)
        return run_job(APPLY_WORKFLOW, "apply", self.main, context=context, environ=self.environ())

    def reconciler(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The CLI in main's checkout, with the token (as a person with access would run it)."""
        return subprocess.run(
            [sys.executable, "-c", "from reconciler.cli import main; main()", *args],
            cwd=self.main,
            env={**self.environ(), "NOTION_TOKEN": TOKEN},
            capture_output=True,
            text=True,
            check=False,
        )

    def in_sync(self) -> bool:
        return self.reconciler("plan", "--detailed-exitcode").returncode == 0


@pytest.fixture
def flow(tmp_path: Path, emulator: Emulator, emulator_server: EmulatorServer) -> Flow:
    """The example applied to Notion; then a pull request clearing Ada's phone."""
    if shutil.which("jq") is None:
        pytest.skip("the workflows' scripts need jq, which is not installed")
    emulator.seed({"users": [dict(user) for user in LOCAL_USERS]})
    gh = tmp_path / "gh"
    gh.mkdir()
    (gh / "gh").write_text(FAKE_GH, encoding="utf-8")
    (gh / "gh").chmod(stat.S_IRWXU)
    flow = Flow(tmp_path / "pull", tmp_path / "main", gh, emulator, emulator_server)
    for checkout in (flow.pull, flow.main):
        shutil.copytree(ROOT / "manifests", checkout / "manifests")
        (checkout / "reconciler.yaml").write_text("rate_limit: {rps: 0}\n", encoding="utf-8")
    converged = flow.reconciler("apply", "--yes")
    assert converged.returncode == 0, converged.stderr
    people = flow.pull / "manifests" / "people.yaml"
    text = people.read_text(encoding="utf-8")
    people.write_text(text.replace('Phone: "+44 20 7946 0001"', "Phone: null"), "utf-8")
    return flow


def approve_as_the_comment_says(flow: Flow) -> None:
    """Run the comment's approval instruction exactly as printed, in the pull request."""
    comment = (flow.pull / "plan.md").read_text(encoding="utf-8")
    (line,) = [line.strip() for line in comment.splitlines() if line.strip().startswith("echo ")]
    (flow.pull / ".github").mkdir(exist_ok=True)
    done = subprocess.run(["bash", "-c", line], cwd=flow.pull, check=False)
    assert done.returncode == 0


def test_the_comments_approval_runs_as_printed_and_the_merge_applies_the_reviewed_plan(
    flow: Flow,
) -> None:
    """Plan job, approval as the comment says, plan job again (the comment says approved),
    merge: the apply job applies the reviewed plan, lossy change included."""
    first = flow.plan_job()
    assert first.failed is None, first.logs
    approve_as_the_comment_says(flow)
    second = flow.plan_job()
    assert second.failed is None, second.logs
    comment = (flow.pull / "plan.md").read_text(encoding="utf-8")
    assert "**Approved**: `.github/reconciler-approve` in this pull request holds" in comment
    flow.publish_artifact()
    flow.merge()
    applied = flow.apply_job()
    assert applied.failed is None, applied.logs
    assert applied.summary.strip() == "Applied: the reviewed plan."
    assert flow.in_sync()


def test_a_merge_after_notion_changed_applies_nothing(flow: Flow) -> None:
    """Someone edits Notion after the review: planning main gives another checksum, so the
    apply job stops (exit 4) with nothing written and says why."""
    assert flow.plan_job().failed is None
    approve_as_the_comment_says(flow)
    assert flow.plan_job().failed is None
    flow.publish_artifact()
    notion = tcp_client(flow.server.url)
    (grace,) = [
        page
        for page in notion.search(filter={"value": "page", "property": "object"})["results"]
        if page["properties"].get("Email", {}).get("email") == "grace@example.com"
    ]
    notion.pages.update(grace["id"], properties={"Phone": {"phone_number": "+1 555 0100"}})
    flow.merge()
    mark = len(flow.emulator.requests())
    stopped = flow.apply_job()
    assert (stopped.failed, stopped.codes["compare"]) == ("compare", 4)
    assert "Not applied: Notion or the manifests changed since the review" in stopped.summary
    assert writes(flow.emulator, mark) == []


def test_a_commit_without_a_reviewed_plan_applies_nothing(flow: Flow) -> None:
    """A push that did not come from a pull request (no plan was reviewed): the apply job
    stops at once, saying so, and writes nothing."""
    flow.merge()
    mark = len(flow.emulator.requests())
    stopped = flow.apply_job()
    assert stopped.failed == "reviewed"
    assert "did not come from a merged pull request" in stopped.logs["reviewed"]
    assert writes(flow.emulator, mark) == []


def test_a_run_by_hand_applies_exactly_the_plan_whose_checksum_it_was_given(flow: Flow) -> None:
    """workflow_dispatch with the checksum of a plan reviewed on main: that plan is applied,
    its lossy change approved by the same checksum."""
    flow.merge()
    planned = flow.reconciler("plan", "-o", "p.json")
    assert planned.returncode == 0, planned.stderr
    checksum = json.loads((flow.main / "p.json").read_text(encoding="utf-8"))["checksum"]
    applied = flow.apply_job(approve=checksum)
    assert applied.failed is None, applied.logs
    assert flow.in_sync()


def _new_phone_for_ada(flow: Flow) -> None:
    """The pull request gives Ada another phone: a sensitive value written (sealed in files)."""
    people = flow.pull / "manifests" / "people.yaml"
    text = people.read_text(encoding="utf-8")
    people.write_text(text.replace("Phone: null", 'Phone: "+44 20 7946 0999"', 1), "utf-8")


WRITE_TOKEN = "secret_reconciler_tests_writer"


@pytest.mark.parametrize("shared_key", [True, False], ids=["shared seal key", "no seal key"])
def test_a_sensitive_value_planned_by_one_token_applies_with_another_only_under_a_shared_seal_key(
    flow: Flow, shared_key: bool
) -> None:
    """The read integration plans on the pull request, the write integration applies on main:
    with the same RECONCILER_SEAL_KEY in both environments their plans seal alike and the
    reviewed plan applies; without it nothing is written and the summary says why."""
    flow.emulator.tokens[WRITE_TOKEN] = INTEGRATION
    _new_phone_for_ada(flow)
    seal = {"RECONCILER_SEAL_KEY": "0f" * 32} if shared_key else {}
    flow.secrets = {"NOTION_TOKEN": TOKEN, **seal}
    assert flow.plan_job().failed is None
    # The whole number, not a part of it: a random page id may hold four of its digits.
    assert "7946 0999" not in (flow.pull / "plan.json").read_text(encoding="utf-8")
    flow.publish_artifact()
    flow.merge()
    flow.secrets = {"NOTION_TOKEN": WRITE_TOKEN, **seal}
    mark = len(flow.emulator.requests())
    job = flow.apply_job()
    if shared_key:
        assert job.failed is None, job.logs
        assert flow.in_sync()
    else:
        assert (job.failed, writes(flow.emulator, mark)) == ("compare", [])
        assert "no RECONCILER_SEAL_KEY secret is set" in job.summary
