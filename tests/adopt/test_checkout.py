"""The git checkout pull protects: which files have uncommitted changes, their text at HEAD, and
the checkouts git itself refuses to read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reconciler.adopt.pull.checkout import Checkout
from reconciler.errors import ConfigError
from tests.adopt.workspace import Team


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return Team.create(
        tmp_path, {"manifests/a.yaml": "a: 1\n", "manifests/b.yaml": "b: 1\n", "c.csv": "c\n"}
    )


def _checkout(team: Team) -> Checkout:
    found = Checkout.of(team.root / "manifests")
    assert found is not None
    return found


def test_a_folder_outside_git_is_no_checkout(tmp_path: Path) -> None:
    """No repository around the folder: None, and pull then edits without git's checks."""
    assert Checkout.of(tmp_path) is None


def test_without_git_installed_there_is_no_checkout(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git not on PATH: None rather than an error."""
    monkeypatch.setenv("PATH", str(team.root / "nowhere"))
    assert Checkout.of(team.root) is None


def test_a_checkout_git_refuses_to_read_is_an_error_saying_how_to_trust_it(
    team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git's "dubious ownership" refusal (a checkout of another user, in a container) is not
    taken for "no checkout", which would drop the protection: it is an error with the fix."""
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "git"
    fake.write_text(
        "#!/bin/sh\necho \"fatal: detected dubious ownership in repository at '$PWD'\" >&2\n"
        "exit 128\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(ConfigError) as refused:
        Checkout.of(team.root)
    assert refused.value.hint is not None
    assert "git config --global --add safe.directory" in refused.value.hint


def test_uncommitted_lists_modified_staged_and_untracked_files_only(team: Team) -> None:
    """Of the files asked about: one edited, one staged, one new; the untouched one is not."""
    team.write("manifests/a.yaml", "a: 2\n")
    team.write("c.csv", "c\nd\n")
    team.git("add", "c.csv")
    team.write("manifests/new.yaml", "n: 1\n")
    paths = [team.root / p for p in ("manifests/a.yaml", "manifests/b.yaml", "c.csv")]
    paths.append(team.root / "manifests/new.yaml")
    found = _checkout(team).uncommitted(paths)
    assert [p.relative_to(team.root).as_posix() for p in found] == [
        "c.csv",
        "manifests/a.yaml",
        "manifests/new.yaml",
    ]


def test_at_head_is_the_committed_text_or_none_for_a_new_file(team: Team) -> None:
    """The text of the last commit, whatever the working tree says; None for a file HEAD lacks."""
    team.write("manifests/a.yaml", "a: 2\n")
    team.write("manifests/new.yaml", "n: 1\n")
    checkout = _checkout(team)
    assert checkout.at_head(team.root / "manifests/a.yaml") == "a: 1\n"
    assert checkout.at_head(team.root / "manifests/new.yaml") is None
