"""The README's quickstart, run as a newcomer would: a fresh virtual environment, then its commands.

The install happens offline (tests never reach the internet): the fresh environment sees the
test environment's packages through a ``.pth`` file, and the project itself is installed from a
copy of this checkout with ``pip install --no-deps --no-index --no-build-isolation -e .``. Then the
README's main-job command runs from its first ``reconciler`` onwards, with the fresh
environment's ``bin`` first on PATH, in that copy.
"""

from __future__ import annotations

import os
import re
import shutil
import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
COPIED = ("pyproject.toml", "README.md", "CHANGELOG.md", "reconciler", "schemas", "manifests")


def quickstart_commands() -> list[str]:
    """The shell commands of the README's Quickstart section, in order."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_the_quickstart_has_exactly_two_commands_install_and_run_then_test() -> None:
    """One command installs and runs the main job, one installs the test extras and tests."""
    main_job, tests = quickstart_commands()
    assert "pip install -e ." in main_job
    assert "reconciler plan --local" in main_job
    assert "reconciler apply --local --yes" in main_job
    assert "pip install -e '.[test]'" in tests
    assert "pytest" in tests


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A copy of the project and a fresh virtual environment with it installed (offline)."""
    home = tmp_path_factory.mktemp("newcomer")
    project = home / "notion-reconciler"
    project.mkdir()
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(
                source,
                project / name,
                symlinks=True,
                ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
            )
        else:
            shutil.copy2(source, project / name)
    env_dir = home / ".venv"
    venv.EnvBuilder(with_pip=True, symlinks=True).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    parents = [p for p in site.getsitepackages() if Path(p).is_dir()]
    Path(purelib, "test-environment.pth").write_text("\n".join(parents) + "\n", encoding="utf-8")
    # The fresh environment's own (older) setuptools would shadow the one the build needs.
    subprocess.run(
        [str(python), "-m", "pip", "uninstall", "--quiet", "--yes", "setuptools"],
        check=False,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "-e",
            ".",
        ],
        cwd=project,
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {k: v for k, v in os.environ.items() if k not in ("NOTION_TOKEN", "NOTION_BASE_URL")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(env_dir)
    env.pop("PYTHONPATH", None)
    return project, env


def run(command: str, project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command],
        check=False,
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def test_the_main_job_plans_and_applies_the_examples_then_plans_nothing(
    newcomer: tuple[Path, dict[str, str]],
) -> None:
    """plan shows the three example databases created, apply does it, a second plan is empty."""
    project, env = newcomer
    main_job = quickstart_commands()[0]
    reconciler_part = main_job[main_job.index("reconciler plan") :]
    result = run(reconciler_part, project, env)
    assert result.returncode == 0, result.stderr[-2000:]
    for title in ("People", "Projects", "Tasks"):
        assert f"+ create database {title}" in result.stdout
    assert re.search(r"Apply: \d+ done, 0 already done, 0 failed", result.stdout + result.stderr)
    again = run("reconciler plan --local --detailed-exitcode", project, env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "No changes" in again.stdout
    assert Path(sys.executable).resolve() != (project / ".venv").resolve()
