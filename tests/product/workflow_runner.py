"""A small runner for the example workflows' steps, to test what they do, not only their shape.

``run_job`` goes through one job's steps as GitHub Actions would on a runner: ``run:`` scripts in
bash with the step's ``env:`` (``${{ }}`` expressions resolved from a context: ``github``,
``inputs``, ``secrets``, ``vars`` and earlier steps' outputs, read from ``GITHUB_OUTPUT``), and
the repository's composite action as the ``reconciler`` command it runs (``command`` and
``args``, split on white space as the action does). Checkout and artifact uploads are the
runner's business and skipped; a failing step stops the job unless ``continue-on-error``, and
``if: always()`` steps run anyway; other ``if:`` conditions are not evaluated. ``gh``
comes from ``PATH``: tests put a fake one there.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")
_CLI = "from reconciler.cli import main; main()"
_ACTION = "$/.github/actions/notion-reconciler"


@dataclass
class JobRun:
    """What a job left: each step's exit code and outputs, and the job summary."""

    codes: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)
    summary: str = ""

    @property
    def failed(self) -> str | None:
        """The step that failed the job (None: it succeeded)."""
        return next((name for name, code in self.codes.items() if code != 0), None)


def _resolve(value: str, context: Mapping[str, Any]) -> str:
    def lookup(match: re.Match[str]) -> str:
        found: Any = context
        for part in match.group(1).split("."):
            found = found.get(part, "") if isinstance(found, Mapping) else ""
        return str(found)

    return _EXPRESSION.sub(lookup, value)


def _env(
    step: Mapping[str, Any], base: Mapping[str, str], context: Mapping[str, Any]
) -> dict[str, str]:
    env = dict(base)
    env.update({name: _resolve(str(value), context) for name, value in step.get("env", {}).items()})
    return env


def run_job(
    workflow: Path,
    job: str,
    root: Path,
    *,
    context: Mapping[str, Any],
    environ: Mapping[str, str],
) -> JobRun:
    """Run ``job`` of ``workflow`` in ``root`` (see the module docstring)."""
    document = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    steps = document["jobs"][job]["steps"]
    result = JobRun()
    summary = root / ".github-step-summary"
    summary.write_text("", encoding="utf-8")
    scope: dict[str, Any] = {**context, "steps": {}}
    job_env = {k: _resolve(str(v), scope) for k, v in document["jobs"][job].get("env", {}).items()}
    broken = False
    for number, step in enumerate(steps):
        name = step.get("id") or step.get("name") or f"step {number}"
        if broken and step.get("if") != "always()":
            continue
        output = root / f".github-output-{number}"
        output.write_text("", encoding="utf-8")
        env = _env(step, {**environ, **job_env}, scope)
        env.update(GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary))
        uses = str(step.get("uses", ""))
        if "run" in step:
            command = ["bash", "-e", "-c", str(step["run"])]
        elif uses == _ACTION:
            with_ = {k: _resolve(str(v), scope) for k, v in step.get("with", {}).items()}
            command = [sys.executable, "-c", _CLI, with_["command"], *with_.get("args", "").split()]
        else:
            continue  # checkout, artifact upload: the runner's business
        done = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, timeout=180, check=False
        )
        result.logs[name] = done.stdout + done.stderr
        outputs = dict(
            line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if line
        )
        if uses == _ACTION:
            outputs["exit-code"] = str(done.returncode)
        result.outputs[name] = outputs
        scope["steps"][name] = {"outputs": outputs}
        code = done.returncode
        result.codes[name] = 0 if step.get("continue-on-error") else code
        broken = broken or result.codes[name] != 0
    result.summary = summary.read_text(encoding="utf-8")
    return result


def environment(extra: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without Notion or reconciler settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NOTION_", "RECONCILER_"))}
    return {**env, "NO_COLOR": "1", **extra}
