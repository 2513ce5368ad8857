"""The versions in use, named by `reconciler doctor --debug` and the benchmark report.

A bug report or a measurement is only worth what it says it ran with: Python, notion-reconciler
and every dependency the package declares (read from its installed metadata, so a dependency
added to pyproject.toml is named without another list to keep), and the benchmark report says
whether those are the versions the shipped lock pins.
"""

from __future__ import annotations

import platform
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner
from packaging.requirements import Requirement

from benchmarks.scenarios.machine import canonical_name, describe_machine, locked_versions
from benchmarks.scenarios.report import render_markdown
from reconciler import __version__
from reconciler.cli import cli
from reconciler.versions import InstalledVersion, describe_versions, versions_in_use

ROOT = Path(__file__).resolve().parents[2]


def runtime_dependencies() -> list[str]:
    """The names of pyproject.toml's `dependencies`, canonical."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [canonical_name(Requirement(text).name) for text in project["dependencies"]]


def test_the_versions_in_use_are_python_the_package_then_every_runtime_dependency() -> None:
    """In that order, each with the version installed; test tools are not part of a run."""
    versions = versions_in_use()
    runtime = [v for v in versions[2:] if not v.extra]

    assert versions[:2] == (
        InstalledVersion("Python", platform.python_version()),
        InstalledVersion("notion-reconciler", __version__),
    )
    assert [canonical_name(v.name) for v in runtime] == runtime_dependencies()
    assert all(v.version == metadata.version(v.name) for v in runtime)
    assert "pytest" not in {v.name for v in versions}


def test_installed_optional_dependencies_are_named_with_their_extra() -> None:
    """redis (extra redis) and the serve extra's packages, as the test environment has them."""
    optional = {v.name: v.extra for v in versions_in_use() if v.extra}

    assert optional == {"redis": "redis", "prometheus-client": "serve", "waitress": "serve"}


def test_the_versions_read_as_one_line() -> None:
    """Required first, then the optional ones with their extra."""
    versions = (
        InstalledVersion("Python", "3.12.1"),
        InstalledVersion("notion-reconciler", "0.1.0"),
        InstalledVersion("httpx", "0.29.0"),
        InstalledVersion("redis", "8.2.0", "redis"),
    )

    assert describe_versions(versions) == (
        "Python 3.12.1, notion-reconciler 0.1.0, httpx 0.29.0; optional: redis 8.2.0 (redis)"
    )


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "reconciler.yaml").write_text("manifests: manifests\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_doctor_with_debug_names_the_versions_first(repository: Path) -> None:
    """`doctor --debug`: a note with every version before the first check."""
    store = str(repository / "local.sqlite")

    result = CliRunner().invoke(cli, ["doctor", "--local", "--local-store", store, "--debug"])

    first = result.stdout.splitlines()[0]
    assert first == f"- versions: {describe_versions(versions_in_use())}"
    assert f"httpx {metadata.version('httpx')}" in first


def test_doctor_without_debug_does_not_list_versions(repository: Path) -> None:
    """The plain checklist stays short."""
    store = str(repository / "local.sqlite")

    result = CliRunner().invoke(cli, ["doctor", "--local", "--local-store", store])

    assert "versions:" not in result.stdout


def test_the_benchmark_machine_names_every_runtime_dependency() -> None:
    """The report's packages: notion-reconciler and each dependency, from the same source."""
    packages = describe_machine(ROOT)["packages"]
    assert isinstance(packages, dict)

    assert next(iter(packages)) == "notion-reconciler"
    assert set(runtime_dependencies()) <= {canonical_name(name) for name in packages}


def test_the_report_says_which_measured_versions_differ_from_the_shipped_lock() -> None:
    """httpx measured at 0.28.1 while the lock pins another: the report says so, and to rerun."""
    report = json_report(httpx="0.28.1")
    locked = locked_versions(ROOT / "requirements" / "runtime.txt")

    markdown = render_markdown(report, locked)

    assert (
        "**Measured with other versions than requirements/runtime.txt locks** (what ships):"
        f" httpx 0.28.1 (locked {locked['httpx']}). Rerun to measure the locked versions."
    ) in markdown


def test_the_report_says_when_it_measured_exactly_the_locked_versions() -> None:
    """Every measured version is the lock's: the figures measure what ships."""
    locked = locked_versions(ROOT / "requirements" / "runtime.txt")

    markdown = render_markdown(json_report(httpx=locked["httpx"]), locked)

    assert "These are the versions requirements/runtime.txt locks" in markdown


def json_report(httpx: str) -> dict[str, object]:
    """The smallest document render_markdown accepts: the machine and pace, no scenario."""
    return {
        "command": "python benchmarks/run.py",
        "pace": "x10",
        "machine": {
            "date": "2026-12-07T00:00:00Z", "cpu": "cpu", "cores": 2, "memory_gib": 24,
            "os": "Linux", "python": "3.11.7", "sqlite": "3.40.1",
            "packages": {"notion-reconciler": "0.1.0", "httpx": httpx},
            "git_commit": "0" * 40, "load_average_at_start": "0 0 0",
        },
    }  # fmt: skip
