"""A checkout the reconciler may not write: the Docker image on another user's bind mount.

The image runs as user 10001; a checkout mounted from the host belongs to someone else, so the
state folder (lock, journal), plan files and the ``--local`` workspace cannot be written. Each
such failure is one clear error naming the file, exit 1, no traceback, and in the image (the
Dockerfile sets ``RECONCILER_IN_CONTAINER``) the fix: ``docker run --user "$(id -u):$(id -g)"``.

The repository is made read-only with its mode bits. Root ignores those, so when the suite runs as
root the CLI runs without the capabilities that let root write anywhere (``CAP_DAC_OVERRIDE``,
``CAP_DAC_READ_SEARCH``): the folder's mode then applies to it as to any other user.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from reconciler.cli.common import reports_errors
from reconciler.cli.permissions import CONTAINER_MARKER
from tests.hostile.conftest import TASKS_HEAD, CagedRun, run_caged

DOCKER_USER = 'docker run --user "$(id -u):$(id -g)"'


def run_without_write_access(root: Path, *args: str, in_container: bool) -> CagedRun:
    """``reconciler ARGS`` in ``root`` as a user the folder's mode bits apply to."""
    env = {CONTAINER_MARKER: "1"} if in_container else {}
    return run_caged(root, *args, env=env, as_other_user=True)


def _set_writable(root: Path, writable: bool) -> None:
    write_bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~write_bits)


@pytest.fixture
def read_only_checkout(tmp_path: Path) -> Iterator[Path]:
    """A repository with one manifest that nobody but root may write."""
    root = tmp_path / "checkout"
    (root / "manifests").mkdir(parents=True)
    (root / "reconciler.yaml").write_text("manifests: manifests\n", encoding="utf-8")
    (root / "manifests" / "tasks.yaml").write_text(
        TASKS_HEAD + "rows:\n  - {Name: write the docs}\n", encoding="utf-8"
    )
    _set_writable(root, writable=False)
    yield root
    _set_writable(root, writable=True)


@pytest.fixture
def store(tmp_path: Path) -> str:
    """A --local workspace file outside the checkout, where writing works."""
    (tmp_path / "elsewhere").mkdir()
    return str(tmp_path / "elsewhere" / "local.sqlite")


def _error_line(run: CagedRun) -> str:
    return next(line for line in run.stderr.splitlines() if line.startswith("Error:"))


def test_the_local_workspace_folder_that_cannot_be_made_names_the_docker_user_fix(
    read_only_checkout: Path,
) -> None:
    """plan --local: .reconciler/ cannot be created; the error says how to run the container."""
    run = run_without_write_access(read_only_checkout, "plan", "--local", in_container=True)

    assert (run.exit_code, "Traceback" in run.output) == (1, False), run.output
    assert ".reconciler (Permission denied)" in _error_line(run)
    assert DOCKER_USER in run.stderr


def test_a_plan_file_that_cannot_be_written_names_the_docker_user_fix(
    read_only_checkout: Path, store: str
) -> None:
    """plan -o plan.json into the read-only checkout: the plan file is named, then the fix."""
    run = run_without_write_access(
        read_only_checkout, "plan", "--local", "--local-store", store, "-o", "plan.json",
        in_container=True,
    )  # fmt: skip

    assert (run.exit_code, "Traceback" in run.output) == (1, False), run.output
    assert _error_line(run) == "Error: cannot write the plan file plan.json: Permission denied"
    assert "hint: choose a writable path with -o; run the container as the owner" in run.stderr
    assert DOCKER_USER in run.stderr
    assert not (read_only_checkout / "plan.json").exists()


def test_an_apply_lock_that_cannot_be_taken_names_the_docker_user_fix(
    read_only_checkout: Path, store: str
) -> None:
    """apply: the state folder's lock cannot be created; nothing is applied."""
    run = run_without_write_access(
        read_only_checkout, "apply", "--local", "--local-store", store, "--yes", in_container=True
    )

    assert (run.exit_code, "Traceback" in run.output) == (1, False), run.output
    assert "cannot open the apply lock" in _error_line(run)
    assert DOCKER_USER in run.stderr
    assert "Apply:" not in run.output


def test_doctor_says_the_state_folder_is_not_writable_and_how_to_run_the_container(
    read_only_checkout: Path, store: str
) -> None:
    """doctor's state-folder check fails with the same fix."""
    run = run_without_write_access(
        read_only_checkout, "doctor", "--local", "--local-store", store, in_container=True
    )

    assert run.exit_code == 1, run.output
    assert "state folder .reconciler/ is not writable (Permission denied)" in run.stdout
    assert DOCKER_USER in run.stdout


def test_outside_the_image_the_hint_does_not_mention_docker(read_only_checkout: Path) -> None:
    """Only the image's runs get the docker hint; elsewhere the error keeps its own hint."""
    run = run_without_write_access(read_only_checkout, "plan", "--local", in_container=False)

    assert run.exit_code == 1, run.output
    assert "hint: pass --local-store FILE in a writable folder" in run.stderr
    assert "docker" not in run.output


@click.command()
@reports_errors
def _writes_a_file() -> None:
    """A command whose write the system refuses, reported by no error of the reconciler."""
    raise PermissionError(13, "Permission denied", "/work/.reconciler/undo/plan.json")


@pytest.mark.parametrize(
    ("in_container", "hint"),
    [
        (False, "make it writable for this user, or run as its owner"),
        (True, f"run the container as the owner of the mounted folder: {DOCKER_USER} ..."),
    ],
)
def test_a_refused_write_no_error_reported_is_one_clear_error(
    in_container: bool, hint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bare PermissionError: the file and a fix, exit 1, never "this is a bug"."""
    monkeypatch.delenv(CONTAINER_MARKER, raising=False)
    if in_container:
        monkeypatch.setenv(CONTAINER_MARKER, "1")

    result = CliRunner().invoke(_writes_a_file, [])

    assert result.exit_code == 1
    assert result.output == (
        "Error: cannot access /work/.reconciler/undo/plan.json: Permission denied\n"
        f"  hint: {hint}\n"
    )
